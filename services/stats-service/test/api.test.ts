import { notificationEvents, notificationLog } from '@rappel/db';
import { linkToken } from '@rappel/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, LINK_SECRET, logRow, Session, startHarness } from './harness';

let h: Harness;
const as: Record<'superAdmin' | 'managerA' | 'managerB' | 'userA' | 'anonymous', Session> = {} as never;
let rows: Record<'aSent' | 'aFailed' | 'aFailed2' | 'bSent' | 'bFailed', { id: string }>;

beforeAll(async () => {
  h = await startHarness('api');
  const now = Date.now();
  rows = {
    aSent: await logRow(h, {
      departmentId: h.deptA.id,
      status: 'delivered',
      sentAt: new Date(now + 2_000),
      deliveredAt: new Date(now + 10_000),
      createdAt: new Date(now),
    }),
    aFailed: await logRow(h, {
      departmentId: h.deptA.id,
      status: 'permanent_failure',
      channel: 'whatsapp',
      kind: 'reminder_d1',
      errorCode: '21211',
      attempts: 3,
    }),
    aFailed2: await logRow(h, { departmentId: h.deptA.id, status: 'permanent_failure', errorCode: '550' }),
    bSent: await logRow(h, {
      departmentId: h.deptB.id,
      status: 'sent',
      recipientId: h.clientB.id,
      sentAt: new Date(now + 5_000),
      createdAt: new Date(now),
    }),
    bFailed: await logRow(h, {
      departmentId: h.deptB.id,
      status: 'permanent_failure',
      recipientId: h.clientB.id,
      errorCode: '550',
    }),
  };
  for (const [name, email] of [
    ['superAdmin', h.users.superAdmin.email],
    ['managerA', h.users.managerA.email],
    ['managerB', h.users.managerB.email],
    ['userA', h.users.userA.email],
  ] as const) {
    as[name] = new Session(h.app);
    expect((await as[name].signIn(email)).statusCode).toBe(303);
  }
  as.anonymous = new Session(h.app);
});
afterAll(async () => {
  await h?.close();
});

const status = async (s: Session, url: string) => (await s.request('GET', url)).statusCode;

describe('GET /v1/stats', () => {
  it('answers per role: super admin everything, managers their department, others 403/401', async () => {
    const all = (await as.superAdmin.request('GET', '/v1/stats')).json();
    expect(all.totals.total).toBe(5);
    expect(all.departmentId).toBeNull();
    const a = (await as.managerA.request('GET', '/v1/stats')).json();
    expect(a.totals).toMatchObject({ total: 3, finished: 3, succeeded: 1, failuresToLookAt: 2 });
    expect(a.departmentId).toBe(h.deptA.id);
    expect(a.byDepartment).toEqual([{ departmentId: h.deptA.id, name: h.deptA.name, total: 3 }]);
    expect(a.byChannel.whatsapp.total).toBe(1);
    expect(a.byKind.reminder_d1).toBe(1);
    expect(a.topFailures).toEqual([
      { code: '21211', count: 1, meaning: 'Numéro de téléphone invalide' },
      { code: '550', count: 1, meaning: 'Adresse e-mail inexistante ou refusée' },
    ]);
    expect(a.latency.sent.count).toBe(1);
    expect(a.latency.sent.p50Seconds).toBeGreaterThan(1);
    expect(a.latency.sent.p50Seconds).toBeLessThanOrEqual(2.5);
    expect(a.daily.at(-1).total).toBe(3);
    const b = (await as.managerB.request('GET', '/v1/stats')).json();
    expect(b.totals.total).toBe(2);
    expect(await status(as.userA, '/v1/stats')).toBe(403);
    expect(await status(as.anonymous, '/v1/stats')).toBe(401);
  });

  it("refuses a manager another department's figures; lets a super admin narrow to one", async () => {
    const res = await as.managerA.request('GET', `/v1/stats?department=${h.deptB.id}`);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    const b = (await as.superAdmin.request('GET', `/v1/stats?department=${h.deptB.id}`)).json();
    expect(b.totals.total).toBe(2);
  });

  it('names the failing field, in French unless English is preferred', async () => {
    const fr = await as.managerA.request('GET', '/v1/stats?from=yesterday');
    expect(fr.statusCode).toBe(400);
    expect(fr.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'from' });
    expect(fr.json().message).toContain('Paramètre invalide');
    const en = await as.managerA.request('GET', '/v1/stats?from=2026-01-10&to=2026-01-01', {
      headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' },
    });
    expect(en.statusCode).toBe(400);
    expect(en.json().message).toBe('Invalid parameter: from.');
    expect(en.json().topFailures).toBeUndefined();
    const meaning = (
      await as.managerA.request('GET', '/v1/stats', { headers: { 'accept-language': 'en' } })
    ).json().topFailures[0].meaning;
    expect(meaning).toBe('Invalid phone number');
  });
});

