import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('desk resources', () => {
  it('creates a department, staff, a client, a room and items, with 409 on duplicates', async () => {
    const dep = await h.api('POST', '/v1/departments', {
      name: 'Réception',
      deskLocation: 'Rez-de-chaussée',
    });
    expect(dep.statusCode).toBe(201);
    const departmentId = dep.json().id;
    expect((await h.api('POST', '/v1/departments', { name: 'Réception' })).json().code).toBe('NAME_TAKEN');

    const user = await h.api('POST', '/v1/users', {
      departmentId,
      email: 'awa@hotel.test',
      fullName: 'Awa Ndong',
      role: 'dept_manager',
      phone: '06 12 34 56',
    });
    expect(user.statusCode).toBe(201);
    expect(user.json()).toMatchObject({ phone: '+24106123456', language: 'fr', preferences: null });
    const dup = await h.api('POST', '/v1/users', {
      departmentId,
      email: 'AWA@hotel.test',
      fullName: 'X',
      role: 'dept_user',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'EMAIL_TAKEN', field: 'email' });
    const admin = await h.api('POST', '/v1/users', {
      email: 'root@hotel.test',
      fullName: 'Root',
      role: 'super_admin',
    });
    expect(admin.json().departmentId).toBeNull();

    const client = await h.api('POST', '/v1/clients', {
      departmentId,
      kind: 'external',
      fullName: 'Claire Martin',
      email: 'claire@example.test',
      phone: '+33 6 12 34 56 78',
      language: 'en',
      roomNumber: '214',
      stayStart: '2026-12-01',
      stayEnd: '2026-12-06',
    });
    expect(client.statusCode).toBe(201);
    expect(client.json()).toMatchObject({ phone: '+33612345678', language: 'en', stayEnd: '2026-12-06' });
    const stay = await h.api('POST', '/v1/clients', {
      departmentId,
      kind: 'guest',
      fullName: 'X',
      stayStart: '2026-12-06',
      stayEnd: '2026-12-01',
    });
    expect(stay.json().field).toBe('stayEnd');
    const patched = await h.api('PATCH', `/v1/clients/${client.json().id}`, { roomNumber: '301' });
    expect(patched.json()).toMatchObject({ roomNumber: '301', phone: '+33612345678' });

    const room = await h.api('POST', '/v1/rooms', { departmentId, name: 'Salle Okoumé' });
    expect(room.statusCode).toBe(201);
    expect((await h.api('POST', '/v1/rooms', { departmentId, name: 'Salle Okoumé' })).statusCode).toBe(409);

    const item = await h.api('POST', '/v1/items', {
      departmentId,
      name: 'Projecteur',
      inventoryNumber: 'INV-1',
      assetId: 'A-1',
    });
    expect(item.statusCode).toBe(201);
    const sameInventory = await h.api('POST', '/v1/items', {
      departmentId,
      name: 'P',
      inventoryNumber: 'INV-1',
    });
    expect(sameInventory.json()).toMatchObject({ code: 'INVENTORY_NUMBER_TAKEN', field: 'inventoryNumber' });
    const sameAsset = await h.api('POST', '/v1/items', {
      departmentId,
      name: 'P',
      inventoryNumber: 'INV-2',
      assetId: 'A-1',
    });
    expect(sameAsset.json()).toMatchObject({ code: 'ASSET_ID_TAKEN', field: 'assetId' });
    const other = (await h.api('POST', '/v1/departments', { name: 'Spa' })).json().id;
    const elsewhere = await h.api('POST', '/v1/items', {
      departmentId: other,
      name: 'P',
      inventoryNumber: 'INV-3',
      assetId: 'A-1',
    });
    expect(elsewhere.statusCode).toBe(201);
    const inactive = await h.api('PATCH', `/v1/items/${elsewhere.json().id}`, { active: false });
    expect(inactive.json().active).toBe(false);

    const global = await h.api('POST', '/v1/items', { name: 'P', inventoryNumber: 'INV-4' });
    expect(global.json().field).toBe('departmentId');
    const missing = await h.api('POST', '/v1/rooms', {
      departmentId: '00000000-0000-4000-8000-000000000000',
      name: 'X',
    });
    expect(missing.json().code).toBe('DEPARTMENT_NOT_FOUND');

    const loan = await h.api('POST', '/v1/loans', {
      itemId: item.json().id,
      roomId: room.json().id,
      responsibleUserId: user.json().id,
      dueAt: '2026-12-02T18:00:00+01:00',
    });
    expect(loan.statusCode).toBe(201);
  });
});

