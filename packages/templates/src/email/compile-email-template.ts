import type { Language, NotificationKind } from '@rappel/contracts';
import mjml2html from 'mjml';
import { emailLayoutMjml } from './email-layout';
import type { CompiledEmail } from './email-renderer';
import { TemplateCompileError } from './template-compile-error';

/**
 * Compiles one kind's MJML in one language: tens of milliseconds and mjml's large dependency
 * tree. Only the layout generator (`pnpm templates:compile`), its test and the benchmark import
 * it, through `@rappel/templates/compile`; the services read the generated layouts instead.
 */
export async function compileEmailTemplate(
  kind: NotificationKind,
  language: Language,
): Promise<CompiledEmail> {
  const result = await mjml2html(emailLayoutMjml(kind, language), { validationLevel: 'strict' });
  if (result.errors.length > 0) {
    throw new TemplateCompileError(
      `${kind}/${language}: ${result.errors.map((e) => e.formattedMessage).join('; ')}`,
    );
  }
  return { kind, language, html: result.html };
}
