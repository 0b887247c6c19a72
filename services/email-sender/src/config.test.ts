import { ConfigError } from '@rappel/config';
import { describe, expect, it } from 'vitest';
import { parseEmailSenderConfig } from './config';

const base = { DATABASE_URL: 'postgres://localhost/rappel', LINK_SIGNING_SECRET: 'x'.repeat(32) };

describe('email-sender config', () => {
  it('captures locally on port 3002 by default', () => {
    const config = parseEmailSenderConfig(base);
    expect(config.PORT).toBe(3002);
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.MAIL_FROM).toBe('"Rappel" <rappel@localhost>');
    expect(config.EMAIL_CONCURRENCY).toBe(10);
    expect(config.CAPTURE_DIR).toBe('.rappel/mail');
  });

  it('treats an empty SMTP_URL as unset and accepts smtp and smtps URLs', () => {
    expect(parseEmailSenderConfig({ ...base, SMTP_URL: '' }).SMTP_URL).toBeUndefined();
    expect(parseEmailSenderConfig({ ...base, SMTP_URL: 'smtps://u:p@mail.example:465' }).SMTP_URL).toBe(
      'smtps://u:p@mail.example:465',
    );
  });

  it('names a bad SMTP_URL', () => {
    expect(() => parseEmailSenderConfig({ ...base, SMTP_URL: 'http://mail.example' })).toThrow(ConfigError);
    expect(() => parseEmailSenderConfig({ ...base, SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
  });

  it('retries after 30 s and leases a claim for 2 min by default; both can be shortened', () => {
    expect(parseEmailSenderConfig(base)).toMatchObject({
      RETRY_BASE_DELAY_MS: 30_000,
      DELIVERY_LEASE_SECONDS: 120,
    });
    expect(
      parseEmailSenderConfig({ ...base, RETRY_BASE_DELAY_MS: '500', DELIVERY_LEASE_SECONDS: '10' }),
    ).toMatchObject({
      RETRY_BASE_DELAY_MS: 500,
      DELIVERY_LEASE_SECONDS: 10,
    });
    expect(() => parseEmailSenderConfig({ ...base, DELIVERY_LEASE_SECONDS: '1' })).toThrow(
      /DELIVERY_LEASE_SECONDS/,
    );
  });
});