describe('GET /v1/notifications', () => {
  it('lists only the rows in scope', async () => {
    const ids = (s: Session, q = '') =>
      s.request('GET', `/v1/notifications${q}`).then((r) => r.json().items.map((i: { id: string }) => i.id));
    expect((await ids(as.superAdmin)).length).toBe(5);
    expect((await ids(as.managerA)).sort()).toEqual(
      [rows.aSent.id, rows.aFailed.id, rows.aFailed2.id].sort(),
    );
    expect((await ids(as.managerB)).sort()).toEqual([rows.bSent.id, rows.bFailed.id].sort());
    expect(await status(as.managerA, `/v1/notifications?department=${h.deptB.id}`)).toBe(403);
    expect(await status(as.userA, '/v1/notifications')).toBe(403);
    expect(await status(as.anonymous, '/v1/notifications')).toBe(401);
  });

  it('filters by status, channel, kind, recipient, loan and date', async () => {
    const get = (q: string) =>
      as.superAdmin.request('GET', `/v1/notifications?${q}`).then((r) => r.json().items);
    expect((await get('status=permanent_failure')).length).toBe(3);
    expect((await get('status=sent,delivered')).length).toBe(2);
    expect((await get('channel=whatsapp')).map((r: { id: string }) => r.id)).toEqual([rows.aFailed.id]);
    expect((await get('kind=reminder_d1&status=permanent_failure')).length).toBe(1);
    expect((await get(`recipient=${h.clientB.id}`)).length).toBe(2);
    expect((await get('recipient=CLAIRE@example.test')).length).toBe(5);
    expect((await get(`loan=${h.clientA.id}`)).length).toBe(0);
    expect((await get('from=2000-01-01&to=2000-01-02')).length).toBe(0);
    const bad = await as.superAdmin.request('GET', '/v1/notifications?status=lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('status.0');
  });

  it('pages with a cursor, ties included, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as.superAdmin.request(
        'GET',
        `/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page = res.json();
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(5);
    expect(new Set(seen).size).toBe(5);
    expect((await as.superAdmin.request('GET', '/v1/notifications?cursor=garbage')).statusCode).toBe(400);
  });

  it('exports CSV within the scope', async () => {
    const res = await as.managerA.request('GET', '/v1/notifications.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toContain('id,created_at,department');
    expect(lines.length).toBe(4);
    expect(res.body).not.toContain(rows.bSent.id);
    expect(await status(as.userA, '/v1/notifications.csv')).toBe(403);
    expect(await status(as.anonymous, '/v1/notifications.csv')).toBe(401);
  });
});

describe('GET /v1/notifications/:id', () => {
  it("shows a row with its events to its department's manager and super admins only", async () => {
    await h.database.db.insert(notificationEvents).values({
      notificationId: rows.aFailed.id,
      type: 'permanent_failure',
      errorCode: '21211',
      actor: 'whatsapp-sender',
    });
    const a = await as.managerA.request('GET', `/v1/notifications/${rows.aFailed.id}`);
    expect(a.statusCode).toBe(200);
    expect(a.json().events.map((e: { type: string }) => e.type)).toEqual(['permanent_failure']);
    expect(await status(as.superAdmin, `/v1/notifications/${rows.aFailed.id}`)).toBe(200);
    expect(await status(as.managerB, `/v1/notifications/${rows.aFailed.id}`)).toBe(404);
    expect(await status(as.userA, `/v1/notifications/${rows.aFailed.id}`)).toBe(403);
    expect(await status(as.anonymous, `/v1/notifications/${rows.aFailed.id}`)).toBe(401);
    expect(await status(as.managerA, '/v1/notifications/not-a-uuid')).toBe(404);
  });
});

describe('replay', () => {
  it('refuses other departments, plain users, strangers and requests without the CSRF token', async () => {
    const url = `/v1/notifications/${rows.aFailed.id}/replay`;
    expect((await as.managerB.post(url)).statusCode).toBe(404);
    expect((await as.userA.post(url)).statusCode).toBe(403);
    expect((await as.anonymous.post(url)).statusCode).toBe(403);
    const noToken = await as.managerA.request('POST', url, { json: {} });
    expect(noToken.statusCode).toBe(403);
    const [row] = await h.database.db
      .select()
      .from(notificationLog)
      .where(eq(notificationLog.id, rows.aFailed.id));
    expect(row!.status).toBe('permanent_failure');
  });

  it('sets the row back to pending, keeps attempts, records who, and queues the job', async () => {
    const res = await as.managerA.post(`/v1/notifications/${rows.aFailed.id}/replay`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ replayed: [rows.aFailed.id], queued: 1 });
    const [row] = await h.database.db
      .select()
      .from(notificationLog)
      .where(eq(notificationLog.id, rows.aFailed.id));
    expect(row).toMatchObject({ status: 'pending', attempts: 3 });
    const events = await h.database.db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.notificationId, rows.aFailed.id));
    const replayed = events.find((e) => e.type === 'replayed');
    expect(replayed).toMatchObject({ actor: h.users.managerA.id, status: 'pending' });
    expect(replayed!.detail).toMatchObject({ previousStatus: 'permanent_failure', role: 'dept_manager' });
    const job = await h.queues.whatsapp.getJob(rows.aFailed.id);
    expect(job?.data).toEqual({ notificationId: rows.aFailed.id });
    expect(job?.name).toBe('reminder_d1');
    // A pending row is not replayed again.
    expect((await as.managerA.post(`/v1/notifications/${rows.aFailed.id}/replay`)).json().replayed).toEqual(
      [],
    );
  });

  it("replays by filter within the manager's department only", async () => {
    const res = await as.managerA.post('/v1/notifications/replay?status=permanent_failure');
    expect(res.statusCode).toBe(202);
    expect(res.json().replayed).toEqual([rows.aFailed2.id]);
    expect(await h.queues.email.getJob(rows.aFailed2.id)).toBeTruthy();
    expect(await h.queues.email.getJob(rows.bFailed.id)).toBeFalsy();
    expect((await as.managerA.post(`/v1/notifications/replay?department=${h.deptB.id}`)).statusCode).toBe(
      403,
    );
    expect((await as.userA.post('/v1/notifications/replay')).statusCode).toBe(403);
    const all = await as.superAdmin.post('/v1/notifications/replay?status=permanent_failure');
    expect(all.json().replayed).toEqual([rows.bFailed.id]);
  });
});

describe('pages by role', () => {
  it('dashboard and history: managers and super admins; 403 page for users; sign-in for strangers', async () => {
    for (const url of ['/', '/notifications', `/notifications/${rows.aSent.id}`]) {
      expect(await status(as.superAdmin, url)).toBe(200);
      expect(await status(as.managerA, url)).toBe(200);
      const forbidden = await as.userA.request('GET', url);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.body).toContain('Accès refusé');
      const anon = await as.anonymous.request('GET', url);
      expect(anon.statusCode).toBe(303);
      expect(anon.headers.location).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
    }
    expect(await status(as.managerB, `/notifications/${rows.aSent.id}`)).toBe(404);
    expect(await status(as.managerA, `/?department=${h.deptB.id}`)).toBe(403);
  });

  it('say why a message was skipped, though the outbox wrote it skipped with no event', async () => {
    const skipped = await logRow(h, {
      departmentId: h.deptA.id,
      status: 'skipped',
      skipReason: 'channel_off',
      channel: 'whatsapp',
      kind: 'reminder_d1',
      attempts: 0,
    });
    const reason = 'canal désactivé dans les préférences du destinataire';
    const list = await as.managerA.request('GET', '/notifications?status=skipped');
    const listed = new RegExp(`<tr data-id="${skipped.id}"[\\s\\S]*?</tr>`).exec(list.body)?.[0];
    expect(listed).toContain(reason);
    const page = await as.managerA.request('GET', `/notifications/${skipped.id}`);
    expect(/<dd data-testid="status">[\s\S]*?<\/dd>/.exec(page.body)?.[0]).toContain(reason);
    const english = await as.managerA.request('GET', `/notifications/${skipped.id}?lang=en`);
    expect(english.body).toContain('channel turned off in the recipient’s preferences');
    const csv = await as.managerA.request('GET', '/v1/notifications.csv?status=skipped');
    expect(csv.body).toContain(`${skipped.id},`);
    expect(csv.body).toMatch(/,skipped,channel_off,0,/);
  });

  it('Bull Board: super admins only', async () => {
    expect(await status(as.superAdmin, '/queues')).toBe(200);
    expect(await status(as.superAdmin, '/queues/api/queues')).toBe(200);
    expect(await status(as.managerA, '/queues')).toBe(403);
    expect(await status(as.managerA, '/queues/api/queues')).toBe(403);
    expect(await status(as.userA, '/queues')).toBe(403);
    expect(await status(as.anonymous, '/queues')).toBe(303);
  });

  it('preferences: every signed-in user; clients by signed link; nobody else', async () => {
    for (const s of [as.superAdmin, as.managerA, as.userA]) expect(await status(s, '/preferences')).toBe(200);
    expect(await status(as.anonymous, '/preferences')).toBe(303);
    const token = linkToken({ type: 'client', id: h.clientA.id }, 'prefs', LINK_SECRET, new Date(), 30);
    expect(await status(as.anonymous, `/p/${token}`)).toBe(200);
    expect(await status(as.anonymous, `/p/${token}x`)).toBe(404);
    const unsubscribe = linkToken(
      { type: 'client', id: h.clientA.id },
      'unsubscribe',
      LINK_SECRET,
      new Date(),
      30,
    );
    expect(await status(as.anonymous, `/p/${unsubscribe}`)).toBe(404);
  });

  it('health, metrics, docs and the stylesheet are public', async () => {
    expect(await status(as.anonymous, '/livez')).toBe(200);
    expect(await status(as.anonymous, '/readyz')).toBe(200);
    expect(await status(as.anonymous, '/assets/app.css')).toBe(200);
    expect(await status(as.anonymous, '/docs/json')).toBe(200);
    const metrics = await as.anonymous.request('GET', '/metrics');
    // Every message of the log, all time, by channel, kind and status: what the log says.
    const gauge = [
      ...metrics.body.matchAll(
        /^rappel_notifications_total\{channel="(\w+)",kind="(\w+)",status="(\w+)"[^}]*\} (\d+)$/gm,
      ),
    ]
      .filter((m) => m[4] !== '0')
      .map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`)
      .sort();
    const log = await h.database.sql<{ line: string }[]>`
      select channel || ' ' || kind || ' ' || status || ' ' || count(*) as line from notification_log
      group by channel, kind, status`;
    expect(gauge.length).toBeGreaterThan(0);
    expect(gauge).toEqual(log.map((r) => r.line).sort());
    expect(metrics.body).toContain('rappel_queue_jobs{');
  });
});

