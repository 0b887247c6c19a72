import { isIP } from 'node:net';
import {
  baseEnvSchema,
  envBoolean,
  envInt,
  httpEnvSchema,
  linkSigningEnvSchema,
  loadConfig,
  phoneRegionEnvSchema,
} from '@rappel/config';
import { z } from 'zod';

/** Names `@fastify/proxy-addr` reads as address ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry) || isIP(entry) !== 0) return true;
  const [address = '', bits, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined || !bits || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: false (trust no one) or the proxies' addresses, as fastify's `trustProxy` takes
 * them. `true` and hop counts are refused: neither tells a proxy from a client that reaches
 * the service directly and writes its own X-Forwarded-For (fastify 5.12 ignores hop counts).
 */
export const trustProxySetting = z
  .string()
  .optional()
  .transform((raw, ctx): false | string[] => {
    const value = raw?.trim() ?? '';
    if (value === '' || value === 'false') return false;
    const problem =
      value === 'true'
        ? '"true" would let any client choose its own address; give the proxies\' addresses or CIDRs'
        : /^\d+$/.test(value)
          ? "a hop count cannot tell a proxy from a client that reaches the service directly; give the proxies' addresses or CIDRs"
          : value
              .split(',')
              .map((entry) => entry.trim())
              .filter((entry) => !isProxyAddress(entry))
              .map((entry) => `"${entry}" is not an IP address, a CIDR or loopback/linklocal/uniquelocal`)
              .join('; ');
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${problem} (e.g. TRUST_PROXY=10.0.0.0/8,127.0.0.1)` });
      return z.NEVER;
    }
    return value.split(',').map((entry) => entry.trim());
  });

export const statsEnvSchema = baseEnvSchema
  .extend(httpEnvSchema.shape)
  .extend(linkSigningEnvSchema.shape)
  /** PHONE_DEFAULT_REGION: numbers typed on the preferences page are read in it; shared with attribution-service. */
  .extend(phoneRegionEnvSchema.shape)
  .extend({
    PORT: envInt(3004, { min: 0, max: 65535 }),
    /** Signs the CSRF cookie. At least 32 random characters. */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
    /** Absolute lifetime of a sign-in session, in hours. */
    SESSION_TTL_HOURS: envInt(12, { min: 1, max: 24 * 30 }),
    /** Name of the session cookie. */
    SESSION_COOKIE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('rappel_session'),
    /**
     * `Secure` on cookies. Defaults to on when PUBLIC_BASE_URL is https; set it explicitly
     * behind a TLS-terminating proxy that forwards plain http.
     */
    COOKIE_SECURE: envBoolean(false).optional(),
    /**
     * Reverse proxies whose X-Forwarded-For (and -Proto, -Host) is believed, comma-separated
     * IP addresses or CIDRs (`10.0.0.0/8,127.0.0.1`). Unset: none, and a request's IP, which
     * the sign-in rate limit counts by, is the TCP peer's. Behind an ingress or a reverse
     * proxy, set it to the proxies' addresses, or every sign-in counts as the proxy's.
     */
    TRUST_PROXY: trustProxySetting,
    /** Sign-in attempts allowed per IP per minute (on top of the per-account backoff). */
    SIGN_IN_RATE_LIMIT_PER_MINUTE: envInt(10, { min: 1, max: 10_000 }),
    /** Seconds between two folds of the rollup deltas into the rollups (`fold_notification_rollups()`). */
    ROLLUP_FOLD_INTERVAL_SECONDS: envInt(5, { min: 1, max: 3600 }),
  });

export type StatsConfig = ReturnType<typeof loadStatsConfig>;

export function loadStatsConfig(env: Record<string, string | undefined>) {
  const config = loadConfig(statsEnvSchema, env);
  return Object.freeze({
    ...config,
    cookieSecure:
      env.COOKIE_SECURE === undefined ? config.PUBLIC_BASE_URL.startsWith('https:') : !!config.COOKIE_SECURE,
  });
}
