export { EMAIL_CATALOGS, type EmailCatalog } from './catalog';
export { dailyReportBlock, parseDailyReport } from './daily-report-block';
export { emailLayoutMjml } from './email-layout';
export {
  type CompiledEmail,
  compileEmailTemplate,
  createEmailRenderer,
  type EmailAttachment,
  type EmailRenderer,
  fillEmail,
  type RenderedEmail,
  TemplateCompileError,
} from './email-renderer';
export { TemplateDataError } from './email-values';
export { buildIcs, type CalendarEvent } from './ics';
export { escapeHtml, MissingTemplateValueError } from './placeholders';
