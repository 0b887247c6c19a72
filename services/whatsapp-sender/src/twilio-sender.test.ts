import { PermanentDeliveryError, TransientDeliveryError } from '@rappel/queue';
import { startTwilioContractServer } from '@rappel/testing';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { mapTwilioError } from './twilio-sender';
import { isValidTwilioSignature } from './twilio-signature';

describe('Twilio error mapping', () => {
  it.each([
    [{ status: 429, code: 20429 }, TransientDeliveryError, '20429'],
    [{ status: 500, code: 20500 }, TransientDeliveryError, '20500'],
    [{ status: 503 }, TransientDeliveryError, 'HTTP_503'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, TransientDeliveryError, 'ECONNREFUSED'],
    [{ status: 401, code: 20003 }, TransientDeliveryError, '20003'],
    [{ status: 400, code: 21211 }, PermanentDeliveryError, '21211'],
    [{ status: 400, code: 21610 }, PermanentDeliveryError, '21610'],
    [{ status: 400, code: 63016 }, PermanentDeliveryError, '63016'],
    [{ status: 400, code: 21999 }, PermanentDeliveryError, '21999'],
  ])('%o → %o %s', (error, type, code) => {
    const mapped = mapTwilioError(error);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.code).toBe(code);
  });
});

describe('X-Twilio-Signature', () => {
  it('agrees with the SDK and with the contract server', async () => {
    const server = await startTwilioContractServer();
    try {
      const url = 'https://rappel.example/twilio/status?x=1';
      const request = server.statusCallback('SM'.padEnd(34, 'a'), 'delivered', { url, errorCode: 30008 });
      expect(isValidTwilioSignature(server.authToken, request.signature, url, request.params)).toBe(true);
      const sdk = twilio.getExpectedTwilioSignature(server.authToken, url, request.params);
      expect(sdk).toBe(request.signature);
      expect(isValidTwilioSignature(server.authToken, request.signature, `${url}&y=2`, request.params)).toBe(
        false,
      );
      expect(isValidTwilioSignature(server.authToken, undefined, url, request.params)).toBe(false);
      expect(
        isValidTwilioSignature(server.authToken, request.signature, url, {
          ...request.params,
          MessageStatus: 'read',
        }),
      ).toBe(false);
    } finally {
      await server.close();
    }
  });
});
