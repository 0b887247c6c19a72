/**
 * Compiles every e-mail layout (NOTIFICATION_KINDS × LANGUAGES) with MJML and writes them to
 * src/email/compiled-layouts.generated.ts, which the services read: they never load MJML.
 *
 *   pnpm templates:compile     # from the repository root
 *
 * Run it after changing email-layout.ts, a catalog or the MJML version; compiled-layouts.test.ts
 * fails until you do. The output depends only on its inputs (no date, fixed order), so an
 * unchanged layout gives an unchanged file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, NOTIFICATION_KINDS } from '@rappel/contracts';
import { compileEmailTemplate } from '../src/email/compile-email-template';

const target = fileURLToPath(new URL('../src/email/compiled-layouts.generated.ts', import.meta.url));

const HEADER = `// GENERATED FILE: DO NOT EDIT.
// Written by packages/templates/scripts/compile-email-layouts.ts (\`pnpm templates:compile\`):
// email-layout.ts and the catalogs compiled with MJML (validationLevel strict), placeholders
// still in. compiled-layouts.test.ts fails when this file is out of date.
`;

const entries: string[] = [];
for (const kind of NOTIFICATION_KINDS) {
  for (const language of LANGUAGES) {
    const { html } = await compileEmailTemplate(kind, language);
    entries.push(`  ${JSON.stringify(`${kind}/${language}`)}: ${JSON.stringify(html)},`);
  }
}
const source = `${HEADER}
/** Compiled HTML by \`\${kind}/\${language}\`. */
export const COMPILED_EMAIL_LAYOUTS = {
${entries.join('\n')}
} as const;
`;

const previous = await readFile(target, 'utf8').catch(() => null);
if (previous === source) {
  console.log(`${target}: up to date (${entries.length} layouts)`);
} else {
  await writeFile(target, source);
  console.log(`${target}: written (${entries.length} layouts, ${Buffer.byteLength(source)} bytes)`);
}
