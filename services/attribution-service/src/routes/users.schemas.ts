import { LANGUAGES, USER_ROLES } from '@rappel/contracts';
import type { users } from '@rappel/db';
import { z } from 'zod';
import { instantOut, singleLine } from '../http/schemas';
import { preferencesInput } from '../preferences/preferences.schemas';

/** Staff members. No passwords here: web sign-in is managed by stats-service. */
const userFields = {
  email: z.email().max(320),
  fullName: singleLine({ min: 1, max: 200 }),
  phone: singleLine({ max: 40 }).nullable(),
  role: z.enum(USER_ROLES),
  language: z.enum(LANGUAGES),
  active: z.boolean(),
};

export const userCreate = z
  .object({
    ...userFields,
    /** Required for managers and staff with a global key; super admins have none. */
    departmentId: z.uuid().optional(),
    phone: userFields.phone.optional(),
    language: userFields.language.default('fr'),
    active: userFields.active.default(true),
    preferences: preferencesInput.optional(),
  })
  .strict();

export const userUpdate = z.object(userFields).omit({ role: true }).partial().strict();

export const userSchema = z
  .object({
    id: z.uuid(),
    departmentId: z.uuid().nullable(),
    email: z.string(),
    fullName: z.string(),
    phone: z.string().nullable(),
    role: z.enum(USER_ROLES),
    language: z.enum(LANGUAGES),
    active: z.boolean(),
    createdAt: instantOut,
  })
  .meta({ id: 'User' });

export const userListQuery = z.object({
  departmentId: z.uuid().optional(),
  role: z.enum(USER_ROLES).optional(),
});

export const toUserDto = (row: typeof users.$inferSelect): z.infer<typeof userSchema> => ({
  id: row.id,
  departmentId: row.departmentId,
  email: row.email,
  fullName: row.fullName,
  phone: row.phone,
  role: row.role,
  language: row.language,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
});
