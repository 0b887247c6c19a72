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

  it('reads an empty TWILIO_API_BASE_URL (a .env line left blank) as the default', () => {
    expect(loadWhatsAppSenderConfig({ ...base, TWILIO_API_BASE_URL: '' }).TWILIO_API_BASE_URL).toBe(
      'https://api.twilio.com',
    );
    expect(loadWhatsAppSenderConfig(base).TWILIO_API_BASE_URL).toBe('https://api.twilio.com');
    const regional = 'https://api.dublin.ie1.twilio.com';
    expect(loadWhatsAppSenderConfig({ ...base, TWILIO_API_BASE_URL: regional }).TWILIO_API_BASE_URL).toBe(
      regional,
    );
    expect(() => loadWhatsAppSenderConfig({ ...base, TWILIO_API_BASE_URL: 'api.twilio.com' })).toThrow(
      /TWILIO_API_BASE_URL/,
    );
  });

  describe('the inbound URL', () => {
    const twilio = (urls: Record<string, string>) =>
      loadWhatsAppSenderConfig({
        ...base,
        TWILIO_ACCOUNT_SID: sid,
        TWILIO_AUTH_TOKEN: 't'.repeat(32),
        TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
        ...urls,
      });
    const inboundUrl = (urls: Record<string, string>) => twilioSettings(twilio(urls))?.inboundUrl;

    it('defaults to /twilio/inbound beside /twilio/status, keeping a path prefix', () => {
      expect(inboundUrl({ TWILIO_STATUS_CALLBACK_URL: 'https://rappel.example/twilio/status' })).toBe(
        'https://rappel.example/twilio/inbound',
      );
      expect(inboundUrl({ TWILIO_STATUS_CALLBACK_URL: 'https://hotel.example/rappel/twilio/status' })).toBe(
        'https://hotel.example/rappel/twilio/inbound',
      );
      expect(
        inboundUrl({ TWILIO_STATUS_CALLBACK_URL: 'https://hotel.example:8443/a/b/twilio/status?site=1' }),
      ).toBe('https://hotel.example:8443/a/b/twilio/inbound');
    });

    it('is taken as given when set', () => {
      expect(
        inboundUrl({
          TWILIO_STATUS_CALLBACK_URL: 'https://hotel.example/rappel/twilio/status',
          TWILIO_INBOUND_URL: 'https://hooks.example/wa/in',
        }),
      ).toBe('https://hooks.example/wa/in');
    });

    it('must be set when the status URL is not …/twilio/status: it cannot be guessed', () => {
      expect(() =>
        twilio({ TWILIO_STATUS_CALLBACK_URL: 'https://hooks.example/wa/status-callback' }),
      ).toThrow(/TWILIO_INBOUND_URL/);
      expect(
        inboundUrl({
          TWILIO_STATUS_CALLBACK_URL: 'https://hooks.example/wa/status-callback',
          TWILIO_INBOUND_URL: 'https://hooks.example/wa/inbound',
        }),
      ).toBe('https://hooks.example/wa/inbound');
    });
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
