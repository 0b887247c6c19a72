import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml, formatDateTime } from '@rappel/templates';
import type { FastifyInstance } from 'fastify';
import { CAPTURE_ID, readCaptureIndex } from '../transports/capture-transport';

export interface MailCaptureRoutesOptions {
  /** The capture folder; null when e-mail goes to a real SMTP server. */
  dir: string | null;
  zone: string;
}

/**
 * `GET /mail`: the messages the local capture wrote, newest first, in French. Each one can be
 * read as HTML (`/mail/:id/html`, scripts and remote loads blocked) or fetched as `.eml`.
 */
export async function mailCaptureRoutes(app: FastifyInstance, options: MailCaptureRoutesOptions) {
  const { dir, zone } = options;

  app.get('/mail', async (_req, reply) => {
    reply.type('text/html; charset=utf-8');
    if (!dir) {
      return page(
        'Capture désactivée',
        '<p>Les e-mails partent par le serveur SMTP configuré (<code>SMTP_URL</code>) : rien n’est capturé ici.</p>',
      );
    }
    const entries = await readCaptureIndex(dir);
    const rows = entries
      .map(
        (e) => `<tr>
<td>${escapeHtml(formatDateTime(new Date(e.capturedAt), zone, 'fr'))}</td>
<td>${escapeHtml(e.to)}</td>
<td><a href="/mail/${e.id}/html">${escapeHtml(e.subject)}</a></td>
<td><a href="/mail/${e.id}/eml" download="${e.id}.eml">.eml</a></td>
</tr>`,
      )
      .join('\n');
    const body =
      entries.length === 0
        ? '<p>Aucun e-mail capturé pour l’instant.</p>'
        : `<table><thead><tr><th>Reçu</th><th>Destinataire</th><th>Objet</th><th>Source</th></tr></thead><tbody>${rows}</tbody></table>`;
    return page(
      'E-mails capturés',
      `<p>Aucun serveur SMTP n’est configuré : les e-mails sont enregistrés dans <code>${escapeHtml(dir)}</code>. ${entries.length} message(s), du plus récent au plus ancien. <a href="/mail">Actualiser</a></p>${body}`,
    );
  });

  app.get<{ Params: { id: string; part: string } }>('/mail/:id/:part', async (req, reply) => {
    const { id, part } = req.params;
    if (!dir || !CAPTURE_ID.test(id) || (part !== 'html' && part !== 'eml')) {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(page('Introuvable', '<p>Ce message n’existe pas.</p>'));
    }
    let content: Buffer;
    try {
      content = await readFile(join(dir, `${id}.${part}`));
    } catch {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(page('Introuvable', '<p>Ce message n’existe pas.</p>'));
    }
    if (part === 'eml') {
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="${id}.eml"`)
        .send(content);
    }
    // The message is shown as its recipient would see it, without running or fetching anything.
    return reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
      )
      .send(content);
  });
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} · Rappel</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2933}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{color:#6b7280;font-weight:600}
a{color:#1d4ed8}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}
