import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logRow, Session, startHarness } from './harness';

/**
 * UTC+12 and UTC-12 show the same clock time a day apart: at any instant one of them is on
 * another date than a given zone, which is what makes "today" in the wrong zone show.
 */
const FAR_ZONES = ['Etc/GMT-12', 'Etc/GMT+12'] as const;
const utcToday = () => DateTime.utc().toISODate();
const csvZone = FAR_ZONES.find((zone) => DateTime.now().setZone(zone).toISODate() !== utcToday())!;

let h: Harness;
let manager: Session;
beforeAll(async () => {
  h = await startHarness('local-day', { APP_TIMEZONE: csvZone });
  manager = new Session(h.app);
  await manager.signIn(h.users.managerA.email);
});
afterAll(async () => {
  await h?.close();
});

describe("the CSV export's file name", () => {
  it("carries today's date in the site's zone", async () => {
    const before = DateTime.now().setZone(csvZone).toISODate();
    const res = await manager.request('GET', '/v1/notifications.csv');
    const after = DateTime.now().setZone(csvZone).toISODate();
    expect(res.statusCode).toBe(200);
    const name = /filename="rappel-notifications-(\d{4}-\d{2}-\d{2})\.csv"/.exec(
      res.headers['content-disposition'] as string,
    )?.[1];
    expect([before, after]).toContain(name);
  });
});

describe('rappel_notification_delay_seconds', () => {
  it("averages the messages of today and yesterday in the rollups' zone, whatever the session's", async () => {
    const { sql } = h.database;
    const zones = await sql<{ zone: string }[]>`
      select zone from unnest(${FAR_ZONES as unknown as string[]}::text[]) zone
      where (now() at time zone zone)::date <> current_date`;
    const zone = zones[0]!.zone;
    // Before any row: the rollups' days are this zone's.
    await sql`update stats_settings set timezone = ${zone} where id = 1`;
    const today = DateTime.now().setZone(zone).startOf('day');
    const sentAfter = async (createdAt: DateTime, seconds: number) =>
      logRow(h, {
        departmentId: h.deptA.id,
        status: 'sent',
        createdAt: createdAt.toJSDate(),
        sentAt: createdAt.plus({ seconds }).toJSDate(),
      });
    await sentAfter(today.minus({ days: 2 }).set({ hour: 12 }), 1_000);
    await sentAfter(today.minus({ days: 1 }).set({ hour: 12 }), 10);
    await sentAfter(DateTime.now().minus({ minutes: 1 }), 20);

    const metrics = await new Session(h.app).request('GET', '/metrics');
    const sent = /^rappel_notification_delay_seconds\{metric="sent"[^}]*\} (\S+)$/m.exec(metrics.body)?.[1];
    expect(Number(sent)).toBe(15);
  });
});
