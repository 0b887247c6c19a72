import { CLIENT_KINDS, LANGUAGES, USER_ROLES } from '@rappel/contracts';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const id = () => uuid('id').primaryKey().defaultRandom();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const departments = pgTable('departments', {
  id: id(),
  name: text('name').notNull().unique(),
  /** Where borrowers bring items back, as written in messages ("Réception, rez-de-chaussée"). */
  deskLocation: text('desk_location').notNull().default(''),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    departmentId: uuid('department_id').references(() => departments.id),
    email: text('email').notNull(),
    fullName: text('full_name').notNull(),
    phone: text('phone'),
    role: text('role', { enum: USER_ROLES }).notNull(),
    language: text('language', { enum: LANGUAGES }).notNull().default('fr'),
    /** argon2id hash; null for users who never sign in to the web pages. */
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(sql`lower(${t.email})`),
    index('users_department_idx').on(t.departmentId),
    check('users_department_required', sql`${t.role} = 'super_admin' or ${t.departmentId} is not null`),
  ],
);

export const clients = pgTable(
  'clients',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    kind: text('kind', { enum: CLIENT_KINDS }).notNull(),
    fullName: text('full_name').notNull(),
    email: text('email'),
    /** E.164 (+24106123456). */
    phone: text('phone'),
    language: text('language', { enum: LANGUAGES }).notNull().default('fr'),
    roomNumber: text('room_number'),
    stayStart: date('stay_start'),
    stayEnd: date('stay_end'),
    createdAt: createdAt(),
  },
  (t) => [index('clients_department_idx').on(t.departmentId), index('clients_phone_idx').on(t.phone)],
);

export const rooms = pgTable(
  'rooms',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('rooms_department_name_unique').on(t.departmentId, t.name)],
);

export const items = pgTable(
  'items',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    name: text('name').notNull(),
    inventoryNumber: text('inventory_number').notNull().unique(),
    assetId: text('asset_id'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('items_department_asset_unique').on(t.departmentId, t.assetId)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    name: text('name').notNull(),
    /** Public lookup part of the key (`rpl_<prefix>_<secret>`). */
    prefix: text('prefix').notNull().unique(),
    /** SHA-256 of the whole key, hex. Keys are 256-bit random, so a fast hash is enough. */
    keyHash: text('key_hash').notNull(),
    /** Null: global key. Otherwise the key only sees this department. */
    departmentId: uuid('department_id').references(() => departments.id),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_department_idx').on(t.departmentId)],
);
