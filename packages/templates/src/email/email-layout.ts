import type { Language, NotificationKind } from '@rappel/contracts';
import { type DetailKey, EMAIL_CATALOGS } from './catalog';
import { escapeHtml, escapeTemplateText as t } from './placeholders';

/** What each details row shows, as a template over the values of email-values.ts. */
export const DETAIL_VALUES: Record<Exclude<DetailKey, 'item'>, string> = {
  borrower: '{{borrowerName}}',
  startsAt: '{{startsAt}}',
  dueAt: '{{dueAt}}',
  returnedAt: '{{returnedAt}}',
  lateBy: '{{lateBy}}',
  desk: '{{desk}}',
  notes: '{{notes}}',
};

export const detailTemplate = (key: DetailKey, language: Language): string =>
  key === 'item' ? EMAIL_CATALOGS[language].itemWithNumber : DETAIL_VALUES[key];

const BRAND_COLOR = '#1d4ed8';

/**
 * The MJML document of one kind in one language. The catalog's fixed words are written in
 * (escaped); what changes per message stays a `{{placeholder}}`, and `{{{reportSections}}}`
 * takes the daily report's lists. Compiled at build time (`pnpm templates:compile`), not at run time.
 */
export function emailLayoutMjml(kind: NotificationKind, language: Language): string {
  const catalog = EMAIL_CATALOGS[language];
  const copy = catalog.kinds[kind];
  const paragraphs = copy.paragraphs.map((p) => `<mj-text>${t(p)}</mj-text>`).join('\n');
  const details =
    copy.details.length === 0
      ? ''
      : `<mj-table padding="8px 25px 16px" cellpadding="6px" font-size="14px">
${copy.details
  .map(
    (key) =>
      `<tr style="border-top:1px solid #e5e7eb"><th align="left" valign="top" style="width:38%;color:#6b7280;font-weight:normal">${escapeHtml(catalog.detailLabels[key])}</th><td style="color:#111827">${t(detailTemplate(key, language))}</td></tr>`,
  )
  .join('\n')}
</mj-table>`;
  const report = kind === 'daily_report' ? '<mj-text>{{{reportSections}}}</mj-text>' : '';
  return `<mjml lang="${language}">
<mj-head>
<mj-title>{{subject}}</mj-title>
<mj-preview>{{preheader}}</mj-preview>
<mj-attributes>
<mj-all font-family="Helvetica, Arial, sans-serif" />
<mj-text font-size="15px" line-height="22px" color="#1f2933" />
</mj-attributes>
</mj-head>
<mj-body background-color="#f3f4f6">
<mj-section padding="24px 0 8px"><mj-column>
<mj-text font-size="13px" color="#6b7280">${t(catalog.brand)}</mj-text>
</mj-column></mj-section>
<mj-section background-color="#ffffff" border-radius="8px" padding="16px 0">
<mj-column>
<mj-text font-size="20px" line-height="28px" font-weight="bold" color="${BRAND_COLOR}">${t(copy.heading)}</mj-text>
${paragraphs}
${details}
${report}
<mj-text>${t(catalog.signature)}</mj-text>
</mj-column>
</mj-section>
<mj-section padding="16px 0 32px"><mj-column>
<mj-text font-size="12px" line-height="18px" color="#6b7280">${t(catalog.footer[copy.audience])}<br /><a href="{{preferencesUrl}}" style="color:${BRAND_COLOR}">${escapeHtml(catalog.preferencesLink)}</a> · <a href="{{unsubscribeUrl}}" style="color:${BRAND_COLOR}">${escapeHtml(catalog.unsubscribeLink)}</a></mj-text>
</mj-column></mj-section>
</mj-body>
</mjml>`;
}
