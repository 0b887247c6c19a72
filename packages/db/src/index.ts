export * from './client';
export { type InsertManyOptions, insertMany } from './insert-many';
export { MIGRATIONS_FOLDER, runMigrations } from './migrate';
export { preparedQuery } from './prepared';
export * from './schema';
