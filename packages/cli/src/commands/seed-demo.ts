import type { ClientKind, Language, UserRole } from '@rappel/contracts';
import {
  clients,
  type Database,
  departments,
  type Executor,
  items,
  loans,
  notificationPreferences,
  rooms,
  scheduledReminders,
  users,
} from '@rappel/db';
import { classifyDuration, planReminders, type ReminderPolicy } from '@rappel/domain';
import { hashPassword } from '@rappel/stats-service/src/auth/passwords';
import { and, eq, inArray, isNull } from 'drizzle-orm';

/** Every demo account signs in with this password; printed by `seed-demo` and `pnpm start`. */
export const DEMO_PASSWORD = 'rappel-demo-2025';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface DemoPerson {
  email: string;
  fullName: string;
  role: UserRole;
  language: Language;
  department?: 'reception' | 'events';
}

const PEOPLE: DemoPerson[] = [
  { email: 'direction@demo.rappel.example', fullName: 'Hélène Mba', role: 'super_admin', language: 'fr' },
  {
    email: 'manager.reception@demo.rappel.example',
    fullName: 'Marc Obiang',
    role: 'dept_manager',
    language: 'fr',
    department: 'reception',
  },
  {
    email: 'staff.reception@demo.rappel.example',
    fullName: 'Awa Ndong',
    role: 'dept_user',
    language: 'fr',
    department: 'reception',
  },
  {
    email: 'manager.events@demo.rappel.example',
    fullName: 'Sarah Collins',
    role: 'dept_manager',
    language: 'en',
    department: 'events',
  },
  {
    email: 'staff.events@demo.rappel.example',
    fullName: 'Paul Nzé',
    role: 'dept_user',
    language: 'fr',
    department: 'events',
  },
];

interface DemoClient {
  key: string;
  department: 'reception' | 'events';
  kind: ClientKind;
  fullName: string;
  email: string;
  phone: string;
  language: Language;
  roomNumber?: string;
  /** WhatsApp consent given at the desk. */
  whatsapp: boolean;
}

const CLIENTS: DemoClient[] = [
  {
    key: 'claire',
    department: 'reception',
    kind: 'guest',
    fullName: 'Claire Martin',
    email: 'claire.martin@demo.rappel.example',
    phone: '+24106000101',
    language: 'fr',
    roomNumber: '214',
    whatsapp: true,
  },
  {
    key: 'james',
    department: 'reception',
    kind: 'guest',
    fullName: 'James Whitaker',
    email: 'james.whitaker@demo.rappel.example',
    phone: '+447700900123',
    language: 'en',
    roomNumber: '305',
    whatsapp: true,
  },
  {
    key: 'koumba',
    department: 'reception',
    kind: 'external',
    fullName: 'Jean Koumba',
    email: 'jean.koumba@demo.rappel.example',
    phone: '+24107000102',
    language: 'fr',
    whatsapp: false,
  },
  {
    key: 'amelia',
    department: 'events',
    kind: 'external',
    fullName: 'Amelia Grant',
    email: 'amelia.grant@demo.rappel.example',
    phone: '+447700900456',
    language: 'en',
    whatsapp: true,
  },
];

const ITEMS: { department: 'reception' | 'events'; name: string; inventoryNumber: string }[] = [
  { department: 'reception', name: 'Adaptateur secteur universel', inventoryNumber: 'DEMO-REC-001' },
  { department: 'reception', name: 'Fer à repasser', inventoryNumber: 'DEMO-REC-002' },
  { department: 'reception', name: 'Chargeur USB-C', inventoryNumber: 'DEMO-REC-003' },
  { department: 'reception', name: 'Parapluie', inventoryNumber: 'DEMO-REC-004' },
  { department: 'events', name: 'Vidéoprojecteur Epson', inventoryNumber: 'DEMO-EVT-001' },
  { department: 'events', name: 'Micro sans fil', inventoryNumber: 'DEMO-EVT-002' },
  { department: 'events', name: 'Écran de projection', inventoryNumber: 'DEMO-EVT-003' },
];

const DEPARTMENTS = {
  reception: { name: 'Réception (démo)', deskLocation: 'Réception, rez-de-chaussée' },
  events: { name: 'Événements (démo)', deskLocation: 'Conciergerie, 1er étage' },
} as const;

/**
 * Demo loans, timed from `now` so reminders fall due within minutes: a medium loan's
 * `reminder_2h` fires two hours before it is due, an overdue alert thirty minutes after.
 */
const LOANS: { item: string; client?: string; room?: boolean; startsIn: number; dueIn: number }[] = [
  { item: 'DEMO-REC-001', client: 'claire', startsIn: -3 * HOUR, dueIn: 2 * HOUR + 2 * MINUTE },
  { item: 'DEMO-REC-002', client: 'james', startsIn: -4 * HOUR, dueIn: 2 * HOUR + 4 * MINUTE },
  { item: 'DEMO-REC-003', client: 'koumba', startsIn: -6 * HOUR, dueIn: -27 * MINUTE },
  { item: 'DEMO-EVT-001', client: 'amelia', startsIn: -24 * HOUR, dueIn: 3 * 24 * HOUR },
  { item: 'DEMO-EVT-002', room: true, startsIn: -5 * HOUR, dueIn: 2 * HOUR + 6 * MINUTE },
];

export interface DemoSummary {
  password: string;
  users: { email: string; role: UserRole; department: string | null }[];
  loans: { id: string; item: string; dueAt: Date; nextReminderAt: Date | null }[];
  /** False when the people and items were already there (only the loans were renewed). */
  created: boolean;
}