describe("reminders' effectiveness in /v1/stats", () => {
  it('counts reminded loans and those returned on time, per kind and channel', async () => {
    const { loan } = await h.f.loanWithPlan({
      departmentId: h.deptA.id,
      itemId: h.itemA.id,
      responsibleUserId: h.users.userA.id,
      clientId: h.clientA.id,
      startsAt: new Date(Date.now() - 3 * 86_400_000),
      dueAt: new Date(Date.now() + 3_600_000),
    });
    await logRow(h, {
      departmentId: h.deptA.id,
      loanId: loan.id,
      kind: 'reminder_2h',
      status: 'sent',
      sentAt: new Date(),
    });
    const before = (await as.managerA.request('GET', '/v1/stats')).json().effectiveness;
    expect(before).toEqual([
      { kind: 'reminder_2h', channel: 'email', reminded: 1, returnedOnTime: 0, returnedLate: 0, rate: null },
    ]);
    await h.database.sql`update loans set returned_at = now() where id = ${loan.id}`;
    const after = (await as.managerA.request('GET', '/v1/stats')).json().effectiveness;
    expect(after).toEqual([
      { kind: 'reminder_2h', channel: 'email', reminded: 1, returnedOnTime: 1, returnedLate: 0, rate: 1 },
    ]);
    expect((await as.managerB.request('GET', '/v1/stats')).json().effectiveness).toEqual([]);
  });
});
