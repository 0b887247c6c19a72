import { ConfigError } from '@rappel/config';
import { describe, expect, it } from 'vitest';
import { parseSchedulerConfig } from './config';
import { dailyCron } from './job-schedulers';

describe('scheduler config', () => {
  it('has the documented defaults', () => {
    const c = parseSchedulerConfig({ DATABASE_URL: 'postgres://x@localhost/rappel' });
    expect(c).toMatchObject({
      PORT: 3005,
      FIRE_INTERVAL_SECONDS: 15,
      RELAY_INTERVAL_SECONDS: 30,
      FIRE_BATCH_SIZE: 500,
      MAX_REMINDER_LATENESS_MINUTES: 360,
      LOG_RETENTION_DAYS: 90,
      RETENTION_TIME: '02:00',
      DAILY_REPORT_TIME: '07:30',
      APP_TIMEZONE: 'Africa/Libreville',
      REMINDER_D2_TIME: '09:00',
    });
    expect(c.ANONYMISE_AFTER_DAYS).toBeUndefined();
  });

  it('reads an empty optional setting (`ANONYMISE_AFTER_DAYS=` in a .env file) as unset', () => {
    const env = { DATABASE_URL: 'postgres://x@localhost/rappel' };
    expect(parseSchedulerConfig({ ...env, ANONYMISE_AFTER_DAYS: '' }).ANONYMISE_AFTER_DAYS).toBeUndefined();
    expect(parseSchedulerConfig({ ...env, ANONYMISE_AFTER_DAYS: '365' }).ANONYMISE_AFTER_DAYS).toBe(365);
    expect(() => parseSchedulerConfig({ ...env, ANONYMISE_AFTER_DAYS: '0' })).toThrow(/ANONYMISE_AFTER_DAYS/);
  });

  it('lists every bad value at once', () => {
    try {
      parseSchedulerConfig({ DATABASE_URL: 'mysql://x', DAILY_REPORT_TIME: '7h30', FIRE_BATCH_SIZE: '0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(
        expect.arrayContaining(['DATABASE_URL', 'DAILY_REPORT_TIME', 'FIRE_BATCH_SIZE']),
      );
    }
  });

  it('turns a wall-clock time into a daily cron pattern', () => {
    expect(dailyCron('07:30')).toBe('30 7 * * *');
    expect(dailyCron('02:00')).toBe('0 2 * * *');
  });
});
