#!/usr/bin/env node
// `pnpm build`: each service becomes one plain JavaScript file, services/<name>/dist/main.js,
// which production, `npm start`, the tests and the benchmarks all run with `node` (no tsx at
// run time: with its loader thread and esbuild, each service idled 45–77 MB higher; see
// docs/benchmarks.md). Also builds the migration one-shot, packages/db/dist/migrate-cli.js, and
// the operator CLI (packages/cli), services/stats-service/dist/cli.js, which the images carry.
// Plain Node ESM; the only dependency is esbuild.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Packages left out of the bundles, and why. Everything else is inlined.
 * - `runtime`: loaded at run time from node_modules, because it is a native addon, reads files
 *   from its own package folder, or (twilio) loads its parts lazily. Each must be a direct
 *   dependency of every service whose bundle imports it (checked after each build), so that
 *   `pnpm deploy` ships it and Node finds it from services/<name>/dist/.
 * - `absent`: required only on paths the services never take; not shipped, so reaching one
 *   fails loudly (or falls back, where said).
 */
export const EXTERNALS = [
  { name: '@node-rs/argon2', load: 'runtime', why: 'native addon, picked per platform at run time' },
  {
    name: '@fastify/swagger-ui',
    load: 'runtime',
    why: 'serves Swagger UI from its own static/ folder (found with __dirname)',
  },
  {
    name: '@bull-board/api',
    load: 'runtime',
    // @bull-board/fastify, which serves them by the absolute paths this gives it, bundles fine.
    why: "finds @bull-board/ui's assets and views with an eval'd require.resolve from its own folder",
  },
  {
    // Not forced out: it bundles and works. But the SDK requires each of its REST resources on
    // first use, whereas a bundle makes Node parse and keep all ~8 MB of their source.
    name: 'twilio',
    load: 'runtime',
    why: 'bundled, whatsapp-sender idles ~15 MB higher (134 MB against 119 MB)',
  },
  {
    name: 'msgpackr-extract',
    load: 'absent',
    why: "msgpackr's optional native string extractor for unpacking; bullmq's JavaScript only packs (Redis unpacks, in Lua), and msgpackr falls back to JavaScript without it",
  },
];

// Lets bundled CommonJS code require Node built-ins (and the runtime externals) from an ES module.
const BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Not minified: stack traces and profiles keep readable function names.
  minify: false,
  banner: { js: BANNER },
  external: EXTERNALS.map((e) => e.name),
  metafile: true,
  write: false,
  logLevel: 'warning',
};

/** Folder names under services/. */
export function serviceNames() {
  return readdirSync(join(ROOT, 'services'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'services', d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** `@scope/pkg/sub/path` → `@scope/pkg`; `pkg/sub` → `pkg`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Packages the bundle leaves to Node's resolver at run time, from the metafile: our EXTERNALS,
 * and the `require()`s inside try/catch that esbuild could not resolve (optional packages
 * nobody installed, e.g. bullmq's `pg` and `@valkey/valkey-glide`, debug's `supports-color`),
 * whose callers already cope with their absence. Node built-ins, esbuild's own `<runtime>` and
 * glob imports of files (bundled) are left out.
 */
function runtimeImports(metafile) {
  const builtins = new Set(builtinModules);
  const found = new Set();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external || imp.path === '<runtime>' || imp.path.startsWith('.')) continue;
      if (imp.path.startsWith('node:') || builtins.has(imp.path)) continue;
      found.add(packageOf(imp.path));
    }
  }
  return [...found].sort();
}

/** Problems with the runtime externals of one package's bundle (empty when all is well). */
function externalProblems(packageDir, imported) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const problems = [];
  for (const name of imported) {
    const external = EXTERNALS.find((e) => e.name === name);
    if (external?.load !== 'runtime') continue;
    if (!manifest.dependencies?.[name]) {
      problems.push(`${name} (${external.why}) is not in its package.json "dependencies"`);
    } else if (!existsSync(join(packageDir, 'node_modules', name, 'package.json'))) {
      problems.push(`${name} is a dependency but is not installed in its node_modules (run pnpm install)`);
    }
  }
  return problems;
}

