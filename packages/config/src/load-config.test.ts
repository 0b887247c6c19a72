import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envBoolean, envInt } from './fields';
import { ConfigError, loadConfig } from './load-config';
import { baseEnvSchema, httpEnvSchema, phoneRegionEnvSchema, reminderPolicyEnvSchema } from './schemas';

const schema = baseEnvSchema.extend(reminderPolicyEnvSchema.shape);

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://localhost/rappel' });
    expect(config.APP_TIMEZONE).toBe('Africa/Libreville');
    expect(config.DEFAULT_RETURN_TIME).toBe('10:00');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads an empty value as unset, for every setting', () => {
    const config = loadConfig(schema.extend(httpEnvSchema.shape), {
      DATABASE_URL: 'postgres://localhost/rappel',
      LOG_LEVEL: '',
      PORT: '',
      DEFAULT_RETURN_TIME: '',
    });
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.PORT).toBe(3000);
    expect(config.DEFAULT_RETURN_TIME).toBe('10:00');
    expect(() => loadConfig(schema, { DATABASE_URL: '' })).toThrow(/DATABASE_URL/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig(schema, { APP_TIMEZONE: 'Mars/Olympus', DEFAULT_RETURN_TIME: '25:00' });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('APP_TIMEZONE');
      expect(problems).toContain('DEFAULT_RETURN_TIME');
    }
  });

  it('reads booleans and integers from strings', () => {
    const s = z.object({ A: envBoolean(false), B: envInt(5, { min: 1 }) });
    expect(loadConfig(s, { A: 'true', B: '7' })).toEqual({ A: true, B: 7 });
    expect(loadConfig(s, {})).toEqual({ A: false, B: 5 });
    expect(() => loadConfig(s, { B: '0' })).toThrow(ConfigError);
  });

  it('reads the phone region shared by attribution-service and stats-service', () => {
    const env = { DATABASE_URL: 'postgres://localhost/rappel' };
    const regional = baseEnvSchema.extend(phoneRegionEnvSchema.shape);
    expect(loadConfig(regional, env).PHONE_DEFAULT_REGION).toBe('GA');
    expect(loadConfig(regional, { ...env, PHONE_DEFAULT_REGION: 'FR' }).PHONE_DEFAULT_REGION).toBe('FR');
    // Empty is unset, as for every setting: the default.
    expect(loadConfig(regional, { ...env, PHONE_DEFAULT_REGION: '' }).PHONE_DEFAULT_REGION).toBe('GA');
    for (const bad of ['XX', 'fr', 'FRA'])
      expect(() => loadConfig(regional, { ...env, PHONE_DEFAULT_REGION: bad }), bad).toThrow(
        /PHONE_DEFAULT_REGION/,
      );
  });

  it('names a renamed setting instead of ignoring it', () => {
    const env = { DATABASE_URL: 'postgres://localhost/rappel', DEFAULT_PHONE_REGION: 'FR' };
    expect(() => loadConfig(schema, env)).toThrow(/DEFAULT_PHONE_REGION: renamed PHONE_DEFAULT_REGION/);
  });

  it("refuses the deployment files' placeholder PUBLIC_BASE_URL in production only", () => {
    const http = baseEnvSchema.extend(httpEnvSchema.shape);
    const env = {
      DATABASE_URL: 'postgres://localhost/rappel',
      PUBLIC_BASE_URL: 'https://rappel.example.invalid',
    };
    expect(() => loadConfig(http, { ...env, NODE_ENV: 'production' })).toThrow(
      /PUBLIC_BASE_URL: .*placeholder/,
    );
    expect(loadConfig(http, { ...env, NODE_ENV: 'development' }).PUBLIC_BASE_URL).toBe(env.PUBLIC_BASE_URL);
    const real = { ...env, NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://rappel.hotel.example' };
    expect(loadConfig(http, real).PUBLIC_BASE_URL).toBe(real.PUBLIC_BASE_URL);
    expect(loadConfig(http, { ...real, PUBLIC_BASE_URL: 'http://localhost:3004' }).NODE_ENV).toBe(
      'production',
    );
  });
});
