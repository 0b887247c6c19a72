import type { Language, NotificationKind } from '@rappel/contracts';
import { EMAIL_CATALOGS } from './catalog';
import { detailTemplate } from './email-layout';
import { fillText, type TemplateValues } from './placeholders';

/** The plain-text part: same words as the HTML, details as "Label : value" lines. */
export function emailText(
  kind: NotificationKind,
  language: Language,
  values: TemplateValues,
  reportText: string,
): string {
  const catalog = EMAIL_CATALOGS[language];
  const copy = catalog.kinds[kind];
  const fill = (s: string) => fillText(s, values);
  const details = copy.details
    .map(
      (key) => `${catalog.detailLabels[key]}${catalog.labelSeparator}${fill(detailTemplate(key, language))}`,
    )
    .join('\n');
  const blocks = [
    fill(copy.heading),
    ...copy.paragraphs.map(fill),
    details,
    reportText,
    fill(catalog.signature),
    [
      '--',
      fill(catalog.footer[copy.audience]),
      `${catalog.preferencesLink}${catalog.labelSeparator}${values.preferencesUrl}`,
      `${catalog.unsubscribeLink}${catalog.labelSeparator}${values.unsubscribeUrl}`,
    ].join('\n'),
  ];
  return `${blocks.filter((b) => b.length > 0).join('\n\n')}\n`;
}
