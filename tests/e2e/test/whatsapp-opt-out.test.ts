/**
 * WhatsApp opt-outs through every path that writes them, each service its own process: the
 * desk's API (attribution-service), the preferences page's store (stats-service, called as the
 * page calls it) and inbound STOP and START (whatsapp-sender, signed as Twilio signs them). A STOP
 * from a number holds for every profile with that number until a START; WhatsApp turned off at
 * the desk or on the page is that profile's own choice, and a START leaves it off
 * (docs/design-decisions.md, "START undoes STOP, and only STOP").
 */
import { randomBytes, randomInt } from 'node:crypto';
import { notificationLog, notificationPreferences } from '@rappel/db';
import { preferencesView, savePreferences } from '@rappel/stats-service/src/preferences/store';
import { waitFor } from '@rappel/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from './harness';

let stack: E2eStack;
let tdb: E2eStack['tdb'];
let twilio: E2eStack['twilio'];
let api: E2eStack['api'];
let whatsappUrl: string;

beforeAll(async () => {
  stack = await startE2eStack('e2e-opt-out', { services: ['attribution-service', 'whatsapp-sender'] });
  ({ tdb, twilio, api } = stack);
  whatsappUrl = stack.url('whatsapp-sender');
});

afterAll(async () => {
  const codes = (await stack?.close()) ?? [];
  expect(codes.every((c) => c === 0)).toBe(true);
});

const hex = () => randomBytes(3).toString('hex');

/** A department, and a number that no other test uses. */
async function scene() {
  const department = await api('POST', '/v1/departments', { name: `Réception ${hex()}` });
  expect(department.status).toBe(201);
  return {
    departmentId: department.body.id as string,
    phone: `+2410745${String(randomInt(10_000)).padStart(4, '0')}`,
  };
}

type Owner = { kind: 'users' | 'clients'; id: string };

/** A staff member at `phone`, WhatsApp on at the desk. */
async function staff(departmentId: string, phone: string): Promise<Owner> {
  const res = await api('POST', '/v1/users', {
    departmentId,
    email: `staff-${hex()}@hotel.test`,
    fullName: 'Awa Ndong',
    role: 'dept_user',
    phone,
    preferences: { whatsappEnabled: true, whatsappConsentSource: 'desk' },
  });
  expect(res.status).toBe(201);
  return { kind: 'users', id: res.body.id };
}

/** A client at `phone` (an internal one: a staff member's own client profile), WhatsApp on. */
async function client(departmentId: string, phone: string): Promise<Owner> {
  const res = await api('POST', '/v1/clients', {
    departmentId,
    kind: 'internal',
    fullName: 'Awa Ndong',
    phone,
    preferences: { whatsappEnabled: true, whatsappConsentSource: 'desk' },
  });
  expect(res.status).toBe(201);
  return { kind: 'clients', id: res.body.id };
}

const preferences = async (owner: Owner) => {
  const res = await api('GET', `/v1/${owner.kind}/${owner.id}/preferences`);
  expect(res.status).toBe(200);
  return res.body;
};
const deskSets = async (owner: Owner, whatsappEnabled: boolean) => {
  const res = await api('PUT', `/v1/${owner.kind}/${owner.id}/preferences`, {
    whatsappEnabled,
    ...(whatsappEnabled ? { whatsappConsentSource: 'desk' } : {}),
  });
  expect(res.status).toBe(200);
  expect(res.body.whatsappEnabled).toBe(whatsappEnabled);
};

/** The number writes to the hotel's WhatsApp (`STOP`, `START`…), signed as Twilio signs it. */
async function inbound(phone: string, body: string) {
  const url = `${whatsappUrl}/twilio/inbound`;
  const res = await twilio.post(twilio.inboundMessage({ from: `whatsapp:${phone}`, body, url }));
  expect(res.status).toBe(200);
}

/**
 * Lends a new item to `borrower` (a client) and waits for its loan_created WhatsApp message to
 * be sent or skipped.
 */
async function lendAndSettle(departmentId: string, borrower: Owner, responsible: Owner) {
  const item = await api('POST', '/v1/items', {
    departmentId,
    name: 'Ordinateur',
    inventoryNumber: `INV-${hex()}`,
  });
  expect(item.status).toBe(201);
  const loan = await api('POST', '/v1/loans', {
    itemId: item.body.id,
    clientId: borrower.id,
    responsibleUserId: responsible.id,
    dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });
  expect(loan.status).toBe(201);
  return waitFor(
    async () => {
      const [row] = await tdb.db
        .select()
        .from(notificationLog)
        .where(and(eq(notificationLog.loanId, loan.body.loan.id), eq(notificationLog.channel, 'whatsapp')));
      return row && (row.status === 'sent' || row.status === 'skipped') ? row : undefined;
    },
    { timeoutMs: 30_000, message: 'the WhatsApp message sent or skipped' },
  );
}

