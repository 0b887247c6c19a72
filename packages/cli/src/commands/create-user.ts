import { randomBytes } from 'node:crypto';
import { LANGUAGES, type Language, USER_ROLES, type UserRole } from '@rappel/contracts';
import { type Database, users } from '@rappel/db';
import { hashPassword } from '@rappel/stats-service/src/auth/passwords';
import { resolveDepartmentId } from './departments';

export interface CreateUserInput {
  email: string;
  fullName: string;
  role: UserRole;
  /** Department id or name; required except for super_admin. */
  department?: string | undefined;
  language?: Language | undefined;
  phone?: string | undefined;
  /** Omitted: a random one is generated and returned, to be handed over once. */
  password?: string | undefined;
}

export interface CreatedUser {
  id: string;
  email: string;
  role: UserRole;
  /** Set only when the password was generated here. */
  generatedPassword?: string;
}

export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

/** A person who signs in to the web pages, with an argon2id password hash (as stats-service verifies). */
export async function createUser(db: Database, input: CreateUserInput): Promise<CreatedUser> {
  if (!(USER_ROLES as readonly string[]).includes(input.role)) {
    throw new UserInputError(`Role must be one of ${USER_ROLES.join(', ')}.`);
  }
  if (input.language && !(LANGUAGES as readonly string[]).includes(input.language)) {
    throw new UserInputError(`Language must be one of ${LANGUAGES.join(', ')}.`);
  }
  if (input.role !== 'super_admin' && !input.department) {
    throw new UserInputError('A department is required for this role (--department <name or id>).');
  }
  if (input.password !== undefined && input.password.length < 12) {
    throw new UserInputError('The password must have at least 12 characters.');
  }
  const departmentId = input.department ? await resolveDepartmentId(db, input.department) : null;
  const generatedPassword = input.password === undefined ? randomBytes(12).toString('base64url') : undefined;
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  const [row] = await db
    .insert(users)
    .values({
      email: input.email.trim(),
      fullName: input.fullName,
      role: input.role,
      departmentId,
      language: input.language ?? 'fr',
      phone: input.phone ?? null,
      passwordHash,
    })
    .returning({ id: users.id, email: users.email, role: users.role });
  return { ...row!, ...(generatedPassword ? { generatedPassword } : {}) };
}
