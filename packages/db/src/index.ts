export { batchByTurn, batchTable } from './batch';
export * from './client';
export { notLeased, stillActionable } from './conditions';
export { type InsertManyOptions, type InsertPart, insertMany, insertTogether } from './insert-many';
export { MIGRATIONS_FOLDER, pendingMigrations, runMigrations, waitForMigrations } from './migrate';
export { perDatabase, rawPreparedStatement } from './prepared';
export * from './schema';
