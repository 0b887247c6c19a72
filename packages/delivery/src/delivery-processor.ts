import {
  type Channel,
  DELIVERY_ERROR_CODES,
  DUE_DATE_KINDS,
  deliveryJobSchema,
  type NotificationKind,
  type SkipReason,
} from '@rappel/contracts';
import type { Database } from '@rappel/db';
import type { Clock } from '@rappel/domain';
import {
  DEFAULT_RETRY_POLICY,
  PermanentDeliveryError,
  type RetryPolicy,
  retryDelayMs,
  TransientDeliveryError,
} from '@rappel/queue';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { DeliveryMetrics } from './delivery-metrics';
import {
  type ClaimedRow,
  claimForAttempt,
  leaseRemainingMs,
  loanEnded,
  type NotificationRow,
  planSuperseded,
  settle,
} from './notification-record';

export interface SendResult {
  providerMessageId: string | null;
}

/**
 * One channel's part of delivery: build the message from the row, hand it to the provider.
 * The adapter maps provider errors to TransientDeliveryError / PermanentDeliveryError;
 * anything else thrown counts as transient.
 */
export interface DeliveryChannel<M> {
  channel: Channel;
  /** Provider name for metrics ("smtp", "twilio", "capture", "console"). */
  provider: string;
  /** The row comes with what its message is about (see messageContext). */
  prepare(row: ClaimedRow): Promise<M | { skip: SkipReason }>;
  send(message: M, row: NotificationRow): Promise<SendResult>;
}

export interface DeliveryProcessorOptions<M> {
  db: Database;
  channel: DeliveryChannel<M>;
  clock: Clock;
  logger: Logger;
  retryPolicy?: RetryPolicy;
  metrics?: DeliveryMetrics;
  /** How long one attempt holds the row, in milliseconds. Default 2 minutes. */
  leaseMs?: number;
  /** Called after a row became permanent_failure (e.g. fall back to another channel). */
  onPermanentFailure?: (row: NotificationRow) => Promise<void>;
  /** Name written as the actor of audit events. */
  actor: string;
}

/**
 * Kinds that lose their point once the loan is back (DESIGN.md, "Durability") or its plan is
 * replaced (a due-date change).
 */
const MOOT_WHEN_DUE_DATE_GONE = new Set<NotificationKind>(DUE_DATE_KINDS);

const isSkip = (m: unknown): m is { skip: SkipReason } =>
  typeof m === 'object' && m !== null && 'skip' in m && Object.keys(m).length === 1;

/**
 * The BullMQ processor for one delivery queue. The row in Postgres is the truth: the job only
 * names it. A row that is no longer pending/failed, or leased by another worker, is left alone,
 * so processing the same job twice never sends twice.
 */
