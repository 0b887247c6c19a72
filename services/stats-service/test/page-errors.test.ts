import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORD, Session, startHarness } from './harness';

let h: Harness;
let manager: Session;
let user: Session;
beforeAll(async () => {
  h = await startHarness('page-errors');
  manager = new Session(h.app);
  await manager.signIn(h.users.managerA.email);
  user = new Session(h.app);
  await user.signIn(h.users.userA.email);
});
afterAll(async () => {
  await h?.close();
});

describe('validation errors on pages', () => {
  const cases = [
    ['/?from=2026-03-10&to=2026-03-01', 'date de début', 'start date'],
    ['/?to=2026-13-45', 'date de fin', 'end date'],
    ['/notifications?loan=PR-2024-17', 'prêt', 'loan'],
    ['/notifications?status=sent,lost', 'statut', 'status'],
  ] as const;

  it.each(cases)('%s names the parameter in French, and in English', async (url, fr, en) => {
    const french = await manager.request('GET', url);
    expect(french.statusCode).toBe(400);
    expect(french.body).toContain(`Paramètre invalide : ${fr}.`);
    const english = await manager.request('GET', `${url}&lang=en`);
    expect(english.statusCode).toBe(400);
    expect(english.body).toContain(`Invalid parameter: ${en}.`);
    await manager.request('GET', '/?lang=fr');
  });
});

describe('403 pages say why', () => {
  const texts = {
    managersOnly: 'Cette page est réservée aux responsables de département et aux administrateurs.',
    superAdminOnly: 'Cette page est réservée aux administrateurs de Rappel.',
    otherDepartment: 'Vous ne pouvez consulter que les messages de votre département.',
  };

  it("tells a manager that Bull Board is the super admins'", async () => {
    for (const url of ['/queues', '/queues/api/queues']) {
      const res = await manager.request('GET', url);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain(texts.superAdminOnly);
      expect(res.body).not.toContain(texts.managersOnly);
    }
    const en = await manager.request('GET', '/queues?lang=en');
    expect(en.body).toContain('This page is for Rappel administrators only.');
    await manager.request('GET', '/?lang=fr');
  });

  it('tells a manager that another department is not theirs', async () => {
    for (const url of [`/?department=${h.deptB.id}`, `/notifications?department=${h.deptB.id}`]) {
      const res = await manager.request('GET', url);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain(texts.otherDepartment);
      expect(res.body).toContain('<a href="/">Retour</a>');
    }
  });

  it("tells a plain user the page is the managers', and links them to their preferences", async () => {
    for (const url of ['/', '/notifications', '/queues']) {
      const res = await user.request('GET', url);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain(url === '/queues' ? texts.superAdminOnly : texts.managersOnly);
      expect(res.body).toContain('<a class="brand" href="/preferences">');
      expect(res.body).toContain('<a href="/preferences">Retour</a>');
      expect(res.body).not.toContain('href="/"');
    }
  });
});

describe('where sign-in leads', () => {
  async function signInWithNext(email: string, next: string) {
    const s = new Session(h.app);
    const token = await s.formToken(`/sign-in?next=${encodeURIComponent(next)}`);
    return s.request('POST', '/sign-in', { form: { _csrf: token, email, password: PASSWORD, next } });
  }

  it('takes a plain user to their preferences, not to a page they cannot open', async () => {
    expect((await signInWithNext(h.users.userA.email, '/')).headers.location).toBe('/preferences');
    expect((await signInWithNext(h.users.userA.email, '/notifications?status=failed')).headers.location).toBe(
      '/preferences',
    );
    expect((await signInWithNext(h.users.userA.email, '/preferences?lang=en')).headers.location).toBe(
      '/preferences?lang=en',
    );
    for (const next of ['', '?next=%2F', '?next=%2Fqueues']) {
      const res = await user.request('GET', `/sign-in${next}`);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/preferences');
    }
  });

  it('takes a manager to the dashboard rather than to Bull Board', async () => {
    expect((await signInWithNext(h.users.managerA.email, '/queues')).headers.location).toBe('/');
    expect((await signInWithNext(h.users.superAdmin.email, '/queues')).headers.location).toBe('/queues');
    const signedIn = await manager.request('GET', '/sign-in?next=%2Fnotifications');
    expect(signedIn.headers.location).toBe('/notifications');
  });
});
