import type { MessageKey } from '../i18n';
import { homePath } from '../scope';
import { html } from './html';
import { csrfField, layout, type PageContext } from './layout';

export function signInPage(
  ctx: PageContext,
  values: { email?: string; next?: string; error?: string },
): string {
  const { t } = ctx;
  const body = html`<section class="panel narrow">
<h1>${t('signInTitle')}</h1>
${values.error ? html`<p class="alert" role="alert">${values.error}</p>` : ''}
<form method="post" action="/sign-in" class="stack">
  ${csrfField(ctx)}
  <input type="hidden" name="next" value="${values.next ?? ''}">
  <label>${t('email')}<input type="email" name="email" autocomplete="username" required value="${values.email ?? ''}"></label>
  <label>${t('password')}<input type="password" name="password" autocomplete="current-password" required></label>
  <button>${t('signIn')}</button>
</form></section>`;
  return layout(ctx, t('signInTitle'), 'none', body);
}

export function messagePage(
  ctx: PageContext,
  titleKey: MessageKey,
  textKey: MessageKey,
  vars?: Record<string, string | number>,
): string {
  const body = html`<section class="panel narrow"><h1>${ctx.t(titleKey)}</h1><p>${ctx.t(textKey, vars)}</p>
<p><a href="${ctx.viewer ? homePath(ctx.viewer) : '/'}">${ctx.t('back')}</a></p></section>`;
  return layout(ctx, ctx.t(titleKey), 'none', body);
}

/**
 * The one-click unsubscribe page. Once done it links to no signed preferences page: the
 * unsubscribe link is in the List-Unsubscribe header, seen by mail gateways and clients, and
 * holding it must not allow more than turning e-mail off. A client is pointed to the
 * preferences link in their messages, a user to /preferences (behind sign-in).
 */
export function unsubscribePage(
  ctx: PageContext,
  token: string,
  done: boolean,
  ownerType: 'client' | 'user',
): string {
  const { t } = ctx;
  const undo =
    ownerType === 'user'
      ? html`<p><a href="/preferences">${t('preferences')}</a></p>`
      : html`<p>${t('unsubscribedHowToUndo')}</p>`;
  const body = html`<section class="panel narrow"><h1>${t('unsubscribeTitle')}</h1>
${
  done
    ? html`<p class="notice" role="status">${t('unsubscribed')}</p>${undo}`
    : html`<p>${t('unsubscribeText')}</p>
<form method="post" action="/u/${token}">${csrfField(ctx)}<button class="danger">${t('unsubscribeConfirm')}</button></form>`
}</section>`;
  return layout(ctx, t('unsubscribeTitle'), 'none', body);
}
