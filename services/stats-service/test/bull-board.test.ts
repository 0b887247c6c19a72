import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORD, Session, startHarness } from './harness';

let h: Harness;
let admin: Session;
beforeAll(async () => {
  h = await startHarness('bull-board');
  admin = new Session(h.app);
  await admin.signIn(h.users.superAdmin.email);
});
afterAll(async () => {
  await h?.close();
});

/** The config the board's page hands its script. */
const uiConfig = (body: string) =>
  JSON.parse(/<script id="__UI_CONFIG__" type="application\/json">(.*?)<\/script>/s.exec(body)![1]!);

describe('Bull Board language', () => {
  it('is French by default, whatever the browser says', async () => {
    const res = await admin.request('GET', '/queues', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(res.statusCode).toBe(200);
    expect(uiConfig(res.body)).toMatchObject({ boardTitle: 'Rappel', locale: { lng: 'fr-FR' } });
    expect(res.body).toContain('<html lang="fr"');
    const messages = await admin.request('GET', '/queues/static/locales/fr-FR/messages.json');
    expect(messages.statusCode).toBe(200);
  });

  it("follows the person's Rappel language, on every page of the board", async () => {
    await admin.request('GET', '/preferences?lang=en');
    for (const url of ['/queues', `/queues/queue/${h.queues.email.name}`]) {
      const res = await admin.request('GET', url);
      expect(res.statusCode).toBe(200);
      expect(uiConfig(res.body).locale).toEqual({ lng: 'en-GB' });
      expect(res.body).toContain('<html lang="en"');
    }
    const french = await admin.request('GET', '/queues?lang=fr');
    expect(uiConfig(french.body).locale).toEqual({ lng: 'fr-FR' });
    // The board's JSON API is not touched.
    const api = await admin.request('GET', '/queues/api/queues');
    expect(api.headers['content-type']).toContain('application/json');
  });
});

describe('Bull Board in a browser', () => {
  it('reads French to a browser set to English, and English after ?lang=en', async () => {
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ locale: 'en-US' });
      page.setDefaultTimeout(8_000);
      await page.goto(`${base}/sign-in?next=%2Fqueues`);
      await page.fill('input[name=email]', h.users.superAdmin.email);
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/queues`), page.click('button:has-text("Se connecter")')]);
      // QUEUE.STATUS.FAILED in @bull-board/ui's fr-FR and en-GB messages.
      await page
        .getByText(/^échouées$/i)
        .first()
        .waitFor();
      await page.goto(`${base}/queues?lang=en`);
      await page
        .getByText(/^failed$/i)
        .first()
        .waitFor();
    } finally {
      await browser.close();
    }
  });
});
