/**
 * WhatsApp shows text, not HTML, but it reads `*bold*`, `_italic_`, `~strike~` and backquotes
 * as formatting, and a value with a newline or a bidirectional override could rearrange the
 * message around it. Names and item labels come from people: they are made inert here.
 */

/** Control characters, zero-width and bidirectional controls, line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** WhatsApp's formatting characters, each replaced by its full-width look-alike. */
const FORMATTING: Record<string, string> = { '*': '＊', _: '＿', '~': '～', '`': '｀' };

/**
 * One line of inert text: control characters become spaces, whitespace runs collapse,
 * formatting characters are neutralised, and at most `maxLength` characters are kept.
 */
export function plainText(value: string | null | undefined, maxLength = 120): string {
  if (!value) return '';
  const cleaned = value
    .normalize('NFC')
    .replace(INVISIBLE, ' ')
    .replace(/[*_~`]/g, (c) => FORMATTING[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...cleaned];
  return chars.length <= maxLength
    ? cleaned
    : `${chars
        .slice(0, maxLength - 1)
        .join('')
        .trimEnd()}…`;
}

/** Twilio refuses a message body longer than 1 600 characters. */
export const WHATSAPP_BODY_MAX = 1600;

export function capBody(text: string): string {
  const chars = [...text];
  return chars.length <= WHATSAPP_BODY_MAX ? text : `${chars.slice(0, WHATSAPP_BODY_MAX - 1).join('')}…`;
}
