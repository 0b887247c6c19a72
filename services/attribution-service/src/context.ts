import type { Database } from '@rappel/db';
import type { Clock, CountryCode, ReminderPolicy } from '@rappel/domain';
import type { OutboxPublisher } from '@rappel/outbox';

/** What route plugins and loan commands need; built once by buildApp from its deps. */
export interface ServiceContext {
  db: Database;
  publisher: OutboxPublisher;
  clock: Clock;
  policy: ReminderPolicy;
  /** Region used to read national phone numbers. */
  phoneRegion: CountryCode;
}
