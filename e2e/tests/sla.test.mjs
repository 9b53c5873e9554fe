// Service levels in the workspace, in a real browser, on the real clock:
// - the inbox counts down to each conversation's next deadline, in the
//   agent's language with the right plural forms;
// - "Breaching soon" lists them soonest first;
// - a warning reaches the agent live (an alert, and the row turns), then
//   the breach turns the row again;
// - the conversation page explains which policy applies and why, with
//   each target's due time in the agent's time zone;
// - the pages pass axe (WCAG 2.1 A/AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin;

async function policy(body) {
  const r = await tend.api(admin.token, 'POST', '/sla-policies', body);
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

async function arrive(subject, email, tags = []) {
  const r = await tend.api(admin.token, 'POST', '/conversations', {
    subject, customer: { email }, tags, message: { text: 'Sveiki! Kur ir mans pasūtījums?' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  tend = await startTend();
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  // VIP: one minute to answer, warned at once (1 %).
  await policy({ name: 'VIP', position: 1, business_hours: false, match: { tags: ['vip'] },
    targets: { first_response: 1 }, warn_percent: 1 });
  await policy({ name: 'Everyone', position: 2, business_hours: false,
    targets: { first_response: 240, resolution: 2880 } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('the inbox counts down, warns live, then shows the breach', async () => {
  const calm = await arrive('Rēķins par novembri', 'ilze@example.lv');
  assert.equal(calm.sla.first_response_due !== null, true, JSON.stringify(calm));
  const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Riga', bypassCSP: true });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(`${tend.url}/?view=breaching_soon`);
  await waitFor(async () => (await page.evaluate(() => document.documentElement.dataset.live)) === 'open', 15000, 'live updates');
  const calmRow = page.locator(`tr[data-id="${calm.id}"] .sla`);
  assert.equal(await calmRow.getAttribute('class'), 'sla sla-ok');
  // Four hours, worded with the plural: "first response due in 3 hours" (or 4).
  assert.match(await calmRow.textContent(), /^first response due in [34] hours$/);

  // A VIP arrives while the agent watches: the warning comes at once.
  const vip = await arrive('Steidzami: pasūtījums', 'janis@example.lv', ['vip']);
  const alert = page.locator(`#alerts .sla-alert[data-conversation="${vip.id}"]`);
  await alert.waitFor({ timeout: 20000 });
  assert.match(await alert.textContent(), new RegExp(`#${vip.id} Steidzami: pasūtījums: the first response deadline is close`));
  const vipRow = page.locator(`tr[data-id="${vip.id}"] .sla`);
  await waitFor(async () => (await vipRow.count()) === 1 && (await vipRow.getAttribute('class')) === 'sla sla-warning', 20000, 'the row to warn');
  // Soonest first.
  const order = await page.locator('#rows tr.row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  assert.deepEqual(order.slice(0, 2), [vip.id, calm.id]);
  assert.match(await vipRow.textContent(), /^first response due in (1 minute|less than a minute)$/);
  await page.screenshot({ path: artifact('sla-warning.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), []);

  // A minute later the deadline passes: the timer fires the breach, the
  // live stream tells the page, the row turns.
  const breachAlert = page.locator(`#alerts .sla-alert.sla-breached[data-conversation="${vip.id}"]`);
  await breachAlert.waitFor({ timeout: 90000 });
  await waitFor(async () => (await vipRow.getAttribute('class')) === 'sla sla-breached', 40000, 'the row to show the breach');
  assert.match(await vipRow.textContent(), /^first response overdue by (less than a minute|\d+ minutes?)$/);
  const events = (await tend.api(admin.token, 'GET', `/conversations/${vip.id}/events`)).json.items.map((e) => e.kind);
  assert.equal(events.filter((k) => k === 'sla_warning').length, 1, events.join());
  assert.equal(events.filter((k) => k === 'sla_breached').length, 1, events.join());
  await page.screenshot({ path: artifact('sla-breached.png'), fullPage: true });
  assertClean(assert, page);
  await ctx.close();
});

test('the conversation page explains the policy, in the agent\'s language and time zone', async () => {
  const c = await arrive('注文について', 'kenji@example.jp');
  const ctx = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', bypassCSP: true });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(`${tend.url}/c/${c.id}`);
  const panel = page.locator('.sla-panel');
  await panel.waitFor();
  assert.match(await panel.locator('h2').textContent(), /サービスレベル/);
  assert.equal((await panel.locator('.sla-policy').textContent()).trim(), 'Everyone');
  assert.match(await panel.locator('.sla-why').textContent(), /すべての会話に適用/);
  const dues = await panel.locator('.sla-due').allTextContents();
  assert.equal(dues.length, 2, dues.join());
  // Pausing shows the paused state on the page.
  const p = await tend.api(admin.token, 'PATCH', `/conversations/${c.id}`, { status: 'pending' });
  assert.equal(p.status, 200, p.text);
  await page.reload();
  assert.equal(await panel.locator('.clock-paused').count(), 2);
  assert.equal(await panel.locator('.sla-due').count(), 0);
  // The inbox words the countdown in Japanese.
  await tend.api(admin.token, 'PATCH', `/conversations/${c.id}`, { status: 'open' });
  await page.goto(`${tend.url}/?view=breaching_soon`);
  assert.match(await page.locator(`tr[data-id="${c.id}"] .sla`).textContent(), /^初回応答の期限まで[34]時間$/);
  await page.screenshot({ path: artifact('sla-page-ja.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), []);
  assertClean(assert, page);
  await ctx.close();
});
