// The customer portal, end to end: a customer who has only ever written by
// mail asks for a sign-in link at /help/portal; a real SMTP sink captures
// the mail; a real browser follows the link (which only shows a button:
// mail scanners open links too), signs in, sees the conversation with the
// desk's reply, replies with a file, and, once the agent has solved it,
// confirms it is solved (the conversation closes, as the survey's "yes"
// would close it). The pages run no script and pass axe's WCAG A/AA rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailDesk, guardedPage, assertClean, artifact, waitFor, plainText, axeViolations } from '../lib/tend.mjs';

let desk, tend, sink, browser, admin, agent, inboxId;

before(async () => {
  desk = await startMailDesk();
  ({ tend, sink, browser, admin, agent, inboxId } = desk);
});

after(async () => {
  await desk?.stop();
});

/** The sign-in links that reached the sink. */
const signInLinks = () => sink.messages().flatMap((raw) => plainText(raw).match(/https?:\/\/\S+\/help\/portal\/signin\/\S+/g) || []);

test('a customer signs in by mailed link, reads, replies with a file and confirms', async () => {
  const created = await tend.mailFromCustomer(admin.token, inboxId, {
    from: '"Ana Souto" <ana@customer.example>', to: 'support@example.com', subject: 'My order never arrived',
    messageId: 'portal-1@customer.example', text: 'Hello, my parcel is two weeks late.',
  });
  assert.equal(created.outcome, 'created', JSON.stringify(created));
  const id = created.conversation_id;
  let r = await tend.api(admin.token, 'PATCH', `/conversations/${id}`, { assignee_id: agent.id });
  assert.equal(r.status, 200, r.text);
  r = await tend.api(agent.token, 'POST', `/conversations/${id}/messages`, { text: 'Your parcel is on its way.' });
  assert.equal(r.status, 201, r.text);

  const context = await browser.newContext({ locale: 'en-US', bypassCSP: true });
  const page = await guardedPage(context, tend.url);
  // The help centre's contact links lead to the portal too.
  await page.goto(`${tend.url}/help/en/`);
  await Promise.all([page.waitForURL(/\/help\/portal/), page.locator('#kb-portal-link').click()]);
  assert.deepEqual(await axeViolations(page), []);

  // 1. Ask for a link; the page says the same for any address.
  await page.locator('#email').fill('Ana@Customer.example');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send me a sign-in link' }).click()]);
  assert.equal(await page.locator('#outcome').getAttribute('data-outcome'), 'link-sent');
  const [link] = await waitFor(() => { const l = signInLinks(); return l.length === 1 && l; }, 30000, 'the sign-in mail');
  assert.match(sink.messages()[0], /^To: .*ana@customer\.example/im);

  // 2. The link shows one button; pressing it signs in.
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/help\/portal$/), page.getByRole('button', { name: 'Sign in' }).click()]);
  const row = page.locator(`#portal-conversations li[data-id="${id}"]`);
  assert.match(await row.innerText(), /My order never arrived/);
  assert.equal(await row.locator('.portal-status').getAttribute('data-status'), 'open');
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: artifact('portal-list.png'), fullPage: true });

  // 3. The conversation, and a reply with a file.
  await Promise.all([page.waitForNavigation(), row.locator('a').click()]);
  assert.match(await page.locator('#portal-messages').innerText(), /Your parcel is on its way\./);
  const dir = mkdtempSync(join(tmpdir(), 'tend-portal-'));
  const file = join(dir, 'receipt.txt');
  writeFileSync(file, 'Order 1234, paid 2026-11-20');
  await page.locator('#text').fill('It still has not arrived. My receipt is attached.');
  await page.locator('#files').setInputFiles(file);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send', exact: true }).click()]);
  assert.ok(await page.locator('#portal-notice').isVisible());
  assert.match(await page.locator('#portal-messages').innerText(), /It still has not arrived/);
  assert.ok(await page.getByRole('link', { name: 'receipt.txt' }).isVisible());
  const msgs = (await tend.api(admin.token, 'GET', `/conversations/${id}/messages`)).json.items;
  const last = msgs[msgs.length - 1];
  assert.equal(last.direction, 'in');
  assert.equal(last.attachments[0].filename, 'receipt.txt');
  assert.deepEqual(await axeViolations(page), []);

  // 4. The agent solves it; the customer confirms.
  r = await tend.api(agent.token, 'PATCH', `/conversations/${id}`, { status: 'solved' });
  assert.equal(r.status, 200, r.text);
  await page.reload();
  assert.equal(await page.locator('#portal-status').getAttribute('data-status'), 'solved');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Yes, it is solved' }).click()]);
  assert.equal(await page.locator('#portal-status').getAttribute('data-status'), 'closed');
  assert.ok(await page.locator('#portal-closed').isVisible());
  await page.screenshot({ path: artifact('portal-confirmed.png'), fullPage: true });
  assert.equal((await tend.api(admin.token, 'GET', `/conversations/${id}`)).json.status, 'closed');
  const surveys = (await tend.api(admin.token, 'GET', `/conversations/${id}/surveys`)).json.items;
  assert.equal(surveys[surveys.length - 1].answer, 'yes');

  // 5. The link was spent; signing out ends the session.
  await page.goto(link);
  assert.equal(await page.locator('#outcome').getAttribute('data-outcome'), 'link-invalid');
  await page.goto(`${tend.url}/help/portal`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign out' }).click()]);
  assert.ok(await page.locator('#portal-signin').isVisible());
  assertClean(assert, page);
  await context.close();
});
