import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** docker-compose.yml as the design asks; `docker-compose config` (in .ci/infra-checks) checks the syntax. */
const root = new URL('../../../', import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: the compose file is checked field by field below
type Compose = any;
const text = readFileSync(fileURLToPath(new URL('docker-compose.yml', root)), 'utf8');
const compose: Compose = parse(text, { merge: true });
const SERVICES: Record<string, number> = {
  'attribution-service': 3001,
  'email-sender': 3002,
  'whatsapp-sender': 3003,
  'stats-service': 3004,
  'reminder-scheduler': 3005,
};

describe('docker-compose.yml', () => {
  it('runs Redis with AOF and without eviction', () => {
    const command = compose.services.redis.command.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('has Postgres 16, Mailpit and a one-shot migration', () => {
    expect(compose.services.postgres.image).toBe('postgres:16');
    expect(compose.services.mailpit.image).toMatch(/^axllent\/mailpit/);
    expect(compose.services.migrate.command.join(' ')).toContain('dist/migrate-cli.js');
    expect(compose.services.migrate.restart).toBe('no');
  });

  it.each(Object.entries(SERVICES))(
    '%s: built from the one Dockerfile, healthy on /readyz, after migrate',
    (name, port) => {
      const service = compose.services[name];
      expect(service.build.dockerfile).toBe('infra/docker/Dockerfile');
      expect(service.build.args.SERVICE).toBe(name);
      expect(service.environment.PORT).toBe(String(port));
      expect(service.healthcheck.test.join(' ')).toContain('/readyz');
      expect(service.depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(service.env_file).toBe('.env');
    },
  );

  it('publishes only the API and the pages on every interface; the rest on loopback', () => {
    // whatsapp-sender's console page shows phone numbers and message texts with signed links.
    const published = Object.fromEntries(
      Object.entries(compose.services as Record<string, { ports?: string[] }>)
        .filter(([, service]) => service.ports)
        .map(([name, service]) => [name, service.ports]),
    );
    expect(published).toEqual({
      'attribution-service': ['3001:3001'],
      'stats-service': ['3004:3004'],
      'email-sender': ['127.0.0.1:3002:3002'],
      'whatsapp-sender': ['127.0.0.1:3003:3003'],
      'reminder-scheduler': ['127.0.0.1:3005:3005'],
      mailpit: ['127.0.0.1:8025:8025'],
    });
  });

  it('.env.example holds placeholders only', () => {
    const example = readFileSync(fileURLToPath(new URL('.env.example', root)), 'utf8');
    const secrets = example
      .split('\n')
      .filter((line) =>
        /^(LINK_SIGNING_SECRET|SESSION_SECRET|POSTGRES_PASSWORD|TWILIO_AUTH_TOKEN)=/.test(line),
      );
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const line of secrets) expect(line).toMatch(/change-me/);
  });
});
