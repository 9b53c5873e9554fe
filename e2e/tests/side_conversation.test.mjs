// Side conversations, end to end: an agent starts one with a courier from
// the conversation page; the mail reaches a real SMTP sink from the
// inbox's address; the courier's answer (raw mail to /api/v1/inbound/email,
// threaded by In-Reply-To) appears on the side conversation, the agent
// answers it there, and the customer sees none of it in the portal, while
// the conversation stays solved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMailDesk, guardedPage, assertClean, signIn, artifact, waitFor, plainText } from '../lib/tend.mjs';

let desk, tend, sink, browser, admin, agent, inboxId;

before(async () => {
  desk = await startMailDesk();
  ({ tend, sink, browser, admin, agent, inboxId } = desk);
});

after(async () => {
  await desk?.stop();
});

const header = (raw, name) => {
  const head = raw.replace(/\r\n/g, '\n').split('\n\n')[0].replace(/\n[ \t]+/g, ' ');
  const m = head.match(new RegExp(`^${name}:\\s*(.*)$`, 'im'));
  return m && m[1].trim();
};

test('an agent talks to a courier beside the conversation; the customer never sees it', async () => {
  const created = await tend.mailFromCustomer(admin.token, inboxId, {
    from: '"Ana Souto" <ana@customer.example>', to: 'support@example.com', subject: 'Where is my parcel?',
    messageId: 'side-1@customer.example', text: 'Hello, my parcel 7781 is late.',
  });
  assert.equal(created.outcome, 'created', JSON.stringify(created));
  const id = created.conversation_id;
  let r = await tend.api(admin.token, 'PATCH', `/conversations/${id}`, { assignee_id: agent.id });
  assert.equal(r.status, 200, r.text);
  r = await tend.api(agent.token, 'POST', `/conversations/${id}/messages`, { text: 'We are asking the courier.' });
  assert.equal(r.status, 201, r.text);
  r = await tend.api(agent.token, 'PATCH', `/conversations/${id}`, { status: 'solved' });
  assert.equal(r.status, 200, r.text);

  const context = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(context, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await page.goto(`${tend.url}/c/${id}`);

  // 1. Start a side conversation from the conversation page.
  const panel = page.locator('#side-conversations');
  assert.match(await panel.innerText(), /The customer never sees it/);
  await page.locator('#side-new summary').click();
  await page.locator('#side-to').fill('dispatch@courier.example');
  await page.locator('#side-subject').fill('Parcel 7781');
  await page.locator('#side-text').fill('Where is parcel 7781 now?');
  await Promise.all([page.waitForNavigation(), page.locator('#side-form button[type=submit]').click()]);
  const side = page.locator('#side-conversations .side-conversation').first();
  assert.match(await side.locator('.side-subject').innerText(), /Parcel 7781/);
  assert.match(await side.locator('.side-mail').first().innerText(), /Where is parcel 7781 now\?/);
  assert.match(await page.locator('#timeline').innerText(), /started the side conversation “Parcel 7781” with dispatch@courier\.example/);

  // 2. The mail reaches the sink from the inbox's address, to the courier only.
  const mail = await waitFor(() => sink.messages().find((m) => /^Subject: Parcel 7781$/im.test(m)), 30000, 'the side mail');
  assert.match(header(mail, 'From'), /support@example\.com/);
  assert.equal(header(mail, 'X-RcptTo'), 'dispatch@courier.example');
  assert.match(plainText(mail), /Where is parcel 7781 now\?/);
  const ours = header(mail, 'Message-ID');
  assert.ok(ours && !mail.includes('ana@customer.example'), mail);

  // 3. The courier answers by mail, threaded by In-Reply-To.
  const raw = [
    'From: Dispatch <dispatch@courier.example>',
    'To: support@example.com',
    'Subject: Re: Parcel 7781',
    'Message-ID: <courier-answer-1@courier.example>',
    `In-Reply-To: ${ours}`,
    `References: ${ours}`,
    'Date: Tue, 24 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The parcel is in Riga and arrives tomorrow.',
    '',
  ].join('\r\n');
  const answer = await fetch(`${tend.url}/api/v1/inbound/email?inbox_id=${inboxId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'message/rfc822' },
    body: raw,
  }).then((x) => x.json());
  assert.equal(answer.outcome, 'appended', JSON.stringify(answer));
  assert.equal(answer.conversation_id, id);

  await page.reload();
  const mails = page.locator('#side-conversations .side-conversation').first().locator('.side-mail');
  assert.equal(await mails.count(), 2);
  assert.match(await mails.nth(1).innerText(), /Dispatch[\s\S]*The parcel is in Riga and arrives tomorrow\./);
  assert.match(await page.locator('#timeline').innerText(), /received an answer from dispatch@courier\.example/);
  // Not a customer message: the conversation is still solved, and the
  // courier's words are not in its timeline.
  assert.doesNotMatch(await page.locator('#timeline').innerText(), /arrives tomorrow/);
  r = await tend.api(agent.token, 'GET', `/conversations/${id}`);
  assert.equal(r.json.status, 'solved');

  // 4. The agent answers the courier in the side conversation.
  await page.locator('#side-conversations .side-reply textarea').first().fill('Thank you!');
  await Promise.all([page.waitForNavigation(), page.locator('#side-conversations .side-reply button[type=submit]').first().click()]);
  const thanks = await waitFor(() => sink.messages().find((m) => /^Subject: Re: Parcel 7781$/im.test(m)), 30000, 'the answer to the courier');
  assert.equal(header(thanks, 'In-Reply-To'), '<courier-answer-1@courier.example>');
  await page.screenshot({ path: artifact('side-conversation.png'), fullPage: true });
  assertClean(assert, page);

  // 5. The customer's portal shows none of it.
  const portal = await browser.newContext({ locale: 'en-US' });
  const cp = await guardedPage(portal, tend.url);
  await cp.goto(`${tend.url}/help/portal`);
  await cp.locator('#email').fill('ana@customer.example');
  await Promise.all([cp.waitForNavigation(), cp.getByRole('button', { name: 'Send me a sign-in link' }).click()]);
  const link = await waitFor(() => sink.messages().flatMap((m) => plainText(m).match(/https?:\/\/\S+\/help\/portal\/signin\/\S+/g) || [])[0], 30000, 'the sign-in mail');
  await cp.goto(link);
  await Promise.all([cp.waitForURL(/\/help\/portal$/), cp.getByRole('button', { name: 'Sign in' }).click()]);
  await cp.goto(`${tend.url}/help/portal/conversations/${id}`);
  const seen = await cp.locator('body').innerText();
  assert.match(seen, /We are asking the courier\./);
  for (const hidden of ['Riga', 'Parcel 7781', 'courier.example', 'Thank you!']) {
    assert.ok(!seen.includes(hidden), `${hidden} shown to the customer`);
  }
  assertClean(assert, cp);
  await portal.close();
  await context.close();
});

test('the Forward link on a message opens the side conversation form filled in, and a reply with a file shows it', async () => {
  const created = await tend.mailFromCustomer(admin.token, inboxId, {
    from: '"Kenji Mori" <kenji@customer.example>', to: 'support@example.com', subject: 'Broken lamp',
    messageId: 'side-fwd-1@customer.example', text: 'The lamp arrived broken, the glass is cracked.',
  });
  assert.equal(created.outcome, 'created', JSON.stringify(created));
  const id = created.conversation_id;
  let r = await tend.api(admin.token, 'PATCH', `/conversations/${id}`, { assignee_id: agent.id });
  assert.equal(r.status, 200, r.text);
  r = await tend.api(agent.token, 'GET', `/conversations/${id}/messages`);
  const first = r.json.items[0].id;

  const context = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(context, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await page.goto(`${tend.url}/c/${id}`);
  assert.equal(await page.locator('#side-new').getAttribute('open'), null, 'the form waits closed');

  // 1. "Forward" on the message (behind its menu button): the form opens
  // with it chosen.
  const forward = page.locator(`#m${first} .forward-link`);
  assert.equal(await forward.isVisible(), false, 'the actions wait in the menu');
  await page.locator(`#m${first} .msg-actions > summary`).click();
  assert.equal((await forward.innerText()).trim(), 'Forward');
  await Promise.all([page.waitForNavigation(), forward.click()]);
  assert.notEqual(await page.locator('#side-new').getAttribute('open'), null, 'the form is open');
  assert.equal(await page.locator('#side-forward').inputValue(), String(first));
  assert.equal(await page.locator('#side-subject').inputValue(), 'Fwd: Broken lamp');
  await page.locator('#side-to').fill('returns@warehouse.example');
  await page.locator('#side-text').fill('Please check this return.');
  await Promise.all([page.waitForNavigation(), page.locator('#side-form button[type=submit]').click()]);
  const side = page.locator('#side-conversations .side-conversation').last();
  assert.match(await side.locator('.side-subject').innerText(), /Fwd: Broken lamp/);
  assert.match(await side.locator('.side-mail').first().innerText(), /Please check this return\.[\s\S]*Forwarded message[\s\S]*the glass is cracked/);
  const mail = await waitFor(() => sink.messages().find((m) => /^Subject: Fwd: Broken lamp$/im.test(m)), 30000, 'the forwarded mail');
  assert.equal(header(mail, 'X-RcptTo'), 'returns@warehouse.example');
  assert.match(plainText(mail), /Please check this return\./);
  const ours = header(mail, 'Message-ID');

  // 2. The warehouse answers with a PDF: it is listed on the side mail.
  const pdf = Buffer.from('%PDF-1.4\n% return label\n%%EOF\n').toString('base64');
  const raw = [
    'From: Returns <returns@warehouse.example>',
    'To: support@example.com',
    'Subject: Re: Fwd: Broken lamp',
    'Message-ID: <warehouse-answer-1@warehouse.example>',
    `In-Reply-To: ${ours}`,
    `References: ${ours}`,
    'Date: Tue, 24 Nov 2026 11:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here is the return label.',
    '--b',
    'Content-Type: application/pdf; name=return-label.pdf',
    'Content-Disposition: attachment; filename=return-label.pdf',
    'Content-Transfer-Encoding: base64',
    '',
    pdf,
    '--b--',
    '',
  ].join('\r\n');
  const answer = await fetch(`${tend.url}/api/v1/inbound/email?inbox_id=${inboxId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'message/rfc822' },
    body: raw,
  }).then((x) => x.json());
  assert.equal(answer.outcome, 'appended', JSON.stringify(answer));
  await page.reload();
  const reply = page.locator('#side-conversations .side-conversation').last().locator('.side-mail').nth(1);
  assert.match(await reply.innerText(), /Here is the return label\.[\s\S]*return-label\.pdf/);
  const href = await reply.locator('.side-files a').first().getAttribute('href');
  const file = await page.request.get(`${tend.url}${href}`);
  assert.equal(file.status(), 200);
  assert.match((await file.body()).toString(), /return label/);
  await page.screenshot({ path: artifact('side-conversation-forward.png'), fullPage: true });
  assertClean(assert, page);
  await context.close();
});
