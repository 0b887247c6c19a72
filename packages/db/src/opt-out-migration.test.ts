import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from './migrate';

// A database of its own: this package cannot use @rappel/testing, which depends on it.
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = `rappel_db_opt_out_${randomUUID().slice(0, 8)}`;
const url = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${NAME}`;
  return u.toString();
})();

const T0 = new Date('2026-01-01T08:00:00Z');
const T1 = new Date('2026-01-02T08:00:00Z');
const T2 = new Date('2026-01-03T08:00:00Z');
const T3 = new Date('2026-01-04T08:00:00Z');

interface Row {
  enabled: boolean;
  reason: string | null;
  at: Date | null;
  consentAt: Date | null;
  updatedAt: Date;
}

/** Rows as the code before migration 0020 left them, and what the migration makes of them. */
const CASES: { name: string; before: Row; after: Pick<Row, 'reason' | 'at'> }[] = [
  {
    name: 'a STOP, then WhatsApp on again on the page (the reason was kept)',
    before: { enabled: true, reason: 'inbound_stop', at: null, consentAt: T2, updatedAt: T2 },
    after: { reason: null, at: null },
  },
  {
    name: 'a STOP, then WhatsApp on again at the desk (nothing cleared)',
    before: { enabled: true, reason: 'inbound_stop', at: T1, consentAt: T2, updatedAt: T2 },
    after: { reason: null, at: null },
  },
  {
    name: 'a STOP, then on and off again at the desk',
    before: { enabled: false, reason: 'inbound_stop', at: T1, consentAt: T2, updatedAt: T3 },
    after: { reason: 'desk', at: T3 },
  },
  {
    name: 'a STOP, then on again on the page and off at the desk',
    before: { enabled: false, reason: 'inbound_stop', at: null, consentAt: T2, updatedAt: T3 },
    after: { reason: 'desk', at: T3 },
  },
  {
    name: 'a STOP still standing',
    before: { enabled: false, reason: 'inbound_stop', at: T1, consentAt: T0, updatedAt: T1 },
    after: { reason: 'inbound_stop', at: T1 },
  },
  {
    name: 'a STOP still standing, never consented before',
    before: { enabled: false, reason: 'inbound_stop', at: T1, consentAt: null, updatedAt: T1 },
    after: { reason: 'inbound_stop', at: T1 },
  },
  {
    name: 'WhatsApp turned off on the page',
    before: { enabled: false, reason: 'preferences_page', at: T2, consentAt: T0, updatedAt: T3 },
    after: { reason: 'preferences_page', at: T2 },
  },
];

describe('migration 0020: opt-outs that were not the rows’ own', () => {
  let sql: postgres.Sql;
  beforeAll(async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${NAME}"`);
    await admin.end();
    await runMigrations(url);
    sql = postgres(url, { max: 1, onnotice: () => {} });
  }, 90_000);
  afterAll(async () => {
    await sql?.end();
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${NAME}" with (force)`);
    await admin.end();
  });

  it('clears them on rows that are on, and gives the desk those it turned off again', async () => {
    const [department] = await sql<{ id: string }[]>`
      insert into departments (name) values ('Réception') returning id`;
    const ids: string[] = [];
    for (const { before } of CASES) {
      const [client] = await sql<{ id: string }[]>`
        insert into clients (department_id, kind, full_name) values (${department!.id}, 'guest', 'Awa')
        returning id`;
      await sql`
        insert into notification_preferences (client_id, whatsapp_enabled, whatsapp_number,
          whatsapp_opt_out_reason, whatsapp_opt_out_at, whatsapp_consent_at, updated_at)
        values (${client!.id}, ${before.enabled}, '+24106123456', ${before.reason}, ${before.at},
          ${before.consentAt}, ${before.updatedAt})`;
      ids.push(client!.id);
    }
    // Run 0020 again over these rows, as a database migrated before it would.
    const [newest] = await sql<{ id: number }[]>`
      select id from drizzle.__drizzle_migrations order by created_at desc limit 1`;
    await sql`delete from drizzle.__drizzle_migrations where id = ${newest!.id}`;
    await runMigrations(url);

    const rows = await sql<{ client_id: string; reason: string | null; at: Date | null }[]>`
      select client_id, whatsapp_opt_out_reason as reason, whatsapp_opt_out_at as at
      from notification_preferences`;
    const byClient = new Map(rows.map((r) => [r.client_id, { reason: r.reason, at: r.at }]));
    expect(CASES.map((c, i) => ({ name: c.name, ...byClient.get(ids[i]!) }))).toEqual(
      CASES.map((c) => ({ name: c.name, ...c.after })),
    );
  });
});
