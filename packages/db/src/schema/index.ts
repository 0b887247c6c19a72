export * from './auth';
export * from './core';
export * from './loans';
export * from './notifications';
export * from './stats';
export * from './stats-deltas';
