import { describe, expect, it } from 'vitest';
import { linkToken, signLink, verifyLink } from './signed-link';

const secret = 'a'.repeat(32);
const now = new Date('2026-12-01T10:00:00Z');

describe('signed links', () => {
  it('round-trips and expires', () => {
    const token = linkToken({ type: 'client', id: 'c1' }, 'prefs', secret, now, 60);
    expect(verifyLink(token, secret, now)).toMatchObject({
      ok: true,
      payload: { t: 'client', id: 'c1', a: 'prefs' },
    });
    expect(verifyLink(token, secret, new Date(now.getTime() + 61 * 86_400_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects an altered payload, another secret, and garbage', () => {
    const token = signLink({ t: 'client', id: 'c1', a: 'prefs', exp: 2e9 }, secret);
    const [, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ t: 'client', id: 'c2', a: 'prefs', exp: 2e9 })).toString('base64url')}.${sig}`;
    expect(verifyLink(forged, secret, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink(token, 'b'.repeat(32), now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink('nonsense', secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLink('a.b.c', secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
