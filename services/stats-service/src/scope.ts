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

/** The first page a person can use: the dashboard, or a plain user's own preferences. */
export const homePath = (viewer: Pick<Viewer, 'role'>) =>
  viewer.role === 'dept_user' ? '/preferences' : '/';

/**
 * Whether a path of this site (a `next=` after sign-in) is a page the person may open: Bull
 * Board is the super admins', the dashboard and history the managers', and a plain user has
 * only their preferences.
 */
export function mayOpen(viewer: Pick<Viewer, 'role'>, path: string): boolean {
  const { pathname } = new URL(path, 'http://x.invalid');
  if (pathname === '/queues' || pathname.startsWith('/queues/')) return viewer.role === 'super_admin';
  return viewer.role !== 'dept_user' || pathname === '/preferences';
}

/** The scope of a manager or super admin, narrowed to `department` when one is asked for. */
export function scopeFor(viewer: Viewer, department?: string): Scope {
  if (viewer.role === 'super_admin')
    return department ? { all: false, departmentId: department } : { all: true };
  if (viewer.role === 'dept_manager' && viewer.departmentId) {
    if (department && department !== viewer.departmentId) throw new Forbidden('otherDepartment');
    return { all: false, departmentId: viewer.departmentId };
  }
  throw new Forbidden();
}
