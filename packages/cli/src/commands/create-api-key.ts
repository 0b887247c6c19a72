import { createApiKey as insertApiKey } from '@rappel/attribution-service/src/auth/api-keys';
import type { Database } from '@rappel/db';
import { resolveDepartmentId } from './departments';

/**
 * An API key for an internal caller. The key is returned in plain text once; only its SHA-256
 * is stored (same format and hash as attribution-service checks: `rpl_<prefix>_<secret>`).
 */
export async function createApiKey(
  db: Database,
  input: { name: string; department?: string | undefined },
): Promise<{ id: string; key: string; prefix: string; departmentId: string | null }> {
  const departmentId = input.department ? await resolveDepartmentId(db, input.department) : null;
  const created = await insertApiKey(db, { name: input.name, departmentId });
  return { ...created, departmentId };
}
