import { CLIENT_KINDS, LANGUAGES } from '@rappel/contracts';
import type { clients } from '@rappel/db';
import { z } from 'zod';
import { instantOut, localDate, singleLine } from '../http/schemas';
import { preferencesInput } from '../preferences/preferences.schemas';

const clientFields = {
  kind: z.enum(CLIENT_KINDS),
  fullName: singleLine({ min: 1, max: 200 }),
  email: z.email().max(320).nullable(),
  /** Any format libphonenumber reads (national numbers in PHONE_DEFAULT_REGION); stored E.164. */
  phone: singleLine({ max: 40 }).nullable(),
  language: z.enum(LANGUAGES),
  roomNumber: singleLine({ max: 20 }).nullable(),
  stayStart: localDate.nullable(),
  stayEnd: localDate.nullable(),
};

export const clientCreate = z
  .object({
    ...clientFields,
    /** Required with a global key; a scoped key's own department otherwise. */
    departmentId: z.uuid().optional(),
    email: clientFields.email.optional(),
    phone: clientFields.phone.optional(),
    language: clientFields.language.default('fr'),
    roomNumber: clientFields.roomNumber.optional(),
    stayStart: clientFields.stayStart.optional(),
    stayEnd: clientFields.stayEnd.optional(),
    preferences: preferencesInput.optional(),
  })
  .strict();

export const clientUpdate = z.object(clientFields).partial().strict();

export const clientSchema = z
  .object({
    id: z.uuid(),
    departmentId: z.uuid(),
    kind: z.enum(CLIENT_KINDS),
    fullName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    language: z.enum(LANGUAGES),
    roomNumber: z.string().nullable(),
    stayStart: z.string().nullable(),
    stayEnd: z.string().nullable(),
    createdAt: instantOut,
  })
  .meta({ id: 'Client' });

export const clientListQuery = z.object({ departmentId: z.uuid().optional() });

export const toClientDto = (row: typeof clients.$inferSelect): z.infer<typeof clientSchema> => ({
  id: row.id,
  departmentId: row.departmentId,
  kind: row.kind,
  fullName: row.fullName,
  email: row.email,
  phone: row.phone,
  language: row.language,
  roomNumber: row.roomNumber,
  stayStart: row.stayStart,
  stayEnd: row.stayEnd,
  createdAt: row.createdAt.toISOString(),
});
