import type { Language } from '@rappel/contracts';
import type { Translate } from '../i18n';
import { homePath, type Viewer } from '../scope';
import { html, type SafeHtml } from './html';

export interface PageContext {
  t: Translate;
  lang: Language;
  viewer: Viewer | null;
  /** The request's URL (path and query), to build the language switch. */
  url: string;
  csrfToken: string;
}

export function withQuery(url: string, changes: Record<string, string | null>): string {
  const parsed = new URL(url, 'http://x');
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) parsed.searchParams.delete(k);
    else parsed.searchParams.set(k, v);
  }
  return parsed.pathname + parsed.search;
}

export const csrfField = (ctx: PageContext) =>
  html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`;

type Section = 'dashboard' | 'history' | 'preferences' | 'none';

export function layout(ctx: PageContext, title: string, active: Section, body: SafeHtml): string {
  const { t, viewer } = ctx;
  const other = ctx.lang === 'fr' ? 'en' : 'fr';
  const manager = viewer && viewer.role !== 'dept_user';
  const link = (href: string, label: string, section: Section) =>
    html`<a href="${href}"${active === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('appName')}</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="top">
  <a class="brand" href="${viewer ? homePath(viewer) : '/'}">${t('appName')}</a>
  <nav>
    ${manager ? link('/', t('dashboard'), 'dashboard') : ''}
    ${manager ? link('/notifications', t('history'), 'history') : ''}
    ${viewer ? link('/preferences', t('preferences'), 'preferences') : ''}
    ${viewer?.role === 'super_admin' ? html`<a href="/queues">${t('queues')}</a>` : ''}
    <a href="${withQuery(ctx.url, { lang: other })}" lang="${other}" hreflang="${other}">${t('language')}</a>
    ${
      viewer
        ? html`<form method="post" action="/sign-out" class="inline">${csrfField(ctx)}<button class="link">${t('signOut')}</button></form>`
        : ''
    }
  </nav>
</header>
<main>
${body}
</main>
</body>
</html>`.value;
}
