// The agent workspace in a real browser: sign in, a new email conversation
// appears live, open it, reply, add a note, assign and transfer with a
// reason, solve; hostile content never runs; cross-origin posts are
// rejected; the session cookie has the right flags; collision detection;
// the "customer wrote again" warning. Screenshots go to e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor } from '../lib/tend.mjs';

let tend, browser, admin, agent, inboxId;

const HOSTILE_SUBJECT = 'Rēķins <img src=x onerror=alert(1)> 請求書';
const HOSTILE_NAME = 'Mallory <script>alert(2)</script>';
const HOSTILE_FILE = '<svg onload=alert(5)>.txt';

function mail({ subject, from, name, messageId, inReplyTo, html, text }) {
  const b = 'b1_tend_e2e';
  const headers = [
    `From: "${name.replace(/"/g, '')}" <${from}>`,
    'To: support@example.com',
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Message-ID: <${messageId}>`,
    inReplyTo ? `In-Reply-To: <${inReplyTo}>` : null,
    'Date: Tue, 24 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
  ].filter(Boolean);
  const parts = [
    `--${b}`,
    'Content-Type: multipart/alternative; boundary="alt_1"',
    '',
    '--alt_1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '--alt_1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    html,
    '--alt_1--',
    `--${b}`,
    `Content-Type: text/plain; name="${HOSTILE_FILE}"`,
    `Content-Disposition: attachment; filename="${HOSTILE_FILE}"`,
    '',
    'attached text',
    `--${b}--`,
    '',
  ];
  return [...headers, '', ...parts].join('\r\n');
}

async function deliver(raw) {
  const r = await fetch(`${tend.url}/api/v1/inbound/email?inbox_id=${inboxId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'message/rfc822' },
    body: raw,
  });
  const body = await r.json();
  assert.equal(r.status, 202, JSON.stringify(body));
  return body;
}

