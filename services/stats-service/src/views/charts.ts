import type { Language } from '@rappel/contracts';
import { NOTIFICATION_STATUSES, type NotificationStatus } from '@rappel/contracts';
import type { Translate } from '../i18n';
import { formatDay } from './format';
import { html, type SafeHtml } from './html';

/** Status colours; the same as the `.st-*` classes of the stylesheet. */
export const STATUS_COLOURS: Record<NotificationStatus, string> = {
  sent: '#2563eb',
  delivered: '#16a34a',
  read: '#166534',
  pending: '#9ca3af',
  failed: '#f59e0b',
  permanent_failure: '#dc2626',
  undelivered: '#991b1b',
  skipped: '#d1d5db',
  cancelled: '#6b7280',
};

/** Stacked bars of messages per day and status, as inline SVG (no script, no external asset). */
export function dailyChart(
  days: { day: string; total: number; byStatus: Record<NotificationStatus, number> }[],
  t: Translate,
  lang: Language,
): SafeHtml {
  const width = 760;
  const height = 220;
  const left = 40;
  const bottom = 22;
  const plotH = height - bottom - 8;
  const max = Math.max(1, ...days.map((d) => d.total));
  const slot = (width - left) / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.75);
  const bars = days.map((d, i) => {
    let y = plotH + 8;
    const x = left + i * slot + (slot - barW) / 2;
    const rects = NOTIFICATION_STATUSES.filter((s) => d.byStatus[s] > 0).map((s) => {
      const h = (d.byStatus[s] / max) * plotH;
      y -= h;
      return html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${STATUS_COLOURS[s]}"><title>${formatDay(d.day, lang)} · ${t(`status.${s}`)} : ${d.byStatus[s]}</title></rect>`;
    });
    return html`<g data-day="${d.day}" data-total="${d.total}">${rects}</g>`;
  });
  const label = (i: number) => {
    const d = days[i];
    if (!d) return '';
    const x = left + i * slot + slot / 2;
    const anchor = i === days.length - 1 ? 'end' : 'middle';
    return html`<text x="${(i === days.length - 1 ? width - 2 : x).toFixed(1)}" y="${height - 6}" text-anchor="${anchor}" font-size="11" fill="#6b7280">${formatDay(d.day, lang, true)}</text>`;
  };
  const step = Math.max(1, Math.ceil(days.length / 8));
  // Counted back from the last day, so today always has its label and none overlap.
  const labels = days.map((_, i) => ((days.length - 1 - i) % step === 0 ? label(i) : ''));
  const used = NOTIFICATION_STATUSES.filter((s) => days.some((d) => d.byStatus[s] > 0));
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${t('dailyVolume')}">
  <line x1="${left}" y1="${plotH + 8}" x2="${width}" y2="${plotH + 8}" stroke="#e5e7eb"/>
  <line x1="${left}" y1="8" x2="${width}" y2="8" stroke="#f1f5f9"/>
  <text x="${left - 6}" y="14" text-anchor="end" font-size="11" fill="#6b7280">${max}</text>
  <text x="${left - 6}" y="${plotH + 8}" text-anchor="end" font-size="11" fill="#6b7280">0</text>
  ${bars}${labels}
</svg>
<ul class="legend">${used.map((s) => html`<li><span class="sw st-${s}"></span>${t(`status.${s}`)}</li>`)}</ul>`;
}

/** Horizontal bars for a distribution (kind, channel, department). */
export function distribution(
  rows: { label: string; value: number; href?: string }[],
  colour = '#0f766e',
): SafeHtml {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return html`<table class="bars">${rows.map(
    (r) => html`<tr>
    <td>${r.href ? html`<a href="${r.href}">${r.label}</a>` : r.label}</td>
    <td class="n">${r.value}</td>
    <td><svg viewBox="0 0 100 12" preserveAspectRatio="none"><rect width="100" height="12" fill="#f1f5f9"/><rect width="${((r.value / max) * 100).toFixed(2)}" height="12" fill="${colour}"/></svg></td>
  </tr>`,
  )}</table>`;
}
