export * from './core';
export * from './loans';
export * from './notifications';
