/**
 * No credential in the repository (the system this replaces had a Twilio token committed in a
 * document). Scans every tracked file for the shapes real secrets take; placeholders and test
 * values generated at run time do not match.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const PATTERNS: Array<{ name: string; regex: RegExp }> = [
  { name: 'Twilio Account SID', regex: /\bAC[0-9a-f]{32}\b/g },
  { name: 'Twilio API key SID', regex: /\bSK[0-9a-f]{32}\b/g },
  { name: 'auth token assigned', regex: /AUTH_TOKEN\s*[=:]\s*['"]?[0-9a-f]{32}\b/gi },
  { name: 'private key', regex: /-----BEGIN (?:RSA |EC |OPENSSH |)PRIVATE KEY-----/g },
  { name: 'AWS access key', regex: /\bAKIA[0-9A-Z]{16}\b/g },
  {
    name: 'SMTP URL with a password',
    regex:
      /smtps?:\/\/[^\s:/@'"`]+:(?!\/\/)[^\s@'"`]{6,}@(?!(localhost|127\.0\.0\.1|smtp\.example|smtp\.provider\.example)\b)[^\s'"`]+/g,
  },
  { name: 'Slack or GitHub token', regex: /\b(xox[abpr]-[0-9A-Za-z-]{10,}|gh[pousr]_[0-9A-Za-z]{36})\b/g },
];

/** The words of a documented example (`smtp://user:password@host:port`). */
const isPlaceholder = (value: string): boolean =>
  /\/\/(user|USER|username):(pass|password|PASSWORD)@/.test(value);

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !f.endsWith('pnpm-lock.yaml') && !/\.(png|jpe?g|gif|ico|woff2?)$/.test(f));
}

describe('the repository', () => {
  it('holds no credential', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const findings: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        continue;
      }
      for (const { name, regex } of PATTERNS) {
        for (const match of text.matchAll(regex)) {
          if (!isPlaceholder(match[0])) findings.push(`${file}: ${name}: ${match[0].slice(0, 40)}…`);
        }
      }
    }
    expect(findings).toEqual([]);
  });

  it('recognises a credential when one is there (the scan can fail)', () => {
    // Assembled at run time so that this file does not itself hold the shapes it looks for.
    const planted = [
      `TWILIO_ACCOUNT_SID=AC${'0123456789abcdef'.repeat(2)}`,
      ['smtp://mailer', 's3cretpass@smtp.mailgun.org:587'].join(':'),
    ].join('\n');
    const hits = PATTERNS.filter(({ regex }) => new RegExp(regex.source, regex.flags).test(planted)).map(
      (p) => p.name,
    );
    expect(hits).toEqual(['Twilio Account SID', 'SMTP URL with a password']);
  });

  it('keeps .env.example to placeholders', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const secrets = example
      .split('\n')
      .filter((l) => /^(TWILIO_AUTH_TOKEN|LINK_SIGNING_SECRET|SESSION_SECRET|POSTGRES_PASSWORD)=/.test(l));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const line of secrets) {
      expect(line, line).toMatch(/=(change-me|CHANGE_ME|<[^>]+>|$)/i);
    }
  });
});
