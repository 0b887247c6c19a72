import { items } from '@rappel/db';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf, departmentForWrite } from '../auth/scope';
import type { ServiceContext } from '../context';
import { Conflict, NotFound } from '../http/errors';
import { beforeCursor, cursorKey, pageOf, paginationQuery, toPage } from '../http/pagination';
import { rethrowUnique } from '../http/pg-errors';
import { errorResponses, idParams, withConflict } from '../http/schemas';
import { visibleDepartment, visibleItem } from '../lookups';
import { itemCreate, itemListQuery, itemSchema, itemUpdate, toItemDto } from './items.schemas';
import { patchRow } from './patch-row';

const tags = ['items'];
const uniqueItem = {
  items_inventory_number_unique: () => new Conflict.inventoryNumberTaken(),
  items_department_asset_unique: () => new Conflict.assetIdTaken(),
};

export const itemRoutes: FastifyPluginAsyncZod<ServiceContext> = async (app, { db }) => {
  app.post(
    '/items',
    {
      schema: {
        tags,
        summary: 'Create an item (matériel)',
        body: itemCreate,
        response: { 201: itemSchema, ...withConflict },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { departmentId: requested, ...fields } = request.body;
      const departmentId = departmentForWrite(caller, requested, () => new NotFound.department());
      await visibleDepartment(db, caller, departmentId);
      const [row] = await db
        .insert(items)
        .values({ ...fields, departmentId })
        .returning()
        .catch((error) => rethrowUnique(error, uniqueItem));
      return reply.code(201).send(toItemDto(row!));
    },
  );

  app.get(
    '/items/:id',
    { schema: { tags, params: idParams, response: { 200: itemSchema, ...errorResponses } } },
    async (request) => toItemDto(await visibleItem(db, callerOf(request), request.params.id)),
  );

  app.patch(
    '/items/:id',
    {
      schema: {
        tags,
        summary: 'Update an item (active: false takes it out of service)',
        params: idParams,
        body: itemUpdate,
        response: { 200: itemSchema, ...withConflict },
      },
    },
    async (request) => {
      const current = await visibleItem(db, callerOf(request), request.params.id);
      const row = await patchRow(db, items, current, request.body, () => new NotFound.item()).catch((error) =>
        rethrowUnique(error, uniqueItem),
      );
      return toItemDto(row);
    },
  );

  app.get(
    '/items',
    {
      schema: {
        tags,
        querystring: paginationQuery.extend(itemListQuery.shape),
        response: { 200: pageOf(itemSchema), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit, cursor, departmentId, active } = request.query;
      const rows = await db
        .select({ row: items, cursorKey: cursorKey(items.createdAt), id: items.id })
        .from(items)
        .where(
          and(
            caller.departmentId ? eq(items.departmentId, caller.departmentId) : undefined,
            departmentId ? eq(items.departmentId, departmentId) : undefined,
            active ? eq(items.active, active === 'true') : undefined,
            beforeCursor(items.createdAt, items.id, cursor),
          ),
        )
        .orderBy(desc(items.createdAt), desc(items.id))
        .limit(limit + 1);
      const page = toPage(rows, limit);
      return { items: page.rows.map((r) => toItemDto(r.row)), nextCursor: page.nextCursor };
    },
  );
};
