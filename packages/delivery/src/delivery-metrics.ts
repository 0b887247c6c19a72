import { Counter, Histogram, type Registry } from 'prom-client';

/** Delivery metrics, one set per process registry. Names are part of the alert rules. */
export interface DeliveryMetrics {
  /** rappel_deliveries_total{channel,kind,outcome}: outcome sent|failed|permanent_failure|skipped. */
  deliveries: Counter<'channel' | 'kind' | 'outcome'>;
  /** rappel_provider_errors_total{provider,code}: every provider error by its code (535, 63016…). */
  providerErrors: Counter<'provider' | 'code'>;
  /** rappel_send_duration_seconds{channel}: time the provider took to accept one message. */
  sendDuration: Histogram<'channel'>;
  /** rappel_queue_to_sent_seconds{channel}: from the row's scheduled time to the provider's acceptance. */
  latency: Histogram<'channel'>;
}

export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  return {
    deliveries: new Counter({
      name: 'rappel_deliveries_total',
      help: 'Delivery attempts by outcome.',
      labelNames: ['channel', 'kind', 'outcome'],
      registers: [registry],
    }),
    providerErrors: new Counter({
      name: 'rappel_provider_errors_total',
      help: 'Errors returned by a provider, by provider and code.',
      labelNames: ['provider', 'code'],
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: 'rappel_send_duration_seconds',
      help: 'Time for the provider to accept one message, in seconds.',
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'rappel_queue_to_sent_seconds',
      help: 'Time from a message being due to its acceptance by the provider, in seconds.',
      labelNames: ['channel'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800],
      registers: [registry],
    }),
  };
}
