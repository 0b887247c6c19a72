export { EMAIL_CATALOGS, type EmailCatalog } from './catalog';
export { dailyReportBlock, parseDailyReport } from './daily-report-block';
export { emailLayoutMjml } from './email-layout';
export {
  type CompiledEmail,
  createEmailRenderer,
  type EmailAttachment,
  type EmailRenderer,
  fillEmail,
  type RenderedEmail,
} from './email-renderer';
export { TemplateDataError } from './email-values';
export { buildIcs, type CalendarEvent } from './ics';
export { escapeHtml, MissingTemplateValueError } from './placeholders';
export { TemplateCompileError } from './template-compile-error';
