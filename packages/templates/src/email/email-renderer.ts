import { LANGUAGES, type Language, NOTIFICATION_KINDS, type NotificationKind } from '@rappel/contracts';
import type { MessageContext } from '../message-context';
import { EMAIL_CATALOGS } from './catalog';
import { COMPILED_EMAIL_LAYOUTS } from './compiled-layouts.generated';
import { dailyReportBlock } from './daily-report-block';
import { emailText } from './email-text';
import { emailValues, requireLoan } from './email-values';
import { buildIcs } from './ics';
import { fillHtml, fillText } from './placeholders';
import { TemplateCompileError } from './template-compile-error';

export interface EmailAttachment {
  filename: string;
  content: string;
  contentType: string;
}

/** One message ready for a transport: the sender adds From, To and Message-ID. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  attachments: EmailAttachment[];
}

/** A layout compiled to HTML, placeholders still in it. */
export interface CompiledEmail {
  kind: NotificationKind;
  language: Language;
  html: string;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Fills a compiled layout for one message. No MJML work: string replacement only. */
export function fillEmail(compiled: CompiledEmail, ctx: MessageContext): RenderedEmail {
  const catalog = EMAIL_CATALOGS[compiled.language];
  const copy = catalog.kinds[compiled.kind];
  const values = emailValues(ctx, catalog);
  let reportHtml = '';
  let reportText = '';
  if (compiled.kind === 'daily_report') {
    const block = dailyReportBlock(ctx, catalog);
    Object.assign(values, block.values);
    reportHtml = block.html;
    reportText = block.text;
  }
  values.subject = oneLine(fillText(copy.subject, values));
  values.preheader = oneLine(fillText(copy.preheader, values));
  return {
    subject: values.subject,
    html: fillHtml(compiled.html, values, { reportSections: reportHtml }),
    text: emailText(compiled.kind, compiled.language, values, reportText),
    headers: {
      'List-Unsubscribe': `<${ctx.links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // RFC 3834: automatic message, so out-of-office robots do not answer it.
      'Auto-Submitted': 'auto-generated',
    },
    attachments: compiled.kind === 'loan_created' ? [calendarAttachment(ctx, values)] : [],
  };
}

function calendarAttachment(ctx: MessageContext, values: Record<string, string>): EmailAttachment {
  const { loan } = requireLoan(ctx);
  const ics = EMAIL_CATALOGS[ctx.language].ics;
  return {
    filename: ics.filename,
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    content: buildIcs({
      uid: `loan-${loan.id}-due@rappel`,
      stamp: ctx.now,
      start: loan.dueAt,
      durationMinutes: 15,
      summary: fillText(ics.summary, values),
      location: values.desk ?? '',
      description: fillText(ics.description, values),
    }),
  };
}

export interface EmailRenderer {
  /** Renders the message of `ctx.kind` in `ctx.language`. Throws TemplateDataError on missing data. */
  render(ctx: MessageContext): RenderedEmail;
}

/**
 * Every kind × language, as compiled at build time. Typed so that a kind or language added to
 * the contracts without `pnpm templates:compile` fails the typecheck.
 */
const LAYOUTS: Readonly<Record<`${NotificationKind}/${Language}`, string>> = COMPILED_EMAIL_LAYOUTS;

/**
 * The renderer over the layouts compiled at build time (compiled-layouts.generated.ts): no MJML
 * in the process, rendering only fills values. Throws TemplateCompileError if a layout is
 * missing, so a broken build stops the process before it takes a job.
 */
export async function createEmailRenderer(): Promise<EmailRenderer> {
  const compiled = new Map<string, CompiledEmail>();
  for (const kind of NOTIFICATION_KINDS) {
    for (const language of LANGUAGES) {
      const html = LAYOUTS[`${kind}/${language}`];
      if (!html) throw new TemplateCompileError(`no compiled e-mail layout for ${kind}/${language}`);
      compiled.set(`${kind}/${language}`, { kind, language, html });
    }
  }
  return {
    render(ctx) {
      const template = compiled.get(`${ctx.kind}/${ctx.language}`);
      if (!template) throw new TemplateCompileError(`no e-mail template for ${ctx.kind}/${ctx.language}`);
      return fillEmail(template, ctx);
    },
  };
}
