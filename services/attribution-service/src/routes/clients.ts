import { clients } from '@rappel/db';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf, departmentForWrite } from '../auth/scope';
import type { ServiceContext } from '../context';
import { FieldValidationError, NotFound } from '../http/errors';
import { beforeCursor, cursorKey, pageOf, paginationQuery, toPage } from '../http/pagination';
import { errorResponses, idParams } from '../http/schemas';
import { visibleClient, visibleDepartment } from '../lookups';
import { writePreferences } from '../preferences/preferences';
import { preferencesOutput } from '../preferences/preferences.schemas';
import { clientCreate, clientListQuery, clientSchema, clientUpdate, toClientDto } from './clients.schemas';
import { patchRow } from './patch-row';
import { phoneField } from './phone-field';

const tags = ['clients'];

function checkStay(stayStart: string | null | undefined, stayEnd: string | null | undefined) {
  if (stayStart && stayEnd && stayEnd < stayStart) {
    throw new FieldValidationError('stayEnd', 'field.stay_end_before_start');
  }
}

export const clientRoutes: FastifyPluginAsyncZod<ServiceContext> = async (app, ctx) => {
  const { db } = ctx;

  app.post(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Create a client (guest, external or internal), optionally with preferences',
        body: clientCreate,
        response: {
          201: clientSchema.extend({ preferences: preferencesOutput.nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { preferences, departmentId: requested, ...fields } = request.body;
      const departmentId = departmentForWrite(caller, requested, () => new NotFound.department());
      const phone = phoneField(fields.phone, ctx.phoneRegion);
      checkStay(fields.stayStart, fields.stayEnd);
      const result = await db.transaction(async (tx) => {
        await visibleDepartment(tx, caller, departmentId);
        const [row] = await tx
          .insert(clients)
          .values({ ...fields, phone: phone ?? null, departmentId })
          .returning();
        const prefs = preferences
          ? await writePreferences(tx, { clientId: row!.id }, preferences, {
              ownerPhone: row!.phone,
              now: ctx.clock.now(),
              region: ctx.phoneRegion,
              fieldPrefix: 'preferences.',
            })
          : null;
        return { ...toClientDto(row!), preferences: prefs };
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/clients/:id',
    { schema: { tags, params: idParams, response: { 200: clientSchema, ...errorResponses } } },
    async (request) => toClientDto(await visibleClient(db, callerOf(request), request.params.id)),
  );

  app.patch(
    '/clients/:id',
    {
      schema: {
        tags,
        summary: 'Update a client',
        params: idParams,
        body: clientUpdate,
        response: { 200: clientSchema, ...errorResponses },
      },
    },
    async (request) => {
      const current = await visibleClient(db, callerOf(request), request.params.id);
      const phone = phoneField(request.body.phone, ctx.phoneRegion);
      checkStay(
        request.body.stayStart === undefined ? current.stayStart : request.body.stayStart,
        request.body.stayEnd === undefined ? current.stayEnd : request.body.stayEnd,
      );
      const changes = { ...request.body, ...(phone === undefined ? {} : { phone }) };
      return toClientDto(await patchRow(db, clients, current, changes, () => new NotFound.client()));
    },
  );

  app.get(
    '/clients',
    {
      schema: {
        tags,
        querystring: paginationQuery.extend(clientListQuery.shape),
        response: { 200: pageOf(clientSchema), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit, cursor, departmentId } = request.query;
      const rows = await db
        .select({ row: clients, cursorKey: cursorKey(clients.createdAt), id: clients.id })
        .from(clients)
        .where(
          and(
            caller.departmentId ? eq(clients.departmentId, caller.departmentId) : undefined,
            departmentId ? eq(clients.departmentId, departmentId) : undefined,
            beforeCursor(clients.createdAt, clients.id, cursor),
          ),
        )
        .orderBy(desc(clients.createdAt), desc(clients.id))
        .limit(limit + 1);
      const page = toPage(rows, limit);
      return { items: page.rows.map((r) => toClientDto(r.row)), nextCursor: page.nextCursor };
    },
  );
};
