import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SendMeta, WhatsAppMessage, WhatsAppSender } from './whatsapp-sender';

/** One line of `messages.jsonl`: what would have been sent. */
export interface ConsoleRecord {
  id: string;
  at: string;
  notificationId: string;
  kind: string;
  to: string;
  body: string;
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
}

const FILE = 'messages.jsonl';

/**
 * The transport of a machine without Twilio credentials: logs the message and appends it to
 * `<dir>/messages.jsonl`, shown by GET /whatsapp. Nothing leaves the machine.
 */
export function createConsoleSender(dir: string, logger: Logger): WhatsAppSender {
  return {
    provider: 'console',
    async send(message: WhatsAppMessage, meta: SendMeta) {
      const record: ConsoleRecord = {
        id: `console-${randomUUID()}`,
        at: new Date().toISOString(),
        notificationId: meta.notificationId,
        kind: meta.kind,
        to: message.to,
        body: message.body,
        contentSid: message.content?.sid ?? null,
        contentVariables: message.content?.variables ?? null,
      };
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, FILE), `${JSON.stringify(record)}\n`);
      logger.info(
        { notificationId: meta.notificationId, kind: meta.kind, id: record.id },
        'WhatsApp message recorded by the console transport (no Twilio credentials)',
      );
      return { providerMessageId: record.id };
    },
  };
}

/** The latest recorded messages, newest first. */
export async function readConsoleRecords(dir: string, limit = 200): Promise<ConsoleRecord[]> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .slice(-limit)
    .reverse()
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as ConsoleRecord];
      } catch {
        return [];
      }
    });
}
