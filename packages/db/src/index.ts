export * from './client';
export { MIGRATIONS_FOLDER, runMigrations } from './migrate';
export { preparedQuery } from './prepared';
export * from './schema';
