import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type HealthOptions, healthPlugin } from './health';
import { createMetricsRegistry, metricsPlugin, registerDependencyGauge } from './metrics';

const up = () => {};
const down = () => {
  throw new Error('Connection is closed.');
};
const hangs = () => new Promise<void>(() => {});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function readyz(options: HealthOptions) {
  app = Fastify();
  await app.register(healthPlugin, options);
  const res = await app.inject({ url: '/readyz' });
  return { statusCode: res.statusCode, body: res.json() };
}

describe('/readyz', () => {
  it('is 503 when a required check fails, and names it', async () => {
    expect(await readyz({ checks: { postgres: down, redis: up } })).toEqual({
      statusCode: 503,
      body: { status: 'unavailable', checks: { postgres: 'Connection is closed.', redis: 'ok' } },
    });
  });

  it('stays 200 when only a reported check fails, described as degraded', async () => {
    expect(await readyz({ checks: { postgres: up }, reported: { redis: down } })).toEqual({
      statusCode: 200,
      body: {
        status: 'degraded',
        checks: { postgres: 'ok' },
        reported: { redis: 'Connection is closed.' },
      },
    });
  });

  it('is ok when everything answers; a reported check that hangs times out without holding it', async () => {
    expect(await readyz({ checks: { postgres: up }, reported: { redis: up } })).toEqual({
      statusCode: 200,
      body: { status: 'ok', checks: { postgres: 'ok' }, reported: { redis: 'ok' } },
    });
    await app?.close();
    const slow = await readyz({ checks: { postgres: up }, reported: { redis: hangs }, timeoutMs: 20 });
    expect(slow).toMatchObject({
      statusCode: 200,
      body: { status: 'degraded', reported: { redis: 'timeout' } },
    });
  });

  it('a required failure wins over reported ones', async () => {
    const res = await readyz({ checks: { postgres: down }, reported: { redis: down } });
    expect(res).toMatchObject({ statusCode: 503, body: { status: 'unavailable' } });
  });
});

describe('rappel_dependency_up', () => {
  it('reads each check at scrape time: 1 when it answers, 0 when it fails or hangs', async () => {
    let redisUp = false;
    const registry = createMetricsRegistry('test-service');
    registerDependencyGauge(
      registry,
      {
        postgres: up,
        redis: () => {
          if (!redisUp) throw new Error('down');
        },
        slow: hangs,
      },
      20,
    );
    app = Fastify();
    await app.register(metricsPlugin, { registry });
    const scrape = async () => (await app!.inject({ url: '/metrics' })).body;
    const value = (text: string, dependency: string) =>
      new RegExp(`^rappel_dependency_up\\{dependency="${dependency}"[^}]*\\} (\\d)$`, 'm').exec(text)?.[1];
    let text = await scrape();
    expect([value(text, 'postgres'), value(text, 'redis'), value(text, 'slow')]).toEqual(['1', '0', '0']);
    redisUp = true;
    text = await scrape();
    expect(value(text, 'redis')).toBe('1');
  });
});
