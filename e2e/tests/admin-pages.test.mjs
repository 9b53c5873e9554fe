// The customer, search and admin pages: axe-core (WCAG 2.1 A and AA) finds
// nothing at desktop width and at a phone's 390 px, nothing needs sideways
// scrolling on a phone except a table's own scroller, and the admin forms
// work with the keyboard alone (invite → one-time link shown).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, signIn, artifact, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin, customerId;

before(async () => {
  tend = await startTend();
  admin = tend.user('pages@example.com', 'Pāvels Pages', 'admin');
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Rēķins nav pienācis — 請求書',
    customer: { email: 'ilze@example.lv', name: 'Ilze Bērziņa' },
    message: { text: 'Sveiki! Mans rēķins nav pienācis. <script>alert(1)</script>' },
  });
  customerId = c.json.customer.id;
  await tend.api(admin.token, 'PATCH', `/customers/${customerId}`, {
    timezone: 'Europe/Riga', language: 'lv', organization: 'SIA Piemērs', notes: 'Prefers email.',
  });
  tend.user('agent@example.com', 'Aiko Agent', 'agent');
  await tend.api(admin.token, 'POST', '/teams', { name: 'Riga' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

async function audit(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: accessibility violations`);
}

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`customer, search and admin pages pass axe at ${label} width`, async () => {
    const ctx = await browser.newContext({ viewport, bypassCSP: true, locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page, tend.url, admin.email, admin.password);
    const pages = [
      ['customers', '/customers'],
      ['customer', `/customers/${customerId}`],
      ['search', '/search?q=rekins'],
      ['admin', '/admin'],
      ['admin-users', '/admin/users'],
      ['admin-teams', '/admin/teams'],
      ['admin-inboxes', '/admin/inboxes'],
      ['admin-tokens', '/admin/tokens'],
      ['admin-automations', '/admin/automations'],
      ['admin-automation-new', '/admin/automations/new'],
    ];
    for (const [name, path] of pages) {
      const resp = await page.goto(tend.url + path);
      assert.equal(resp.status(), 200, `${name}: status`);
      await audit(page, `${name} (${label})`);
      if (label === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name} scrolls sideways on a phone by ${overflow}px`);
        await page.screenshot({ path: artifact(`${name}-phone.png`), fullPage: true });
      }
    }
    await ctx.close();
  });
}

test('an admin invites someone with the keyboard alone', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', bypassCSP: true });
  const page = await ctx.newPage();
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(tend.url + '/admin/users');
  await page.focus('#inv-name');
  await page.keyboard.type('Sora Tanaka');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'inv-email');
  await page.keyboard.type('sora@example.jp');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'inv-role');
  await page.keyboard.press('Tab');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const link = await page.inputValue('#secret');
  assert.match(link, /\/invite\/[A-Za-z0-9_-]+$/);
  await audit(page, 'invite link');
  // The invitee opens the link in another browser and chooses a password.
  const other = await browser.newContext({ locale: 'ja-JP' });
  const p2 = await other.newPage();
  await p2.goto(link);
  assert.equal(await p2.getAttribute('html', 'lang'), 'ja');
  await other.close();
  await ctx.close();
});
