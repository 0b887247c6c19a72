import { users } from '@rappel/db';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Caller } from '../auth/api-keys';
import { callerOf, departmentForWrite, requireGlobal } from '../auth/scope';
import type { ServiceContext } from '../context';
import { Conflict, FieldValidationError, NotFound } from '../http/errors';
import { beforeCursor, cursorKey, pageOf, paginationQuery, toPage } from '../http/pagination';
import { rethrowUnique } from '../http/pg-errors';
import { errorBodySchema, errorResponses, idParams, withConflict } from '../http/schemas';
import { visibleDepartment, visibleUser } from '../lookups';
import { writePreferences } from '../preferences/preferences';
import { preferencesOutput } from '../preferences/preferences.schemas';
import { patchRow } from './patch-row';
import { phoneField } from './phone-field';
import { toUserDto, userCreate, userListQuery, userSchema, userUpdate } from './users.schemas';

const tags = ['users'];
const emailTaken = { users_email_unique: () => new Conflict.emailTaken() };

/** Super admins belong to no department and only a global key may create one. */
function userDepartment(caller: Caller, role: string, requested: string | undefined): string | null {
  if (role === 'super_admin') {
    requireGlobal(caller);
    if (requested) throw new FieldValidationError('departmentId', 'field.super_admin_no_department');
    return null;
  }
  return departmentForWrite(caller, requested, () => new NotFound.department());
}

export const userRoutes: FastifyPluginAsyncZod<ServiceContext> = async (app, ctx) => {
  const { db } = ctx;

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a staff member, optionally with preferences',
        body: userCreate,
        response: {
          201: userSchema.extend({ preferences: preferencesOutput.nullable() }),
          403: errorBodySchema,
          ...withConflict,
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { preferences, departmentId: requested, ...fields } = request.body;
      const departmentId = userDepartment(caller, fields.role, requested);
      const phone = phoneField(fields.phone, ctx.phoneRegion);
      const result = await db
        .transaction(async (tx) => {
          if (departmentId) await visibleDepartment(tx, caller, departmentId);
          const [row] = await tx
            .insert(users)
            .values({ ...fields, phone: phone ?? null, departmentId })
            .returning();
          const prefs = preferences
            ? await writePreferences(tx, { userId: row!.id }, preferences, {
                ownerPhone: row!.phone,
                now: ctx.clock.now(),
                region: ctx.phoneRegion,
                fieldPrefix: 'preferences.',
              })
            : null;
          return { ...toUserDto(row!), preferences: prefs };
        })
        .catch((error) => rethrowUnique(error, emailTaken));
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/users/:id',
    { schema: { tags, params: idParams, response: { 200: userSchema, ...errorResponses } } },
    async (request) => toUserDto(await visibleUser(db, callerOf(request), request.params.id)),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Update a staff member',
        params: idParams,
        body: userUpdate,
        response: { 200: userSchema, ...withConflict },
      },
    },
    async (request) => {
      const current = await visibleUser(db, callerOf(request), request.params.id);
      const phone = phoneField(request.body.phone, ctx.phoneRegion);
      const changes = { ...request.body, ...(phone === undefined ? {} : { phone }) };
      const row = await patchRow(db, users, current, changes, () => new NotFound.user()).catch((error) =>
        rethrowUnique(error, emailTaken),
      );
      return toUserDto(row);
    },
  );

  app.get(
    '/users',
    {
      schema: {
        tags,
        querystring: paginationQuery.extend(userListQuery.shape),
        response: { 200: pageOf(userSchema), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit, cursor, departmentId, role } = request.query;
      const rows = await db
        .select({ row: users, cursorKey: cursorKey(users.createdAt), id: users.id })
        .from(users)
        .where(
          and(
            caller.departmentId ? eq(users.departmentId, caller.departmentId) : undefined,
            departmentId ? eq(users.departmentId, departmentId) : undefined,
            role ? eq(users.role, role) : undefined,
            beforeCursor(users.createdAt, users.id, cursor),
          ),
        )
        .orderBy(desc(users.createdAt), desc(users.id))
        .limit(limit + 1);
      const page = toPage(rows, limit);
      return { items: page.rows.map((r) => toUserDto(r.row)), nextCursor: page.nextCursor };
    },
  );
};
