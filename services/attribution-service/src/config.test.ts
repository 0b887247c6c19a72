import { ConfigError } from '@rappel/config';
import { describe, expect, it } from 'vitest';
import { loadAttributionConfig } from './config';

describe('attribution-service config', () => {
  it('defaults to port 3001 and the Gabonese phone region', () => {
    const config = loadAttributionConfig({ DATABASE_URL: 'postgres://localhost/rappel' });
    expect(config.PORT).toBe(3001);
    expect(config.PHONE_DEFAULT_REGION).toBe('GA');
    expect(config.APP_TIMEZONE).toBe('Africa/Libreville');
  });

  it('refuses an unknown phone region', () => {
    expect(() =>
      loadAttributionConfig({ DATABASE_URL: 'postgres://localhost/rappel', PHONE_DEFAULT_REGION: 'XX' }),
    ).toThrow(ConfigError);
  });
});
