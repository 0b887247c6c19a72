export * from './client';
export { MIGRATIONS_FOLDER, runMigrations } from './migrate';
export * from './schema';
