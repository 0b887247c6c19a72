import type { ConfigError } from '@rappel/config';
import { describe, expect, it } from 'vitest';
import { loadWhatsAppSenderConfig, twilioSettings } from './config';

const base = { DATABASE_URL: 'postgres://localhost/rappel', LINK_SIGNING_SECRET: 'x'.repeat(32) };
const sid = `AC${'a'.repeat(32)}`;

describe('whatsapp-sender config', () => {
  it('defaults to the console transport on port 3003 at 80 messages/s', () => {
    const config = loadWhatsAppSenderConfig({ ...base, TWILIO_AUTH_TOKEN: '' });
    expect(config.PORT).toBe(3003);
    expect(config.WHATSAPP_RATE_LIMIT_PER_SECOND).toBe(80);
    expect(config.TWILIO_CONTENT_SIDS).toEqual({});
    expect(twilioSettings(config)).toBeNull();
  });

  it('reads Twilio settings and content SIDs', () => {
    const config = loadWhatsAppSenderConfig({
      ...base,
      TWILIO_ACCOUNT_SID: sid,
      TWILIO_AUTH_TOKEN: 't'.repeat(32),
      TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
      TWILIO_STATUS_CALLBACK_URL: 'https://rappel.example/twilio/status',
      TWILIO_CONTENT_SIDS: JSON.stringify({ 'loan_created:fr': `HX${'b'.repeat(32)}` }),
    });
    expect(twilioSettings(config)).toMatchObject({
      apiBaseUrl: 'https://api.twilio.com',
      inboundUrl: 'https://rappel.example/twilio/inbound',
    });
    expect(config.TWILIO_CONTENT_SIDS['loan_created:fr']).toMatch(/^HX/);
  });

  it('lists every missing or malformed Twilio setting at once', () => {
    try {
      loadWhatsAppSenderConfig({
        ...base,
        TWILIO_ACCOUNT_SID: sid,
        TWILIO_CONTENT_SIDS: '{"nope:fr":"HX1"}',
      });
      expect.fail('should have thrown');
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('TWILIO_AUTH_TOKEN');
      expect(problems).toContain('TWILIO_WHATSAPP_FROM');
      expect(problems).toContain('TWILIO_STATUS_CALLBACK_URL');
      expect(problems).toContain('TWILIO_CONTENT_SIDS');
    }
  });

  it('retries after 30 s and leases a claim for 2 min by default; both can be shortened', () => {
    expect(loadWhatsAppSenderConfig(base)).toMatchObject({
      RETRY_BASE_DELAY_MS: 30_000,
      DELIVERY_LEASE_SECONDS: 120,
    });
    expect(
      loadWhatsAppSenderConfig({ ...base, RETRY_BASE_DELAY_MS: '500', DELIVERY_LEASE_SECONDS: '10' }),
    ).toMatchObject({
      RETRY_BASE_DELAY_MS: 500,
      DELIVERY_LEASE_SECONDS: 10,
    });
    expect(() => loadWhatsAppSenderConfig({ ...base, DELIVERY_LEASE_SECONDS: '1' })).toThrow(
      /DELIVERY_LEASE_SECONDS/,
    );
  });
});
