import { type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths whose values are personal data or secrets. Logs name rows by id; an address or a
 * token that slips into a log object is replaced here.
 */
export const REDACTED_PATHS = [
  'email',
  'phone',
  'to',
  'from',
  'recipient',
  'recipientAddress',
  'whatsappNumber',
  'password',
  'token',
  'authorization',
  '*.email',
  '*.phone',
  '*.to',
  '*.from',
  '*.recipient',
  '*.recipientAddress',
  '*.whatsappNumber',
  '*.password',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
];

export function loggerOptions(service: string, level = 'info'): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(service: string, level = 'info'): Logger {
  return pino(loggerOptions(service, level));
}

export type { Logger };
