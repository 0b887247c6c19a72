import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Session, startHarness } from './harness';

let h: Harness;
let manager: Session;
beforeAll(async () => {
  h = await startHarness('page-errors');
  manager = new Session(h.app);
  await manager.signIn(h.users.managerA.email);
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
