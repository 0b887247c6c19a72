/**
 * Summarises a V8 .cpuprofile (from `--cpu-prof`, e.g. `pnpm bench end-to-end --cpu-prof
 * attribution-service`): where the process spent its CPU, by function and by package or file,
 * self time and total (inclusive) time. Frames in a service bundle (dist/main.js) count for the
 * module esbuild inlined there, so summarise a profile before the next build replaces the bundle.
 *
 *   pnpm tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [--top 25]
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from './lib/report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const top = Number(args.top);

/**
 * For a service bundle (services/<name>/dist/main.js, not minified), the first line of each
 * inlined module and its source path, read from the `// <path>` comment esbuild writes there.
 */
const bundleModules = new Map<string, { line: number; path: string }[]>();
function modulesOf(url: string): { line: number; path: string }[] {
  let modules = bundleModules.get(url);
  if (!modules) {
    modules = [];
    const lines = readFileSync(fileURLToPath(url), 'utf8').split('\n');
    lines.forEach((text, line) => {
      const path = /^\/\/ ((?:node_modules|packages|services)\/\S+)$/.exec(text)?.[1];
      if (path) modules!.push({ line, path });
    });
    bundleModules.set(url, modules);
  }
  return modules;
}

/** The source file a frame's code came from: its script, or inside a bundle the inlined module. */
function sourceOf(url: string, lineNumber: number): string {
  if (!/\/services\/[^/]+\/dist\/main\.js$/.test(url) || !existsSync(fileURLToPath(url))) return url;
  const modules = modulesOf(url);
  let found = url;
  for (let lo = 0, hi = modules.length - 1; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    if (modules[mid]!.line <= lineNumber) {
      found = `/${modules[mid]!.path}`;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** "pkg" for node_modules/.pnpm/…/node_modules/pkg/…, "our/file.ts" for ours, "(node)" for node internals. */
function where(url: string, lineNumber = 0): string {
  if (url.startsWith('file:')) url = sourceOf(url, lineNumber);
  if (!url) return '(native/gc/idle)';
  if (url.startsWith('node:')) return `(${url})`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ours = /\/(packages|services)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url.replace(/^file:\/\//, '');
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const totalUs = profile.endTime - profile.startTime;
  const idleUs = [...selfUs]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((a, [, us]) => a + us, 0);

  const selfByFn = new Map<string, number>();
  const selfByWhere = new Map<string, number>();
  const inclusiveByWhere = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    const w = where(node.callFrame.url, node.callFrame.lineNumber);
    const { functionName, url, lineNumber } = node.callFrame;
    // Inside a bundle the line is the bundle's, not the inlined module's.
    const line = url.endsWith('/dist/main.js') ? ` (dist/main.js:${lineNumber + 1})` : `:${lineNumber + 1}`;
    const fn = `${functionName || '(anonymous)'} ${w}${line}`;
    selfByFn.set(fn, (selfByFn.get(fn) ?? 0) + us);
    selfByWhere.set(w, (selfByWhere.get(w) ?? 0) + us);
    // Inclusive: every distinct place on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      const p = where(frame.url, frame.lineNumber);
      if (!seen.has(p)) {
        seen.add(p);
        inclusiveByWhere.set(p, (inclusiveByWhere.get(p) ?? 0) + us);
      }
    }
  }
  const busy = totalUs - idleUs;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  const ms = (us: number) => `${Math.round(us / 1000)} ms`;
  console.log(`\n${file}\n  wall ${ms(totalUs)}, busy ${ms(busy)} (${((100 * busy) / totalUs).toFixed(0)}%)`);
  console.log('\nSelf time by package or file');
  printTable(
    ['where', 'self', 'share', 'inclusive', 'share'],
    [...selfByWhere]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([w, us]) => [
        w,
        ms(us),
        pct(us),
        ms(inclusiveByWhere.get(w) ?? 0),
        pct(inclusiveByWhere.get(w) ?? 0),
      ]),
  );
  console.log('\nSelf time by function');
  printTable(
    ['function', 'self', 'share'],
    [...selfByFn]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => [f, ms(us), pct(us)]),
  );
}
