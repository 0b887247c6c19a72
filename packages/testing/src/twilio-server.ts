import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * An HTTP server implementing the contract of Twilio's Messages API (2010-04-01) as Twilio's own
 * OpenAPI document describes it (contracts/twilio-messages.openapi.json, extracted verbatim from
 * twilio_api_v2010.json by scripts/extract-twilio-contract.mjs). Routes, path-parameter patterns,
 * request parameter names and types, and the response's property names are read from that
 * document, so the real `twilio` SDK pointed here is checked against the published contract.
 *
 * Stricter than Twilio on one point, on purpose: a form parameter the schema does not name is
 * rejected (Twilio ignores it), so a misspelt `StatusCallBack` fails a test instead of being lost.
 */

const DEFAULT_CONTRACT = fileURLToPath(new URL('../contracts/twilio-messages.openapi.json', import.meta.url));

export type FormParams = Record<string, string | string[]>;

/** A Twilio error answer: HTTP status and Twilio's error code (https://www.twilio.com/docs/errors). */
export interface TwilioFailure {
  status: number;
  code: number;
  message: string;
}

/** Errors tests commonly script. */
export const TWILIO_ERRORS = {
  tooManyRequests: { status: 429, code: 20429, message: 'Too Many Requests' },
  internal: { status: 500, code: 20500, message: 'Internal Server Error' },
  serviceUnavailable: { status: 503, code: 20503, message: 'Service Unavailable' },
  invalidTo: { status: 400, code: 21211, message: "Invalid 'To' Phone Number" },
  unsubscribed: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  outsideWindow: {
    status: 400,
    code: 63016,
    message:
      'Failed to send freeform message because you are outside the allowed window. If you want to send messages outside the session window, use a Template.',
  },
} as const satisfies Record<string, TwilioFailure>;

export interface ReceivedTwilioRequest {
  method: string;
  path: string;
  /** Form parameters (POST) or query parameters (GET); repeated names become arrays. */
  params: FormParams;
  headers: IncomingMessage['headers'];
  /** Status this server answered with. */
  status: number;
  /** Twilio error code when the answer was an error. */
  errorCode: number | null;
}

/** A message resource as this server stores it (api.v2010.account.message). */
export type TwilioMessageResource = Record<string, unknown> & {
  sid: string;
  to: string;
  from: string | null;
  body: string | null;
  status: string;
};

export interface CreatedTwilioMessage {
  resource: TwilioMessageResource;
  params: FormParams;
}

export interface SignedTwilioRequest {
  /** The URL the signature covers (the one Twilio was given). */
  url: string;
  params: Record<string, string>;
  signature: string;
  /** Form-encoded body. */
  body: string;
  headers: Record<string, string>;
}

export interface StatusCallbackOptions {
  /** Twilio error code, sent as ErrorCode (undelivered / failed). */
  errorCode?: number;
  /** URL to sign; default the message's StatusCallback. */
  url?: string;
  /** Replace the computed signature (to prove a receiver rejects a wrong one). */
  signature?: string;
}

