// The composer in a real browser (issue 25, item 7): a draft survives a
// reload and waits on another device (a second browser context) for the
// same agent; "Sent · Undo" takes a reply back before it is mailed (a real
// SMTP sink never sees it) and puts its text back in the box; "Send and
// solve" moves on to the next conversation of the view; a chat's one-line
// box sends on Enter without reloading; and an empty box never warns that
// the customer wrote again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, startSmtpSink, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor } from '../lib/tend.mjs';

let tend, sink, browser, lead, inboxId;

before(async () => {
  sink = await startSmtpSink();
  tend = await startTend({ TEND_SMTP_RELAY_URL: sink.url, TEND_UNDO_SEND_SECONDS: '5' });
  lead = tend.user('liga@example.lv', 'Līga Ozola', 'admin');
  inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
  sink?.stop();
});

let mailNo = 0;
/** A customer's mail: a new conversation, or (with `id`) one more message on it. */
async function customerWrites(from, subject, text, id) {
  mailNo += 1;
  const r = await tend.mailFromCustomer(lead.token, inboxId, {
    from, to: 'support@example.com', messageId: `m${mailNo}.${Date.now()}@customer.example`,
    subject: id ? `Re: ${subject} [#${id}]` : subject, text,
  });
  assert.ok(['created', 'appended'].includes(r.outcome), JSON.stringify(r));
  return r.conversation_id;
}

async function agentPage(locale = 'en-US') {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, lead.email, lead.password);
  return page;
}

const draftOf = async (id) => tend.api(lead.token, 'GET', `/conversations/${id}/draft`);

test('a draft survives a reload and waits on another device', async () => {
  const id = await customerWrites('anna@customer.example', 'Invoice twice', 'I was charged twice.');
  const page = await agentPage();
  await page.goto(`${tend.url}/c/${id}`);
  await page.locator('#text').fill('Dear Anna, the second charge is');
  await waitFor(async () => (await draftOf(id)).json?.text === 'Dear Anna, the second charge is', 15000, 'the draft to be saved');
  await page.reload();
  assert.equal(await page.locator('#text').inputValue(), 'Dear Anna, the second charge is');

  // The reply/note choice is kept too.
  await page.getByLabel('Internal note').check();
  await waitFor(async () => (await draftOf(id)).json?.internal === true, 15000, 'the note choice to be saved');

  // Another device: a second browser context, the same agent.
  const other = await agentPage('lv-LV');
  await other.goto(`${tend.url}/c/${id}`);
  assert.equal(await other.locator('#text').inputValue(), 'Dear Anna, the second charge is');
  assert.equal(await other.locator('input[name=internal][value=true]').isChecked(), true);
  await other.screenshot({ path: artifact('composer-draft-other-device.png') });

  // Sent: the draft is gone, here and there.
  await page.getByLabel('Reply to the customer').check();
  await page.locator('#text').fill('Dear Anna, the second charge is refunded.');
  await Promise.all([page.waitForURL(/sent=/), page.locator('#send').click()]);
  await waitFor(async () => (await draftOf(id)).status === 404, 15000, 'the draft to go');
  await other.reload();
  assert.equal(await other.locator('#text').inputValue(), '');
  assertClean(assert, page);
  assertClean(assert, other);
});

