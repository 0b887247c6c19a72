export * from './notification-rows';
export * from './publisher';
export * from './recipients';