async function ensureDepartments(tx: Executor): Promise<Record<'reception' | 'events', string>> {
  const ids = {} as Record<'reception' | 'events', string>;
  for (const [key, values] of Object.entries(DEPARTMENTS) as [
    keyof typeof DEPARTMENTS,
    (typeof DEPARTMENTS)['reception'],
  ][]) {
    await tx.insert(departments).values(values).onConflictDoNothing();
    const [row] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(eq(departments.name, values.name));
    ids[key] = row!.id;
  }
  return ids;
}

/** Closes the open demo loans (and cancels their remaining reminders) so the items are free again. */
async function returnOpenDemoLoans(tx: Executor, departmentIds: string[], now: Date): Promise<void> {
  const open = await tx
    .update(loans)
    .set({ returnedAt: now, updatedAt: now })
    .where(
      and(inArray(loans.departmentId, departmentIds), isNull(loans.returnedAt), isNull(loans.cancelledAt)),
    )
    .returning({ id: loans.id });
  if (open.length === 0) return;
  await tx
    .update(scheduledReminders)
    .set({ state: 'cancelled' })
    .where(
      and(
        inArray(
          scheduledReminders.loanId,
          open.map((l) => l.id),
        ),
        eq(scheduledReminders.state, 'scheduled'),
      ),
    );
}

/**
 * Demo data for a first look: two departments, a super admin, a manager and a staff member per
 * department (all with DEMO_PASSWORD), items, clients in French and English with WhatsApp
 * consent, and loans whose reminders fall due within the next minutes. Running it again keeps
 * the people and renews the loans (the previous demo loans are marked returned).
 */
export async function seedDemo(
  db: Database,
  options: { now: Date; policy: ReminderPolicy },
): Promise<DemoSummary> {
  const { now, policy } = options;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(eq(departments.name, DEPARTMENTS.reception.name));
    const departmentIds = await ensureDepartments(tx);

    for (const person of PEOPLE) {
      await tx
        .insert(users)
        .values({
          email: person.email,
          fullName: person.fullName,
          role: person.role,
          language: person.language,
          departmentId: person.department ? departmentIds[person.department] : null,
          passwordHash,
        })
        .onConflictDoNothing();
    }
    const people = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(
        inArray(
          users.email,
          PEOPLE.map((p) => p.email),
        ),
      );
    const userId = (email: string) => people.find((p) => p.email === email)!.id;

    const clientIds = new Map<string, string>();
    for (const c of CLIENTS) {
      const departmentId = departmentIds[c.department];
      let [row] = await tx
        .select({ id: clients.id })
        .from(clients)
        .where(and(eq(clients.departmentId, departmentId), eq(clients.email, c.email)));
      if (!row) {
        [row] = await tx
          .insert(clients)
          .values({
            departmentId,
            kind: c.kind,
            fullName: c.fullName,
            email: c.email,
            phone: c.phone,
            language: c.language,
            roomNumber: c.roomNumber ?? null,
          })
          .returning({ id: clients.id });
        await tx.insert(notificationPreferences).values({
          clientId: row!.id,
          emailEnabled: true,
          whatsappEnabled: c.whatsapp,
          whatsappNumber: c.whatsapp ? c.phone : null,
          whatsappConsentSource: c.whatsapp ? 'desk' : null,
          whatsappConsentAt: c.whatsapp ? now : null,
        });
      }
      clientIds.set(c.key, row!.id);
    }

    await tx
      .insert(items)
      .values(
        ITEMS.map((i) => ({
          departmentId: departmentIds[i.department],
          name: i.name,
          inventoryNumber: i.inventoryNumber,
        })),
      )
      .onConflictDoNothing();
    const itemRows = await tx
      .select({ id: items.id, inventoryNumber: items.inventoryNumber, departmentId: items.departmentId })
      .from(items)
      .where(
        inArray(
          items.inventoryNumber,
          ITEMS.map((i) => i.inventoryNumber),
        ),
      );

    await tx
      .insert(rooms)
      .values({ departmentId: departmentIds.events, name: 'Salle Okoumé' })
      .onConflictDoNothing();
    const [room] = await tx
      .select({ id: rooms.id })
      .from(rooms)
      .where(and(eq(rooms.departmentId, departmentIds.events), eq(rooms.name, 'Salle Okoumé')));

    await returnOpenDemoLoans(tx, Object.values(departmentIds), now);

    const created: DemoSummary['loans'] = [];
    for (const spec of LOANS) {
      const item = itemRows.find((i) => i.inventoryNumber === spec.item)!;
      const startsAt = new Date(now.getTime() + spec.startsIn);
      const dueAt = new Date(now.getTime() + spec.dueIn);
      const isEvents = item.departmentId === departmentIds.events;
      const [loan] = await tx
        .insert(loans)
        .values({
          itemId: item.id,
          departmentId: item.departmentId,
          clientId: spec.client ? clientIds.get(spec.client)! : null,
          roomId: spec.room ? room!.id : null,
          responsibleUserId: userId(
            isEvents ? 'staff.events@demo.rappel.example' : 'staff.reception@demo.rappel.example',
          ),
          startsAt,
          dueAt,
          durationClass: classifyDuration(startsAt, dueAt),
          notes: 'Prêt de démonstration',
        })
        .returning({ id: loans.id });
      const plan = planReminders({ startsAt, dueAt, now }, policy);
      if (plan.length > 0) {
        await tx
          .insert(scheduledReminders)
          .values(plan.map((r) => ({ loanId: loan!.id, loanVersion: 1, ...r })));
      }
      created.push({ id: loan!.id, item: spec.item, dueAt, nextReminderAt: plan[0]?.fireAt ?? null });
    }

    return {
      password: DEMO_PASSWORD,
      users: PEOPLE.map((p) => ({
        email: p.email,
        role: p.role,
        department: p.department ? DEPARTMENTS[p.department].name : null,
      })),
      loans: created,
      created: !existing,
    };
  });
}
