import { PermanentDeliveryError, TransientDeliveryError } from '@rappel/queue';
import { describe, expect, it } from 'vitest';
import { mapSmtpError } from './smtp-errors';

const mapped = (e: object) => {
  const error = mapSmtpError(e);
  return [error instanceof PermanentDeliveryError ? 'permanent' : 'transient', error.code];
};

describe('mapSmtpError', () => {
  it('treats 4xx replies as transient', () => {
    expect(mapped({ code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' })).toEqual([
      'transient',
      '421',
    ]);
    expect(mapped({ code: 'EMESSAGE', responseCode: 451, command: 'DATA' })).toEqual(['transient', '451']);
  });

  it('treats 550–554 on the recipient and 5xx on the message as permanent', () => {
    for (const reply of [550, 551, 552, 553, 554]) {
      expect(mapped({ code: 'EENVELOPE', responseCode: reply, command: 'RCPT TO' })).toEqual([
        'permanent',
        String(reply),
      ]);
    }
    expect(mapped({ code: 'EMESSAGE', responseCode: 554, command: 'DATA' })).toEqual(['permanent', '554']);
  });

  it('keeps authentication and sender refusals transient: they are our configuration, not the recipient', () => {
    expect(mapped({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' })).toEqual(['transient', '535']);
    expect(mapped({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' })).toEqual([
      'transient',
      '550',
    ]);
  });

  it('treats an envelope nodemailer refuses to send (bad address) as permanent', () => {
    expect(mapped({ code: 'EENVELOPE', command: 'API', message: 'No recipients defined' })).toEqual([
      'permanent',
      'EENVELOPE',
    ]);
  });

  it('names network failures by their system code', () => {
    expect(mapped({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' })).toEqual([
      'transient',
      'ECONNREFUSED',
    ]);
    expect(mapped({ code: 'ETIMEDOUT', message: 'Greeting never received' })).toEqual([
      'transient',
      'ETIMEDOUT',
    ]);
    expect(mapped({ code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.invalid' })).toEqual([
      'transient',
      'ENOTFOUND',
    ]);
    expect(mapped({ code: 'ESOCKET', message: 'read ECONNRESET' })).toEqual(['transient', 'ECONNRESET']);
    expect(mapSmtpError(new Error('boom'))).toBeInstanceOf(TransientDeliveryError);
  });
});
