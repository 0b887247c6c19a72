import { readFileSync } from 'node:fs';
import type { TestDatabase } from '../../packages/testing/src/index';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it has exited. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU used by named processes and by the Postgres backends of one database over a stretch of a
 * run. CPU seconds per message are what a shared machine does not distort much: a busy
 * neighbour slows the run down, but does not make a message cost more instructions.
 */
export interface CpuMeter {
  /** CPU seconds used since `start()`, by process name, plus `postgres` (the database's backends). */
  stop(): Promise<Record<string, number>>;
}

export async function startCpuMeter(
  processes: Record<string, number | undefined>,
  sql: TestDatabase['sql'],
): Promise<CpuMeter> {
  const backends = async (): Promise<number[]> =>
    (
      await sql<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
    ).map((r: { pid: number }) => r.pid);
  const before = new Map<string, number>();
  for (const [name, pid] of Object.entries(processes)) before.set(name, cpuSeconds(pid));
  const backendsBefore = new Map((await backends()).map((pid) => [pid, cpuSeconds(pid)]));
  return {
    async stop() {
      const used: Record<string, number> = {};
      for (const [name, pid] of Object.entries(processes)) used[name] = cpuSeconds(pid) - before.get(name)!;
      // A backend opened during the stretch counts from zero; one closed during it is lost (the
      // pools keep theirs open while busy).
      used.postgres = 0;
      for (const pid of await backends()) used.postgres += cpuSeconds(pid) - (backendsBefore.get(pid) ?? 0);
      return used;
    },
  };
}
