// Merging conversations in a real browser (issue 25): a customer writes
// twice by mail about one matter; the agent merges the first conversation
// into the second from its page, the old address leads to the survivor,
// and the customer's reply to the *first* mail (In-Reply-To and References
// naming its Message-ID) lands in the surviving conversation. On the way,
// a refused link shows its error beside the field with the input kept,
// and a related conversation is linked and unlinked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, signIn, artifact, assertClean } from '../lib/tend.mjs';

let tend, browser, agent, admin, inboxId;

/** A customer's mail through the raw-MIME webhook, with extra headers. */
async function mail(token, { from, subject, messageId, headers = [], text }) {
  const raw = [
    `From: ${from}`,
    'To: support@example.com',
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    ...headers,
    'Date: Tue, 24 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
  ].join('\r\n');
  const r = await fetch(`${tend.url}/api/v1/inbound/email?inbox_id=${inboxId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' },
    body: raw,
  });
  assert.equal(r.status, 202);
  return r.json();
}

before(async () => {
  tend = await startTend();
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  agent = tend.user('jordi@example.cat', 'Jordi Martí', 'agent');
  inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Support']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inboxId)]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('a merge in the page keeps mail threading', async () => {
  const first = await mail(admin.token, {
    from: 'Dace Ozola <dace@example.lv>', subject: 'Sabojāta paka',
    messageId: 'first@example.lv', text: 'Paka atnāca sabojāta.',
  });
  const second = await mail(admin.token, {
    from: 'Dace Ozola <dace@example.lv>', subject: 'Naudas atmaksa',
    messageId: 'second@example.lv', text: 'Vai varu saņemt naudu atpakaļ?',
  });
  const other = await mail(admin.token, {
    from: 'Núria <nuria@example.cat>', subject: 'Paquet trencat',
    messageId: 'other@example.cat', text: 'El paquet ha arribat trencat.',
  });
  assert.equal(first.outcome, 'created');
  assert.equal(second.outcome, 'created');
  const [a, b, c] = [first.conversation_id, second.conversation_id, other.conversation_id];
  assert.notEqual(a, b);

  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);

  // A link to itself is refused beside the field, the number kept.
  await page.goto(`${tend.url}/c/${a}`);
  await page.fill('#link-number', `#${a}`);
  await page.click('#link-form button[type=submit]');
  await page.locator('#link-error').waitFor();
  assert.match(await page.locator('#link-error').innerText(), /cannot be merged into or linked to itself/);
  assert.equal(await page.inputValue('#link-number'), `#${a}`);
  // Another customer's conversation is linked, then unlinked.
  await page.fill('#link-number', String(c));
  await Promise.all([page.waitForURL(/#links$/), page.click('#link-form button[type=submit]')]);
  assert.match(await page.locator('#link-list').innerText(), /Paquet trencat/);
  await Promise.all([
    page.waitForURL(/#links$/),
    page.locator(`#link-list li[data-link="${c}"] button[type=submit]`).click(),
  ]);
  assert.equal(await page.locator('#link-list').count(), 0);

  // Merge into the customer's other conversation: only theirs is offered.
  const offered = await page.locator('#merge-into option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(offered, [String(b)]);
  await page.selectOption('#merge-into', String(b));
  await Promise.all([page.waitForURL(new RegExp(`/c/${b}$`)), page.click('#merge-form button[type=submit]')]);
  const timeline = await page.locator('#timeline-wrap').innerText();
  assert.match(timeline, /Paka atnāca sabojāta/);
  assert.match(timeline, /merged another conversation into this one \(1 message moved\)/);
  await page.screenshot({ path: artifact('merged.png'), fullPage: true });

  // The old address leads to the survivor.
  await page.goto(`${tend.url}/c/${a}`);
  assert.equal(new URL(page.url()).pathname, `/c/${b}`);
  const gone = await tend.api(agent.token, 'GET', `/conversations/${a}`);
  assert.equal(gone.json.status, 'closed');
  assert.equal(gone.json.merged_into, b);

  // The customer answers the first mail: it threads into the survivor.
  const reply = await mail(admin.token, {
    from: 'Dace Ozola <dace@example.lv>', subject: 'Re: Sabojāta paka',
    messageId: 'reply@example.lv',
    headers: ['In-Reply-To: <first@example.lv>', 'References: <first@example.lv>'],
    text: 'Vai ir kādas ziņas par paku?',
  });
  assert.equal(reply.outcome, 'appended');
  assert.equal(reply.conversation_id, b);
  await page.goto(`${tend.url}/c/${b}`);
  assert.match(await page.locator('#timeline-wrap').innerText(), /Vai ir kādas ziņas par paku/);
  const msgs = await tend.api(agent.token, 'GET', `/conversations/${b}/messages`);
  assert.equal(msgs.json.items.length, 3);
  assertClean(assert, page);
  await ctx.close();
});
