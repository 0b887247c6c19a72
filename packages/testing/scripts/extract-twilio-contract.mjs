// Extracts the Messages resource from Twilio's official OpenAPI document (twilio_api_v2010.json,
// github.com/twilio/twilio-oai) into contracts/twilio-messages.openapi.json, which the Twilio
// contract server loads. Everything kept is copied verbatim; unrelated paths are dropped, and so
// are `example`/`examples` blocks: they document sample responses (with sample account SIDs that
// look like credentials) and are not part of the contract the server checks.
//   node packages/testing/scripts/extract-twilio-contract.mjs path/to/twilio_api_v2010.json && pnpm format
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2];
if (!source) throw new Error('usage: extract-twilio-contract.mjs <twilio_api_v2010.json>');
const full = JSON.parse(readFileSync(source, 'utf8'));
const PATHS = [
  '/2010-04-01/Accounts/{AccountSid}/Messages.json',
  '/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json',
];

const schemas = {};
const visit = (node) => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (!node || typeof node !== 'object') return;
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const name = ref.slice('#/components/schemas/'.length);
    if (!(name in schemas)) {
      schemas[name] = full.components.schemas[name];
      visit(schemas[name]);
    }
  }
  Object.values(node).forEach(visit);
};
const paths = Object.fromEntries(PATHS.map((p) => [p, full.paths[p]]));
visit(paths);

const withoutExamples = (node) => {
  if (Array.isArray(node)) return node.map(withoutExamples);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'example' && key !== 'examples')
      .map(([key, value]) => [key, withoutExamples(value)]),
  );
};

const extract = {
  openapi: full.openapi,
  info: { ...full.info, 'x-rappel-extract': `Messages resource only, from ${source.split('/').pop()}` },
  servers: full.servers,
  security: full.security,
  paths: withoutExamples(paths),
  components: { securitySchemes: full.components.securitySchemes, schemas: withoutExamples(schemas) },
};
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'contracts', 'twilio-messages.openapi.json');
writeFileSync(out, `${JSON.stringify(extract, null, 2)}\n`);
console.log(`wrote ${out} (${Object.keys(schemas).length} schemas)`);
