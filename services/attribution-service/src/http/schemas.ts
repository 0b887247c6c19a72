import { z } from 'zod';

/** An instant in responses: ISO 8601 in UTC. */
export const instantOut = z.iso.datetime();
/** An instant in requests: ISO 8601 with an explicit offset ("Z" or "+01:00"). */
export const instantIn = z.iso.datetime({ offset: true });
/** A calendar date, YYYY-MM-DD. */
export const localDate = z.iso.date();
/** A local time of day, HH:MM (24 h). */
export const localTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

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
