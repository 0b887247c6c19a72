import {
  CHANNELS,
  FALLBACK_ALREADY_BY_EMAIL,
  FALLBACK_EMAIL_FAILED,
  NOTIFICATION_EVENT_TYPES,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
  SKIP_REASONS,
  USER_ROLES,
} from '@rappel/contracts';
import type { MessageKey, Translate } from '../i18n';
import type { NotificationDetail } from '../notifications/history';
import { failureMeaning } from '../stats/failure-codes';
import { html, type SafeHtml } from './html';
import type { PageContext } from './layout';

/**
 * What the stored identifiers of a message (status, skip reason, event type, audit details)
 * say, in the page's language. A value these vocabularies do not know yet (a newer writer)
 * is shown as stored rather than failing the page.
 */
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    (values as readonly unknown[]).includes(value);
const isStatus = oneOf(NOTIFICATION_STATUSES);
const isSkipReason = oneOf(SKIP_REASONS);
const isEventType = oneOf(NOTIFICATION_EVENT_TYPES);
const isRole = oneOf(USER_ROLES);
const isChannel = oneOf(CHANNELS);

export const statusLabel = (t: Translate, status: string): string =>
  isStatus(status) ? t(`status.${status}`) : status;

export const skipReasonLabel = (t: Translate, reason: string): string =>
  isSkipReason(reason) ? t(`skipReason.${reason}`) : reason;

/** The reasons (persisted) of a `fallback` event that made no e-mail, and how each is said. */
const NO_FALLBACK_REASONS = [FALLBACK_ALREADY_BY_EMAIL, FALLBACK_EMAIL_FAILED] as const;
const isNoFallbackReason = oneOf(NO_FALLBACK_REASONS);
const NO_FALLBACK_LABELS: Record<(typeof NO_FALLBACK_REASONS)[number], MessageKey> = {
  [FALLBACK_ALREADY_BY_EMAIL]: 'event.fallbackAlreadyByEmail',
  [FALLBACK_EMAIL_FAILED]: 'event.fallbackEmailFailed',
};

/**
 * The label of a WhatsApp failure's `fallback` event that made no e-mail (the same message
 * already goes by e-mail, or failed for good at the same address), or undefined.
 */
const noFallbackLabel = (type: string, detail: unknown) => {
  const reason = (detail as { reason?: unknown } | null)?.reason;
  return type === 'fallback' && isNoFallbackReason(reason) ? NO_FALLBACK_LABELS[reason] : undefined;
};

export const eventTypeLabel = (t: Translate, type: string, detail?: unknown): string => {
  const noFallback = noFallbackLabel(type, detail);
  if (noFallback) return t(noFallback);
  return isEventType(type) ? t(`event.${type}`) : type;
};

/**
 * Twilio's message statuses (recorded as `twilioStatus` on a callback), as our status of the
 * same meaning: Twilio's `failed` is final, so our permanent failure, never our retrying `failed`.
 */
const TWILIO_STATUSES: Record<string, NotificationStatus | 'inProgress'> = {
  accepted: 'inProgress',
  scheduled: 'inProgress',
  queued: 'inProgress',
  sending: 'inProgress',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  failed: 'permanent_failure',
};

function twilioStatusLabel(t: Translate, twilioStatus: string): string {
  if (!Object.hasOwn(TWILIO_STATUSES, twilioStatus)) return twilioStatus;
  const ours = TWILIO_STATUSES[twilioStatus]!;
  return ours === 'inProgress' ? t('detail.twilioInProgress') : t(`status.${ours}`);
}

/** The services that write audit events as `actor` (their SERVICE_NAME). */
const SYSTEM_ACTORS = new Set(['email-sender', 'whatsapp-sender']);

function actorLabel(t: Translate, actor: string): string {
  if (SYSTEM_ACTORS.has(actor)) return t('actor.system');
  if (actor === 'cli') return t('actor.cli');
  if (actor === 'twilio') return 'Twilio';
  return actor;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The order known detail keys are shown in, whatever order Postgres kept them in (jsonb sorts
 * keys by length); unknown keys follow, as stored.
 */
const DETAIL_ORDER = [
  'reason',
  'role',
  'twilioStatus',
  'applied',
  'previousStatus',
  'errorCode',
  'channel',
  'notificationId',
  'providerMessageId',
  'message',
];
const rank = (key: string) => {
  const i = DETAIL_ORDER.indexOf(key);
  return i === -1 ? DETAIL_ORDER.length : i;
};

type Part = string | SafeHtml;

/** One detail of an audit event, as zero or more readable parts. */
function detailParts(ctx: PageContext, key: string, value: unknown, linkText: string): Part[] {
  const { t, lang } = ctx;
  if (value === null || value === undefined) return [];
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const pair = (label: string, shown: string) => [t('detail.pair', { label, value: shown })];
  switch (key) {
    case 'reason':
      return pair(t('detail.reason'), skipReasonLabel(t, text));
    case 'role':
      return pair(t('detail.role'), isRole(text) ? t(`role.${text}`) : text);
    case 'twilioStatus':
      return pair(t('detail.twilioStatus'), twilioStatusLabel(t, text));
    case 'applied':
      // A callback that moved the row says so in the status column; one that did not is noted.
      return value === false ? [t('detail.notApplied')] : [];
    case 'previousStatus':
      return pair(t('detail.previousStatus'), statusLabel(t, text));
    case 'errorCode':
      return pair(t('detail.errorCode'), `${text} (${failureMeaning(text, lang)})`);
    case 'channel':
      return pair(t('detail.channel'), isChannel(text) ? t(`channel.${text}`) : text);
    case 'notificationId':
      return UUID.test(text) ? [html`<a href="/notifications/${text}">${linkText}</a>`] : pair(key, text);
    case 'providerMessageId':
    case 'message':
      return pair(t(`detail.${key}`), text);
    default:
      return pair(key, text);
  }
}

type NotificationEvent = NotificationDetail['events'][number];

/** Who and why, in a line: a replay names the person; otherwise the actor, then the details. */
export function eventNote(ctx: PageContext, e: NotificationEvent): SafeHtml {
  const { by, ...rest } = (e.detail ?? {}) as { by?: unknown } & Record<string, unknown>;
  const who = typeof by === 'string' ? by : e.actor ? actorLabel(ctx.t, e.actor) : '';
  // With no fallback made, the event's title says why and its link leads to the e-mail.
  const noFallback = noFallbackLabel(e.type, rest) !== undefined;
  if (noFallback) delete rest.reason;
  const linkText = ctx.t(noFallback ? 'detail.emailMessage' : 'detail.fallbackMessage');
  const parts = Object.entries(rest)
    .sort(([a], [b]) => rank(a) - rank(b))
    .flatMap(([key, value]) => detailParts(ctx, key, value, linkText));
  const details = parts.map((part, i) => html`${i > 0 ? ', ' : ''}${part}`);
  return html`${who}${who && parts.length > 0 ? ' · ' : ''}${details}`;
}
