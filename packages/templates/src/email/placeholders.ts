/**
 * Placeholders of a precompiled template: `{{name}}` is filled with text, escaped for HTML;
 * `{{{name}}}` with an HTML fragment the renderer built itself (every value in it already
 * escaped). Filling is one pass over the template, so a value that looks like a placeholder
 * (or like MJML) stays inert text.
 */
const PLACEHOLDER = /\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g;

export class MissingTemplateValueError extends Error {
  override readonly name = 'MissingTemplateValueError';
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '{': '&#123;',
  '}': '&#125;',
};

/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`{}]/g, (c) => HTML_ESCAPES[c] ?? c);
}

export type TemplateValues = Readonly<Record<string, string>>;

/** Fills `{{x}}` with escaped text and `{{{x}}}` with trusted HTML. Every name must be given. */
export function fillHtml(template: string, text: TemplateValues, html: TemplateValues = {}): string {
  return template.replace(PLACEHOLDER, (_m, rawName: string | undefined, textName: string | undefined) => {
    if (rawName !== undefined) return lookup(html, rawName);
    return escapeHtml(lookup(text, textName!));
  });
}

/** Fills `{{x}}` with text as is (plain-text part, subject). */
export function fillText(template: string, text: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_m, rawName: string | undefined, textName: string | undefined) =>
    lookup(text, (rawName ?? textName)!),
  );
}

function lookup(values: TemplateValues, name: string): string {
  const value = values[name];
  if (value === undefined) throw new MissingTemplateValueError(`no value for placeholder "${name}"`);
  return value;
}

/**
 * Escapes the fixed words of a template for MJML/HTML while keeping its `{{placeholders}}`,
 * so a catalog string can be put into a layout before compilation.
 */
export function escapeTemplateText(template: string): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    out += escapeHtml(template.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeHtml(template.slice(last));
}
