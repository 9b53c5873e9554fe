// The help centre leads to the chat (issue 21: "a contact link on every
// page, leading to the contact form, the chat and the portal"). With
// TEND_HELP_CHAT_INBOX naming a chat inbox, a visitor on an article in
// Korean presses "Chat with us" at the foot of the page: the inbox's chat
// widget opens in Korean, the visitor writes, and the agent's workspace
// has the chat conversation. The page with the widget passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, artifact, axeViolations, waitFor } from '../lib/tend.mjs';

let tend, browser, admin, articleId;

before(async () => {
  tend = await startTend({ TEND_HELP_CHAT_INBOX: '2' });
  admin = tend.user('ada@example.com', 'Ada Admin', 'admin');
  const inbox = await tend.api(admin.token, 'POST', '/inboxes', { kind: 'chat', name: 'Shop chat' });
  assert.equal(inbox.status, 201, inbox.text);
  assert.equal(inbox.json.id, 2, 'the inbox TEND_HELP_CHAT_INBOX names');
  const a = await tend.api(admin.token, 'POST', '/kb/articles', {
    slug: 'delivery',
    translations: {
      en: { title: 'Where is my parcel?', body_markdown: 'Parcels arrive within five days.', published: true },
      ko: { title: '택배는 어디에 있나요?', body_markdown: '택배는 5일 이내에 도착합니다.', published: true },
    },
  });
  assert.equal(a.status, 201, a.text);
  articleId = a.json.id;
  // Someone is there to answer: the widget offers a live chat.
  const p = await tend.api(admin.token, 'PUT', '/me/presence', { presence: 'online' });
  assert.equal(p.status, 200, p.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('"Chat with us" on a help-centre page opens the chat, and the chat reaches the desk', async () => {
  const ctx = await browser.newContext({ locale: 'ko-KR' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A refused policy or a missing script shows as an error or a failed answer.
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${tend.url}/help/ko/articles/${articleId}-delivery`);
  const link = page.locator('#kb-chat-link');
  assert.equal(await link.textContent(), '채팅으로 문의하기');
  // The widget is loaded (its launcher), then the page's own link opens it.
  await page.locator('[id^=tend-chat] .launcher').waitFor();
  await link.click();
  assert.equal(new URL(page.url()).pathname, `/help/ko/articles/${articleId}-delivery`, 'the link did not navigate away');
  await page.locator('#panel').waitFor({ state: 'visible' });
  await page.locator('#name').fill('김민준');
  await page.locator('.form button[type=submit]').click();
  await page.locator('#msg').fill('택배가 아직 오지 않았어요.');
  await page.locator('#msg').press('Enter');
  await waitFor(async () => {
    const r = await tend.api(admin.token, 'GET', '/conversations');
    return (r.json?.items || []).some((c) => c.inbox_id === 2);
  }, 20000, 'the chat conversation at the desk');
  await page.screenshot({ path: artifact('help-chat-ko.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no script or policy errors');
  await ctx.close();

  // axe is injected as a script of its own: a context that lets it run.
  const axeCtx = await browser.newContext({ locale: 'ko-KR', bypassCSP: true });
  const again = await axeCtx.newPage();
  await again.goto(`${tend.url}/help/ko/articles/${articleId}-delivery`);
  await again.locator('[id^=tend-chat] .launcher').waitFor();
  await again.locator('#kb-chat-link').click();
  await again.locator('#panel').waitFor({ state: 'visible' });
  assert.deepEqual(await axeViolations(again), [], 'the page with the chat open passes axe');
  await axeCtx.close();
});
