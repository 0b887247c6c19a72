import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../../../scripts/lib/node-flags.mjs';

const root = new URL('../../../', import.meta.url);
const dockerfile = readFileSync(fileURLToPath(new URL('infra/docker/Dockerfile', root)), 'utf8');

describe('infra/docker/Dockerfile', () => {
  it('runs the services with the heap settings npm start, the tests and the benchmarks use', () => {
    expect(dockerfile).toContain(`NODE_OPTIONS="${SERVICE_NODE_FLAGS.join(' ')}"`);
  });

  it('runs the built bundle, without a TypeScript loader', () => {
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(dockerfile).not.toMatch(/^(CMD|ENTRYPOINT).*tsx/m);
  });

  it('ships the operator CLI in the stats-service image: its dist/, where the build puts cli.js', async () => {
    // cli-bundle.test.ts runs that dist/cli.js; pnpm deploy ships a service's "files".
    const { readFile } = await import('node:fs/promises');
    const path = fileURLToPath(new URL('services/stats-service/package.json', root));
    expect(JSON.parse(await readFile(path, 'utf8')).files).toContain('dist');
  });
});
