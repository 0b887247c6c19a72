import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withoutEmptyValues } from '@rappel/config';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { attributionEnvSchema } from '../../../services/attribution-service/src/config';
import { emailSenderEnvSchema } from '../../../services/email-sender/src/config';
import { schedulerEnvSchema } from '../../../services/reminder-scheduler/src/config';
import { statsEnvSchema } from '../../../services/stats-service/src/config';
import { whatsappSenderEnvSchema } from '../../../services/whatsapp-sender/src/config';
import { cliEnvSchema, providersEnvSchema } from '../src/config';

/**
 * .env.example names every setting a config schema reads, so an operator finds each one (and
 * its default) in one place. Commented lines count: `# NAME=default`.
 */
const root = new URL('../../../', import.meta.url);
const example = readFileSync(fileURLToPath(new URL('.env.example', root)), 'utf8');

const SCHEMAS: Record<string, z.ZodObject> = {
  'attribution-service': attributionEnvSchema,
  'email-sender': emailSenderEnvSchema,
  'whatsapp-sender': whatsappSenderEnvSchema,
  'stats-service': statsEnvSchema,
  'reminder-scheduler': schedulerEnvSchema,
  'cli (database commands)': cliEnvSchema,
  'cli (check-providers)': providersEnvSchema,
};
/** Read by docker-compose.yml itself, not by a service. */
const COMPOSE_ONLY = ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'RAPPEL_VERSION'];
/** Set per service (docker-compose.yml, the Kubernetes Deployments), never in the shared file. */
const PER_SERVICE = ['PORT'];

const read = new Set(Object.values(SCHEMAS).flatMap((schema) => Object.keys(schema.shape)));
/** NAME of every `NAME=…` and `# NAME=…` line. */
const listed = new Set([...example.matchAll(/^(?:# ?)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
/** NAME of every uncommented `NAME=…` line: what docker-compose actually sets. */
const set = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

describe('.env.example', () => {
  it.each(Object.entries(SCHEMAS))('names every setting %s reads', (_service, schema) => {
    const missing = Object.keys(schema.shape).filter(
      (name) => !listed.has(name) && !(PER_SERVICE.includes(name) && example.includes(name)),
    );
    expect(missing).toEqual([]);
  });

  it('names nothing that no service reads (a renamed or removed setting)', () => {
    const unknown = [...listed].filter((name) => !read.has(name) && !COMPOSE_ONLY.includes(name));
    expect(unknown).toEqual([]);
  });

  it('leaves the per-service settings to docker-compose.yml', () => {
    for (const name of PER_SERVICE) expect(set.has(name), name).toBe(false);
  });

  it('parses, as docker-compose passes it, for every service', () => {
    const env = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    for (const [service, schema] of Object.entries(SCHEMAS)) {
      expect(schema.safeParse(withoutEmptyValues(env)).error?.issues ?? [], service).toEqual([]);
    }
  });

  it('parses with every commented default and example uncommented, for every service', () => {
    // The Twilio credentials are placeholders, not examples: they stay out.
    const credentials = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WHATSAPP_FROM'];
    const env = Object.fromEntries(
      [...example.matchAll(/^(?:# ?)?([A-Z][A-Z0-9_]*)=(.*)$/gm)]
        .filter((m) => !credentials.includes(m[1]!))
        .map((m) => [m[1]!, m[2]!]),
    );
    // Two TWILIO_CONTENT_SIDS lines: the shape (with placeholders) and the default; the last wins.
    expect(env.TWILIO_CONTENT_SIDS).toBe('{}');
    for (const [service, schema] of Object.entries(SCHEMAS)) {
      expect(schema.safeParse(withoutEmptyValues(env)).error?.issues ?? [], service).toEqual([]);
    }
  });
});
