import type { Executor } from '@rappel/db';
import { type InsertedNotification, toPublish } from '@rappel/outbox';
import type { ServiceContext } from '../context';
import type { LoanRow, ReminderRow } from './loan-dto';

/** What a loan command changed: the loan, the messages it made, the loan's plan. */
export interface LoanEffects {
  loan: LoanRow;
  notifications: InsertedNotification[];
  reminders: ReminderRow[];
}

/**
 * Runs a loan command in one transaction, then publishes the messages it made. Publishing
 * happens only after commit and never fails the request: rows Redis could not take stay
 * `pending` for the scheduler's relay.
 */
export async function commitAndPublish(
  ctx: ServiceContext,
  command: (tx: Executor) => Promise<LoanEffects>,
): Promise<LoanEffects> {
  return publishEffects(ctx, await ctx.db.transaction(command));
}

/** Publishes the messages of a command that has committed; never fails the request. */
export async function publishEffects(ctx: ServiceContext, effects: LoanEffects): Promise<LoanEffects> {
  await ctx.publisher.publishAfterCommit(toPublish(effects.notifications));
  return effects;
}
