import type { Executor } from '@rappel/db';
import { type InsertedNotification, toPublish } from '@rappel/outbox';
import type { ServiceContext } from '../context';
import { isTransactionConflict } from '../http/pg-errors';
import type { LoanRow, ReminderRow } from './loan-dto';

/** What a loan command changed: the loan, the messages it made, the loan's plan. */
export interface LoanEffects {
  loan: LoanRow;
  notifications: InsertedNotification[];
  reminders: ReminderRow[];
}

/** Times a loan command's transaction is run when Postgres rolls it back for a conflict. */
export const COMMAND_ATTEMPTS = 3;

/**
 * Runs a loan command in one transaction, then publishes the messages it made. Publishing
 * happens only after commit and never fails the request: rows Redis could not take stay
 * `pending` for the scheduler's relay. A transaction Postgres rolled back as a deadlock victim
 * or for a serialization conflict wrote nothing and is run again (the command reads everything
 * anew), up to COMMAND_ATTEMPTS times; past that the error goes up (a 503).
 */
export async function commitAndPublish(
  ctx: ServiceContext,
  command: (tx: Executor) => Promise<LoanEffects>,
): Promise<LoanEffects> {
  return publishEffects(ctx, await transactionRetried(ctx, command));
}

async function transactionRetried<T>(ctx: ServiceContext, command: (tx: Executor) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction(command);
    } catch (error) {
      if (attempt >= COMMAND_ATTEMPTS || !isTransactionConflict(error)) throw error;
    }
  }
}

/** Publishes the messages of a command that has committed; never fails the request. */
export async function publishEffects(ctx: ServiceContext, effects: LoanEffects): Promise<LoanEffects> {
  await ctx.publisher.publishAfterCommit(toPublish(effects.notifications));
  return effects;
}