before(async () => {
  tend = await startTend();
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  agent = tend.user('min@example.kr', '김민준', 'agent');
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

test('an agent works a conversation from arrival to solved, live', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(tend.url + '/');
  await waitFor(() => page.evaluate(() => document.documentElement.dataset.live === 'open'), 15000, 'the live stream');
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });

  // A new email conversation appears without reloading.
  const res = await deliver(mail({
    subject: HOSTILE_SUBJECT,
    from: 'mallory@example.org',
    name: HOSTILE_NAME,
    messageId: 'first@example.org',
    text: 'Labdien! Mans rēķins nav pareizs.',
    html: '<p>Labdien! <b>Mans rēķins</b> nav pareizs.</p><script>alert(3)</script><img src="https://tracker.example/pixel.png" alt="pixel"><a href="javascript:alert(4)">klikšķini</a><p onclick="alert(6)">x</p>',
  }));
  assert.equal(res.outcome, 'created');
  const convId = res.conversation_id;
  const row = page.locator(`#rows tr[data-id="${convId}"]`);
  await row.waitFor({ timeout: 15000 });
  assert.equal(navigations, 0, 'the row arrived without a reload');
  assert.match(await row.innerText(), /Rēķins <img src=x onerror=alert\(1\)> 請求書/);
  assert.match(await row.innerText(), /Mallory <script>alert\(2\)<\/script>/);
  await page.screenshot({ path: artifact('inbox.png'), fullPage: true });

  // Keyboard: j selects the first row, Enter opens it.
  await page.keyboard.press('j');
  await Promise.all([page.waitForURL(`**/c/${convId}`), page.keyboard.press('Enter')]);
  await page.locator('iframe.msg-html').first().waitFor();
  const frame = page.frameLocator('iframe.msg-html').first();
  await frame.locator('text=Mans rēķins').waitFor();
  assert.equal(await frame.locator('img[src^="https://"]').count(), 0, 'remote images are blocked');
  // The hostile file name is stored cleaned and shown as text.
  const stored = await tend.api(admin.token, 'GET', `/conversations/${convId}/messages`);
  const fname = stored.json.items[0].attachments.find((a) => !a.inline).filename;
  assert.ok(fname.includes('svg onload=alert(5)'), fname);
  await page.getByText(fname).waitFor();
  // (The composer's toolbar draws its own icons; none may come from the mail.)
  const made = await page.evaluate(() => [...document.querySelectorAll('main svg')].filter((e) => !e.closest('#format-bar')).length);
  assert.equal(made, 0, 'no element was made from the file name');

  // Reply (r focuses the reply box).
  await page.keyboard.press('r');
  await page.locator('#text').fill('Labdien! Esam izlabojuši rēķinu. Atvainojamies.');
  await Promise.all([page.waitForURL(`**/c/${convId}**`), page.getByRole('button', { name: 'Send', exact: true }).click()]);
  await page.locator('li.msg.outbound', { hasText: 'Esam izlabojuši' }).waitFor();

  // Internal note: looks different.
  await page.getByLabel('Internal note').check();
  await page.locator('#text').fill('Klients jau otro reizi raksta par šo.');
  await Promise.all([page.waitForURL(`**/c/${convId}**`), page.getByRole('button', { name: 'Send', exact: true }).click()]);
  const note = page.locator('li.msg.note', { hasText: 'otro reizi' });
  await note.waitFor();
  assert.match(await note.innerText(), /Internal note/);

  // Assign to myself, then transfer to another agent: needs a reason.
  await page.locator('#assignee').selectOption({ label: admin.name });
  await Promise.all([page.waitForURL(`**/c/${convId}`), page.getByRole('button', { name: 'Save' }).click()]);
  await page.locator('#assignee').selectOption({ label: agent.name });
  assert.equal(await page.locator('#reason-box').isVisible(), true, 'a transfer asks for a reason');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').filter({ hasText: 'needs a reason' }).waitFor();
  await page.locator('#assignee').selectOption({ label: agent.name });
  await page.locator('#reason_category').selectOption('language');
  await page.locator('#reason').fill('Klients raksta korejiski');
  await Promise.all([page.waitForURL(`**/c/${convId}`), page.getByRole('button', { name: 'Save' }).click()]);
  await page.locator('.timeline .event', { hasText: 'transferred it from' }).waitFor();
  await page.locator('q.reason', { hasText: 'Klients raksta korejiski' }).waitFor();

  // Solve.
  await page.locator('#status').selectOption('solved');
  await Promise.all([page.waitForURL(`**/c/${convId}`), page.getByRole('button', { name: 'Save' }).click()]);
  await page.locator('.conv-head .badge', { hasText: 'Solved' }).waitFor();
  await page.screenshot({ path: artifact('conversation.png'), fullPage: true });

  const api = await tend.api(admin.token, 'GET', `/conversations/${convId}`);
  assert.equal(api.json.status, 'solved');
  assert.equal(api.json.assignee_id, agent.id);
  assert.equal(api.json.transfer_count, 1);
  const events = await tend.api(admin.token, 'GET', `/conversations/${convId}/events`);
  const kinds = events.json.items.map((e) => e.kind);
  for (const k of ['created', 'message_added', 'note_added', 'assigned', 'transferred', 'status_changed']) {
    assert.ok(kinds.includes(k), `timeline has ${k}: ${kinds}`);
  }
  assertClean(assert, page);

  // The session cookie: HttpOnly and SameSite=Lax (Secure only under https).
  const cookie = (await ctx.cookies()).find((c) => c.name === 'tend_session');
  assert.ok(cookie, 'signed in with a session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  await ctx.close();
});

