import type { rooms } from '@rappel/db';
import { z } from 'zod';
import { instantOut, singleLine } from '../http/schemas';

export const roomCreate = z
  .object({ departmentId: z.uuid().optional(), name: singleLine({ min: 1, max: 200 }) })
  .strict();

export const roomSchema = z
  .object({ id: z.uuid(), departmentId: z.uuid(), name: z.string(), createdAt: instantOut })
  .meta({ id: 'Room' });

export const toRoomDto = (row: typeof rooms.$inferSelect): z.infer<typeof roomSchema> => ({
  id: row.id,
  departmentId: row.departmentId,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
});
