import { describe, expect, it } from 'vitest';
import { safeNext } from './auth-pages';

/** Where a browser goes with `Location: <value>` from a page of https://rappel.test. */
const followed = (value: string) =>
  new URL(value.replace(/[\t\n\r]/g, ''), 'https://rappel.test/sign-in').origin;

describe('safeNext', () => {
  it('keeps a local path with its query and fragment', () => {
    expect(safeNext('/')).toBe('/');
    expect(safeNext('/notifications?status=failed&from=2026-03-01')).toBe(
      '/notifications?status=failed&from=2026-03-01',
    );
    expect(safeNext('/notifications/abc#events')).toBe('/notifications/abc#events');
    // Encoded characters stay encoded: a path on this site, which may not exist.
    expect(safeNext('/%09/evil.example')).toBe('/%09/evil.example');
    expect(safeNext('/.//evil.example')).toBe('/.//evil.example');
  });

  const hostile = [
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '\t//evil.example',
    '/\\evil.example',
    '/\\\\evil.example',
    '\\\\evil.example',
    '//evil.example',
    '///evil.example',
    '//evil.example/%2F..',
    'https://evil.example/',
    'http://x.invalid/',
    'javascript:alert(1)',
    'evil.example',
    '/ /evil.example',
    '/\u00a0/evil.example',
    '/\u0000/evil.example',
    '/\u007f/evil.example',
    '/\u2028/evil.example',
    '/caf\u00e9',
    '',
  ];
  it.each(hostile)('refuses %j', (value) => {
    expect(safeNext(value)).toBeNull();
  });

  it('never returns a value a browser would take off the site', () => {
    for (const value of [...hostile, '/%09/evil.example', '/.//evil.example', '/x'])
      expect(followed(safeNext(value) ?? '/')).toBe('https://rappel.test');
  });

  it('refuses the sign-in pages themselves and anything not a string', () => {
    expect(safeNext('/sign-in')).toBeNull();
    expect(safeNext('/sign-out?x=1')).toBeNull();
    expect(safeNext(undefined)).toBeNull();
    expect(safeNext(['/x'])).toBeNull();
  });
});
