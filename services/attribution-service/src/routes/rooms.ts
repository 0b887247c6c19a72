import { rooms } from '@rappel/db';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf, departmentForWrite } from '../auth/scope';
import type { ServiceContext } from '../context';
import { Conflict, NotFound } from '../http/errors';
import { beforeCursor, cursorKey, pageOf, paginationQuery, toPage } from '../http/pagination';
import { rethrowUnique } from '../http/pg-errors';
import { errorResponses, idParams, withConflict } from '../http/schemas';
import { visibleDepartment, visibleRoom } from '../lookups';
import { roomCreate, roomSchema, toRoomDto } from './rooms.schemas';

const tags = ['rooms'];

export const roomRoutes: FastifyPluginAsyncZod<ServiceContext> = async (app, { db }) => {
  app.post(
    '/rooms',
    {
      schema: {
        tags,
        summary: 'Create a conference room',
        body: roomCreate,
        response: { 201: roomSchema, ...withConflict },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const departmentId = departmentForWrite(
        caller,
        request.body.departmentId,
        () => new NotFound.department(),
      );
      await visibleDepartment(db, caller, departmentId);
      const [row] = await db
        .insert(rooms)
        .values({ name: request.body.name, departmentId })
        .returning()
        .catch((error) =>
          rethrowUnique(error, { rooms_department_name_unique: () => new Conflict.nameTaken() }),
        );
      return reply.code(201).send(toRoomDto(row!));
    },
  );

  app.get(
    '/rooms/:id',
    { schema: { tags, params: idParams, response: { 200: roomSchema, ...errorResponses } } },
    async (request) => toRoomDto(await visibleRoom(db, callerOf(request), request.params.id)),
  );

  app.get(
    '/rooms',
    {
      schema: {
        tags,
        querystring: paginationQuery.extend({ departmentId: z.uuid().optional() }),
        response: { 200: pageOf(roomSchema), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit, cursor, departmentId } = request.query;
      const rows = await db
        .select({ row: rooms, cursorKey: cursorKey(rooms.createdAt), id: rooms.id })
        .from(rooms)
        .where(
          and(
            caller.departmentId ? eq(rooms.departmentId, caller.departmentId) : undefined,
            departmentId ? eq(rooms.departmentId, departmentId) : undefined,
            beforeCursor(rooms.createdAt, rooms.id, cursor),
          ),
        )
        .orderBy(desc(rooms.createdAt), desc(rooms.id))
        .limit(limit + 1);
      const page = toPage(rows, limit);
      return { items: page.rows.map((r) => toRoomDto(r.row)), nextCursor: page.nextCursor };
    },
  );
};
