import { fixtures, type TestDatabase } from '../../packages/testing/src/index';

/**
 * Bench data written with generate_series: one statement per table whatever the size, so
 * seeding a million rows takes seconds, not the benchmark's budget.
 */

export interface Borrowers {
  departmentId: string;
  staffId: string;
  clientIds: string[];
  itemIds: string[];
  /** Per client, in the order of clientIds. */
  emails: string[];
  /** Per client, `+E164`; null where WhatsApp is off. */
  phones: (string | null)[];
}

/** Unique, valid Gabonese mobile numbers (+241 06 xx xx xx), one per index (< 1 000 000). */
const phoneSql = (g: string) => `'+24106' || lpad((${g})::text, 6, '0')`;

/**
 * `n` clients of one department, each with its own e-mail address and mobile number and e-mail
 * on; WhatsApp on (with desk consent) for every `whatsappEvery`-th client (1: all, 0: none).
 * Also `n` items, so that `n` loans can be open at once (one open loan per item).
 */
export async function seedBorrowers(
  tdb: TestDatabase,
  n: number,
  { whatsappEvery = 1, tag = 'B' }: { whatsappEvery?: number; tag?: string } = {},
): Promise<Borrowers> {
  if (n >= 1_000_000) throw new Error('seedBorrowers: at most 999 999 clients');
  const scene = await fixtures(tdb.db).scene();
  const { sql } = tdb;
  const clients = await sql<{ id: string; email: string; phone: string }[]>`
    insert into clients (department_id, kind, full_name, email, phone, language, room_number)
    select ${scene.department.id}, 'guest', 'Client ' || g, ${`bench-${tag.toLowerCase()}-`} || g || '@bench.test',
           ${sql.unsafe(phoneSql('g'))}, case when g % 5 = 0 then 'en' else 'fr' end, (100 + g % 400)::text
    from generate_series(1, ${n}::int) g
    order by g
    returning id, email, phone`;
  const whatsapp = new Set<number>();
  if (whatsappEvery > 0) for (let i = 0; i < n; i += whatsappEvery) whatsapp.add(i);
  const withWhatsApp = clients.filter((_, i) => whatsapp.has(i)).map((c) => c.id);
  await sql`
    insert into notification_preferences (client_id, email_enabled, whatsapp_enabled, whatsapp_number,
                                          whatsapp_consent_source, whatsapp_consent_at)
    select c.id, true, true, c.phone, 'desk', now()
    from clients c where c.id = any(${sql.array(withWhatsApp)}::uuid[])`;
  const items = await sql<{ id: string }[]>`
    insert into items (department_id, name, inventory_number)
    select ${scene.department.id}, 'Vidéoprojecteur ' || g, ${`${tag}-`} || g
    from generate_series(1, ${n}::int) g
    order by g
    returning id`;
  // Only what was seeded: an ANALYZE of the still-empty loan tables tells the planner they are
  // empty, and the plans of the foreign-key checks, which each connection keeps for its life,
  // then scan the whole growing loans table for every new plan or message row (21 pages read
  // per check after 2 000 loans) until autovacuum's next analyze. The tables the pipeline
  // writes are analyzed once it has run a while: see analyzeAfterWarmUp.
  await sql`analyze clients, items, notification_preferences, departments, users`;
  return {
    departmentId: scene.department.id,
    staffId: scene.staff.id,
    clientIds: clients.map((c) => c.id),
    itemIds: items.map((i) => i.id),
    emails: clients.map((c) => c.email),
    phones: clients.map((c, i) => (whatsapp.has(i) ? c.phone : null)),
  };
}

/**
 * `n` messages already sent over the past 30 days, as a site that has been running holds: a
 * burst benchmark on an empty `notification_log` would measure plans made for an empty table
 * (see analyzeAfterWarmUp), not what a site meets at 09:00. Call before the seeding's ANALYZE.
 */
export async function seedSentHistory(tdb: TestDatabase, departmentId: string, n: number): Promise<void> {
  await tdb.sql`
    insert into notification_log (idempotency_key, department_id, kind, channel, recipient_type,
      recipient_id, recipient_address, status, attempts, sent_at, created_at, updated_at)
    select 'history|' || g, ${departmentId}, 'daily_report', 'email', 'user', gen_random_uuid(),
      'desk@hotel.example', 'sent', 1, t, t, t
    from generate_series(1, ${n}::int) g,
      lateral (select now() - (g::float8 / ${n}) * interval '30 days' as t) at_`;
}