describe('preferences', () => {
  it('reads defaults, and WhatsApp on needs a valid mobile number (given or the phone)', async () => {
    const s = await h.fx.scene();
    const url = `/v1/clients/${s.client.id}/preferences`;
    const initial = await h.api('GET', url);
    expect(initial.json()).toMatchObject({ emailEnabled: true, whatsappEnabled: false, saved: false });

    const landline = await h.api('PUT', url, { whatsappEnabled: true, whatsappNumber: '+241 01 72 00 00' });
    expect(landline.statusCode).toBe(400);
    expect(landline.json().field).toBe('whatsappNumber');

    const on = await h.api('PUT', url, { whatsappEnabled: true, whatsappConsentSource: 'desk' });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({
      whatsappEnabled: true,
      whatsappNumber: s.client.phone,
      whatsappConsentSource: 'desk',
      whatsappConsentAt: '2026-12-01T08:00:00.000Z',
      saved: true,
    });
    const off = await h.api('PUT', url, { reminderD2: false, emailEnabled: false });
    expect(off.json()).toMatchObject({ reminderD2: false, emailEnabled: false, whatsappEnabled: true });
    expect((await h.api('GET', url)).json()).toEqual(off.json());

    const noPhone = await h.fx.client(s.department.id, { phone: null });
    const refused = await h.api('PUT', `/v1/clients/${noPhone.id}/preferences`, { whatsappEnabled: true });
    expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'whatsappNumber' });
    const given = await h.api('PUT', `/v1/clients/${noPhone.id}/preferences`, {
      whatsappEnabled: true,
      whatsappNumber: '077 12 34 56',
    });
    expect(given.json()).toMatchObject({ whatsappNumber: '+24177123456', whatsappConsentSource: 'api' });

    const user = await h.api('PUT', `/v1/users/${s.staff.id}/preferences`, { reminder2h: false });
    expect(user.json()).toMatchObject({ reminder2h: false, saved: true });
  });

  it('a client or user can be created with preferences; a bad nested number names the nested field', async () => {
    const s = await h.fx.scene();
    const bad = await h.api('POST', '/v1/clients', {
      departmentId: s.department.id,
      kind: 'guest',
      fullName: 'Paul',
      preferences: { whatsappEnabled: true },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('preferences.whatsappNumber');
    const clients = await h.api('GET', `/v1/clients?departmentId=${s.department.id}`);
    expect(clients.json().items).toHaveLength(1);

    const ok = await h.api('POST', '/v1/clients', {
      departmentId: s.department.id,
      kind: 'guest',
      fullName: 'Paul',
      phone: '+24106999999',
      preferences: { whatsappEnabled: true, emailEnabled: false },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().preferences).toMatchObject({
      whatsappEnabled: true,
      whatsappNumber: '+24106999999',
      emailEnabled: false,
    });
    const loan = await h.api('POST', '/v1/loans', {
      itemId: s.item.id,
      clientId: ok.json().id,
      responsibleUserId: s.staff.id,
      dueDate: '2026-12-03',
    });
    expect(loan.json().notifications.map((n: { channel: string }) => n.channel)).toEqual(['whatsapp']);
  });
});

describe('OpenAPI', () => {
  it('documents every /v1 route with its schemas at /docs/json', async () => {
    const res = await h.api('GET', '/docs/json', undefined, { key: null });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/v1/departments',
      '/v1/users',
      '/v1/clients',
      '/v1/clients/{id}/preferences',
      '/v1/users/{id}/preferences',
      '/v1/rooms',
      '/v1/items',
      '/v1/loans',
      '/v1/loans/{id}',
      '/v1/loans/{id}/return',
      '/v1/loans/{id}/due-date',
      '/v1/loans/{id}/cancel',
      '/v1/loans/{id}/remind',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(paths).not.toContain('/livez');
    expect(
      doc.paths['/v1/loans'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('dueDate');
    expect(doc.components.securitySchemes.apiKey.scheme).toBe('bearer');
    expect((await h.api('GET', '/docs', undefined, { key: null })).statusCode).toBeLessThan(400);
  });
});
