import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The job's label is `scheduler_job`, not `job`: Prometheus gives every scraped series its own
 * `job` label (the scrape job), and a `job` label of ours would be renamed `exported_job`.
 * The label's values are the persisted scheduler ids (SCHEDULER_JOBS); the alert rules
 * (infra/prometheus/rappel-rules.yml) read them.
 */
export interface SchedulerMetrics {
  /** Unix time, in seconds, at which each job last finished without error. */
  lastTick: Gauge<'scheduler_job'>;
  tickDuration: Histogram<'scheduler_job'>;
  tickFailures: Counter<'scheduler_job'>;
  reminders: Counter<'outcome'>;
  relayed: Counter;
}

export function createSchedulerMetrics(registry: Registry): SchedulerMetrics {
  const registers = [registry];
  return {
    lastTick: new Gauge({
      name: 'rappel_scheduler_last_tick_seconds',
      help: 'Unix time of the last successful run of each scheduler job, in seconds.',
      labelNames: ['scheduler_job'],
      registers,
    }),
    tickDuration: new Histogram({
      name: 'rappel_scheduler_tick_duration_seconds',
      help: 'Duration of one scheduler job run, in seconds.',
      labelNames: ['scheduler_job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
    tickFailures: new Counter({
      name: 'rappel_scheduler_tick_failures_total',
      help: 'Scheduler job runs that threw.',
      labelNames: ['scheduler_job'],
      registers,
    }),
    reminders: new Counter({
      name: 'rappel_scheduler_reminders_total',
      help: 'Reminders taken from the plan, by outcome (fired, too_late, cancelled).',
      labelNames: ['outcome'],
      registers,
    }),
    relayed: new Counter({
      name: 'rappel_scheduler_relayed_total',
      help: 'Notifications the relay queued again because they had no live job.',
      registers,
    }),
  };
}
