import { EMAIL_CATALOGS, formatDateTime } from '@rappel/templates';
import type { FastifyInstance } from 'fastify';
import { readConsoleRecords } from '../console-sender';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface ConsolePageOptions {
  /** Where the console transport writes (WHATSAPP_CONSOLE_DIR). */
  dir: string;
  /** Whether the console transport is the one in use. */
  active: boolean;
  /** The site's IANA zone (APP_TIMEZONE): times are shown in it, as on every page, not the server's. */
  zone: string;
}

/** The kind as the daily report names it in French; a kind this build does not know, as written. */
function kindLabel(kind: string): string {
  const kinds: Record<string, string> = EMAIL_CATALOGS.fr.report.kinds;
  return kinds[kind] ?? kind;
}

/** GET /whatsapp: what the console transport recorded (a machine without Twilio credentials). */
export async function consolePageRoutes(app: FastifyInstance, options: ConsolePageOptions) {
  app.get('/whatsapp', { schema: { hide: true } }, async (_request, reply) => {
    const records = options.active ? await readConsoleRecords(options.dir) : [];
    const rows = records
      .map(
        (
          r,
        ) => `<tr><td>${escapeHtml(formatDateTime(new Date(r.at), options.zone, 'fr'))}</td><td>${escapeHtml(r.to)}</td><td>${escapeHtml(kindLabel(r.kind))}</td>
<td><pre>${escapeHtml(r.body)}</pre>${
          r.contentSid
            ? `<p>Modèle ${escapeHtml(r.contentSid)} : <code>${escapeHtml(JSON.stringify(r.contentVariables))}</code></p>`
            : ''
        }</td></tr>`,
      )
      .join('\n');
    const intro = options.active
      ? `<p>Aucun identifiant Twilio n’est configuré : les messages WhatsApp ne partent pas, ils sont enregistrés ici (fichier <code>${escapeHtml(options.dir)}/messages.jsonl</code>).</p>`
      : '<p>Le transport Twilio est actif : les messages WhatsApp partent vers Twilio et ne sont pas enregistrés ici.</p>';
    const html = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Messages WhatsApp — Rappel</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2933}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #d9e2ec;padding:.5rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:0;font-family:inherit}</style>
</head><body><h1>Messages WhatsApp</h1>${intro}
${
  records.length
    ? `<table><thead><tr><th>Date</th><th>Destinataire</th><th>Type</th><th>Message</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>Aucun message pour l’instant.</p>'
}
</body></html>`;
    return reply.header('content-type', 'text/html; charset=utf-8').send(html);
  });
}
