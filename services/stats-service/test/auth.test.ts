import { notificationPreferences, sessions } from '@rappel/db';
import { linkToken } from '@rappel/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../src/auth/throttle';
import { loadStatsConfig } from '../src/config';
import { type Harness, LINK_SECRET, PASSWORD, Session, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('auth');
});
afterAll(async () => {
  await h?.close();
});

const setCookie = (res: { headers: Record<string, unknown> }, name: string) =>
  ([] as string[])
    .concat((res.headers['set-cookie'] as string | string[]) ?? [])
    .find((c) => c.startsWith(`${name}=`));

describe('sign-in', () => {
  it('sets an HttpOnly SameSite=Lax session cookie and stores only its hash', async () => {
    const s = new Session(h.app);
    const res = await s.signIn(h.users.managerA.email.toUpperCase());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = setCookie(res, 'rappel_session')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const token = /rappel_session=([^;]+)/.exec(cookie)![1]!;
    const stored = await h.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, h.users.managerA.id));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((r) => r.idHash)).not.toContain(token);
  });

  it('sends a plain user to the preferences page', async () => {
    const res = await new Session(h.app).signIn(h.users.userA.email);
    expect(res.headers.location).toBe('/preferences');
  });

  it('refuses a form without its CSRF token', async () => {
    const s = new Session(h.app);
    const res = await s.request('POST', '/sign-in', {
      form: { email: h.users.managerA.email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(403);
  });

  it('never keeps a session id planted before sign-in (fixation)', async () => {
    const s = new Session(h.app);
    const planted = 'A'.repeat(43);
    (s as unknown as { jar: Map<string, string> }).jar.set('rappel_session', planted);
    await s.signIn(h.users.managerA.email);
    expect(s.cookie).not.toContain(planted);
    expect((await s.request('GET', '/v1/session')).json().user.id).toBe(h.users.managerA.id);
  });

  it('only follows local next= paths', async () => {
    const s = new Session(h.app);
    const token = await s.formToken('/sign-in');
    const evil = await s.request('POST', '/sign-in', {
      form: { _csrf: token, email: h.users.managerA.email, password: PASSWORD, next: '//evil.test/x' },
    });
    expect(evil.headers.location).toBe('/');
    const s2 = new Session(h.app);
    const token2 = await s2.formToken('/sign-in');
    const ok = await s2.request('POST', '/sign-in', {
      form: {
        _csrf: token2,
        email: h.users.managerA.email,
        password: PASSWORD,
        next: '/notifications?status=failed',
      },
    });
    expect(ok.headers.location).toBe('/notifications?status=failed');
  });

  it('never redirects off the site, whatever next= hides in it', async () => {
    const hostile = [
      '/\t/evil.test',
      '/\n/evil.test',
      '/\\evil.test',
      '/\\\\evil.test',
      'https://evil.test/',
    ];
    const s = new Session(h.app);
    for (const next of hostile) {
      const page = await s.request('GET', `/sign-in?next=${encodeURIComponent(next)}`);
      expect(page.body).toContain('name="next" value=""');
    }
    const token = await s.formToken('/sign-in');
    const res = await s.request('POST', '/sign-in', {
      form: { _csrf: token, email: h.users.managerA.email, password: PASSWORD, next: hostile[0]! },
    });
    expect(res.headers.location).toBe('/');
    for (const next of hostile) {
      const signedIn = await s.request('GET', `/sign-in?next=${encodeURIComponent(next)}`);
      expect(signedIn.statusCode).toBe(302);
      expect(signedIn.headers.location).toBe('/');
    }
  });

  it('blocks an account after repeated failures, even with the right password, whoever asks', async () => {
    const email = h.users.managerB.email;
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await new Session(h.app).signIn(email, 'wrong')).statusCode).toBe(401);
    }
    expect((await new Session(h.app).signIn(email, 'wrong')).statusCode).toBe(401);
    const blocked = await new Session(h.app).signIn(email);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Trop de tentatives');
    // Unknown accounts get the same answer as known ones.
    expect((await new Session(h.app).signIn('nobody@hotel.test', 'wrong')).statusCode).toBe(401);
  });

  it('forgets old failures once the block is over', async () => {
    const email = h.users.managerB.email;
    await h.database.sql`update sign_in_throttle set last_failure_at = now() - interval '2 hours',
      blocked_until = now() - interval '1 minute' where email_key = ${email.toLowerCase()}`;
    expect((await new Session(h.app).signIn(email, 'wrong')).statusCode).toBe(401);
    const [row] = await h.database.sql`select failures, blocked_until from sign_in_throttle
      where email_key = ${email.toLowerCase()}`;
    expect(row).toMatchObject({ failures: 1, blocked_until: null });
    expect((await new Session(h.app).signIn(email)).statusCode).toBe(303);
  });

  it('signs out: the session is gone on the server', async () => {
    const s = new Session(h.app);
    await s.signIn(h.users.superAdmin.email);
    const token = await s.formToken('/preferences');
    const res = await s.request('POST', '/sign-out', { form: { _csrf: token } });
    expect(res.statusCode).toBe(303);
    expect((await s.request('GET', '/v1/session')).statusCode).toBe(401);
  });

  it('switches to English with ?lang=en and remembers it', async () => {
    const s = new Session(h.app);
    expect((await s.request('GET', '/sign-in')).body).toContain('Connexion');
    expect((await s.request('GET', '/sign-in?lang=en')).body).toContain('Sign in');
    expect((await s.request('GET', '/sign-in')).body).toContain('<html lang="en">');
  });

  it('sends security headers with a strict CSP', async () => {
    const res = await new Session(h.app).request('GET', '/sign-in');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('sign-in rate limit per IP', () => {
  it('answers 429 past the limit, before checking any password', async () => {
    const strict = await startHarness('ratelimit', { SIGN_IN_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++)
        codes.push((await new Session(strict.app).signIn('x@hotel.test', 'wrong')).statusCode);
      expect(codes).toEqual([401, 401, 429]);
    } finally {
      await strict.close();
    }
  });

  /** Sign-in attempts, each from a new session with the given X-Forwarded-For. */
  async function attempts(app: Harness['app'], forwardedFor: (i: number) => string, count: number) {
    const codes: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = new Session(app);
      const token = await s.formToken('/sign-in');
      const res = await s.request('POST', '/sign-in', {
        form: { _csrf: token, email: 'x@hotel.test', password: 'wrong' },
        headers: { 'x-forwarded-for': forwardedFor(i) },
      });
      codes.push(res.statusCode);
    }
    return codes;
  }

  it('counts by the TCP peer by default: a made-up X-Forwarded-For does not escape the limit', async () => {
    const strict = await startHarness('ratelimit-xff', { SIGN_IN_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      expect(await attempts(strict.app, (i) => `203.0.113.${i + 1}`, 3)).toEqual([401, 401, 429]);
    } finally {
      await strict.close();
    }
  });

  it('believes X-Forwarded-For from the proxies named in TRUST_PROXY', async () => {
    const behindProxy = await startHarness('ratelimit-proxy', {
      SIGN_IN_RATE_LIMIT_PER_MINUTE: '2',
      TRUST_PROXY: '127.0.0.1',
    });
    try {
      // inject() comes from 127.0.0.1, the trusted proxy: each forwarded client has its own count.
      expect(await attempts(behindProxy.app, (i) => `203.0.113.${i + 1}`, 3)).toEqual([401, 401, 401]);
      expect(await attempts(behindProxy.app, () => '198.51.100.7', 3)).toEqual([401, 401, 429]);
      // The rightmost address not a trusted proxy counts, not what the client wrote before it.
      expect(await attempts(behindProxy.app, (i) => `192.0.2.${i + 1}, 198.51.100.7`, 1)).toEqual([429]);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('cookie settings', () => {
  it('marks cookies Secure when the public URL is https, unless told otherwise', () => {
    const base = {
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      LINK_SIGNING_SECRET: LINK_SECRET,
      SESSION_SECRET: 'x'.repeat(32),
    };
    expect(loadStatsConfig({ ...base, PUBLIC_BASE_URL: 'https://rappel.hotel.test' }).cookieSecure).toBe(
      true,
    );
    expect(loadStatsConfig({ ...base, PUBLIC_BASE_URL: 'http://localhost:3004' }).cookieSecure).toBe(false);
    expect(
      loadStatsConfig({ ...base, PUBLIC_BASE_URL: 'https://rappel.hotel.test', COOKIE_SECURE: 'false' })
        .cookieSecure,
    ).toBe(false);
    expect(() => loadStatsConfig({ ...base, SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
    expect(loadStatsConfig(base).PORT).toBe(3004);
  });
});

/** The hidden fields of the preferences form on `url`: the CSRF token and the WhatsApp state shown. */
async function preferencesForm(s: Session, url: string) {
  const page = await s.request('GET', url);
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1] ?? '';
  return { _csrf: field('_csrf'), whatsappShown: field('whatsappShown') };
}

describe('preferences', () => {
  it("saves the signed-in user's channels, number and toggles; refuses a landline for WhatsApp", async () => {
    const s = new Session(h.app);
    await s.signIn(h.users.userA.email);
    const hidden = await preferencesForm(s, '/preferences');
    const bad = await s.request('POST', '/preferences', {
      form: { ...hidden, emailEnabled: 'on', whatsappEnabled: 'on', whatsappNumber: '+241 01 44 55 66' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('ne peut pas recevoir');
    expect(bad.body).toContain(`name="whatsappShown" value="${hidden.whatsappShown}"`);
    const ok = await s.request('POST', '/preferences', {
      form: { ...hidden, whatsappEnabled: 'on', whatsappNumber: '06 12 34 56', reminderD1: 'on' },
    });
    expect(ok.statusCode).toBe(303);
    const [row] = await h.database.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, h.users.userA.id));
    expect(row).toMatchObject({
      emailEnabled: false,
      whatsappEnabled: true,
      whatsappNumber: '+24106123456',
      reminderD2: false,
      reminderD1: true,
      reminderDueDay: false,
      reminder2h: false,
      whatsappConsentSource: 'preferences_page',
    });
    expect(row!.emailOptOutAt).toBeInstanceOf(Date);
  });

  it("changes a client's preferences through the signed link, without an account", async () => {
    const s = new Session(h.app);
    const token = linkToken({ type: 'client', id: h.clientB.id }, 'prefs', LINK_SECRET, new Date(), 30);
    const page = await s.request('GET', `/p/${token}`);
    expect(page.body).toContain(h.clientB.fullName);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await s.request('POST', `/p/${token}`, {
      form: { _csrf: csrf, emailEnabled: 'on', reminder2h: 'on' },
    });
    expect(res.statusCode).toBe(303);
    const [row] = await h.database.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.clientId, h.clientB.id));
    expect(row).toMatchObject({ emailEnabled: true, reminder2h: true, reminderD1: false });
    const expired = linkToken({ type: 'client', id: h.clientB.id }, 'prefs', LINK_SECRET, new Date(0), 1);
    expect((await s.request('GET', `/p/${expired}`)).statusCode).toBe(404);
  });

  it('unsubscribes in one click (RFC 8058 POST, no cookie, no CSRF token)', async () => {
    const token = linkToken({ type: 'client', id: h.clientA.id }, 'unsubscribe', LINK_SECRET, new Date(), 30);
    const confirm = await h.app.inject({ method: 'GET', url: `/u/${token}` });
    expect(confirm.body).toContain('Confirmer le désabonnement');
    const before = await h.database.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.clientId, h.clientA.id));
    expect(before.length).toBe(0);
    const res = await h.app.inject({
      method: 'POST',
      url: `/u/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    // Holding the List-Unsubscribe URL allows no more than unsubscribing: no preferences link.
    expect(res.body).not.toContain('/p/');
    expect(confirm.body).not.toContain('/p/');
    expect(res.body).toContain('Gérer mes préférences de notification');
    const [row] = await h.database.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.clientId, h.clientA.id));
    expect(row).toMatchObject({ emailEnabled: false, reminderD1: true });
    const prefsToken = linkToken({ type: 'client', id: h.clientA.id }, 'prefs', LINK_SECRET, new Date(), 30);
    expect((await h.app.inject({ method: 'POST', url: `/u/${prefsToken}` })).statusCode).toBe(404);
  });

  it('points a user who unsubscribed to their own preferences page, behind sign-in', async () => {
    const owner = { type: 'user' as const, id: h.users.userA.id };
    const token = linkToken(owner, 'unsubscribe', LINK_SECRET, new Date(), 30);
    const res = await h.app.inject({ method: 'POST', url: `/u/${token}?lang=en` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Done: you will no longer receive Rappel e-mails.');
    expect(res.body).toContain('href="/preferences"');
    expect(res.body).not.toContain('/p/');
  });
});
