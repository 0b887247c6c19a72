import type { WhatsAppOptOutReason } from '@rappel/contracts';
import type { ChannelPreferences } from '@rappel/domain';
import { html } from './html';
import { csrfField, layout, type PageContext } from './layout';

export interface PreferencesModel {
  /** Form target: /preferences or /p/<token>. */
  action: string;
  ownerName: string;
  values: ChannelPreferences & { whatsappNumberInput?: string };
  /** Why WhatsApp is off, when the values shown are the saved ones. */
  whatsappOptOutReason?: WhatsAppOptOutReason | null;
  /** The WhatsApp state the person has seen, carried back by the form (`whatsappShown`). */
  whatsappShown: string;
  error?: string;
  saved?: boolean;
  /** The signed-in user's own page (in the navigation) or a client's signed link. */
  own: boolean;
}

export function preferencesPage(ctx: PageContext, m: PreferencesModel): string {
  const { t } = ctx;
  const v = m.values;
  const box = (name: string, checked: boolean, label: string) =>
    html`<label class="check"><input type="checkbox" name="${name}" value="on"${checked ? html` checked` : ''}> ${label}</label>`;
  const body = html`<section class="panel narrow">
<h1>${m.own ? t('preferences') : t('prefsFor', { name: m.ownerName })}</h1>
${m.saved ? html`<p class="notice" role="status">${t('saved')}</p>` : ''}
${m.error ? html`<p class="alert" role="alert">${m.error}</p>` : ''}
<form method="post" action="${m.action}" class="stack" data-testid="preferences">
  ${csrfField(ctx)}
  <input type="hidden" name="whatsappShown" value="${m.whatsappShown}">
  <fieldset class="stack"><legend>${t('channel')}</legend>
    ${box('emailEnabled', v.emailEnabled, t('emailOn'))}
    ${box('whatsappEnabled', v.whatsappEnabled, t('whatsappOn'))}
    ${m.whatsappOptOutReason ? html`<p class="muted" data-testid="whatsapp-off-reason">${t(`whatsappOffReason.${m.whatsappOptOutReason}`)}</p>` : ''}
    <label>${t('whatsappNumber')}<input type="tel" name="whatsappNumber" autocomplete="tel" placeholder="+241 06 12 34 56" value="${v.whatsappNumberInput ?? v.whatsappNumber ?? ''}"></label>
  </fieldset>
  <fieldset class="stack"><legend>${t('reminders')}</legend>
    ${box('reminderD2', v.reminderD2, t('reminderD2'))}
    ${box('reminderD1', v.reminderD1, t('reminderD1'))}
    ${box('reminderDueDay', v.reminderDueDay, t('reminderDueDay'))}
    ${box('reminder2h', v.reminder2h, t('reminder2h'))}
  </fieldset>
  <button>${t('save')}</button>
</form></section>`;
  return layout(ctx, t('preferences'), m.own ? 'preferences' : 'none', body);
}
