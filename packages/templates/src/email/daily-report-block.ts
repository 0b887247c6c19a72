import { type DailyReport, dailyReportSchema } from '@rappel/contracts';
import { DateTime } from 'luxon';
import { formatDate, formatDateTime, formatDuration, formatTime } from '../format';
import type { MessageContext } from '../message-context';
import type { EmailCatalog } from './catalog';
import { borrowerLabel, TemplateDataError } from './email-values';
import { escapeHtml, fillText } from './placeholders';

/** Lines shown per list; the rest is counted ("… and 12 more"). */
const MAX_LINES = 50;

export interface ReportBlock {
  values: { reportDate: string; reportSummary: string };
  html: string;
  text: string;
}

export function parseDailyReport(extra: unknown): DailyReport {
  const parsed = dailyReportSchema.safeParse(extra);
  if (!parsed.success)
    throw new TemplateDataError(`daily_report context is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** The daily report's sections, as HTML (every value escaped) and as plain text. */
export function dailyReportBlock(ctx: MessageContext, catalog: EmailCatalog): ReportBlock {
  const report = parseDailyReport(ctx.extra);
  const r = catalog.report;
  const when = (iso: string) => formatDateTime(new Date(iso), ctx.zone, ctx.language);
  const dueTodayLines = report.dueToday.map((loan) =>
    fillText(r.dueTodayLine, {
      itemName: loan.itemName,
      inventoryNumber: loan.inventoryNumber,
      borrowerName: borrowerLabel({ name: loan.borrowerName, roomNumber: loan.roomNumber ?? null }, catalog),
      dueTime: formatTime(new Date(loan.dueAt), ctx.zone),
    }),
  );
  const overdueLines = report.overdue.map((loan) =>
    fillText(r.overdueLine, {
      itemName: loan.itemName,
      inventoryNumber: loan.inventoryNumber,
      borrowerName: borrowerLabel({ name: loan.borrowerName, roomNumber: loan.roomNumber ?? null }, catalog),
      dueAt: when(loan.dueAt),
      lateBy: formatDuration(Math.max(0, ctx.now.getTime() - Date.parse(loan.dueAt)), ctx.language),
    }),
  );
  const statusLines = Object.entries(report.yesterdayByStatus)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([status, count]) => `${count} ${r.statuses[status as keyof typeof r.statuses]}`);
  const failureLines = report.failuresToReview.map((f) =>
    fillText(r.failureLine, {
      kind: r.kinds[f.kind],
      channel: r.channels[f.channel],
      recipientName: f.recipientName,
      errorCode: f.errorCode ?? r.noErrorCode,
      failedAt: when(f.failedAt),
    }),
  );
  const sections: Array<[string, string[]]> = [
    [`${r.dueToday} (${report.dueToday.length})`, dueTodayLines],
    [`${r.overdue} (${report.overdue.length})`, overdueLines],
    [r.yesterday, statusLines],
    [`${r.failures} (${report.failuresToReview.length})`, failureLines],
  ];
  const reportDate = formatDate(
    DateTime.fromISO(report.date, { zone: ctx.zone }).toJSDate(),
    ctx.zone,
    ctx.language,
  );
  return {
    values: { reportDate, reportSummary: r.summary(report.dueToday.length, report.overdue.length) },
    html: sections.map(([title, lines]) => sectionHtml(title, lines, catalog)).join(''),
    text: sections.map(([title, lines]) => sectionText(title, lines, catalog)).join('\n\n'),
  };
}

function shown(lines: string[], catalog: EmailCatalog): string[] {
  if (lines.length === 0) return [];
  const head = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES)
    head.push(fillText(catalog.report.more, { count: String(lines.length - MAX_LINES) }));
  return head;
}

function sectionHtml(title: string, lines: string[], catalog: EmailCatalog): string {
  const body =
    lines.length === 0
      ? `<p style="margin:0 0 16px;color:#6b7280">${escapeHtml(catalog.report.none)}</p>`
      : `<ul style="margin:0 0 16px;padding-left:20px">${shown(lines, catalog)
          .map((line) => `<li style="margin:0 0 4px">${escapeHtml(line)}</li>`)
          .join('')}</ul>`;
  return `<h2 style="font-size:16px;margin:16px 0 8px">${escapeHtml(title)}</h2>${body}`;
}

function sectionText(title: string, lines: string[], catalog: EmailCatalog): string {
  const body =
    lines.length === 0
      ? catalog.report.none
      : shown(lines, catalog)
          .map((l) => `- ${l}`)
          .join('\n');
  return `${title}\n${body}`;
}
