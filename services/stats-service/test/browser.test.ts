import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { notificationPreferences } from '@rappel/db';
import { decideChannels, linkToken } from '@rappel/domain';
import { eq } from 'drizzle-orm';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPreferences } from '../src/preferences/store';
import { type Harness, LINK_SECRET, logRow, PASSWORD, startHarness } from './harness';

/** Real headless Chromium against the app listening on a loopback port. */
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
let h: Harness;
let browser: Browser;
let base: string;
let failedId: string;

beforeAll(async () => {
  h = await startHarness('browser');
  const day = 86_400_000;
  const now = Date.now();
  for (let i = 0; i < 14; i++) {
    const createdAt = new Date(now - (i % 7) * day - 3_600_000);
    const status = (['delivered', 'sent', 'read', 'delivered', 'skipped', 'pending', 'sent'] as const)[
      i % 7
    ]!;
    await logRow(h, {
      departmentId: h.deptA.id,
      status,
      channel: i % 3 === 0 ? 'whatsapp' : 'email',
      kind: (['loan_created', 'reminder_d1', 'reminder_2h', 'overdue'] as const)[i % 4],
      createdAt,
      sentAt:
        status === 'pending' || status === 'skipped'
          ? null
          : new Date(createdAt.getTime() + 4_000 + i * 1_000),
      deliveredAt:
        status === 'delivered' || status === 'read' ? new Date(createdAt.getTime() + 30_000) : null,
    });
  }
  failedId = (
    await logRow(h, {
      departmentId: h.deptA.id,
      status: 'permanent_failure',
      errorCode: '550',
      createdAt: new Date(now - 2 * 3_600_000),
    })
  ).id;
  await logRow(h, {
    departmentId: h.deptA.id,
    status: 'permanent_failure',
    channel: 'whatsapp',
    errorCode: '63016',
  });
  for (let i = 0; i < 5; i++)
    await logRow(h, { departmentId: h.deptB.id, status: 'sent', sentAt: new Date() });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Content-Security-Policy violations the browser reported, per page. */
const cspViolations = new WeakMap<Page, string[]>();

async function signIn(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const violations: string[] = [];
  cspViolations.set(page, violations);
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  await page.goto(`${base}/`);
  expect(page.url()).toContain('/sign-in');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(/\/(\?.*)?$/), page.click('form.stack button')]);
  return page;
}

const kpi = (page: Page, name: string) => page.locator(`[data-kpi="${name}"] .value`).textContent();
const count = async (query: string, ...params: string[]) =>
  Number((await h.database.sql.unsafe(query, params))[0]!.n);