export interface TwilioContractServer {
  /** Base URL to give the SDK (`client.api.baseUrl`), e.g. http://127.0.0.1:40123. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Every request received, in order, including rejected ones. */
  readonly requests: ReceivedTwilioRequest[];
  /** Messages accepted (201), in order. */
  readonly messages: CreatedTwilioMessage[];
  /** The next `times` create requests fail with `failure`. */
  failNext(failure: TwilioFailure, times?: number): void;
  /** Every create request to this number fails (with or without the `whatsapp:` prefix). */
  failFor(to: string, failure: TwilioFailure): void;
  clearFailures(): void;
  /** A status callback for a created message, signed as Twilio signs it. */
  statusCallback(sid: string, status: string, options?: StatusCallbackOptions): SignedTwilioRequest;
  /** An inbound WhatsApp message as Twilio posts it to a number's webhook, signed for `url`. */
  inboundMessage(input: { from: string; body: string; url: string; to?: string }): SignedTwilioRequest;
  /** POSTs a signed request to `deliverTo` (default: its own URL). */
  post(request: SignedTwilioRequest, deliverTo?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/**
 * X-Twilio-Signature as Twilio computes it: HMAC-SHA1 with the auth token over the full URL
 * followed by every POST parameter as name+value, names sorted; base64.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => {
      const value = params[key];
      const values = Array.isArray(value) ? [...value].sort() : [value ?? ''];
      return acc + values.map((v) => key + v).join('');
    }, url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

// --- the OpenAPI document ------------------------------------------------------------------

interface SchemaObject {
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  enum?: string[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  $ref?: string;
  nullable?: boolean;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: SchemaObject;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { schemas: Record<string, SchemaObject> };
}

interface Route {
  template: string;
  regex: RegExp;
  names: string[];
  operations: Partial<Record<'get' | 'post' | 'delete', Operation>>;
}

const HTTP_METHODS = ['get', 'post', 'delete'] as const;
const FORM = 'application/x-www-form-urlencoded';

function loadRoutes(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).map(([template, item]) => {
    const names: string[] = [];
    const source = template.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const operations: Route['operations'] = {};
    for (const method of HTTP_METHODS) if (item[method]) operations[method] = item[method] as Operation;
    return { template, regex: new RegExp(`^${source}$`), names, operations };
  });
}

const resolve = (doc: OpenApiDocument, schema: SchemaObject): SchemaObject => {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`contract refers to missing schema ${name}`);
  return resolve(doc, target);
};

const E164 = /^\+[1-9]\d{6,14}$/;
const CHANNEL_ADDRESS = /^(whatsapp|messenger|rcs):(.+)$/;

/** Why a value does not fit its schema, or null when it does. */
function schemaProblem(doc: OpenApiDocument, raw: SchemaObject, value: string | string[]): string | null {
  const schema = resolve(doc, raw);
  if (schema.type === 'array') {
    const items = schema.items ?? {};
    for (const v of Array.isArray(value) ? value : [value]) {
      const problem = schemaProblem(doc, items, v);
      if (problem) return problem;
    }
    return null;
  }
  if (Array.isArray(value)) return 'must be given once';
  switch (schema.type) {
    case 'integer':
      return /^-?\d+$/.test(value) ? null : 'must be an integer';
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? null : 'must be a number';
    case 'boolean':
      return /^(true|false)$/i.test(value) ? null : 'must be true or false';
  }
  if (schema.enum && !schema.enum.includes(value)) return `must be one of ${schema.enum.join(', ')}`;
  if (schema.minLength !== undefined && value.length < schema.minLength) return 'is too short';
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return 'is too long';
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) return `must match ${schema.pattern}`;
  if (schema.format === 'phone-number') {
    const address = CHANNEL_ADDRESS.exec(value)?.[2] ?? value;
    if (!E164.test(address)) return 'must be an E.164 number or a channel address';
  }
  if (schema.format === 'uri') {
    try {
      const u = new URL(value);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http(s) URL';
    } catch {
      return 'must be a URL';
    }
  }
  return null;
}

// --- the server ----------------------------------------------------------------------------

class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Twilio's error body. */
const errorBody = (e: { status: number; code: number; message: string }) => ({
  code: e.code,
  message: e.message,
  more_info: `https://www.twilio.com/docs/errors/${e.code}`,
  status: e.status,
});

/** Parameter-specific codes Twilio uses for a bad value. */
const INVALID_PARAMETER_CODE: Record<string, number> = {
  To: 21211,
  From: 21212,
  ContentSid: 21655,
  ContentVariables: 21656,
  MessagingServiceSid: 21702,
};

/** RFC 2822, as Twilio writes dates: "Thu, 24 Aug 2023 05:01:45 +0000". */
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

const hex32 = () => randomBytes(16).toString('hex');
const stripChannel = (address: string) => CHANNEL_ADDRESS.exec(address)?.[2] ?? address;

function parseForm(body: string): FormParams {
  const params: FormParams = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = params[key];
    params[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export interface TwilioContractServerOptions {
  accountSid?: string;
  authToken?: string;
  /** Path of the OpenAPI document; default the extract shipped with this package. */
  contractPath?: string;
}

export async function startTwilioContractServer(
  options: TwilioContractServerOptions = {},
): Promise<TwilioContractServer> {
  const doc = JSON.parse(readFileSync(options.contractPath ?? DEFAULT_CONTRACT, 'utf8')) as OpenApiDocument;
  const routes = loadRoutes(doc);
  const messageSchema = resolve(doc, { $ref: '#/components/schemas/api.v2010.account.message' });
  const accountSid = options.accountSid ?? `AC${hex32()}`;
  const authToken = options.authToken ?? hex32();
  const requests: ReceivedTwilioRequest[] = [];
  const messages: CreatedTwilioMessage[] = [];
  const byId = new Map<string, CreatedTwilioMessage>();
  const queued: TwilioFailure[] = [];
  const perNumber = new Map<string, TwilioFailure>();

  function authenticate(req: IncomingMessage): string {
    const header = req.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    if (scheme?.toLowerCase() === 'basic' && encoded) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      const given = Buffer.from(decoded.slice(colon + 1));
      const expected = Buffer.from(authToken);
      if (
        colon > 0 &&
        user === accountSid &&
        given.length === expected.length &&
        timingSafeEqual(given, expected)
      )
        return user;
    }
    throw new TwilioError(401, 20003, 'Authenticate');
  }

  function checkParameters(operation: Operation, location: 'path' | 'query', values: Record<string, string>) {
    for (const p of operation.parameters ?? []) {
      if (p.in !== location) continue;
      const value = values[p.name];
      if (value === undefined) {
        if (p.required) throw new TwilioError(400, 20001, `Missing required parameter ${p.name}`);
        continue;
      }
      const problem = schemaProblem(doc, p.schema, value);
      if (problem) {
        // Twilio answers a malformed SID in the path as a resource it cannot find.
        if (location === 'path')
          throw new TwilioError(404, 20404, `The requested resource ${values.__path} was not found`);
        throw new TwilioError(400, 20001, `Invalid parameter ${p.name}: ${problem}`);
      }
    }
  }

  function checkCreateBody(operation: Operation, params: FormParams) {
    const schema = operation.requestBody?.content[FORM]?.schema;
    if (!schema?.properties) throw new Error(`contract has no ${FORM} body for ${operation.operationId}`);
    for (const name of Object.keys(params)) {
      const property = schema.properties[name];
      if (!property)
        throw new TwilioError(400, 20001, `Unknown parameter ${name} (not in ${operation.operationId})`);
      const value = params[name] as string | string[];
      const problem = schemaProblem(doc, property, value);
      if (problem)
        throw new TwilioError(400, INVALID_PARAMETER_CODE[name] ?? 20001, `Invalid '${name}': ${problem}`);
    }
    for (const name of schema.required ?? []) {
      if (params[name] === undefined || params[name] === '') {
        if (name === 'To') throw new TwilioError(400, 21604, "A 'To' phone number is required.");
        throw new TwilioError(400, 20001, `Missing required parameter ${name}`);
      }
    }
    // Rules the Messages resource documents in prose rather than in the schema.
    if (!params.Body && !params.ContentSid && !params.MediaUrl)
      throw new TwilioError(400, 21619, 'A text message body or media urls must be specified.');
    if (!params.From && !params.MessagingServiceSid)
      throw new TwilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required");
    const to = params.To as string;
    const from = params.From as string | undefined;
    if (from && CHANNEL_ADDRESS.exec(to)?.[1] !== CHANNEL_ADDRESS.exec(from)?.[1])
      throw new TwilioError(
        400,
        21910,
        'Invalid From and To pair. From and To should be of the same channel',
      );
    if (params.ContentVariables !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(params.ContentVariables as string);
      } catch {
        parsed = null;
      }
      const ok =
        typeof parsed === 'object' &&
        parsed !== null &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every((v) => typeof v === 'string');
      if (!ok) throw new TwilioError(400, 21656, 'The ContentVariables Parameter is invalid.');
    }
  }

  function createMessage(params: FormParams): TwilioMessageResource {
    const now = new Date();
    const sid = `SM${hex32()}`;
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`;
    const resource: TwilioMessageResource = {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: (params.Body as string | undefined) ?? null,
      date_created: rfc2822(now),
      date_sent: null,
      date_updated: rfc2822(now),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: (params.From as string | undefined) ?? null,
      messaging_service_sid: (params.MessagingServiceSid as string | undefined) ?? null,
      num_media: String([params.MediaUrl ?? []].flat().length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      // With a Messaging Service and no From, Twilio first accepts, then picks a sender.
      status: params.MessagingServiceSid && !params.From ? 'accepted' : 'queued',
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
      to: params.To as string,
      uri,
    };
    assertMatchesSchema(resource);
    return resource;
  }

  /** The response must carry exactly the properties the contract lists, each of its type. */
  function assertMatchesSchema(resource: Record<string, unknown>) {
    const expected = Object.keys(messageSchema.properties ?? {}).sort();
    const actual = Object.keys(resource).sort();
    if (expected.join() !== actual.join())
      throw new Error(`message resource drifted from the contract: ${actual} vs ${expected}`);
    for (const [name, property] of Object.entries(messageSchema.properties ?? {})) {
      const value = resource[name];
      if (value === null) continue;
      const problem = schemaProblem(doc, property, typeof value === 'string' ? value : '');
      if (typeof value === 'string' && problem) throw new Error(`message.${name} ${problem}`);
    }
  }

  function scriptedFailure(params: FormParams): TwilioFailure | undefined {
    const perTo = perNumber.get(stripChannel(params.To as string));
    if (perTo) return perTo;
    return queued.shift();
  }

  async function handle(req: IncomingMessage, res: ServerResponse, record: ReceivedTwilioRequest) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => r.regex.test(url.pathname));
    if (!route) throw new TwilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    const method = (req.method ?? 'GET').toLowerCase() as 'get' | 'post' | 'delete';
    const operation = route.operations[method];
    if (!operation) throw new TwilioError(405, 20004, 'Method not allowed');

    const match = route.regex.exec(url.pathname) as RegExpExecArray;
    const pathValues: Record<string, string> = { __path: url.pathname };
    route.names.forEach((name, i) => {
      pathValues[name] = decodeURIComponent(match[i + 1] ?? '');
    });
    if (operation.security?.some((s) => 'accountSid_authToken' in s)) {
      const user = authenticate(req);
      if (pathValues.AccountSid !== user)
        throw new TwilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    }
    checkParameters(operation, 'path', pathValues);

    if (operation.operationId === 'CreateMessage') {
      if (!(req.headers['content-type'] ?? '').startsWith(FORM))
        throw new TwilioError(400, 20001, `Content-Type must be ${FORM}`);
      checkCreateBody(operation, record.params);
      const failure = scriptedFailure(record.params);
      if (failure) throw new TwilioError(failure.status, failure.code, failure.message);
      const resource = createMessage(record.params);
      const created = { resource, params: record.params };
      messages.push(created);
      byId.set(resource.sid, created);
      return send(res, record, 201, resource);
    }
    if (operation.operationId === 'FetchMessage') {
      const found = byId.get(pathValues.Sid ?? '');
      if (!found) throw new TwilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
      return send(res, record, 200, found.resource);
    }
    throw new TwilioError(405, 20004, `${operation.operationId} is not implemented by the contract server`);
  }

  function send(res: ServerResponse, record: ReceivedTwilioRequest, status: number, body: unknown) {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    const record: ReceivedTwilioRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      params: req.method === 'POST' ? parseForm(raw) : parseForm(url.search.slice(1)),
      headers: req.headers,
      status: 0,
      errorCode: null,
    };
    requests.push(record);
    try {
      await handle(req, res, record);
    } catch (error) {
      const e = error instanceof TwilioError ? error : new TwilioError(500, 20500, 'Internal Server Error');
      record.errorCode = e.code;
      send(res, record, e.status, errorBody(e));
    }
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;

  const signed = (url: string, params: Record<string, string>, signature?: string): SignedTwilioRequest => {
    const sig = signature ?? twilioSignature(authToken, url, params);
    return {
      url,
      params,
      signature: sig,
      body: new URLSearchParams(params).toString(),
      headers: { 'content-type': FORM, 'x-twilio-signature': sig },
    };
  };

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    messages,
    failNext(failure, times = 1) {
      for (let i = 0; i < times; i++) queued.push(failure);
    },
    failFor(to, failure) {
      perNumber.set(stripChannel(to), failure);
    },
    clearFailures() {
      queued.length = 0;
      perNumber.clear();
    },
    statusCallback(sid, status, opts = {}) {
      const message = byId.get(sid);
      const url = opts.url ?? (message?.params.StatusCallback as string | undefined);
      if (!url) throw new Error(`no StatusCallback URL for ${sid}`);
      const to = message?.resource.to ?? 'whatsapp:+10000000000';
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        ChannelPrefix: CHANNEL_ADDRESS.exec(to)?.[1] ?? 'sms',
        ChannelToAddress: stripChannel(to),
        From: message?.resource.from ?? '',
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: to,
      };
      if (opts.errorCode !== undefined) params.ErrorCode = String(opts.errorCode);
      return signed(url, params, opts.signature);
    },
    inboundMessage({ from, body, url, to }) {
      const sid = `SM${hex32()}`;
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        Body: body,
        From: from,
        MessageSid: sid,
        NumMedia: '0',
        NumSegments: '1',
        ProfileName: 'WhatsApp user',
        SmsMessageSid: sid,
        SmsSid: sid,
        SmsStatus: 'received',
        To: to ?? 'whatsapp:+14155238886',
        WaId: stripChannel(from).replace(/^\+/, ''),
      };
      return signed(url, params);
    },
    async post(request, deliverTo) {
      const response = await fetch(deliverTo ?? request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      return { status: response.status, body: await response.text() };
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((e) => (e ? fail(e) : done()));
      }),
  };
}
