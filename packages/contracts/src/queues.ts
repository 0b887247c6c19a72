import { z } from 'zod';
import type { Channel } from './enums';

/**
 * BullMQ queue names. Persisted in Redis keys: never rename one.
 */
export const QUEUE_NAMES = {
  email: 'email',
  whatsapp: 'whatsapp',
  scheduler: 'scheduler',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export const queueForChannel = (channel: Channel): QueueName => QUEUE_NAMES[channel];

/**
 * Payload of a job on `email` or `whatsapp`. The job id is the notification_log row id,
 * so a row can never be queued twice while its job is alive. Workers re-read the row:
 * the payload carries only the identity, never the content.
 */
export const deliveryJobSchema = z.object({
  notificationId: z.uuid(),
});
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

/** Job names on the `scheduler` queue; each is one BullMQ job scheduler id. */
export const SCHEDULER_JOBS = {
  fireDueReminders: 'fire-due-reminders',
  relay: 'relay',
  retention: 'retention',
  dailyReport: 'daily-report',
} as const;
export type SchedulerJobName = (typeof SCHEDULER_JOBS)[keyof typeof SCHEDULER_JOBS];
export const schedulerJobSchema = z.object({}).passthrough();
