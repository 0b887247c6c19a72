import { departments } from '@rappel/db';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf, canSee, requireGlobal } from '../auth/scope';
import type { ServiceContext } from '../context';
import { Conflict, NotFound } from '../http/errors';
import { beforeCursor, cursorKey, pageOf, paginationQuery, toPage } from '../http/pagination';
import { rethrowUnique } from '../http/pg-errors';
import { errorBodySchema, errorResponses, idParams, withConflict } from '../http/schemas';
import { departmentCreate, departmentSchema, toDepartmentDto } from './departments.schemas';

const tags = ['departments'];

export const departmentRoutes: FastifyPluginAsyncZod<ServiceContext> = async (app, { db }) => {
  app.post(
    '/departments',
    {
      schema: {
        tags,
        summary: 'Create a department (global keys only)',
        body: departmentCreate,
        response: { 201: departmentSchema, 403: errorBodySchema, ...withConflict },
      },
    },
    async (request, reply) => {
      requireGlobal(callerOf(request));
      const [row] = await db
        .insert(departments)
        .values(request.body)
        .returning()
        .catch((error) => rethrowUnique(error, { departments_name_unique: () => new Conflict.nameTaken() }));
      return reply.code(201).send(toDepartmentDto(row!));
    },
  );

  app.get(
    '/departments/:id',
    { schema: { tags, params: idParams, response: { 200: departmentSchema, ...errorResponses } } },
    async (request) => {
      const caller = callerOf(request);
      const [row] = await db.select().from(departments).where(eq(departments.id, request.params.id));
      if (!row || !canSee(caller, row.id)) throw new NotFound.department();
      return toDepartmentDto(row);
    },
  );

  app.get(
    '/departments',
    {
      schema: {
        tags,
        summary: 'Departments the key can see',
        querystring: paginationQuery,
        response: { 200: pageOf(departmentSchema), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit, cursor } = request.query;
      const rows = await db
        .select({ row: departments, cursorKey: cursorKey(departments.createdAt), id: departments.id })
        .from(departments)
        .where(
          and(
            caller.departmentId ? eq(departments.id, caller.departmentId) : undefined,
            beforeCursor(departments.createdAt, departments.id, cursor),
          ),
        )
        .orderBy(desc(departments.createdAt), desc(departments.id))
        .limit(limit + 1);
      const page = toPage(rows, limit);
      return { items: page.rows.map((r) => toDepartmentDto(r.row)), nextCursor: page.nextCursor };
    },
  );
};
