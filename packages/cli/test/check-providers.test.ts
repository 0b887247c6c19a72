import type { AddressInfo } from 'node:net';
import { startTwilioContractServer, type TwilioContractServer } from '@rappel/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSmtp, checkTwilio } from '../src/commands/check-providers';
import { loadProvidersConfig } from '../src/config';

let smtp: SMTPServer;
let smtpPort: number;
let twilio: TwilioContractServer;

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'rappel' && auth.password === 'right-password')
        return callback(null, { user: 'rappel' });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  twilio = await startTwilioContractServer();
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await twilio.close();
});

describe('check-providers: SMTP', () => {
  it('signs in with the right credentials', async () => {
    const check = await checkSmtp(`smtp://rappel:right-password@127.0.0.1:${smtpPort}`);
    expect(check).toMatchObject({ outcome: 'ok' });
  });

  it('says in words that the password was refused', async () => {
    const check = await checkSmtp(`smtp://rappel:wrong@127.0.0.1:${smtpPort}`);
    expect(check.outcome).toBe('failed');
    expect(check.message).toContain('refused the user name or password (535');
  });

  it('says nothing listens when the port is closed', async () => {
    const check = await checkSmtp('smtp://rappel:x@127.0.0.1:1');
    expect(check.outcome).toBe('failed');
    expect(check.message).toContain('Nothing accepts connections');
  });

  it('reports local capture when SMTP_URL is unset', async () => {
    expect((await checkSmtp(undefined)).outcome).toBe('not_configured');
  });
});

describe('check-providers: Twilio', () => {
  const env = (overrides: Record<string, string> = {}) =>
    loadProvidersConfig({
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
      TWILIO_API_BASE_URL: twilio.url,
      ...overrides,
    });

  it('accepts the right account SID and token', async () => {
    expect(await checkTwilio(env())).toMatchObject({ outcome: 'ok' });
  });

  it('says the credentials were refused', async () => {
    const check = await checkTwilio(env({ TWILIO_AUTH_TOKEN: 'not-the-token' }));
    expect(check.outcome).toBe('failed');
    expect(check.message).toContain('Twilio refused the account SID and auth token (Twilio error 20003)');
  });

  it('names what is missing in a half configuration, and a malformed sender', async () => {
    expect((await checkTwilio(env({ TWILIO_WHATSAPP_FROM: '' }))).message).toContain(
      'TWILIO_WHATSAPP_FROM missing',
    );
    expect((await checkTwilio(env({ TWILIO_WHATSAPP_FROM: '+14155238886' }))).message).toContain(
      'whatsapp:+',
    );
  });

  it('reports the console transport when Twilio is not configured', async () => {
    expect((await checkTwilio(loadProvidersConfig({}))).outcome).toBe('not_configured');
  });
});
