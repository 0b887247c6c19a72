import type { Logger } from 'pino';

export interface PeriodicTask {
  /** Stops the ticks and waits for a run in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs` in this process, one run at a time: a tick that comes while a
 * run is still going is skipped, and a run that fails is logged (`<name> failed`) and simply
 * tried again at the next tick. The timer does not keep the process alive.
 */
export function startPeriodicTask(options: {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  logger: Pick<Logger, 'warn'>;
}): PeriodicTask {
  const { name, run, logger } = options;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= run()
      .catch((err: unknown) => logger.warn({ err, task: name }, `${name} failed`))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
