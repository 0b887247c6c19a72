import type { items } from '@rappel/db';
import { z } from 'zod';
import { instantOut, singleLine } from '../http/schemas';

const itemFields = {
  name: singleLine({ min: 1, max: 200 }),
  /** Unique across the site. */
  inventoryNumber: singleLine({ min: 1, max: 100 }),
  /** Unique within the department. */
  assetId: singleLine({ min: 1, max: 100 }).nullable(),
  active: z.boolean(),
};

export const itemCreate = z
  .object({
    ...itemFields,
    departmentId: z.uuid().optional(),
    assetId: itemFields.assetId.optional(),
    active: itemFields.active.default(true),
  })
  .strict();

export const itemUpdate = z.object(itemFields).partial().strict();

export const itemSchema = z
  .object({
    id: z.uuid(),
    departmentId: z.uuid(),
    name: z.string(),
    inventoryNumber: z.string(),
    assetId: z.string().nullable(),
    active: z.boolean(),
    createdAt: instantOut,
  })
  .meta({ id: 'Item' });

export const itemListQuery = z.object({
  departmentId: z.uuid().optional(),
  active: z.enum(['true', 'false']).optional(),
});

export const toItemDto = (row: typeof items.$inferSelect): z.infer<typeof itemSchema> => ({
  id: row.id,
  departmentId: row.departmentId,
  name: row.name,
  inventoryNumber: row.inventoryNumber,
  assetId: row.assetId,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
});