describe('in a browser', { timeout: 30_000 }, () => {
  it("a manager's dashboard shows their department's figures from the database", async () => {
    const page = await signIn(h.users.managerA.email);
    const total = await count('select count(*) n from notification_log where department_id = $1', h.deptA.id);
    const failures = await count(
      `select count(*) n from notification_log where department_id = $1 and status in ('permanent_failure','undelivered')`,
      h.deptA.id,
    );
    const succeeded = await count(
      `select count(*) n from notification_log where department_id = $1 and status in ('sent','delivered','read')`,
      h.deptA.id,
    );
    const whatsapp = await count(
      `select count(*) n from notification_log where department_id = $1 and channel = 'whatsapp'`,
      h.deptA.id,
    );
    expect(await kpi(page, 'total')).toBe(String(total));
    expect(await kpi(page, 'failures')).toBe(String(failures));
    expect(await kpi(page, 'whatsapp')).toBe(String(whatsapp));
    const rate = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 }).format(
      succeeded / (succeeded + failures),
    );
    expect(await kpi(page, 'success-rate')).toBe(rate);
    const chartTotal = await page
      .locator('svg.chart g[data-day]')
      .evaluateAll((gs) => gs.reduce((sum, g) => sum + Number(g.getAttribute('data-total')), 0));
    expect(chartTotal).toBe(total);
    // Days as French readers write them: the range under the total, the chart's axis.
    expect(await page.locator('[data-kpi="total"]').textContent()).toMatch(
      /\d\d\/\d\d\/\d{4} → \d\d\/\d\d\/\d{4}/,
    );
    const axis = await page.locator('svg.chart > text').allTextContents();
    expect(axis.filter((label) => label.includes('/')).length).toBeGreaterThan(0);
    for (const label of axis) expect(label).toMatch(/^(\d+|\d\d\/\d\d)$/);
    expect(await page.locator('table[data-testid=history] tbody tr').count()).toBe(Math.min(50, total));
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-manager.png`, fullPage: true });
    expect(cspViolations.get(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-phone.png`, fullPage: true });
    await page.close();
  });

  it('a manager filters the history and replays a failed message, which is queued', async () => {
    const page = await signIn(h.users.managerA.email);
    await page.goto(`${base}/notifications`);
    await page.getByRole('group', { name: 'Statut' }).getByLabel('Échec définitif').check();
    await Promise.all([page.waitForURL(/status=permanent_failure/), page.click('form.filters button')]);
    const statuses = await page
      .locator('table[data-testid=history] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses).toEqual(['permanent_failure', 'permanent_failure']);
    await page.screenshot({ path: `${SCREENSHOTS}history-filtered.png`, fullPage: true });
    await page.click(`tr[data-id="${failedId}"] a`);
    await page.waitForURL(`${base}/notifications/${failedId}`);
    expect(await page.locator('[data-testid=status]').textContent()).toBe('Échec définitif');
    await Promise.all([page.waitForURL(/replayed=1/), page.click('button[data-action=replay]')]);
    expect(await page.locator('[data-testid=status]').textContent()).toBe('En attente');
    expect(await page.locator('tr[data-event=replayed]').count()).toBe(1);
    const replayed = ((await page.locator('tr[data-event=replayed]').textContent()) ?? '').replace(
      /\s+/g,
      ' ',
    );
    expect(replayed).toContain('Renvoi demandé');
    expect(replayed).toContain('rôle : responsable de département, statut précédent : Échec définitif');
    await page.screenshot({ path: `${SCREENSHOTS}detail-after-replay.png`, fullPage: true });
    const job = await h.queues.email.getJob(failedId);
    expect(job?.data).toEqual({ notificationId: failedId });
    expect(['waiting', 'prioritized']).toContain(await job!.getState());
    await page.close();
  });

  it("the dashboard's failures card opens the history on both failure statuses, and they stay through Filtrer", async () => {
    for (const channel of ['whatsapp', 'email'] as const)
      await logRow(h, { departmentId: h.deptA.id, status: 'undelivered', channel, errorCode: '30003' });
    const page = await signIn(h.users.managerA.email);
    await Promise.all([page.waitForURL(/\/notifications\?/), page.click('[data-kpi=failures]')]);
    const checkedStatuses = () =>
      page
        .locator('fieldset.statuses input[name=status]:checked')
        .evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')));
    expect(await checkedStatuses()).toEqual(['permanent_failure', 'undelivered']);
    expect(await page.locator('fieldset.statuses legend').textContent()).toBe('Statut');
    expect(
      await page.getByRole('group', { name: 'Statut' }).getByLabel('Non remis', { exact: true }).isChecked(),
    ).toBe(true);
    await page.getByRole('group', { name: 'Canal' }).getByLabel('WhatsApp').check();
    await Promise.all([page.waitForURL(/channel=whatsapp/), page.click('form.filters button')]);
    expect(await checkedStatuses()).toEqual(['permanent_failure', 'undelivered']);
    const shown = await page
      .locator('table[data-testid=history] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')).sort());
    const expected = (
      await h.database.sql<{ id: string }[]>`
        select id from notification_log where department_id = ${h.deptA.id} and channel = 'whatsapp'
          and status in ('permanent_failure', 'undelivered') order by id`
    ).map((r) => r.id);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(shown).toEqual(expected);
    await page.screenshot({ path: `${SCREENSHOTS}history-failures-whatsapp.png`, fullPage: true });
    expect(cspViolations.get(page)).toEqual([]);
    await page.close();
  });

  it('a manager ticks two kinds: the history, its CSV link and Filtrer keep both', async () => {
    const page = await signIn(h.users.managerA.email);
    await page.goto(`${base}/notifications`);
    const kinds = page.getByRole('group', { name: 'Type' });
    await kinds.getByLabel('Rappel J-1').check();
    await kinds.getByLabel('Retard', { exact: true }).check();
    await Promise.all([page.waitForURL(/kind=reminder_d1&kind=overdue/), page.click('form.filters button')]);
    const checkedKinds = () =>
      page
        .locator('fieldset.kinds input[name=kind]:checked')
        .evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')));
    expect(await checkedKinds()).toEqual(['reminder_d1', 'overdue']);
    const expected = (
      await h.database.sql<{ id: string }[]>`
        select id from notification_log where department_id = ${h.deptA.id}
          and kind in ('reminder_d1', 'overdue') order by id`
    ).map((r) => r.id);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const shown = () =>
      page
        .locator('table[data-testid=history] tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')).sort());
    expect(await shown()).toEqual(expected);

    // The CSV link exports what the page shows.
    const csvHref = await page.locator('a[href^="/v1/notifications.csv"]').getAttribute('href');
    const csv = await page.request.get(`${base}${csvHref}`);
    expect(csv.status()).toBe(200);
    const csvIds = (await csv.text())
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[0])
      .sort();
    expect(csvIds).toEqual(expected);

    // Filtrer again sends both kinds again.
    await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.url().includes('/notifications?')),
      page.click('form.filters button'),
    ]);
    await page.waitForLoadState('load');
    expect(await checkedKinds()).toEqual(['reminder_d1', 'overdue']);
    expect(await shown()).toEqual(expected);
    await page.screenshot({ path: `${SCREENSHOTS}history-two-kinds.png`, fullPage: true });
    expect(cspViolations.get(page)).toEqual([]);
    await page.close();
  });

  it('a super admin sees every department, switches to English and opens Bull Board', async () => {
    const page = await signIn(h.users.superAdmin.email);
    const total = await count('select count(*) n from notification_log');
    expect(await kpi(page, 'total')).toBe(String(total));
    expect(await page.locator('select[name=department] option').count()).toBeGreaterThanOrEqual(3);
    await page.click('a[hreflang=en]');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard');
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-super-admin-en.png`, fullPage: true });
    const board = await page.goto(`${base}/queues`);
    expect(board?.status()).toBe(200);
    await page.close();
    const docs = await browser.newPage();
    await docs.goto(`${base}/docs/`, { waitUntil: 'domcontentloaded', timeout: 10_000 });
    const title = docs.locator('.info .title');
    await title.waitFor({ timeout: 10_000 });
    expect(await title.textContent()).toContain('Rappel stats-service');
    await docs.close();
  });

  it('a user changes their preferences, and the next reminder honours them', async () => {
    const page = await signIn(h.users.managerA.email, { width: 390, height: 844 });
    await page.goto(`${base}/preferences`);
    await page.check('input[name=whatsappEnabled]');
    await page.fill('input[name=whatsappNumber]', '06 12 34 56');
    await page.uncheck('input[name=reminderD1]');
    await Promise.all([page.waitForURL(/saved=1/), page.click('form[data-testid=preferences] button')]);
    expect(await page.locator('.notice').textContent()).toBe('Préférences enregistrées.');
    await page.screenshot({ path: `${SCREENSHOTS}preferences-phone.png`, fullPage: true });
    const prefs = await loadPreferences(h.database.db, { type: 'user', id: h.users.managerA.id });
    expect(prefs).toMatchObject({ whatsappEnabled: true, whatsappNumber: '+24106123456', reminderD1: false });
    const contact = { email: h.users.managerA.email, phone: null };
    expect(decideChannels('reminder_d1', prefs, contact).every((d) => !d.send)).toBe(true);
    expect(decideChannels('reminder_d2', prefs, contact).map((d) => d.send)).toEqual([true, true]);
    await page.close();
  });

  it('a client opens the signed link, changes preferences, then unsubscribes in one click', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const prefs = linkToken({ type: 'client', id: h.clientA.id }, 'prefs', LINK_SECRET, new Date(), 30);
    await page.goto(`${base}/p/${prefs}`);
    expect(await page.locator('h1').textContent()).toContain(h.clientA.fullName);
    await page.uncheck('input[name=reminder2h]');
    await Promise.all([page.waitForURL(/saved=1/), page.click('form[data-testid=preferences] button')]);
    await page.screenshot({ path: `${SCREENSHOTS}preferences-client-link.png`, fullPage: true });
    const unsubscribe = linkToken(
      { type: 'client', id: h.clientA.id },
      'unsubscribe',
      LINK_SECRET,
      new Date(),
      30,
    );
    await page.goto(`${base}/u/${unsubscribe}`);
    await Promise.all([page.waitForLoadState(), page.click('button.danger')]);
    await expect.poll(() => page.locator('.notice').textContent()).toContain('ne recevrez plus');
    const [row] = await h.database.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.clientId, h.clientA.id));
    expect(row).toMatchObject({ emailEnabled: false, reminder2h: false });
    await page.close();
  });
});
