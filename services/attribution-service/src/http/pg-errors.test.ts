import { describe, expect, it } from 'vitest';
import { toErrorBody } from './error-handler';
import { isDatabaseUnavailable, isTransactionConflict } from './pg-errors';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises driver connection errors and Postgres shutdown/start-up states, wrapped or not', () => {
    for (const code of [
      'CONNECTION_CLOSED',
      'CONNECT_TIMEOUT',
      'ECONNREFUSED',
      'ECONNRESET',
      '08006',
      '57P01',
      '57P03',
    ]) {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
      expect(isDatabaseUnavailable(new Error('Failed query', { cause: withCode(code) }))).toBe(true);
    }
  });

  it('leaves data and constraint errors alone', () => {
    for (const code of ['23505', '22P02', '42P01', 'ERR_INVALID_ARG_TYPE']) {
      expect(isDatabaseUnavailable(withCode(code))).toBe(false);
    }
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
  });

  it('makes the answer a 503 with a clean body', () => {
    const body = toErrorBody(new Error('Failed query: insert…', { cause: withCode('ECONNREFUSED') }), 'en');
    expect(body).toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      error: 'Service Unavailable',
    });
    expect(body.message).not.toContain('insert');
  });
});

describe('isTransactionConflict', () => {
  it('recognises a deadlock victim and a serialization failure, wrapped or not, and nothing else', () => {
    for (const code of ['40P01', '40001']) {
      expect(isTransactionConflict(withCode(code))).toBe(true);
      expect(isTransactionConflict(new Error('Failed query', { cause: withCode(code) }))).toBe(true);
    }
    for (const code of ['23505', '40002', '57P01', 'ECONNRESET']) {
      expect(isTransactionConflict(withCode(code))).toBe(false);
    }
  });

  it('makes the answer a 503 the caller may retry, not a 500 internal error', () => {
    const deadlock = new Error('Failed query: update "scheduled_reminders"…', {
      cause: withCode('40P01', 'deadlock detected'),
    });
    const body = toErrorBody(deadlock, 'fr');
    expect(body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(body.message).not.toContain('deadlock');
    expect(body.message).not.toContain('scheduled_reminders');
  });
});
