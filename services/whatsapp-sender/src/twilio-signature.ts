import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookParams = Record<string, string | string[] | undefined>;

/**
 * Checks X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the URL Twilio
 * called followed by each POST parameter as name+value, names sorted
 * (https://www.twilio.com/docs/usage/security#validating-requests).
 */
export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: WebhookParams,
): boolean {
  if (!signature) return false;
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => {
      const value = params[key];
      const values = Array.isArray(value) ? [...value].sort() : [value ?? ''];
      return acc + values.map((v) => key + v).join('');
    }, url);
  const expected = createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