test('undo send takes the reply back before it is mailed; its text returns', async () => {
  const id = await customerWrites('ben@customer.example', 'Wrong size', 'The shoes are too small.');
  const page = await agentPage();
  await page.goto(`${tend.url}/c/${id}`);
  await page.locator('#text').fill('Your refund of 1,000 EUR is on its way.');
  await Promise.all([page.waitForURL(/sent=/), page.locator('#send').click()]);
  await page.locator('#undo-send').waitFor();
  assert.match(await page.locator('#undo-send').innerText(), /Sent\s*·\s*Undo/);
  await page.screenshot({ path: artifact('composer-sent-undo.png') });
  await Promise.all([page.waitForURL(/undone=1/), page.locator('#undo-button').click()]);

  // Back in the box, and not a message of the conversation.
  assert.equal(await page.locator('#text').inputValue(), 'Your refund of 1,000 EUR is on its way.');
  await page.locator('#composer-notice').waitFor();
  const msgs = await tend.api(lead.token, 'GET', `/conversations/${id}/messages`);
  assert.ok(!msgs.text.includes('1,000 EUR'), msgs.text);

  // The corrected reply goes once its time is over; the undone one never.
  await page.locator('#text').fill('Your exchange for a larger size is on its way.');
  await Promise.all([page.waitForURL(/sent=/), page.locator('#send').click()]);
  await waitFor(() => sink.messages().some((m) => m.includes('ben@customer.example') && m.includes('larger size')), 30000, 'the corrected reply at the sink');
  assert.ok(!sink.messages().some((m) => m.includes('1,000 EUR')), 'the undone reply reached the customer');
  // "Undo" has gone from the page after its time.
  await waitFor(async () => (await page.locator('#undo-send').count()) === 0, 15000, 'the undo offer to end');
  assertClean(assert, page);
});

test('an empty box never warns that the customer wrote again; a typed one does', async () => {
  const id = await customerWrites('chen@customer.example', 'Delivery date', 'When does it arrive?');
  const page = await agentPage();
  await page.goto(`${tend.url}/c/${id}`);
  await page.waitForFunction(() => document.documentElement.dataset.live === 'open');
  await customerWrites('chen@customer.example', 'Delivery date', 'Any news?', id);
  await page.locator('li.msg.inbound', { hasText: 'Any news?' }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#new-message').isHidden(), true, 'no warning with an empty box');

  // Typed after reading it: sent without a question.
  await page.locator('#text').fill('It arrives on Friday.');
  await customerWrites('chen@customer.example', 'Delivery date', 'Hello?', id);
  await page.locator('li.msg.inbound', { hasText: 'Hello?' }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#new-message').isVisible(), true, 'text in the box: the agent is told');
  assertClean(assert, page);
});

test('send and solve moves on to the next conversation of the view', async () => {
  const first = await customerWrites('dana@customer.example', 'Broken lid', 'The lid is broken.');
  const second = await customerWrites('eli@customer.example', 'Missing screw', 'A screw is missing.');
  for (const id of [first, second]) {
    const r = await tend.api(lead.token, 'PATCH', `/conversations/${id}`, { tags: ['parts'] });
    assert.equal(r.status, 200, r.text);
  }
  const page = await agentPage();
  await page.goto(`${tend.url}/?view=open&tag=parts`);
  await Promise.all([page.waitForURL(`**/c/${first}`), page.locator(`tr[data-id="${first}"] .subject a`).click()]);
  await page.locator('#text').fill('A new lid is on its way.');
  await Promise.all([page.waitForURL(`**/c/${second}`), page.locator('#send-solve').click()]);
  const c = await tend.api(lead.token, 'GET', `/conversations/${first}`);
  assert.equal(c.json.status, 'solved');
  assertClean(assert, page);
});

test('a chat has a one-line composer: Enter sends without a reload', async () => {
  const c = await tend.api(lead.token, 'POST', '/conversations', {
    subject: 'Chat with Fumi', channel: 'chat', customer: { email: 'fumi@customer.example', name: 'Fumi' },
    message: { text: '注文を変更できますか？' },
  });
  assert.equal(c.status, 201, c.text);
  const page = await agentPage();
  await page.goto(`${tend.url}/c/${c.json.id}`);
  assert.equal(await page.locator('#text').getAttribute('rows'), '1');
  await page.evaluate(() => { window.stillHere = true; });
  await page.locator('#text').click();
  await page.keyboard.type('First line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  assert.equal(await page.locator('#text').inputValue(), 'First line\nsecond line');
  await page.keyboard.press('Enter');
  await page.locator('li.msg.outbound', { hasText: 'second line' }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#text').inputValue(), '');
  assert.equal(await page.evaluate(() => window.stillHere), true, 'the page was not reloaded');
  await page.screenshot({ path: artifact('composer-chat.png') });
  assertClean(assert, page);
});
