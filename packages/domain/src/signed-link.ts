import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RecipientType } from '@rappel/contracts';

/**
 * The token in the preferences and unsubscribe links carried by every message: who it is
 * for, what it allows, until when. HMAC-SHA256 over the payload with LINK_SIGNING_SECRET;
 * any change to the payload or the signature makes it invalid.
 */
export interface LinkPayload {
  /** Recipient type and id. */
  t: RecipientType;
  id: string;
  /** What the link may do: open the preferences page, or unsubscribe from a channel in one click. */
  a: 'prefs' | 'unsubscribe';
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type LinkVerification =
  | { ok: true; payload: LinkPayload }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const sign = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64url');

export function signLink(payload: LinkPayload, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(body, secret)}`;
}

export function verifyLink(token: string, secret: string, now: Date): LinkVerification {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad_signature' };
  let payload: LinkPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof payload?.id !== 'string' ||
    (payload.t !== 'client' && payload.t !== 'user') ||
    (payload.a !== 'prefs' && payload.a !== 'unsubscribe') ||
    typeof payload.exp !== 'number'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (payload.exp * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

/** Token valid for `ttlDays` from `now`. */
export function linkToken(
  recipient: { type: RecipientType; id: string },
  action: LinkPayload['a'],
  secret: string,
  now: Date,
  ttlDays: number,
): string {
  return signLink(
    {
      t: recipient.type,
      id: recipient.id,
      a: action,
      exp: Math.floor(now.getTime() / 1000) + ttlDays * 86_400,
    },
    secret,
  );
}
