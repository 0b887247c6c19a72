export * from './delivery-metrics';
export * from './delivery-processor';
export * from './delivery-worker';
export * from './message-context';
export * from './notification-record';
