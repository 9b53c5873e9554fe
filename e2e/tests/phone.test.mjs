// Phone (issue 24): an agent on the inbox page sees the incoming-call
// popup as soon as the phone system tells Tend a call rings (the caller,
// the matched customer and their conversations), and it goes when the call
// is answered; a dismissed popup goes at once. A visitor whose queue's
// expected wait is over five minutes (the chat inbox and the contact
// form's inbox are routed to a team nobody of which is online) is offered
// "we call you back" by the chat widget and by the contact form, and the
// callback they ask for reaches the desk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, signIn, artifact, waitFor, guardedPage, assertClean, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin, customerId, chatInbox, webInbox;

before(async () => {
  tend = await startTend({ TEND_HELP_CHAT_INBOX: '2', TEND_PHONE_DEFAULT_REGION: 'LV' });
  admin = tend.user('liga@example.lv', 'Līga Bērziņa', 'admin');
  const minji = tend.user('minji@example.kr', '김민지', 'agent');
  const chat = await tend.api(admin.token, 'POST', '/inboxes', { kind: 'chat', name: 'Shop chat' });
  assert.equal(chat.status, 201, chat.text);
  chatInbox = chat.json.id;
  assert.equal(chatInbox, 2, 'the inbox TEND_HELP_CHAT_INBOX names');
  const web = await tend.api(admin.token, 'POST', '/inboxes', { kind: 'web', name: 'Contact form' });
  assert.equal(web.status, 201, web.text);
  webInbox = web.json.id;
  // Both routed to a team whose only member is away: the wait is unknown,
  // so longer than five minutes.
  const team = await tend.api(admin.token, 'POST', '/teams', { name: 'Zvani' });
  assert.equal(team.status, 201, team.text);
  const m = await tend.api(admin.token, 'POST', `/teams/${team.json.id}/members`, { user_id: minji.id });
  assert.ok(m.status < 300, m.text);
  for (const inbox of [chatInbox, webInbox]) {
    const g = await tend.api(admin.token, 'POST', `/teams/${team.json.id}/inboxes`, { inbox_id: inbox });
    assert.ok(g.status < 300, g.text);
    const r = await tend.api(admin.token, 'PUT', `/inboxes/${inbox}/routing`, { team_id: team.json.id });
    assert.equal(r.status, 200, r.text);
  }
  // A customer with a phone number and two conversations, one solved.
  const open = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Rēķins par novembri', customer: { email: 'janis@example.lv', name: 'Jānis Ozols' },
    message: { text: 'Lūdzu, atsūtiet rēķinu.' },
  });
  assert.equal(open.status, 201, open.text);
  customerId = open.json.customer.id;
  const done = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Piegādes adrese', customer: { email: 'janis@example.lv' }, message: { text: 'Mainiet adresi.' },
  });
  assert.equal(done.status, 201, done.text);
  const solved = await tend.api(admin.token, 'PATCH', `/conversations/${done.json.id}`, { status: 'solved' });
  assert.equal(solved.status, 200, solved.text);
  const p = await tend.api(admin.token, 'PATCH', `/customers/${customerId}`, { phone: '+371 2000 0001' });
  assert.equal(p.status, 200, p.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

async function callEvent(event, callId, extra = {}) {
  const r = await tend.api(admin.token, 'POST', '/calls', {
    event, call_id: callId, from: '2000 0001', to: '+371 6700 0000', direction: 'in', ...extra,
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('an agent sees the incoming call with the customer history, until it is answered', async () => {
  // axe is injected as a script of its own: a context that lets it run.
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, 'correct horse battery staple');
  await page.goto(`${tend.url}/`);
  await page.waitForFunction(() => document.documentElement.dataset.live === 'open');
  assert.equal(await page.locator('#calls .call-popup').count(), 0);

  const call = await callEvent('new', 'pbx-1', { name: 'Jānis O.' });
  const popup = page.locator(`#calls [data-call="${call.id}"]`);
  await popup.waitFor();
  assert.equal(await popup.locator('h2').innerText(), 'Incoming call');
  assert.match(await popup.locator('.call-caller').innerText(), /\+37120000001\s+Jānis O\./);
  assert.equal(await popup.locator('.call-open li').count(), 1);
  assert.match(await popup.locator('.call-open').innerText(), /Rēķins par novembri/);
  assert.match(await popup.locator('.call-recent').innerText(), /Piegādes adrese/);
  const open = popup.locator('[data-call-open]');
  assert.equal(await open.innerText(), 'Open customer');
  assert.equal(await open.getAttribute('href'), `/customers/${customerId}`);
  await page.screenshot({ path: artifact('phone-call-popup.png') });
  assert.match(await page.locator('#live-status').innerText(), /Incoming call: \+37120000001/);
  assert.deepEqual(await axeViolations(page), [], 'the page with the popup passes axe');

  // Answered by someone: it goes.
  await callEvent('answered', 'pbx-1', { agent_id: admin.id });
  await popup.waitFor({ state: 'detached' });

  // The next call is dismissed by the agent; its hangup changes nothing.
  const second = await callEvent('new', 'pbx-2');
  const again = page.locator(`#calls [data-call="${second.id}"]`);
  await again.waitFor();
  await again.locator('[data-call-dismiss]').click();
  await again.waitFor({ state: 'detached' });
  const ended = await callEvent('hangup', 'pbx-2');
  assert.equal(ended.missed, true);
  assert.equal(await page.locator('#calls .call-popup').count(), 0);
  assertClean(assert, page);
  await ctx.close();
});

test('the widget offers a callback when the wait is long, and the request reaches the desk', async () => {
  const ctx = await browser.newContext({ locale: 'lv-LV' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${tend.url}/help/lv/`);
  await page.locator('[id^=tend-chat] .launcher').click();
  await page.locator('#panel').waitFor({ state: 'visible' });
  const offer = page.locator('.callback-offer');
  await offer.waitFor();
  assert.match(await offer.innerText(), /atzvanīsim/);
  await offer.locator('button').click();
  await page.locator('#cb-phone').fill('2000 0042');
  await page.locator('#cb-window').selectOption('tomorrow_morning');
  await page.locator('form.callback button[type=submit]').click();
  await page.locator('.done', { hasText: 'Paldies' }).waitFor();
  await page.screenshot({ path: artifact('phone-widget-callback.png') });
  const conv = await waitFor(async () => {
    const r = await tend.api(admin.token, 'GET', `/conversations?inbox_id=${chatInbox}`);
    return (r.json?.items || []).find((c) => c.subject === 'Callback: +37120000042');
  }, 15000, 'the callback at the desk');
  assert.equal(conv.channel, 'phone');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the contact form offers a callback when the wait is long', async () => {
  const ctx = await browser.newContext({ locale: 'ja-JP', bypassCSP: true });
  const page = await guardedPage(ctx, tend.url);
  await page.goto(`${tend.url}/help/contact?inbox=${webInbox}&lang=ja`);
  const offer = page.locator('#callback-offer');
  await offer.waitFor();
  assert.equal(await offer.locator('h2').innerText(), '折り返しお電話します');
  assert.deepEqual(await axeViolations(page), [], 'the form with the offer passes axe');
  await page.locator('#name').fill('山田 花子');
  // A number that is none: the error shows beside the field, input kept.
  await page.locator('#cb-phone').fill('abc');
  await page.locator('#callback-form button[type=submit]').click();
  await page.locator('#cb-phone-error:not([hidden])').waitFor();
  assert.equal(await page.locator('#cb-phone').inputValue(), 'abc');
  await page.locator('#cb-phone').fill('+81 90-1234-5678');
  await page.locator('#cb-window').selectOption('today_afternoon');
  await page.locator('#callback-form button[type=submit]').click();
  await page.locator('#callback-done').waitFor({ state: 'visible' });
  await page.screenshot({ path: artifact('phone-contact-callback.png'), fullPage: true });
  const conv = await waitFor(async () => {
    const r = await tend.api(admin.token, 'GET', `/conversations?inbox_id=${webInbox}`);
    return (r.json?.items || []).find((c) => c.subject === 'Callback: +819012345678');
  }, 15000, 'the callback at the desk');
  const msgs = await tend.api(admin.token, 'GET', `/conversations/${conv.id}/messages`);
  assert.match(msgs.text, /Preferred time: today, in the afternoon/);
  assert.match(msgs.text, /山田 花子|Callback/);
  assertClean(assert, page);
  await ctx.close();
});
