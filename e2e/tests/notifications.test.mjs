// Notifications and snooze in a real browser (issue 25): an agent's
// `@name` in a note reaches another agent signed in in a second browser
// context, live, in the header's bell and the notification list; a snoozed
// conversation shows when it comes back, is open again for its owner, and
// the owner is notified.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor } from '../lib/tend.mjs';

let tend, browser, admin, ana, bob, inboxId, convId;

before(async () => {
  tend = await startTend();
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  ana = tend.user('ana@example.cat', 'Ana Puig', 'agent');
  bob = tend.user('kenji@example.jp', '田中 健二', 'agent');
  inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Support']);
  for (const u of [ana, bob]) tend.cli(['admin', 'add-member', '--team', team, '--email', u.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inboxId)]);
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'La factura no quadra', inbox_id: inboxId,
    customer: { email: 'nuria@example.cat' }, message: { text: 'El total de la factura és incorrecte.' },
  });
  assert.equal(c.status, 201, c.text);
  convId = c.json.id;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('a mention in a note notifies another agent in their own browser, live', async () => {
  const anaCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const bobCtx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const anaPage = await guardedPage(anaCtx, tend.url);
  const bobPage = await guardedPage(bobCtx, tend.url);
  await signIn(anaPage, tend.url, ana.email, ana.password);
  await signIn(bobPage, tend.url, bob.email, bob.password);

  // Bob waits on his inbox, connected to the live stream, with no
  // notifications yet.
  await bobPage.goto(`${tend.url}/`);
  await bobPage.waitForFunction(() => document.documentElement.dataset.live === 'open');
  assert.equal(await bobPage.locator('#bell-count').isHidden(), true);

  // Ana mentions him in a note, by the family name, without a space
  // before the honorific.
  await anaPage.goto(`${tend.url}/c/${convId}`);
  await anaPage.getByLabel('Internal note').check();
  await anaPage.locator('#text').fill('@田中さん 請求書を確認してもらえますか?');
  await Promise.all([
    anaPage.waitForURL(`**/c/${convId}**`),
    anaPage.getByRole('button', { name: 'Send', exact: true }).click(),
  ]);
  await anaPage.locator('li.msg.note', { hasText: '請求書' }).waitFor();

  // Bob's bell counts it without a reload.
  await bobPage.locator('#bell-count', { hasText: '1' }).waitFor({ timeout: 15000 });
  await bobPage.screenshot({ path: artifact('notification-bell.png') });

  // The list says who and where, in his language; opening it reads it.
  await bobPage.click('#bell');
  await bobPage.waitForURL('**/notifications');
  const item = bobPage.locator('#notification-list li.unread');
  assert.equal(await item.count(), 1);
  const text = await item.innerText();
  assert.match(text, /Ana Puig/);
  assert.match(text, new RegExp(`#${convId}`));
  assert.match(text, /請求書を確認/);
  await Promise.all([bobPage.waitForURL(`**/c/${convId}`), item.locator('a').first().click()]);
  assert.equal(await bobPage.locator('#bell-count').isHidden(), true);
  await bobPage.goto(`${tend.url}/notifications`);
  assert.equal(await bobPage.locator('#notification-list li.unread').count(), 0);

  // Ana, who wrote it, was not notified.
  const mine = await tend.api(ana.token, 'GET', '/notifications');
  assert.equal(mine.json.items.length, 0);

  assertClean(assert, anaPage);
  assertClean(assert, bobPage);
  await anaCtx.close();
  await bobCtx.close();
});


test('the bell is live on every page: a mention reaches an agent on the customers page', async () => {
  const ctx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, bob.email, bob.password);
  for (const path of ['/customers', '/notifications/preferences']) {
    await page.goto(`${tend.url}${path}`);
    // The page has no live list of its own; the header's bell listens.
    await page.waitForFunction(() => document.documentElement.dataset.live === 'open');
    const now = Number(await page.locator('#bell').getAttribute('data-unread'));
    await page.evaluate(() => { window.stayed = true; });
    const r = await tend.api(ana.token, 'POST', `/conversations/${convId}/messages`, {
      text: `@田中さん ${path} を見てください`, internal: true,
    });
    assert.equal(r.status, 201, r.text);
    await page.locator('#bell-count', { hasText: String(now + 1) }).waitFor({ timeout: 15000 });
    assert.equal(await page.evaluate(() => window.stayed), true, 'without a reload');
    assert.equal(new URL(page.url()).pathname, path);
  }
  assertClean(assert, page);
  await ctx.close();
});

