export * from './connections';
export * from './delivery-queues';
export * from './errors';
export * from './retry-policy';
