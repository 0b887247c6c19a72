import { CHANNELS, NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from '@rappel/contracts';
import type { HistoryQuery } from '../notifications/filters';
import type { HistoryRow, NotificationDetail } from '../notifications/history';
import { failureMeaning } from '../stats/failure-codes';
import { REPLAYABLE_STATUSES } from '../stats/read-stats';
import { formatInstant } from './format';
import { html, type SafeHtml } from './html';
import { csrfField, layout, type PageContext } from './layout';
import { eventNote, eventTypeLabel, skipReasonLabel, statusLabel } from './notification-labels';

const canReplay = (status: string) => (REPLAYABLE_STATUSES as readonly string[]).includes(status);

export function statusBadge(ctx: PageContext, status: string): SafeHtml {
  return html`<span class="badge st-${status}">${statusLabel(ctx.t, status)}</span>`;
}

/** The status, and for a message that was not sent, why (the outbox records no event for it). */
function statusWithReason(ctx: PageContext, row: Pick<HistoryRow, 'status' | 'skipReason'>): SafeHtml {
  return html`${statusBadge(ctx, row.status)}${
    row.skipReason
      ? html` <span class="reason" data-testid="skip-reason">${skipReasonLabel(ctx.t, row.skipReason)}</span>`
      : ''
  }`;
}

export function historyTable(ctx: PageContext, rows: HistoryRow[], zone: string): SafeHtml {
  const { t, lang } = ctx;
  if (rows.length === 0) return html`<p class="muted">${t('noData')}</p>`;
  return html`<table class="list" data-testid="history">
<thead><tr><th>${t('created')}</th><th>${t('kind')}</th><th class="hide-sm">${t('channel')}</th><th class="hide-sm">${t('recipient')}</th><th>${t('status')}</th><th class="hide-sm">${t('department')}</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr data-id="${r.id}" data-status="${r.status}">
<td><a href="/notifications/${r.id}">${formatInstant(r.createdAt, lang, zone)}</a></td>
<td>${t(`kind.${r.kind}` as 'kind.overdue')}</td>
<td class="hide-sm">${t(`channel.${r.channel}` as 'channel.email')}</td>
<td class="hide-sm">${r.recipientName ?? ''} <span class="muted">${r.recipientAddress ?? ''}</span></td>
<td>${statusWithReason(ctx, r)}${r.errorCode ? html` <code title="${failureMeaning(r.errorCode, lang)}">${r.errorCode}</code>` : ''}</td>
<td class="hide-sm">${r.departmentName}</td>
</tr>`,
  )}</tbody></table>`;
}

export interface HistoryModel {
  query: HistoryQuery;
  rows: HistoryRow[];
  nextCursor: string | null;
  departments: { id: string; name: string }[] | null;
  zone: string;
  flash?: string;
}

export function historyPage(ctx: PageContext, m: HistoryModel): string {
  const { t } = ctx;
  const q = m.query;
  // Several values of each at once (the dashboard links to "succeeded" and "failures to look
  // at"; a manager compares two channels or two kinds): one checkbox each, so the filter shown
  // is the one applied and Filtrer sends it again. None ticked: no filter on it.
  const checks = (
    name: 'status' | 'channel' | 'kind',
    css: string,
    values: readonly string[],
    chosen: readonly string[] | undefined,
    label: (v: string) => string,
    hint: 'statusNoneMeansAll' | 'channelNoneMeansAll' | 'kindNoneMeansAll',
  ) =>
    html`<fieldset class="checks ${css}" aria-describedby="${name}-hint"><legend>${t(name)}</legend>${values.map(
      (v) =>
        html`<label class="check"><input type="checkbox" name="${name}" value="${v}"${chosen?.includes(v) ? html` checked` : ''}> ${label(v)}</label>`,
    )}<span id="${name}-hint" class="muted">${t(hint)}</span></fieldset>`;
  const statuses = checks(
    'status',
    'statuses',
    NOTIFICATION_STATUSES,
    q.status,
    (v) => statusLabel(ctx.t, v),
    'statusNoneMeansAll',
  );
  const channels = checks(
    'channel',
    'channels',
    CHANNELS,
    q.channel,
    (v) => t(`channel.${v}` as 'channel.email'),
    'channelNoneMeansAll',
  );
  const kinds = checks(
    'kind',
    'kinds',
    NOTIFICATION_KINDS,
    q.kind,
    (v) => t(`kind.${v}` as 'kind.overdue'),
    'kindNoneMeansAll',
  );
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (k === 'cursor' || k === 'limit' || v === undefined) continue;
    params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const next = m.nextCursor
    ? `/notifications?${new URLSearchParams({ ...Object.fromEntries(params), cursor: m.nextCursor })}`
    : null;
  const hasReplayable = m.rows.some((r) => canReplay(r.status));
  const body = html`
