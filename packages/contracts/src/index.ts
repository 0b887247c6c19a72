export * from './daily-report';
export * from './enums';
export * from './idempotency';
export * from './queues';