export function createDeliveryProcessor<M>(options: DeliveryProcessorOptions<M>) {
  const { db, channel, clock, logger, metrics, actor } = options;
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const leaseMs = options.leaseMs ?? 120_000;

  return async function processDelivery(job: Job): Promise<void> {
    const parsed = deliveryJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new PermanentDeliveryError(
        DELIVERY_ERROR_CODES.badPayload,
        `invalid job payload for job ${job.id}`,
      );

    const leaseEnds = Date.now() + leaseMs;
    const row = await claimForAttempt(db, parsed.data.notificationId, clock.now(), leaseMs);
    if (!row) {
      const leasedFor = await leaseRemainingMs(db, parsed.data.notificationId, clock.now());
      if (leasedFor > 0) {
        // Another worker is sending it right now: look again once its lease has run out.
        throw new TransientDeliveryError(
          'IN_FLIGHT',
          'another worker holds this notification',
          leasedFor + 1_000,
        );
      }
      logger.debug({ notificationId: parsed.data.notificationId }, 'nothing to do for this notification');
      return;
    }
    const log = logger.child({ notificationId: row.id, kind: row.kind, attempt: row.attempts });

    const moot = mootReason(row);
    if (moot) {
      await settle(db, row, { status: 'skipped', skipReason: moot }, clock.now(), actor);
      metrics?.deliveries.inc({ channel: channel.channel, kind: row.kind, outcome: 'skipped' });
      log.info({ reason: moot }, 'notification skipped');
      return;
    }

    const attemptNumber = job.attemptsMade + 1;
    const lastAttempt = attemptNumber >= (job.opts.attempts ?? policy.attempts);
    try {
      const message = await channel.prepare(row);
      if (isSkip(message)) {
        await settle(db, row, { status: 'skipped', skipReason: message.skip }, clock.now(), actor);
        metrics?.deliveries.inc({ channel: channel.channel, kind: row.kind, outcome: 'skipped' });
        return;
      }
      const started = performance.now();
      const result = await channel.send(message, row);
      const now = clock.now();
      metrics?.sendDuration.observe({ channel: channel.channel }, (performance.now() - started) / 1000);
      metrics?.latency.observe(
        { channel: channel.channel },
        Math.max(0, (now.getTime() - row.scheduledAt.getTime()) / 1000),
      );
      const sent = { status: 'sent', providerMessageId: result.providerMessageId } as const;
      await settleSent(() => settle(db, row, sent, now, actor), leaseEnds - 1_000, log);
      metrics?.deliveries.inc({ channel: channel.channel, kind: row.kind, outcome: 'sent' });
      log.info('notification sent');
    } catch (error) {
      const now = clock.now();
      const { code, message } = describe(error);
      metrics?.providerErrors.inc({ provider: channel.provider, code });
      if (error instanceof PermanentDeliveryError || lastAttempt) {
        await settle(
          db,
          row,
          {
            status: 'permanent_failure',
            errorCode: code,
            errorMessage: message,
            retriesExhausted: !(error instanceof PermanentDeliveryError),
          },
          now,
          actor,
        );
        metrics?.deliveries.inc({ channel: channel.channel, kind: row.kind, outcome: 'permanent_failure' });
        log.warn({ code, lastAttempt }, 'notification failed permanently');
        if (options.onPermanentFailure) {
          await options
            .onPermanentFailure({ ...row, status: 'permanent_failure', errorCode: code })
            .catch((e) => log.error({ err: e }, 'permanent-failure hook failed'));
        }
        throw error instanceof PermanentDeliveryError ? error : new PermanentDeliveryError(code, message);
      }
      const delay = retryDelayMs(attemptNumber, policy);
      await settle(
        db,
        row,
        {
          status: 'failed',
          errorCode: code,
          errorMessage: message,
          nextAttemptAt: new Date(now.getTime() + delay),
        },
        now,
        actor,
      );
      metrics?.deliveries.inc({ channel: channel.channel, kind: row.kind, outcome: 'failed' });
      log.warn({ code, retryInMs: delay }, 'notification failed; will retry');
      const transient =
        error instanceof TransientDeliveryError ? error : new TransientDeliveryError(code, message);
      transient.retryDelayMs = delay;
      throw transient;
    }
  };
}

/**
 * Records a send the provider accepted. If Postgres is briefly unreachable, giving up would
 * fail the attempt and the retry would send the message again; so the write is retried while
 * our lease still keeps every other worker off the row. Past that, the error goes up as before.
 */
async function settleSent(write: () => Promise<void>, deadline: number, log: Logger): Promise<void> {
  for (let delay = 200; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + delay >= deadline) throw error;
      log.warn({ err: error, retryInMs: delay }, 'could not record a sent notification; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Why the claimed row is not to be sent, read from the loan as it is now:
 * - every message of a cancelled loan (the cancel left it to a worker that held it, and that
 *   attempt did not send it);
 * - a reminder, overdue alert or escalation of a returned loan;
 * - one fired from a plan that a due-date change has replaced: the change skips the old plan's
 *   unsent messages, but not one being sent at that moment (its attempt may fail and come
 *   back), nor one made or replayed afterwards (the e-mail fallback of an old WhatsApp
 *   reminder, an operator's replay).
 */
function mootReason(row: ClaimedRow): SkipReason | null {
  const ended = loanEnded(row);
  if (ended === 'cancelled') return ended;
  if (!MOOT_WHEN_DUE_DATE_GONE.has(row.kind)) return null;
  if (ended) return ended;
  return planSuperseded(row) ? 'superseded' : null;
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof TransientDeliveryError || error instanceof PermanentDeliveryError) {
    return { code: error.code, message: error.message };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code:
        typeof code === 'string' || typeof code === 'number' ? String(code) : DELIVERY_ERROR_CODES.unknown,
      message: error.message,
    };
  }
  return { code: DELIVERY_ERROR_CODES.unknown, message: String(error) };
}
