import { parseArgs } from 'node:util';
import { CHANNELS, type Channel, NOTIFICATION_KINDS, type NotificationKind } from '@rappel/contracts';
import { createDbClient, runMigrations } from '@rappel/db';
import { reminderPolicyFromConfig } from '@rappel/domain';
import {
  closeDeliveryQueues,
  createDeliveryQueues,
  createProducerConnection,
  waitUntilReady,
} from '@rappel/queue';
import { pino } from 'pino';
import { checkProviders } from './commands/check-providers';
import { createApiKey } from './commands/create-api-key';
import { createUser } from './commands/create-user';
import { resolveDepartmentId } from './commands/departments';
import { purge } from './commands/purge';
import {
  findRetryable,
  RETRYABLE_STATUSES,
  type RetryableStatus,
  retryFailed,
} from './commands/retry-failed';
import { seedDemo } from './commands/seed-demo';
import { loadCliConfig, loadProvidersConfig } from './config';

type Env = Record<string, string | undefined>;
/** Where a command writes: stdout for results, stderr for problems. Injected by tests. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: pnpm rappel <command> [options]   (in the stats-service image: node dist/cli.js <command>)

Commands:
  migrate                      Apply database migrations.
  seed-demo                    Demo departments, people, clients, items and loans due within minutes.
  create-user                  --email --name --role super_admin|dept_manager|dept_user
                               [--department <name or id>] [--language fr|en] [--phone +E164]
                               [--password <12+ chars>; omitted: generated and printed once]
  create-api-key               --name <label> [--department <name or id>]; prints the key once.
  retry-failed                 Send failed messages again. Filters: [--status failed,permanent_failure,undelivered]
                               [--channel email|whatsapp] [--kind <kind>] [--department <name or id>]
                               [--error-code <code>] [--since <ISO date>] [--until <ISO date>]
                               [--limit <n>, default 1000] [--dry-run]
  purge                        Apply the retention policy now (LOG_RETENTION_DAYS, ANONYMISE_AFTER_DAYS).
  check-providers              Sign in to the SMTP server and check the Twilio credentials.

Settings come from the environment (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SMTP_URL, TWILIO_*...).`;

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  department: { type: 'string' },
  language: { type: 'string' },
  phone: { type: 'string' },
  password: { type: 'string' },
  status: { type: 'string' },
  channel: { type: 'string' },
  kind: { type: 'string' },
  'error-code': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`Missing --${flag}.`);
  return value;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}.`);
  return value as T;
}

function instant(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--${flag} must be a date such as 2025-03-01 or 2025-03-01T08:00:00+01:00.`);
  return date;
}

/**
 * Runs one operator command. Returns the process exit code: 0 done, 1 the command found a
 * problem (a provider check failed), 2 bad usage or configuration.
 */
export async function runCli(argv: string[], env: Env, io: Output, now = () => new Date()): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const [command] = positionals;
  if (!command || values.help) {
    io.out(USAGE);
    return command || values.help ? 0 : 2;
  }

  const known = [
    'migrate',
    'seed-demo',
    'create-user',
    'create-api-key',
    'retry-failed',
    'purge',
    'check-providers',
  ];
  if (!known.includes(command)) throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);

  if (command === 'check-providers') {
    const checks = await checkProviders(loadProvidersConfig(env));
    for (const c of checks) io.out(`${c.provider.padEnd(7)} ${c.outcome.padEnd(15)} ${c.message}`);
    return checks.some((c) => c.outcome === 'failed') ? 1 : 0;
  }

  const config = loadCliConfig(env);
  if (command === 'migrate') {
    await runMigrations(config.DATABASE_URL);
    io.out('Migrations applied.');
    return 0;
  }

  const { db, close } = createDbClient(config.DATABASE_URL, { max: 2, applicationName: 'rappel-cli' });
  try {
    switch (command) {
      case 'seed-demo': {
        const summary = await seedDemo(db, { now: now(), policy: reminderPolicyFromConfig(config) });
        io.out(summary.created ? 'Demo data created.' : 'Demo data present; loans renewed.');
        io.out(`Sign in with any of these, password "${summary.password}":`);
        for (const u of summary.users)
          io.out(`  ${u.email.padEnd(40)} ${u.role}${u.department ? ` (${u.department})` : ''}`);
        for (const l of summary.loans) {
          const next = l.nextReminderAt ? l.nextReminderAt.toISOString() : 'none';
          io.out(`  loan ${l.id} ${l.item}: due ${l.dueAt.toISOString()}, next reminder ${next}`);
        }
        return 0;
      }
      case 'create-user': {
        const user = await createUser(db, {
          email: required(values.email, 'email'),
          fullName: required(values.name, 'name'),
          role: required(values.role, 'role') as never,
          department: values.department,
          language: values.language as never,
          phone: values.phone,
          password: values.password,
        });
        io.out(`User ${user.email} created (${user.role}, id ${user.id}).`);
        if (user.generatedPassword) io.out(`Password (shown once): ${user.generatedPassword}`);
        return 0;
      }
      case 'create-api-key': {
        const created = await createApiKey(db, {
          name: required(values.name, 'name'),
          department: values.department,
        });
        io.out(
          `API key "${values.name}" created (id ${created.id}, prefix ${created.prefix}). It is shown once:`,
        );
        io.out(created.key);
        return 0;
      }
      case 'retry-failed': {
        const statuses = values.status
          ?.split(',')
          .map((s) => oneOf(s.trim(), RETRYABLE_STATUSES, 'status') as RetryableStatus);
        const limit = values.limit === undefined ? 1000 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UsageError('--limit must be a positive whole number.');
        const filters = {
          ...(statuses ? { statuses } : {}),
          channel: oneOf<Channel>(values.channel, CHANNELS, 'channel'),
          kind: oneOf<NotificationKind>(values.kind, NOTIFICATION_KINDS, 'kind'),
          departmentId: values.department ? await resolveDepartmentId(db, values.department) : undefined,
          errorCode: values['error-code'],
          since: instant(values.since, 'since'),
          until: instant(values.until, 'until'),
          limit,
        };
        if (values['dry-run']) {
          const rows = await findRetryable(db, filters);
          for (const r of rows) io.out(`  ${r.id} ${r.channel} ${r.kind} ${r.status} ${r.errorCode ?? ''}`);
          io.out(`${rows.length} message(s) would be sent again.`);
          return 0;
        }
        const redis = createProducerConnection(config.REDIS_URL);
        redis.on('error', () => {});
        const queues = createDeliveryQueues({
          connection: redis,
          prefix: config.QUEUE_PREFIX,
          onError: () => {},
        });
        try {
          const ready = await waitUntilReady(redis, 3_000);
          const summary = await retryFailed(db, ready ? queues : null, filters, now());
          io.out(`${summary.reset} message(s) set back to pending, ${summary.queued} queued now.`);
          if (summary.queued < summary.reset) {
            io.err('Redis did not take every job: the scheduler relay will queue the remaining rows.');
          }
        } finally {
          await closeDeliveryQueues(queues).catch(() => {});
          redis.disconnect();
        }
        return 0;
      }
      default: {
        const logger = pino({ level: 'warn' });
        const summary = await purge(db, {
          now: now(),
          retentionDays: config.LOG_RETENTION_DAYS,
          anonymiseAfterDays: config.ANONYMISE_AFTER_DAYS,
          logger,
        });
        io.out(
          `Purged ${summary.deleted} finished message(s) older than ${config.LOG_RETENTION_DAYS} days; ` +
            `${summary.anonymised} address(es) erased.`,
        );
        return 0;
      }
    }
  } finally {
    await close();
  }
}