/**
 * `loans` open long loans, each with its 10-reminder plan (3 pre-due, 7 overdue) in the future,
 * as attribution-service would have written it. Borrowers: the scene's one client, or the
 * given clients in turn (with their department and items, see seedBorrowers).
 */
export async function seedOpenLoansWithPlan(
  tdb: TestDatabase,
  loans: number,
  borrowers?: Borrowers,
): Promise<void> {
  const { sql } = tdb;
  if (!borrowers) {
    const scene = await fixtures(tdb.db).scene();
    await sql`
      insert into items (department_id, name, inventory_number)
      select ${scene.department.id}, 'Bench item', 'BENCH-' || g from generate_series(1, ${loans}) g`;
    await sql`
      insert into loans (item_id, client_id, responsible_user_id, department_id, starts_at, due_at, duration_class)
      select i.id, ${scene.client.id}, ${scene.staff.id}, ${scene.department.id},
             now() - interval '1 day', now() + (3 + random() * 30) * interval '1 day', 'long'
      from items i where i.inventory_number like 'BENCH-%'`;
  } else {
    if (loans > borrowers.itemIds.length) throw new Error('seedOpenLoansWithPlan: more loans than items');
    await sql`
      insert into loans (item_id, client_id, responsible_user_id, department_id, starts_at, due_at, duration_class)
      select i.id, c.id, ${borrowers.staffId}, ${borrowers.departmentId},
             now() - interval '1 day', now() + (3 + random() * 30) * interval '1 day', 'long'
      from unnest(${sql.array(borrowers.itemIds.slice(0, loans))}::uuid[]) with ordinality as i(id, n)
      join unnest(${sql.array(borrowers.clientIds)}::uuid[]) with ordinality as c(id, n)
        on c.n = 1 + (i.n - 1) % ${borrowers.clientIds.length}`;
  }
  await sql`
    insert into scheduled_reminders (loan_id, kind, occurrence, fire_at, loan_version)
    select l.id, k.kind, k.occurrence, l.due_at + k.offset_, 1
    from loans l cross join (values
      ('reminder_d2', 1, interval '-2 days'), ('reminder_d1', 1, interval '-1 day'),
      ('reminder_due_day', 1, interval '-2 hours'),
      ('overdue', 1, interval '30 minutes'), ('overdue', 2, interval '1 day'),
      ('overdue', 3, interval '2 days'), ('overdue', 4, interval '3 days'),
      ('overdue', 5, interval '4 days'), ('overdue', 6, interval '5 days'),
      ('overdue', 7, interval '6 days')) as k(kind, occurrence, offset_)`;
  await sql`analyze`;
}

/**
 * Makes `n` pre-due reminders due at `at` (default one minute ago); their loans are due days
 * later, so they fire as real reminders. With `onePerLoan`, at most one per loan.
 */
export async function makeRemindersDue(
  tdb: TestDatabase,
  n: number,
  { at, onePerLoan = false }: { at?: Date; onePerLoan?: boolean } = {},
): Promise<void> {
  const fireAt = at ? tdb.sql`${at.toISOString()}::timestamptz` : tdb.sql`now() - interval '1 minute'`;
  const kinds = onePerLoan ? tdb.sql`kind = 'reminder_d2'` : tdb.sql`kind <> 'overdue'`;
  await tdb.sql`
    update scheduled_reminders set fire_at = ${fireAt}
    where id in (select id from scheduled_reminders
                 where ${kinds} and state = 'scheduled' limit ${n})`;
}

/**
 * What autovacuum does in a database's first minutes of traffic: analyze the tables the pipeline
 * writes. Until then Postgres takes a never-analyzed table for ten pages, and each connection
 * keeps the plan it made then: the senders' claim and settle became a hash join over a
 * sequential scan of notification_log, which stayed when the table grew (621 pages read per
 * claim after 12 000 messages: 7 ms, against 0.3–0.5 ms once analyzed). A production database
 * is analyzed by autovacuum a minute or so after it starts receiving rows, and every analyze
 * makes the connections plan again; a benchmark that measures its first minute without this
 * measures that one minute. Run it once the pipeline has written a few thousand rows.
 */
export async function analyzeAfterWarmUp(sql: TestDatabase['sql']): Promise<void> {
  await sql`analyze loans, scheduled_reminders, notification_log, notification_events`;
}
