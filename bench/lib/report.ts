import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** One line of a benchmark's table: a figure and the goal it is held against. */
export interface Figure {
  name: string;
  value: string;
  goal?: string;
  /** true met, false missed, undefined when the figure has no goal of its own. */
  met?: boolean;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Nearest-rank percentile of unsorted values, `p` in [0, 1]. */
export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The 1, 5 and 15-minute load averages: the machine is shared, so every result carries them. */
export const loadAverage = () => loadavg().map((x) => round(x, 2)) as [number, number, number];

export function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}

/** Prints the figures with their goals and a verdict column. */
export function printFigures(title: string, figures: readonly Figure[]): void {
  console.log(`\n${title}`);
  printTable(
    ['figure', 'value', 'goal', ''],
    figures.map((f) => [f.name, f.value, f.goal ?? '', f.met === undefined ? '' : f.met ? 'met' : 'MISSED']),
  );
}

/** Writes `bench/results/<name>.json` (gitignored) with the load average beside the figures. */
export function writeResult(name: string, data: Record<string, unknown>): string {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  const body = { benchmark: name, at: new Date().toISOString(), loadAverage: loadAverage(), ...data };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file.pathname;
}

export const fmtRate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en')}/s`;
export const fmtMs = (ms: number) => `${ms < 10 ? round(ms, 1) : Math.round(ms)} ms`;
