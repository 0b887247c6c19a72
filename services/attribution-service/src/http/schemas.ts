import { z } from 'zod';

/**
 * What Postgres reads of the instants we send it: the UTC ISO text of a JS Date, years 0001 to
 * 9999. It has no year 0000, and cannot read the signed years a Date writes outside that range
 * ("+010000-…", "-000001-…"). Not `Date.UTC(1, …)`: it reads years below 100 as 19xx.
 */
const FIRST_STORABLE_MS = Date.parse('0001-01-01T00:00:00Z');
const END_STORABLE_MS = Date.parse('+010000-01-01T00:00:00Z');

/** True when Postgres can store the instant `ms` (milliseconds since the epoch). */
export const isStorableInstant = (ms: number): boolean => ms >= FIRST_STORABLE_MS && ms < END_STORABLE_MS;

/** An instant in responses: ISO 8601 in UTC. */
export const instantOut = z.iso.datetime();
/**
 * An instant in requests: ISO 8601 with an explicit offset ("Z" or "+01:00"), whose UTC year
 * is 0001 to 9999 (a malformed one is left to the format check).
 */
export const instantIn = z.iso.datetime({ offset: true }).refine((text) => {
  const ms = Date.parse(text);
  return Number.isNaN(ms) || isStorableInstant(ms);
}, 'field.year_out_of_range');
/** A calendar date, YYYY-MM-DD, year 0001 to 9999 (Postgres has no year 0000). */
export const localDate = z.iso.date().refine((text) => !text.startsWith('0000-'), 'field.year_out_of_range');
/** A local time of day, HH:MM (24 h). */
export const localTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/** Control characters: U+0000–U+001F and U+007F–U+009F. */
const CONTROL = /\p{Cc}/u;
/** Control characters but the tab, line feed and carriage return that lay out free text. */
const CONTROL_BUT_LAYOUT = /(?![\t\n\r])\p{Cc}/u;

/**
 * One line of text from a request (a name, a number, an identifier): trimmed, `min` to `max`
 * characters, and no control character, line breaks and tabs included. Postgres text cannot
 * hold U+0000 at all, and none of them belongs in a name printed in an e-mail or a message.
 */
export function singleLine({ min, max }: { min?: number; max: number }) {
  const text = z.string().trim().max(max);
  return (min === undefined ? text : text.min(min)).refine(
    (value) => !CONTROL.test(value),
    'field.control_character',
  );
}

/**
 * Free text from a request (a loan's notes), kept as written, up to `max` characters: line
 * breaks and tabs are allowed, the other control characters (U+0000 first) are not.
 */
export const multiLine = ({ max }: { max: number }) =>
  z
    .string()
    .max(max)
    .refine((value) => !CONTROL_BUT_LAYOUT.test(value), 'field.control_character_in_text');

export const idParams = z.object({ id: z.uuid() });

export const errorBodySchema = z
  .object({
    statusCode: z.number().int(),
    code: z.string().describe('Stable English code, e.g. VALIDATION_FAILED, ITEM_ALREADY_ON_LOAN'),
    error: z.string(),
    message: z.string().describe('French by default; English with Accept-Language: en'),
    field: z.string().optional().describe('Dotted path of the failing field'),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });

/** Error responses every /v1 route documents. */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
} as const;

export const withConflict = { ...errorResponses, 409: errorBodySchema } as const;

export const toIso = (d: Date): string => d.toISOString();
export const toIsoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
