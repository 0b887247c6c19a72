/**
 * Scenario 6 (issue 4's real-time test): three scheduler processes, two e-mail workers and two
 * WhatsApp workers against one Postgres and one Redis. Reminders of N loans fall due within the
 * next minute; exactly one message per reminder per channel must reach the SMTP and Twilio
 * servers, each within 60 s of its fire_at. The smoke run leaves it to scenario 7, the same
 * run with a Redis outage in the middle, to stay within CI's time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { report } from '../src/ledger';
import { realtimeSize, runRealtime, startRealtime } from '../src/realtime';
import { MODE } from '../src/scale';
import type { Scenario } from '../src/scenario';

let s: Scenario;

beforeAll(async () => {
  if (MODE === 'full') s = await startRealtime('replicas');
});

afterAll(async () => {
  await s?.close();
});

describe.skipIf(MODE !== 'full')('three schedulers and two workers of each kind', () => {
  it('send every reminder exactly once per channel, within 60 s of its time', async () => {
    const result = await runRealtime(s, realtimeSize);
    report('6 replicas', result.counts, {
      loans: result.loans,
      latencyMaxSeconds: result.latency.max.toFixed(1),
      latencyP50Seconds: result.latency.p50.toFixed(1),
      rows: JSON.stringify(result.statuses),
    });
    expect(result.counts).toMatchObject({ lost: 0, duplicates: 0, unexpected: 0 });
    expect(result.statuses).toEqual({ sent: 2 * result.loans });
    expect(result.latency.max).toBeLessThan(60);
  });
});
