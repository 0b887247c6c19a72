import { describe, expect, it } from 'vitest';
import { loadStatsConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://x@127.0.0.1/x',
  LINK_SIGNING_SECRET: 'l'.repeat(32),
  SESSION_SECRET: 's'.repeat(32),
};
const trustProxy = (value: string | undefined) =>
  loadStatsConfig({ ...base, TRUST_PROXY: value }).TRUST_PROXY;

describe('TRUST_PROXY', () => {
  it('trusts no proxy unless told', () => {
    expect(trustProxy(undefined)).toBe(false);
    expect(trustProxy('')).toBe(false);
    expect(trustProxy('false')).toBe(false);
  });

  it('takes addresses, CIDRs and proxy-addr range names, comma-separated', () => {
    expect(trustProxy('10.0.0.0/8, 127.0.0.1,fd00::/8,::1,loopback')).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      'fd00::/8',
      '::1',
      'loopback',
    ]);
  });

  it('refuses "true", hop counts and anything that is not an address, with a readable reason', () => {
    expect(() => trustProxy('true')).toThrow(/TRUST_PROXY: "true" would let any client choose/);
    expect(() => trustProxy('1')).toThrow(/TRUST_PROXY: a hop count cannot tell a proxy/);
    expect(() => trustProxy('10.0.0.0/33')).toThrow(/"10.0.0.0\/33" is not an IP address/);
    expect(() => trustProxy('10.0.0.1,proxy.local')).toThrow(/"proxy.local" is not an IP address/);
    expect(() => trustProxy('10.0.0.1,')).toThrow(/"" is not an IP address/);
  });
});
