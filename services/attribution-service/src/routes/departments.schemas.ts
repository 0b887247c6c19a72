import { z } from 'zod';
import { instantOut, singleLine } from '../http/schemas';

export const departmentCreate = z
  .object({
    name: singleLine({ min: 1, max: 200 }),
    deskLocation: singleLine({ max: 300 }).default(''),
  })
  .strict();

export const departmentSchema = z
  .object({ id: z.uuid(), name: z.string(), deskLocation: z.string(), createdAt: instantOut })
  .meta({ id: 'Department' });

export const toDepartmentDto = (row: {
  id: string;
  name: string;
  deskLocation: string;
  createdAt: Date;
}): z.infer<typeof departmentSchema> => ({
  id: row.id,
  name: row.name,
  deskLocation: row.deskLocation,
  createdAt: row.createdAt.toISOString(),
});
