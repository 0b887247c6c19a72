import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * What makes `entry`'s import graph reach MJML, as esbuild resolves it (workspace packages and
 * node_modules included): every import of an `mjml` or `mjml-*` package, and every bundled file
 * under a `mjml…` folder. The MJML packages themselves are left out of the bundle to keep it fast.
 */
async function mjmlReachedFrom(entry: string): Promise<string[]> {
  const found: string[] = [];
  const stopAtMjml: Plugin = {
    name: 'stop-at-mjml',
    setup(b) {
      b.onResolve({ filter: /^mjml(-[\w-]+)?(\/.*)?$/ }, (args) => {
        found.push(`${relative(packageRoot, args.importer)} imports ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  const { metafile } = await build({
    entryPoints: [entry],
    absWorkingDir: packageRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [stopAtMjml],
  });
  return [...found, ...Object.keys(metafile.inputs).filter((path) => path.includes('/mjml'))];
}

describe('runtime imports', () => {
  // The services import the main entry; MJML would cost each of them tens of MB of heap.
  it('keep MJML out of the main entry', async () => {
    expect(await mjmlReachedFrom('src/index.ts')).toEqual([]);
  });

  it('see MJML where it is used: the compile entry', async () => {
    expect(await mjmlReachedFrom('src/email/compile-email-template.ts')).toContain(
      'src/email/compile-email-template.ts imports mjml',
    );
  });
});