test('a cross-origin form post is rejected and changes nothing', async () => {
  const created = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'CSRF target', customer: { email: 'csrf@example.com' }, message: { text: 'hello' },
  });
  const id = created.json.id;
  const evil = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<form id=f method=post action="${tend.url}/c/${id}/update"><input name=status value=closed><input name=priority value=urgent></form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise((r) => evil.listen(0, '127.0.0.1', r));
  const evilUrl = `http://127.0.0.1:${evil.address().port}/`;
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, tend.url, admin.email, admin.password);
  const answers = [];
  page.on('response', (r) => { if (r.url().includes(`/c/${id}/update`)) answers.push(r.status()); });
  await page.goto(evilUrl);
  await waitFor(() => answers.length > 0, 15000, 'the forged post to be answered');
  assert.equal(answers[0], 403);
  const after = await tend.api(admin.token, 'GET', `/conversations/${id}`);
  assert.equal(after.json.status, 'new');
  assert.equal(after.json.priority, 'normal');
  // A post without the CSRF token from Tend's own origin is refused too.
  const r = await page.evaluate(async (id) => {
    const resp = await fetch(`/c/${id}/update`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'status=closed' });
    return resp.status;
  }, id);
  assert.equal(r, 403);
  await ctx.close();
  evil.close();
});

test('two agents see each other, and a reply warns about a newer customer message', async () => {
  const created = await deliver(mail({
    subject: '배송 문의', from: 'jisoo@example.kr', name: '이지수', messageId: 'ko-1@example.kr',
    text: '주문한 상품이 아직 도착하지 않았습니다.', html: '<p>주문한 상품이 아직 도착하지 않았습니다.</p>',
  }));
  const id = created.conversation_id;
  const c1 = await browser.newContext({ locale: 'ko-KR' });
  const c2 = await browser.newContext({ locale: 'en-US' });
  const p1 = await guardedPage(c1, tend.url);
  const p2 = await guardedPage(c2, tend.url);
  await signIn(p1, tend.url, agent.email, agent.password);
  await signIn(p2, tend.url, admin.email, admin.password);
  await p1.goto(`${tend.url}/c/${id}`);
  await p2.goto(`${tend.url}/c/${id}`);
  await waitFor(() => p1.evaluate(() => document.documentElement.dataset.live === 'open'), 15000, 'live on page 1');
  // The agent starts typing: the admin sees "replying".
  await p1.locator('#text').click();
  await p1.locator('#text').fill('안녕하세요, 확인해 보겠습니다.');
  await p2.locator('#viewers', { hasText: `${agent.name} is replying` }).waitFor({ timeout: 20000 });
  // The customer writes again while the agent types.
  await deliver(mail({
    subject: 'Re: 배송 문의', from: 'jisoo@example.kr', name: '이지수', messageId: 'ko-2@example.kr', inReplyTo: 'ko-1@example.kr',
    text: '혹시 주소를 바꿀 수 있나요?', html: '<p>혹시 주소를 바꿀 수 있나요?</p>',
  }));
  await p1.locator('#new-message').waitFor({ state: 'visible', timeout: 15000 });
  // Sending anyway is explicit: the first press returns the warning.
  await p1.locator('#send').click();
  await p1.waitForLoadState();
  await p1.locator('#new-message').waitFor({ state: 'visible' });
  assert.equal(await p1.locator('#text').inputValue(), '안녕하세요, 확인해 보겠습니다.', 'the draft is kept');
  const msgs = await tend.api(admin.token, 'GET', `/conversations/${id}/messages`);
  assert.equal(msgs.json.items.filter((m) => m.direction === 'out').length, 0, 'nothing was sent yet');
  await Promise.all([p1.waitForURL(new RegExp(`/c/${id}(\\?sent=\\d+)?#m\\d+$`)), p1.locator('#send').click()]);
  const after = await tend.api(admin.token, 'GET', `/conversations/${id}/messages`);
  assert.equal(after.json.items.filter((m) => m.direction === 'out').length, 1);
  assertClean(assert, p1);
  assertClean(assert, p2);
  await c1.close();
  await c2.close();
});
