import type { FastifyInstance } from 'fastify';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies only (text/plain and the rest get 415). An empty JSON body reads as no body,
 * so `POST /v1/loans/{id}/return` works with or without `{}`; a route that needs a body
 * then answers 400 with the field, like any other missing field.
 */
export function jsonBodiesOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      // Invalid UTF-8 is refused (400 MALFORMED_JSON) instead of stored as U+FFFD.
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(Object.assign(new SyntaxError('Body is not valid UTF-8'), { statusCode: 400 }), undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
