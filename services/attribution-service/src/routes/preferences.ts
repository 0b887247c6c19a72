import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../auth/scope';
import type { ServiceContext } from '../context';
import { errorResponses, idParams } from '../http/schemas';
import { visibleClient, visibleUser } from '../lookups';
import { readPreferences, writePreferences } from '../preferences/preferences';
import { preferencesInput, preferencesOutput } from '../preferences/preferences.schemas';

const tags = ['preferences'];
const getSchema = { tags, params: idParams, response: { 200: preferencesOutput, ...errorResponses } };
const putSchema = {
  ...getSchema,
  summary: 'Update preferences (fields left out keep their value)',
  body: preferencesInput,
};

/** GET/PUT /clients/{id}/preferences and /users/{id}/preferences. */
export const preferenceRoutes: FastifyPluginAsyncZod<ServiceContext> = async (app, ctx) => {
  const { db } = ctx;
  const writeContext = (ownerPhone: string | null) => ({
    ownerPhone,
    now: ctx.clock.now(),
    region: ctx.phoneRegion,
  });

  app.get('/clients/:id/preferences', { schema: getSchema }, async (request) => {
    const client = await visibleClient(db, callerOf(request), request.params.id);
    return readPreferences(db, { clientId: client.id });
  });

  app.put('/clients/:id/preferences', { schema: putSchema }, async (request) => {
    const caller = callerOf(request);
    return db.transaction(async (tx) => {
      const client = await visibleClient(tx, caller, request.params.id);
      return writePreferences(tx, { clientId: client.id }, request.body, writeContext(client.phone));
    });
  });

  app.get('/users/:id/preferences', { schema: getSchema }, async (request) => {
    const user = await visibleUser(db, callerOf(request), request.params.id);
    return readPreferences(db, { userId: user.id });
  });

  app.put('/users/:id/preferences', { schema: putSchema }, async (request) => {
    const caller = callerOf(request);
    return db.transaction(async (tx) => {
      const user = await visibleUser(tx, caller, request.params.id);
      return writePreferences(tx, { userId: user.id }, request.body, writeContext(user.phone));
    });
  });
};