describe('WhatsApp opt-outs', () => {
  it("turned off on the preferences page, it is that profile's alone: another profile with the number still gets its messages", async () => {
    const { departmentId, phone } = await scene();
    const user = await staff(departmentId, phone);
    const profile = await client(departmentId, phone);
    const owner = { type: 'user', id: user.id } as const;
    const page = await preferencesView(tdb.db, owner);
    const result = await savePreferences(
      tdb.db,
      owner,
      { ...page.values, whatsappEnabled: false },
      new Date(),
      page.whatsappShown,
    );
    expect(result).toEqual({ saved: true });
    const [saved] = await tdb.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, user.id));
    expect(saved).toMatchObject({ whatsappEnabled: false, whatsappOptOutReason: 'preferences_page' });
    expect(saved!.whatsappOptOutAt).toBeInstanceOf(Date);
    expect(await preferences(user)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'preferences_page',
    });

    const row = await lendAndSettle(departmentId, profile, user);
    expect(row).toMatchObject({ status: 'sent', recipientAddress: phone, skipReason: null });
    expect(twilio.messages.filter((m) => m.params.To === `whatsapp:${phone}`)).toHaveLength(1);
  });

  it('turned off at the desk after a STOP it had undone, it stays off after a START', async () => {
    const { departmentId, phone } = await scene();
    const profile = await client(departmentId, phone);
    await inbound(phone, 'STOP');
    expect(await preferences(profile)).toMatchObject({
      whatsappEnabled: false,
      whatsappOptOutReason: 'inbound_stop',
    });
    await deskSets(profile, true);
    expect(await preferences(profile)).toMatchObject({ whatsappOptOutReason: null });
    await deskSets(profile, false);
    const before = Date.now();
    await inbound(phone, 'START');
    const after = await preferences(profile);
    expect(after).toMatchObject({
      whatsappEnabled: false,
      whatsappConsentSource: 'desk',
      whatsappOptOutReason: 'desk',
    });
    expect(Date.parse(after.whatsappOptOutAt)).toBeLessThanOrEqual(before);
  });

  it('a STOP holds for every profile with the number, even one the desk turns on again, until a START', async () => {
    const { departmentId, phone } = await scene();
    const user = await staff(departmentId, phone);
    const profile = await client(departmentId, phone);
    await inbound(phone, 'ARRÊT');
    expect(await preferences(user)).toMatchObject({ whatsappEnabled: false });
    expect(await preferences(profile)).toMatchObject({ whatsappEnabled: false });

    // The desk turns the client profile on again: the number has said STOP, nothing goes to it.
    await deskSets(profile, true);
    const stopped = await lendAndSettle(departmentId, profile, user);
    expect(stopped).toMatchObject({ status: 'skipped', skipReason: 'opted_out' });

    // START: WhatsApp on again for the profile the STOP turned off, and messages go out.
    await inbound(phone, 'START');
    expect(await preferences(user)).toMatchObject({
      whatsappEnabled: true,
      whatsappOptOutAt: null,
      whatsappConsentSource: 'inbound_start',
    });
    expect(await preferences(profile)).toMatchObject({
      whatsappEnabled: true,
      whatsappConsentSource: 'desk',
    });
    const sent = await lendAndSettle(departmentId, profile, user);
    expect(sent).toMatchObject({ status: 'sent', recipientAddress: phone });
    expect(twilio.messages.filter((m) => m.params.To === `whatsapp:${phone}`)).toHaveLength(1);
  });

  it('a START turns on again what the STOP turned off, not what the desk had turned off before it', async () => {
    const { departmentId, phone } = await scene();
    const user = await staff(departmentId, phone);
    const profile = await client(departmentId, phone);
    await deskSets(profile, false);
    await inbound(phone, 'STOP');
    await inbound(phone, 'Démarrer');
    expect(await preferences(user)).toMatchObject({
      whatsappEnabled: true,
      whatsappConsentSource: 'inbound_start',
    });
    expect(await preferences(profile)).toMatchObject({
      whatsappEnabled: false,
      whatsappConsentSource: 'desk',
    });
  });
});