<h1>${t('history')}</h1>
${m.flash ? html`<p class="notice" role="status">${m.flash}</p>` : ''}
<form class="filters" method="get" action="/notifications">
  ${statuses}
  ${channels}
  ${kinds}
  ${
    m.departments
      ? html`<label>${t('department')}<select name="department"><option value="">${t('all')}</option>${m.departments.map(
          (d) =>
            html`<option value="${d.id}"${d.id === q.department ? html` selected` : ''}>${d.name}</option>`,
        )}</select></label>`
      : ''
  }
  <label>${t('recipient')}<input type="text" name="recipient" value="${q.recipient ?? ''}"></label>
  <label>${t('loan')}<input type="text" name="loan" value="${q.loan ?? ''}" size="12"></label>
  <label>${t('from')}<input type="date" name="from" value="${q.from ?? ''}"></label>
  <label>${t('to')}<input type="date" name="to" value="${q.to ?? ''}"></label>
  <button>${t('apply')}</button>
  <a class="button secondary" href="/notifications">${t('reset')}</a>
  <a class="button secondary" href="/v1/notifications.csv?${params}">${t('exportCsv')}</a>
</form>
${
  hasReplayable
    ? html`<form method="post" action="/notifications/replay?${params}" class="actions">${csrfField(ctx)}<button class="danger" data-action="replay-all">${t('replayAll')}</button></form>`
    : ''
}
<section class="panel">${historyTable(ctx, m.rows, m.zone)}</section>
${next ? html`<p><a class="button secondary" href="${next}" rel="next">${t('next')}</a></p>` : ''}`;
  return layout(ctx, t('history'), 'history', body);
}

export function detailPage(ctx: PageContext, n: NotificationDetail, zone: string, flash?: string): string {
  const { t, lang } = ctx;
  const when = (d: Date | null) => formatInstant(d, lang, zone);
  const body = html`
<p><a href="/notifications">← ${t('history')}</a></p>
<h1>${t('detail')}</h1>
${flash ? html`<p class="notice" role="status">${flash}</p>` : ''}
<section class="panel">
<dl class="kv">
  <dt>${t('status')}</dt><dd data-testid="status">${statusWithReason(ctx, n)}</dd>
  <dt>${t('kind')}</dt><dd>${t(`kind.${n.kind}` as 'kind.overdue')}</dd>
  <dt>${t('channel')}</dt><dd>${t(`channel.${n.channel}` as 'channel.email')}</dd>
  <dt>${t('recipient')}</dt><dd>${n.recipientName ?? ''} <span class="muted">${n.recipientAddress ?? ''}</span></dd>
  <dt>${t('department')}</dt><dd>${n.departmentName}</dd>
  ${n.loanId ? html`<dt>${t('loan')}</dt><dd><a href="/notifications?loan=${n.loanId}">${n.loanId}</a></dd>` : ''}
  <dt>${t('attempts')}</dt><dd>${n.attempts}</dd>
  <dt>${t('created')}</dt><dd>${when(n.createdAt)}</dd>
  ${n.sentAt ? html`<dt>${t('sentAt')}</dt><dd>${when(n.sentAt)}</dd>` : ''}
  ${n.deliveredAt ? html`<dt>${t('deliveredAt')}</dt><dd>${when(n.deliveredAt)}</dd>` : ''}
  ${n.readAt ? html`<dt>${t('readAt')}</dt><dd>${when(n.readAt)}</dd>` : ''}
  ${
    n.errorCode
      ? html`<dt>${t('error')}</dt><dd><code>${n.errorCode}</code> ${failureMeaning(n.errorCode, lang)}<br><span class="muted">${n.errorMessage ?? ''}</span></dd>`
      : ''
  }
</dl>
${
  canReplay(n.status)
    ? html`<form method="post" action="/notifications/${n.id}/replay" class="actions">${csrfField(ctx)}<button data-action="replay">${t('replay')}</button></form>`
    : ''
}
</section>
<section class="panel"><h2>${t('events')}</h2>
<table class="list" data-testid="events"><thead><tr><th>${t('created')}</th><th>${t('kind')}</th><th>${t('status')}</th><th>${t('error')}</th><th></th></tr></thead>
<tbody>${n.events.map(
    (e) =>
      html`<tr data-event="${e.type}"><td>${when(e.at)}</td><td>${eventTypeLabel(t, e.type, e.detail)}${e.attempt ? html` #${e.attempt}` : ''}</td><td>${e.status ? statusBadge(ctx, e.status) : ''}</td><td>${e.errorCode ? html`<code title="${failureMeaning(e.errorCode, lang)}">${e.errorCode}</code>` : ''}</td><td class="muted">${eventNote(ctx, e)}</td></tr>`,
  )}</tbody></table></section>`;
  return layout(ctx, t('detail'), 'history', body);
}
