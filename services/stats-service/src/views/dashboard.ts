import { CHANNELS, NOTIFICATION_KINDS } from '@rappel/contracts';
import type { HistoryRow } from '../notifications/history';
import type { Stats } from '../stats/read-stats';
import { dailyChart, distribution } from './charts';
import { formatDay, formatNumber, formatPercent, formatSeconds } from './format';
import { historyTable } from './history';
import { html } from './html';
import { layout, type PageContext } from './layout';

export interface DashboardModel {
  stats: Stats;
  latest: HistoryRow[];
  departments: { id: string; name: string }[] | null;
  zone: string;
}

export function dashboardPage(ctx: PageContext, m: DashboardModel): string {
  const { t, lang } = ctx;
  const s = m.stats;
  const base = new URLSearchParams({ from: s.range.from, to: s.range.to });
  if (s.departmentId) base.set('department', s.departmentId);
  const historyHref = (extra: Record<string, string>) =>
    `/notifications?${new URLSearchParams({ ...Object.fromEntries(base), ...extra })}`;
  const card = (label: string, value: string, sub: string, href: string, cls = '', testId = '') =>
    html`<a class="card ${cls}" href="${href}" data-kpi="${testId}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></a>`;
  const email = s.byChannel.email;
  const whatsapp = s.byChannel.whatsapp;
  const body = html`
<h1>${t('dashboard')}</h1>
<form class="filters" method="get" action="/">
  <label>${t('from')}<input type="date" name="from" value="${s.range.from}"></label>
  <label>${t('to')}<input type="date" name="to" value="${s.range.to}"></label>
  ${
    m.departments
      ? html`<label>${t('department')}<select name="department"><option value="">${t('all')}</option>${m.departments.map(
          (d) =>
            html`<option value="${d.id}"${d.id === s.departmentId ? html` selected` : ''}>${d.name}</option>`,
        )}</select></label>`
      : ''
  }
  <button>${t('apply')}</button>
</form>
<section class="cards">
  ${card(t('total'), formatNumber(s.totals.total, lang), `${formatDay(s.range.from, lang)} → ${formatDay(s.range.to, lang)}`, historyHref({}), '', 'total')}
  ${card(t('successRate'), formatPercent(s.totals.successRate, lang), `${formatNumber(s.totals.succeeded, lang)} / ${formatNumber(s.totals.finished, lang)}`, historyHref({ status: 'sent,delivered,read' }), '', 'success-rate')}
  ${card(t('email'), formatNumber(email.total, lang), formatPercent(email.successRate, lang), historyHref({ channel: 'email' }), '', 'email')}
  ${card(t('whatsapp'), formatNumber(whatsapp.total, lang), formatPercent(whatsapp.successRate, lang), historyHref({ channel: 'whatsapp' }), '', 'whatsapp')}
  ${card(t('failuresToLookAt'), formatNumber(s.totals.failuresToLookAt, lang), t('replay'), historyHref({ status: 'permanent_failure,undelivered' }), s.totals.failuresToLookAt > 0 ? 'bad' : '', 'failures')}
</section>
<section class="panel"><h2>${t('dailyVolume')}</h2>${s.totals.total === 0 ? html`<p class="muted">${t('noData')}</p>` : dailyChart(s.daily, t, lang)}</section>
<div class="grid">
  <section class="panel"><h2>${t('byKind')}</h2>${distribution(
    NOTIFICATION_KINDS.filter((k) => s.byKind[k] > 0).map((k) => ({
      label: t(`kind.${k}`),
      value: s.byKind[k],
      href: historyHref({ kind: k }),
    })),
  )}</section>
  <section class="panel"><h2>${t('byChannel')}</h2>${distribution(
    CHANNELS.map((c) => ({
      label: t(`channel.${c}`),
      value: s.byChannel[c].total,
      href: historyHref({ channel: c }),
    })),
    '#2563eb',
  )}
  ${
    s.byDepartment.length > 1
      ? html`<h2>${t('byDepartment')}</h2>${distribution(
          s.byDepartment.map((d) => ({
            label: d.name,
            value: d.total,
            href: historyHref({ department: d.departmentId }),
          })),
          '#7c3aed',
        )}`
      : ''
  }</section>
</div>
<div class="grid">
  <section class="panel"><h2>${t('latency')}</h2>
    <table class="list"><tr><th></th><th>${t('median')}</th><th>${t('p95')}</th></tr>
    <tr><td>${t('toSent')}</td><td>${formatSeconds(s.latency.sent.p50Seconds)}</td><td>${formatSeconds(s.latency.sent.p95Seconds)}</td></tr>
    <tr><td>${t('toDelivered')}</td><td>${formatSeconds(s.latency.delivered.p50Seconds)}</td><td>${formatSeconds(s.latency.delivered.p95Seconds)}</td></tr>
    </table></section>
  <section class="panel"><h2>${t('topFailures')}</h2>${
    s.topFailures.length === 0
      ? html`<p class="muted">${t('noData')}</p>`
      : html`<table class="list">${s.topFailures.map(
          (f) =>
            html`<tr><td><code>${f.code}</code></td><td>${f.meaning}</td><td class="n">${f.count}</td></tr>`,
        )}</table>`
  }</section>
  <section class="panel"><h2>${t('effectiveness')}</h2>${
    s.effectiveness.length === 0
      ? html`<p class="muted">${t('noData')}</p>`
      : html`<table class="list">${s.effectiveness.map(
          (e) =>
            html`<tr><td>${t(`kind.${e.kind}`)}</td><td>${t(`channel.${e.channel}`)}</td><td>${formatPercent(e.rate, lang)} ${t('returnedOnTime')}</td><td class="muted" title="${t('reminded')}: ${e.reminded}">${e.returnedOnTime}/${e.returnedOnTime + e.returnedLate}</td></tr>`,
        )}</table>`
  }</section>
</div>
<section class="panel"><h2>${t('latest')} · <a href="${historyHref({})}">${t('seeAll')}</a></h2>
${historyTable(ctx, m.latest, m.zone)}
</section>`;
  return layout(ctx, t('dashboard'), 'dashboard', body);
}
