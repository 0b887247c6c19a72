import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmailTransport, OutgoingEmail } from './email-transport';

/** One line of the capture index (`index.jsonl`, one JSON object per line, oldest first). */
export interface CapturedEmail {
  /** File stem: `<id>.eml` and `<id>.html` sit beside the index. */
  id: string;
  messageId: string;
  subject: string;
  to: string;
  from: string;
  /** ISO 8601 instant of capture. */
  capturedAt: string;
}

export const CAPTURE_INDEX = 'index.jsonl';

/** Capture ids: sortable by time, then random (also what makes them safe as file names). */
export const CAPTURE_ID = /^[0-9]{13}-[0-9a-f]{8}$/;

/**
 * The local transport for a machine without an SMTP server: each message is written as an
 * `.eml` file (the bytes an SMTP server would receive) and its HTML part, and appended to
 * the index. Appending one short line is atomic, so several processes can share the folder.
 */
export function createCaptureTransport(options: {
  dir: string;
  compose: (mail: OutgoingEmail) => Promise<Buffer>;
  now?: () => Date;
}): EmailTransport & { dir: string } {
  const now = options.now ?? (() => new Date());
  let ready: Promise<unknown> | undefined;
  return {
    provider: 'capture',
    dir: options.dir,
    async send(mail) {
      ready ??= mkdir(options.dir, { recursive: true });
      await ready;
      const at = now();
      const id = `${at.getTime()}-${randomBytes(4).toString('hex')}`;
      await writeFile(join(options.dir, `${id}.eml`), await options.compose(mail));
      await writeFile(join(options.dir, `${id}.html`), mail.html);
      const entry: CapturedEmail = {
        id,
        messageId: mail.messageId,
        subject: mail.subject,
        to: mail.to,
        from: mail.from,
        capturedAt: at.toISOString(),
      };
      await appendFile(join(options.dir, CAPTURE_INDEX), `${JSON.stringify(entry)}\n`);
      return { messageId: mail.messageId };
    },
    async close() {},
  };
}

/** The captured messages, newest first (at most `limit`). A missing folder means none yet. */
export async function readCaptureIndex(dir: string, limit = 200): Promise<CapturedEmail[]> {
  let text: string;
  try {
    text = await readFile(join(dir, CAPTURE_INDEX), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: CapturedEmail[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as CapturedEmail;
      if (CAPTURE_ID.test(entry.id)) entries.push(entry);
    } catch {
      // A line cut short by a crash is skipped rather than hiding every other message.
    }
  }
  return entries.reverse().slice(0, limit);
}