/** Writes through a temporary file and a rename, so a process starting meanwhile never reads half a file. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/**
 * Bundles `entry` (relative to `packageDir`, or absolute) into `outfile`, with its metafile beside
 * it as `metaName`. `packageDir` is the package whose node_modules Node resolves the runtime
 * externals from, the one `pnpm deploy` ships the bundle in.
 */
async function bundle(label, packageDir, entry, outfile, metaName = 'meta.json') {
  const started = performance.now();
  const result = await esbuild.build({ ...COMMON, entryPoints: [resolve(packageDir, entry)], outfile });
  const imported = runtimeImports(result.metafile);
  const problems = externalProblems(packageDir, imported);
  if (problems.length > 0) {
    throw new Error(
      `${label}: its bundle imports packages at run time that it does not provide itself:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nAdd them to ${relative(ROOT, join(packageDir, 'package.json'))} (see EXTERNALS in scripts/build.mjs).`,
    );
  }
  const [output] = result.outputFiles;
  writeAtomically(output.path, output.contents);
  writeAtomically(join(dirname(outfile), metaName), JSON.stringify(result.metafile));
  return {
    label,
    outfile: relative(ROOT, outfile),
    bytes: output.contents.byteLength,
    modules: Object.keys(result.metafile.inputs).length,
    runtimeExternals: imported.filter((name) =>
      EXTERNALS.some((e) => e.name === name && e.load === 'runtime'),
    ),
    ms: Math.round(performance.now() - started),
  };
}

/**
 * Builds every service (services/<name>/dist/main.js, with its esbuild metafile beside it as
 * meta.json), the migration one-shot (packages/db/dist/migrate-cli.js, which finds
 * ../migrations from there) and the operator CLI. Rejects with a readable message when a bundle
 * needs a package its service does not depend on. `quiet` skips the per-bundle lines.
 *
 * The CLI (packages/cli/src/main.ts, what `pnpm rappel` runs through tsx) is bundled into
 * stats-service's dist/, as dist/cli.js: so the stats-service image carries it (`"files":
 * ["dist"]`) and an operator can create the first user and API key inside a deployment, where
 * neither tsx nor the sources exist. stats-service, because create-user hashes with argon2id as
 * it verifies: its image has @node-rs/argon2, the CLI bundle's one runtime external.
 */
export async function buildServices({ quiet = false } = {}) {
  const jobs = serviceNames().map((name) => {
    const dir = join(ROOT, 'services', name);
    return bundle(name, dir, 'src/main.ts', join(dir, 'dist', 'main.js'));
  });
  const db = join(ROOT, 'packages', 'db');
  jobs.push(bundle('db migrate-cli', db, 'src/migrate-cli.ts', join(db, 'dist', 'migrate-cli.js')));
  const stats = join(ROOT, 'services', 'stats-service');
  const cliEntry = join(ROOT, 'packages', 'cli', 'src', 'main.ts');
  jobs.push(bundle('operator cli', stats, cliEntry, join(stats, 'dist', 'cli.js'), 'cli.meta.json'));
  const settled = await Promise.allSettled(jobs);
  const failures = settled.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  if (failures.length > 0) throw new Error(failures.join('\n'));
  const results = settled.map((r) => r.value);
  if (!quiet) {
    for (const r of results) {
      const externals = r.runtimeExternals.length
        ? `, loads ${r.runtimeExternals.join(', ')} from node_modules`
        : '';
      console.log(
        `${r.label.padEnd(20)} ${r.outfile.padEnd(42)} ${(r.bytes / 1e6).toFixed(1).padStart(5)} MB, ${r.modules} modules${externals} (${r.ms} ms)`,
      );
    }
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildServices();
  } catch (error) {
    // esbuild has printed its own errors already; ours are one readable message.
    console.error(`\nbuild failed: ${error.message}`);
    process.exit(1);
  }
}
