import type { Database } from '@rappel/db';
import type { Clock } from '@rappel/domain';
import { startPeriodicTask } from '@rappel/observability';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { TwilioSettings } from '../config';
import type { EmailFallback } from '../email-fallback';
import { isStartRequest, isStopRequest, optInAgainWhatsApp, optOutWhatsApp } from '../opt-out';
import { applyHeldStatusCallbacks, applyStatusCallback, type CallbackOutcome } from '../status-callback';
import { isValidTwilioSignature, type WebhookParams } from '../twilio-signature';
import { sendError } from './http-errors';

export interface TwilioWebhookOptions {
  db: Database;
  /** Null with the console transport: nothing can be verified, so every webhook is refused. */
  twilio: TwilioSettings | null;
  clock: Clock;
  fallback: EmailFallback;
  registry: Registry;
  /** How often held callbacks (SID not yet recorded) are looked at again. Default 5 s. */
  heldCallbackSweepMs?: number;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** Twilio's webhooks: message status callbacks and inbound messages, both signature-checked. */
export async function twilioWebhookRoutes(app: FastifyInstance, options: TwilioWebhookOptions) {
  const { db, twilio, clock, fallback } = options;
  const callbacks = new Counter({
    name: 'rappel_twilio_callbacks_total',
    help: 'Twilio webhooks received, by endpoint and outcome.',
    labelNames: ['endpoint', 'outcome'],
    registers: [options.registry],
  });

  /** The parsed form when the signature holds for `url`; otherwise answers 403 and returns null. */
  function verified(request: FastifyRequest, reply: FastifyReply, endpoint: string, url: string | undefined) {
    const params = (request.body ?? {}) as WebhookParams;
    const signature = request.headers['x-twilio-signature'];
    if (
      !twilio ||
      !url ||
      !isValidTwilioSignature(
        twilio.authToken,
        typeof signature === 'string' ? signature : undefined,
        url,
        params,
      )
    ) {
      callbacks.inc({ endpoint, outcome: 'rejected' });
      request.log.warn({ endpoint }, 'Twilio webhook refused: missing or wrong signature');
      sendError(request, reply, 403, 'INVALID_TWILIO_SIGNATURE', {
        fr: 'Signature Twilio absente ou invalide.',
        en: 'Missing or invalid Twilio signature.',
      });
      return null;
    }
    return params;
  }

  const text = (v: WebhookParams[string]) => (Array.isArray(v) ? v[0] : v) || undefined;

  app.post('/twilio/status', async (request, reply) => {
    const params = verified(request, reply, 'status', twilio?.statusCallbackUrl);
    if (!params) return reply;
    const messageSid = text(params.MessageSid);
    const twilioStatus = text(params.MessageStatus);
    if (!messageSid || !twilioStatus)
      return sendError(
        request,
        reply,
        400,
        'VALIDATION_FAILED',
        { fr: 'MessageSid et MessageStatus sont requis.', en: 'MessageSid and MessageStatus are required.' },
        messageSid ? 'MessageStatus' : 'MessageSid',
      );
    const result = await applyStatusCallback(db, {
      messageSid,
      twilioStatus,
      errorCode: text(params.ErrorCode) ?? null,
      at: clock.now(),
    });
    callbacks.inc({ endpoint: 'status', outcome: result.outcome });
    if (result.outcome === 'held')
      request.log.info({ messageSid, twilioStatus }, 'status callback held: SID not recorded yet');
    await afterApplied(result, request.log);
    return reply.code(204).send();
  });

  /** A callback that moved its row: logged, and an undelivered message goes by e-mail instead. */
  async function afterApplied(result: CallbackOutcome, log: FastifyBaseLogger) {
    if (result.outcome !== 'moved') return;
    log.info(
      { notificationId: result.row.id, from: result.from, status: result.row.status },
      'WhatsApp status updated by Twilio',
    );
    if (result.row.status === 'undelivered' || result.row.status === 'permanent_failure') {
      await fallback(result.row).catch((error) =>
        log.error({ err: error, notificationId: result.row.id }, 'e-mail fallback failed'),
      );
    }
  }

  // Held callbacks: applied once the sender has recorded their SID (see applyHeldStatusCallbacks).
  if (twilio) {
    const sweep = startPeriodicTask({
      name: 'held status callbacks sweep',
      intervalMs: options.heldCallbackSweepMs ?? 5_000,
      logger: app.log,
      run: async () => {
        const run = await applyHeldStatusCallbacks(db, clock.now());
        for (const result of run.applied) {
          callbacks.inc({ endpoint: 'status_held', outcome: result.outcome });
          await afterApplied(result, app.log);
        }
        if (run.dropped > 0) {
          callbacks.inc({ endpoint: 'status_held', outcome: 'dropped' }, run.dropped);
          app.log.warn(
            { dropped: run.dropped },
            'held status callbacks dropped: no message carries their SID',
          );
        }
      },
    });
    app.addHook('onClose', () => sweep.stop());
  }

  app.post('/twilio/inbound', async (request, reply) => {
    const params = verified(request, reply, 'inbound', twilio?.inboundUrl);
    if (!params) return reply;
    const from = text(params.From)?.replace(/^whatsapp:/, '');
    if (from && isStopRequest(text(params.Body))) {
      const rows = await optOutWhatsApp(db, from, clock.now());
      callbacks.inc({ endpoint: 'inbound', outcome: 'stop' });
      request.log.info({ preferences: rows }, 'WhatsApp turned off by an inbound STOP');
    } else if (from && isStartRequest(text(params.Body))) {
      const rows = await optInAgainWhatsApp(db, from, clock.now());
      callbacks.inc({ endpoint: 'inbound', outcome: 'start' });
      request.log.info({ preferences: rows }, 'WhatsApp turned back on by an inbound START');
    } else {
      callbacks.inc({ endpoint: 'inbound', outcome: 'ignored' });
    }
    return reply.code(200).header('content-type', 'text/xml; charset=utf-8').send(EMPTY_TWIML);
  });
}
