// Remedies within limits in a real browser (issue 23): an agent grants a
// refund within their limits from the conversation page; asks for one
// above them; a supervisor approves it from the queue in another browser
// context while the agent's page, left open, shows the decision arrive
// live (no reload).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, signIn, artifact, waitFor } from '../lib/tend.mjs';

let tend, browser, agent, admin, supervisor, convId;

before(async () => {
  tend = await startTend();
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  agent = tend.user('jordi@example.cat', 'Jordi Martí', 'agent');
  supervisor = tend.user('yui@example.jp', '田中結衣', 'supervisor');
  const inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Support']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inboxId)]);
  const conv = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Charged twice', inbox_id: inboxId,
    customer: { email: 'nuria@example.cat', name: 'Núria Puig' },
    message: { text: "M'han cobrat dues vegades aquest mes." },
  });
  assert.equal(conv.status, 201, conv.text);
  convId = conv.json.id;
  const limit = await tend.api(admin.token, 'PUT', '/authority', {
    role: 'agent', kind: 'refund', currency: 'EUR', limit_per_case: 5000, limit_per_month: 20000,
  });
  assert.equal(limit.status, 200, limit.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

async function give(page, amount, note) {
  await page.selectOption('#remedy-kind', 'refund');
  await page.fill('#remedy-amount', amount);
  await page.fill('#remedy-currency', 'EUR');
  await page.fill('#remedy-note', note);
  await Promise.all([page.waitForURL(/#remedies$/), page.click('#remedy-form button[type=submit]')]);
}

test('an agent grants within limits, asks above them, and sees the approval arrive live', async () => {
  const agentCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(agentCtx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await page.goto(`${tend.url}/c/${convId}`);

  // Within the limit per case: granted at once.
  await give(page, '12.50', 'A refund of the second charge');
  const first = page.locator('#remedies li.remedy').first();
  assert.equal(await first.getAttribute('data-state'), 'granted');
  assert.match(await first.innerText(), /Refund · 12\.50 EUR · granted/);

  // Above it: waits for a supervisor.
  await give(page, '80', 'A refund of both months');
  const asked = page.locator('#remedies li.remedy').nth(1);
  assert.equal(await asked.getAttribute('data-state'), 'awaiting_approval');
  const remedyId = (await asked.getAttribute('id')).slice(1);
  await page.screenshot({ path: artifact('remedy-waiting.png'), fullPage: true });

  // A bad amount comes back with the reason, in the agent's language.
  await page.fill('#remedy-amount', '12,345');
  await page.fill('#remedy-note', 'x');
  await page.click('#remedy-form button[type=submit]');
  assert.match(await page.locator('#remedy-amount-error').innerText(), /Give the amount as a number/);
  assert.equal(await page.locator('#remedy-amount').inputValue(), '12,345', 'the amount as typed');
  await page.goto(`${tend.url}/c/${convId}`);

  // The supervisor, in another context, approves it from the queue.
  const supCtx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const sup = await guardedPage(supCtx, tend.url);
  await signIn(sup, tend.url, supervisor.email, supervisor.password);
  await sup.goto(`${tend.url}/remedies`);
  const row = sup.locator(`#r${remedyId}`);
  assert.match(await row.innerText(), /80\.00 EUR/);
  await sup.screenshot({ path: artifact('remedy-queue-ja.png'), fullPage: true });
  await row.locator('input[name=note]').fill('二か月分なので承認します');
  await Promise.all([sup.waitForURL(/\/remedies/), row.locator('button.primary').click()]);
  assert.equal(await sup.locator('#none-waiting').count(), 1, 'nothing waits any more');

  // The agent's page, not reloaded, shows the decision.
  await waitFor(
    async () => (await page.locator(`#r${remedyId}`).getAttribute('data-state')) === 'approved',
    15000,
    'the approval on the agent page',
  );
  assert.match(await page.locator(`#r${remedyId}`).innerText(), /approved/);
  assert.match(await page.locator(`#r${remedyId}`).innerText(), /二か月分なので承認します/);
  await page.screenshot({ path: artifact('remedy-approved.png'), fullPage: true });

  // The ledger says the same.
  const ledger = await tend.api(admin.token, 'GET', '/remedies/ledger');
  assert.deepEqual(ledger.json.map((l) => l.entry), ['granted', 'requested', 'approved']);
  await agentCtx.close();
  await supCtx.close();
});
