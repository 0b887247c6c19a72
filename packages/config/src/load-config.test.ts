import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envBoolean, envInt } from './fields';
import { ConfigError, loadConfig } from './load-config';
import { baseEnvSchema, reminderPolicyEnvSchema } from './schemas';

const schema = baseEnvSchema.extend(reminderPolicyEnvSchema.shape);

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://localhost/rappel' });
    expect(config.APP_TIMEZONE).toBe('Africa/Libreville');
    expect(config.DEFAULT_RETURN_TIME).toBe('10:00');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(Object.isFrozen(config)).toBe(true);
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
});