test('a snoozed conversation comes back to its owner, who is notified', async () => {
  const r = await tend.api(admin.token, 'PATCH', `/conversations/${convId}`, { assignee_id: ana.id });
  assert.equal(r.status, 200, r.text);
  // She hears of the assignment; read, it leaves the bell at zero.
  await waitFor(async () => {
    const n = await tend.api(ana.token, 'GET', '/notifications?unread=true');
    return n.json.items.some((i) => i.kind === 'assigned');
  }, 15000, 'the assignment notified');
  assert.equal((await tend.api(ana.token, 'POST', '/notifications/read-all')).json.unread, 0);
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, ana.email, ana.password);

  // Her time zone is Tokyo: the form's time is read there.
  await page.goto(`${tend.url}/account`);
  await page.selectOption('#timezone', 'Asia/Tokyo');
  await Promise.all([page.waitForURL('**/account**'), page.locator('form[action="/account/preferences"] button[type=submit]').click()]);

  await page.goto(`${tend.url}/c/${convId}`);
  const local = await page.inputValue('#snooze-until');
  assert.match(local, /^\d{4}-\d\d-\d\dT09:00$/);
  await Promise.all([page.waitForURL(`**/c/${convId}`), page.click('#snooze-form button[type=submit]')]);
  // Shown in English's own pattern: "27 Nov 2026, 09:00".
  const [y, m, d] = local.slice(0, 10).split('-').map(Number);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1];
  assert.match(await page.locator('#snoozed-until').innerText(), new RegExp(`Snoozed until ${d} ${month} ${y}, 09:00`));
  let conv = await tend.api(ana.token, 'GET', `/conversations/${convId}`);
  assert.equal(conv.json.status, 'pending');
  assert.equal(Date.parse(conv.json.snoozed_until), Date.parse(`${local}:00+09:00`));
  await page.goto(`${tend.url}/?view=pending`);
  await page.locator(`tr[data-id="${convId}"] .snoozed`).waitFor();
  await page.screenshot({ path: artifact('snoozed-row.png') });

  // A past time is refused beside the field.
  await page.goto(`${tend.url}/c/${convId}`);
  await page.fill('#snooze-until', '2020-01-01T09:00');
  await page.click('#snooze-form button[type=submit]');
  await page.locator('#snooze-error').waitFor();
  assert.match(await page.locator('#snooze-error').innerText(), /future/);

  // Moved to a moment from now; the snooze job wakes it.
  const soon = new Date(Date.now() + 2000).toISOString();
  const s = await tend.api(ana.token, 'POST', `/conversations/${convId}/snooze`, { until: soon });
  assert.equal(s.status, 200, s.text);
  await page.goto(`${tend.url}/`);
  await page.waitForFunction(() => document.documentElement.dataset.live === 'open');
  await page.locator('#bell-count', { hasText: '1' }).waitFor({ timeout: 20000 });
  conv = await tend.api(ana.token, 'GET', `/conversations/${convId}`);
  assert.equal(conv.json.status, 'open');
  assert.equal(conv.json.snoozed_until, null);
  await page.goto(`${tend.url}/notifications`);
  const line = page.locator('#notification-list li.kind-snooze_ended');
  assert.match(await line.innerText(), /back from snooze/);
  await page.goto(`${tend.url}/c/${convId}`);
  assert.match(await page.locator('#timeline-wrap').innerText(), /the snooze ended; open again/);
  assert.equal(await page.locator('#snoozed-until').count(), 0);
  await page.screenshot({ path: artifact('snooze-returned.png'), fullPage: true });
  assertClean(assert, page);
  await ctx.close();
});
