import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientKind, Language, UserRole } from '@rappel/contracts';
import {
  clients,
  type Database,
  departments,
  items,
  loans,
  notificationPreferences,
  rooms,
  scheduledReminders,
  users,
} from '@rappel/db';
import {
  classifyDuration,
  DEFAULT_REMINDER_POLICY,
  planReminders,
  type ReminderPolicy,
} from '@rappel/domain';

/**
 * Rows for tests, written straight to the test's own database. Loans made here get the
 * same reminder plan attribution-service would write (from @rappel/domain), so services
 * other than attribution-service can test against realistic data.
 */
const tag = () => randomBytes(3).toString('hex');

export function fixtures(db: Database) {
  return {
    async department(values: Partial<typeof departments.$inferInsert> = {}) {
      const [row] = await db
        .insert(departments)
        .values({ name: `Réception ${tag()}`, deskLocation: 'Réception, rez-de-chaussée', ...values })
        .returning();
      return row!;
    },
    async user(
      departmentId: string | null,
      values: Partial<typeof users.$inferInsert> & { role?: UserRole } = {},
    ) {
      const [row] = await db
        .insert(users)
        .values({
          departmentId,
          email: `staff-${tag()}@hotel.test`,
          fullName: 'Awa Ndong',
          role: 'dept_user',
          ...values,
        })
        .returning();
      return row!;
    },
    async client(
      departmentId: string,
      values: Partial<typeof clients.$inferInsert> & { kind?: ClientKind; language?: Language } = {},
    ) {
      const [row] = await db
        .insert(clients)
        .values({
          departmentId,
          kind: 'guest',
          fullName: 'Claire Martin',
          email: `guest-${tag()}@example.test`,
          phone: '+24106123456',
          language: 'fr',
          roomNumber: '214',
          ...values,
        })
        .returning();
      return row!;
    },
    async room(departmentId: string, values: Partial<typeof rooms.$inferInsert> = {}) {
      const [row] = await db
        .insert(rooms)
        .values({ departmentId, name: `Salle Okoumé ${tag()}`, ...values })
        .returning();
      return row!;
    },
    async item(departmentId: string, values: Partial<typeof items.$inferInsert> = {}) {
      const [row] = await db
        .insert(items)
        .values({ departmentId, name: 'Vidéoprojecteur Epson', inventoryNumber: `INV-${tag()}`, ...values })
        .returning();
      return row!;
    },
    async preferences(
      owner: { clientId: string } | { userId: string },
      values: Partial<typeof notificationPreferences.$inferInsert> = {},
    ) {
      const [row] = await db
        .insert(notificationPreferences)
        .values({ ...owner, ...values })
        .onConflictDoNothing()
        .returning();
      return row!;
    },
    /** A loan with its reminder plan, as attribution-service would write it (no log rows). */
    async loanWithPlan(input: {
      departmentId: string;
      itemId: string;
      responsibleUserId: string;
      clientId?: string;
      roomId?: string;
      startsAt: Date;
      dueAt: Date;
      now?: Date;
      policy?: ReminderPolicy;
    }) {
      const policy = input.policy ?? DEFAULT_REMINDER_POLICY;
      const [loan] = await db
        .insert(loans)
        .values({
          id: randomUUID(),
          departmentId: input.departmentId,
          itemId: input.itemId,
          responsibleUserId: input.responsibleUserId,
          clientId: input.clientId ?? null,
          roomId: input.roomId ?? null,
          startsAt: input.startsAt,
          dueAt: input.dueAt,
          durationClass: classifyDuration(input.startsAt, input.dueAt),
        })
        .returning();
      const plan = planReminders(
        { startsAt: input.startsAt, dueAt: input.dueAt, now: input.now ?? input.startsAt },
        policy,
      );
      const reminders =
        plan.length === 0
          ? []
          : await db
              .insert(scheduledReminders)
              .values(plan.map((r) => ({ loanId: loan!.id, loanVersion: 1, ...r })))
              .returning();
      return { loan: loan!, reminders };
    },
    /** A department with a manager, a staff member, a client and an item: the usual scene. */
    async scene(options: { clientLanguage?: Language; whatsapp?: boolean } = {}) {
      const department = await this.department();
      const manager = await this.user(department.id, { role: 'dept_manager', fullName: 'Marc Obiang' });
      const staff = await this.user(department.id, { role: 'dept_user' });
      const client = await this.client(department.id, { language: options.clientLanguage ?? 'fr' });
      if (options.whatsapp) {
        await this.preferences(
          { clientId: client.id },
          {
            whatsappEnabled: true,
            whatsappNumber: client.phone,
            whatsappConsentSource: 'desk',
            whatsappConsentAt: new Date(),
          },
        );
      }
      const item = await this.item(department.id);
      return { department, manager, staff, client, item };
    },
  };
}
export type Fixtures = ReturnType<typeof fixtures>;
