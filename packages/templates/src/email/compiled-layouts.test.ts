import { LANGUAGES, NOTIFICATION_KINDS } from '@rappel/contracts';
import { describe, expect, it } from 'vitest';
import { compileEmailTemplate } from './compile-email-template';
import { COMPILED_EMAIL_LAYOUTS } from './compiled-layouts.generated';

const STALE = 'compiled-layouts.generated.ts is out of date: run `pnpm templates:compile` and commit it';
const keys = NOTIFICATION_KINDS.flatMap((kind) => LANGUAGES.map((language) => [kind, language] as const));

describe('compiled e-mail layouts', () => {
  it('hold exactly one layout per kind and language', () => {
    expect(Object.keys(COMPILED_EMAIL_LAYOUTS).sort(), STALE).toEqual(
      keys.map(([kind, language]) => `${kind}/${language}`).sort(),
    );
  });

  it.each(keys)('match what MJML compiles now for %s in %s', async (kind, language) => {
    const { html } = await compileEmailTemplate(kind, language);
    const generated: Record<string, string> = COMPILED_EMAIL_LAYOUTS;
    expect(generated[`${kind}/${language}`], STALE).toBe(html);
  });
});
