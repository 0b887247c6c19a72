import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioContractServer, TWILIO_ERRORS, type TwilioContractServer } from './twilio-server';

let server: TwilioContractServer;
let client: ReturnType<typeof twilio>;

beforeAll(async () => {
  server = await startTwilioContractServer();
  client = twilio(server.accountSid, server.authToken);
  client.api.baseUrl = server.url;
});
afterAll(() => server.close());

const form = (params: Record<string, string>, auth = `${server.accountSid}:${server.authToken}`) =>
  fetch(`${server.url}/2010-04-01/Accounts/${server.accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params).toString(),
  });

describe('Twilio contract server', () => {
  it('accepts the SDK request and answers with the message resource', async () => {
    const message = await client.messages.create({
      to: 'whatsapp:+24106123456',
      from: 'whatsapp:+14155238886',
      body: 'Bonjour',
      statusCallback: 'https://rappel.example/twilio/status',
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.dateCreated).toBeInstanceOf(Date);
    const fetched = await client.messages(message.sid).fetch();
    expect(fetched.to).toBe('whatsapp:+24106123456');
    expect(server.messages.at(-1)?.params).toMatchObject({
      StatusCallback: 'https://rappel.example/twilio/status',
    });
  });

  it('rejects a request without To, without a body, or with an unknown parameter', async () => {
    const noTo = await form({ From: 'whatsapp:+14155238886', Body: 'x' });
    expect(noTo.status).toBe(400);
    expect(await noTo.json()).toEqual({
      code: 21604,
      message: "A 'To' phone number is required.",
      more_info: 'https://www.twilio.com/docs/errors/21604',
      status: 400,
    });
    const noBody = await form({ To: 'whatsapp:+24106123456', From: 'whatsapp:+14155238886' });
    expect(((await noBody.json()) as { code: number }).code).toBe(21619);
    const typo = await form({ To: '+24106123456', From: '+14155238886', Body: 'x', StatusCallBack: 'x' });
    expect(typo.status).toBe(400);
    const badSid = await form({ To: '+24106123456', From: '+14155238886', ContentSid: 'HX1' });
    expect(((await badSid.json()) as { code: number }).code).toBe(21655);
  });

  it('answers 401 with Twilio error JSON on wrong credentials', async () => {
    const res = await form(
      { To: '+24106123456', From: '+14155238886', Body: 'x' },
      `${server.accountSid}:nope`,
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: number }).code).toBe(20003);
  });

  it('plays scripted failures through the SDK as RestException', async () => {
    server.failNext(TWILIO_ERRORS.tooManyRequests);
    await expect(
      client.messages.create({ to: '+24106123456', from: '+14155238886', body: 'x' }),
    ).rejects.toMatchObject({ status: 429, code: 20429 });
    server.failFor('+24100000000', TWILIO_ERRORS.invalidTo);
    await expect(
      client.messages.create({ to: 'whatsapp:+24100000000', from: 'whatsapp:+14155238886', body: 'x' }),
    ).rejects.toMatchObject({ status: 400, code: 21211 });
    server.clearFailures();
  });

  it('signs callbacks exactly as the SDK validates them', () => {
    const request = server.inboundMessage({
      from: 'whatsapp:+24106123456',
      body: 'STOP',
      url: 'https://x.test/in?a=1',
    });
    expect(twilio.validateRequest(server.authToken, request.signature, request.url, request.params)).toBe(
      true,
    );
    expect(twilio.validateRequest('other-token', request.signature, request.url, request.params)).toBe(false);
  });
});
