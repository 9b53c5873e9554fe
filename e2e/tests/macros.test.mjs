// Macros from the composer in a real browser (issue 20): an agent types "/"
// in an empty reply, filters the list by name, moves with the arrow keys,
// previews the macro for this conversation (rendered in the customer's
// language, with the changes it would make, and nothing changed yet), then
// inserts the text (not sent) and applies the changes. Then the page that
// writes macros, without JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor, axeViolations } from '../lib/tend.mjs';

let tend, browser, agent, admin, convId;

before(async () => {
  tend = await startTend();
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  agent = tend.user('min@example.kr', '김민준', 'agent');
  const inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Support']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inboxId)]);
  const conv = await tend.api(admin.token, 'POST', '/conversations', {
    subject: '請求書について', inbox_id: inboxId,
    customer: { email: 'taro@example.jp', name: '山田太郎' },
    message: { text: '請求書が届いていません。' },
  });
  assert.equal(conv.status, 201, conv.text);
  convId = conv.json.id;
  const cust = await tend.api(admin.token, 'PATCH', `/customers/${conv.json.customer.id}`, { language: 'ja' });
  assert.equal(cust.status, 200, cust.text);
  // Two of the agent's own macros and a global one.
  for (const body of [
    { name: 'Invoice resent', scope: 'personal',
      text: 'Dear {{ customer.first_name }}, we sent the invoice again. {{ agent.name }}',
      translations: { ja: '{{ customer.name }}様\n請求書を再送いたしました。\n{{ agent.name }}' },
      actions: [{ type: 'set_status', value: 'pending' }, { type: 'add_tags', value: ['invoice'] }] },
    { name: 'Invitation', scope: 'personal', text: 'Welcome!' },
  ]) {
    const r = await tend.api(agent.token, 'POST', '/macros', body);
    assert.equal(r.status, 201, r.text);
  }
  const g = await tend.api(admin.token, 'POST', '/macros', { name: 'Thanks', scope: 'global', text: 'Thank you!' });
  assert.equal(g.status, 201, g.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('an agent applies a macro from the composer with the keyboard', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await page.goto(`${tend.url}/c/${convId}`);

  // "/" in the empty composer opens the picker; typing filters it.
  await page.locator('#text').focus();
  await page.keyboard.press('/');
  await page.locator('#macro-picker').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#text').inputValue(), '', 'the slash opened the picker and was not typed');
  await page.keyboard.type('inv');
  await waitFor(async () => (await page.locator('#macro-list').getAttribute('data-loaded')) === 'inv', 10000, 'the filtered list');
  const options = page.locator('#macro-list li[role=option]');
  assert.deepEqual(
    (await options.allInnerTexts()).map((t) => t.split(' · ')[0]),
    ['Invitation', 'Invoice resent'],
  );
  // Arrow down to the second, Enter previews it.
  await page.keyboard.press('ArrowDown');
  assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Enter');
  const preview = page.locator('#macro-preview');
  await preview.waitFor({ state: 'visible' });
  assert.equal(await page.locator('#macro-preview-text').innerText(), '山田太郎様\n請求書を再送いたしました。\n김민준');
  assert.match(await page.locator('#macro-preview-changes').innerText(), /Status: Pending/);
  assert.match(await page.locator('#macro-preview-changes').innerText(), /Add tags: invoice/);
  await page.screenshot({ path: artifact('macro-preview.png'), fullPage: true });
  // The preview changed nothing.
  let c = await tend.api(admin.token, 'GET', `/conversations/${convId}`);
  assert.equal(c.json.status, 'new');
  assert.deepEqual(c.json.tags, []);

  // Enter on "Insert and apply": the text goes into the composer, unsent,
  // and the changes are made (the controls show them).
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'macro-insert');
  await page.keyboard.press('Enter');
  await page.locator('#macro-picker').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#text').inputValue(), '山田太郎様\n請求書を再送いたしました。\n김민준');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'text');
  assert.equal(await page.locator('#status').inputValue(), 'pending');
  assert.equal(await page.locator('#tags').inputValue(), 'invoice');
  c = await tend.api(admin.token, 'GET', `/conversations/${convId}`);
  assert.equal(c.json.status, 'pending');
  assert.deepEqual(c.json.tags, ['invoice']);
  const msgs = await tend.api(admin.token, 'GET', `/conversations/${convId}/messages`);
  assert.equal(msgs.json.items.length, 1, 'applying a macro sends nothing');
  const list = await tend.api(agent.token, 'GET', '/macros');
  assert.equal(list.json.items[0].name, 'Invoice resent');
  assert.equal(list.json.items[0].usage_count, 1);

  // Escape closes the picker and leaves the draft alone.
  await page.getByRole('button', { name: 'Macros (/)' }).click();
  await page.locator('#macro-q').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.locator('#macro-picker').waitFor({ state: 'hidden' });
  assert.match(await page.locator('#text').inputValue(), /請求書を再送/);

  // Send it as written.
  await Promise.all([
    page.waitForURL(`**/c/${convId}**`),
    page.getByRole('button', { name: 'Send', exact: true }).click(),
  ]);
  await page.locator('li.msg.outbound', { hasText: '請求書を再送いたしました' }).waitFor();
  assertClean(assert, page);
  await ctx.close();
});

test('an agent writes a macro on the page, with a translation and actions from lists', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1200 }, bypassCSP: true });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await page.goto(`${tend.url}/macros/new`);
  await page.locator('#m-name').fill('Apology');
  await page.locator('#m-text').fill('Hello {{ customer.frist_name }}');
  await page.locator('button[type=submit].primary').click();
  await page.locator('#m-text-error', { hasText: 'unknown variable "customer.frist_name" at line 1, column 10' }).waitFor();
  await page.locator('#m-text').fill('We are sorry, {{ customer.first_name | default("friend") }}.');
  await page.locator('#m-tr-ko').fill('{{ customer.name }} 님, 죄송합니다.');
  await page.locator('#m-priority').selectOption('high');
  await Promise.all([page.waitForURL('**/macros'), page.locator('button[type=submit].primary').click()]);
  await page.locator('tr.macro', { hasText: 'Apology' }).waitFor();
  assert.match(await page.locator('tr.macro', { hasText: 'Apology' }).innerText(), /Priority: High/);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  assertClean(assert, page);
  await ctx.close();
});
