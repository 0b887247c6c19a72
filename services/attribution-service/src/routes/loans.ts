import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../auth/scope';
import type { ServiceContext } from '../context';
import { pageOf } from '../http/pagination';
import { errorResponses, idParams, withConflict } from '../http/schemas';
import { cancelLoan } from '../loans/cancel-loan';
import { changeDueDate } from '../loans/change-due-date';
import { createLoan } from '../loans/create-loan';
import { listLoans } from '../loans/list-loans';
import { toLoanDto, toReminderDto } from '../loans/loan-dto';
import type { LoanEffects } from '../loans/loan-effects';
import {
  changeDueBody,
  createLoanBody,
  listLoansQuery,
  loanEffectsSchema,
  loanSchema,
} from '../loans/loans.schemas';
import { findLoan } from '../loans/lock-loan';
import { remindLoan } from '../loans/remind-loan';
import { remindersOf } from '../loans/reminder-plan-rows';
import { returnLoan } from '../loans/return-loan';

const tags = ['loans'];

export const loanRoutes: FastifyPluginAsyncZod<ServiceContext> = async (app, ctx) => {
  const effectsDto = (effects: LoanEffects) => ({
    loan: toLoanDto(effects.loan, ctx.clock.now()),
    notifications: effects.notifications.map(({ id, channel, kind, status }) => ({
      id,
      channel,
      kind,
      status,
    })),
    reminders: effects.reminders.map(toReminderDto),
  });

  app.post(
    '/loans',
    {
      schema: {
        tags,
        summary: 'Lend an item to a client or a room',
        description:
          'Writes the loan, its reminder plan and its loan_created messages in one transaction, then queues the messages.',
        body: createLoanBody,
        response: { 201: loanEffectsSchema, ...withConflict },
      },
    },
    async (request, reply) =>
      reply.code(201).send(effectsDto(await createLoan(ctx, callerOf(request), request.body))),
  );

  app.get(
    '/loans/:id',
    {
      schema: {
        tags,
        params: idParams,
        response: {
          200: loanSchema.extend({ reminders: loanEffectsSchema.shape.reminders }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const loan = await findLoan(ctx.db, caller, request.params.id);
      const reminders = await remindersOf(ctx.db, loan.id);
      return { ...toLoanDto(loan, ctx.clock.now()), reminders: reminders.map(toReminderDto) };
    },
  );

  app.get(
    '/loans',
    {
      schema: {
        tags,
        summary: 'Loans, newest first, with filters and cursor pagination',
        querystring: listLoansQuery,
        response: { 200: pageOf(loanSchema), ...errorResponses },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const page = await listLoans(ctx.db, callerOf(request), request.query, now);
      return { items: page.rows.map((l) => toLoanDto(l, now)), nextCursor: page.nextCursor };
    },
  );

  const commandResponse = { 200: loanEffectsSchema, ...withConflict };

  app.post(
    '/loans/:id/return',
    {
      schema: { tags, summary: 'Record the return of the item', params: idParams, response: commandResponse },
    },
    async (request) => effectsDto(await returnLoan(ctx, callerOf(request), request.params.id)),
  );

  app.post(
    '/loans/:id/due-date',
    {
      schema: {
        tags,
        summary: 'Change the due date (new plan version; the old plan can no longer fire)',
        params: idParams,
        body: changeDueBody,
        response: commandResponse,
      },
    },
    async (request) =>
      effectsDto(await changeDueDate(ctx, callerOf(request), request.params.id, request.body)),
  );

  app.post(
    '/loans/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a loan made by mistake (plan and unsent messages cancelled)',
        params: idParams,
        response: commandResponse,
      },
    },
    async (request) => effectsDto(await cancelLoan(ctx, callerOf(request), request.params.id)),
  );

  app.post(
    '/loans/:id/remind',
    {
      schema: {
        tags,
        summary: 'Send the borrower the right reminder now',
        params: idParams,
        response: commandResponse,
      },
    },
    async (request) => effectsDto(await remindLoan(ctx, callerOf(request), request.params.id)),
  );
};
