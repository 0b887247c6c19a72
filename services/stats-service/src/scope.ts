import type { Language, UserRole } from '@rappel/contracts';
import { Forbidden } from './errors';

/** The signed-in person, as loaded from the session. */
export interface Viewer {
  userId: string;
  role: UserRole;
  departmentId: string | null;
  fullName: string;
  email: string;
  language: Language;
}

/**
 * Which departments a query may read. Every read and replay query takes one and puts it in
 * its WHERE clause, so a manager can never see another department's rows, whatever the page.
 */
export type Scope = { all: true } | { all: false; departmentId: string };

export const canReadStats = (viewer: Viewer | null): viewer is Viewer =>
  viewer !== null && (viewer.role === 'super_admin' || viewer.role === 'dept_manager');

/** The scope of a manager or super admin, narrowed to `department` when one is asked for. */
export function scopeFor(viewer: Viewer, department?: string): Scope {
  if (viewer.role === 'super_admin')
    return department ? { all: false, departmentId: department } : { all: true };
  if (viewer.role === 'dept_manager' && viewer.departmentId) {
    if (department && department !== viewer.departmentId) throw new Forbidden();
    return { all: false, departmentId: viewer.departmentId };
  }
  throw new Forbidden();
}
