import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies only (text/plain and the rest get 415). An empty JSON body reads as no body,
 * so `POST /v1/loans/{id}/return` works with or without `{}`; a route that needs a body
 * then answers 400 with the field, like any other missing field.
 */
export function jsonBodiesOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
