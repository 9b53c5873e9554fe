// Live chat, end to end: a visitor on a test site (its own origin) embeds
// /widget.js with one tag; an agent in a second browser context answers from
// the workspace. Both see every message, in order. The network between the
// visitor and Tend is then cut (a TCP proxy stops forwarding) while both
// sides write, and restored: nothing is lost and nothing shows twice. Also:
// the offline form creates an email conversation, a visitor identified by
// HMAC sees their history while a forged hash is refused, the transcript
// goes to the visitor's own address, and the open widget passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { startTend, launchBrowser, signIn, artifact, waitFor, freePort } from '../lib/tend.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const SECRET = 'site-identity-secret-0123456789';

let tend, browser, proxy, site, admin, agent, inbox, offlineInbox;

/** A TCP proxy in front of Tend that can cut the network and restore it. */
async function startProxy(target) {
  const port = await freePort();
  let up = true;
  const pairs = new Set();
  const server = net.createServer((c) => {
    const s = net.connect(target, '127.0.0.1');
    const pair = { c, s };
    pairs.add(pair);
    const done = () => { c.destroy(); s.destroy(); pairs.delete(pair); };
    c.on('error', done); s.on('error', done); c.on('close', done); s.on('close', done);
    c.pipe(s); s.pipe(c);
    // While cut, bytes wait in buffers: like a dead link, nothing arrives.
    if (!up) { c.pause(); s.pause(); }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    cut() { up = false; for (const { c, s } of pairs) { c.pause(); s.pause(); } },
    // Connections that lived through the outage are gone afterwards.
    restore() { for (const p of [...pairs]) { p.c.destroy(); p.s.destroy(); } pairs.clear(); up = true; },
    close() { for (const p of pairs) { p.c.destroy(); p.s.destroy(); } server.close(); },
  };
}

/** The customer's website, on its own origin, embedding the widget. */
async function startSite(widgetBase) {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const attrs = [`data-inbox="${u.searchParams.get('inbox')}"`];
    for (const k of ['user-id', 'user-hash', 'lang', 'email', 'name']) {
      const v = u.searchParams.get(k);
      if (v) attrs.push(`data-${k}="${v.replace(/"/g, '&quot;')}"`);
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    // The host page's own styles must not reach into the widget.
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title>
<style>* { font-size: 40px !important; color: red !important; } button { display: none !important; }</style></head>
<body><main><h1>Example shop</h1><p>Products…</p></main>
<script src="${widgetBase}/widget.js" ${attrs.join(' ')} async></script></body></html>`);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

before(async () => {
  tend = await startTend();
  proxy = await startProxy(Number(new URL(tend.url).port));
  site = await startSite(proxy.url);
  admin = tend.user('lead@example.com', 'Lea Lead', 'admin');
  agent = tend.user('aiko@example.jp', 'Aiko Tanaka', 'agent');
  inbox = Number(tend.cli(['admin', 'create-inbox', '--kind', 'chat', '--name', 'Shop chat']));
  offlineInbox = Number(tend.cli(['admin', 'create-inbox', '--kind', 'chat', '--name', 'After hours']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Chat']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inbox)]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(offlineInbox)]);
  let r = await tend.api(admin.token, 'PUT', `/inboxes/${inbox}/routing`, { team_id: Number(team), strategy: 'round_robin' });
  assert.equal(r.status, 200, r.text);
  r = await tend.api(admin.token, 'PUT', `/inboxes/${inbox}/public-settings`, { allowed_origins: [site.url], identity_secret: SECRET });
  assert.equal(r.status, 200, r.text);
  // The second inbox is closed all week: its widget is an offline form.
  r = await tend.api(admin.token, 'PUT', `/inboxes/${offlineInbox}/public-settings`, {
    allowed_origins: [site.url], office_hours: { timezone: 'Europe/Riga', days: {} },
  });
  assert.equal(r.status, 200, r.text);
  r = await tend.api(agent.token, 'PUT', '/me/presence', { presence: 'online' });
  assert.equal(r.status, 200, r.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  proxy?.close();
  site?.close();
  await tend?.stop();
});

/** Texts of the widget's messages, in the order shown. */
async function widgetTexts(page) {
  return page.locator('.msg .text').allTextContents();
}
/** Texts of the workspace timeline's messages, in order. */
async function agentTexts(page) {
  return page.locator('#timeline li.msg .text').allTextContents();
}

async function visitorSays(page, text) {
  await page.locator('#msg').fill(text);
  await page.locator('#msg').press('Enter');
}

async function agentSays(page, text) {
  // In a chat, Enter sends without a reload: the line comes back over the
  // live stream, and the box is empty for the next line.
  const before = page.url();
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await waitFor(async () => (await agentTexts(page)).includes(text), 15000, `agent sees own "${text}"`);
  assert.equal(await page.locator('#text').inputValue(), '', 'the chat box is emptied after sending');
  assert.equal(page.url(), before, 'sending a chat line does not leave the page');
}

test('a visitor and an agent chat, lose the network, and lose nothing', async () => {
  const visitorCtx = await browser.newContext({ locale: 'lv-LV' });
  const vpage = await visitorCtx.newPage();
  const errors = [];
  vpage.on('pageerror', (e) => errors.push(e.message));
  await vpage.goto(`${site.url}/?inbox=${inbox}`);
  const launcher = vpage.locator('.launcher');
  await launcher.waitFor();
  assert.equal(await launcher.textContent(), 'Tērzēt ar mums', 'Latvian from the browser language');
  // The page's hostile CSS did not reach the shadow root.
  assert.notEqual(await launcher.evaluate((b) => getComputedStyle(b).display), 'none');
  await launcher.click();
  await vpage.locator('#name').fill('Jānis');
  await vpage.locator('.form button[type=submit]').click();
  await vpage.locator('#msg').waitFor();
  // No address given before the chat: no transcript to offer.
  assert.equal(await vpage.locator('.tools button').count(), 0);

  await visitorSays(vpage, 'Labdien! Pasūtījums #42 nav pienācis.');
  await waitFor(async () => (await vpage.locator('.msg.visitor:not(.pending)').count()) === 1, 15000, 'first message acknowledged');

  // The agent finds the chat (routed to them) and answers from the workspace.
  const list = await tend.api(agent.token, 'GET', '/conversations?assignee_id=me');
  const conv = list.json.items.find((c) => c.channel === 'chat');
  assert.ok(conv, 'the chat was routed to the online agent');
  const agentCtx = await browser.newContext({ locale: 'ja-JP' });
  const apage = await agentCtx.newPage();
  await signIn(apage, tend.url, agent.email, agent.password);
  await apage.goto(`${tend.url}/c/${conv.id}`);
  await apage.waitForFunction(() => document.documentElement.dataset.live === 'open');
  await agentSays(apage, 'Sveiki, Jāni! Pārbaudu.');
  await waitFor(async () => (await widgetTexts(vpage)).includes('Sveiki, Jāni! Pārbaudu.'), 15000, 'visitor sees the reply');
  assert.match(await vpage.locator('.msg.agent .who').last().textContent(), /Aiko Tanaka/);

  await visitorSays(vpage, 'Paldies!');
  await waitFor(async () => (await agentTexts(apage)).includes('Paldies!'), 15000, 'agent sees the visitor live');

  // The network between the visitor and Tend goes down.
  proxy.cut();
  try {
  await visitorSays(vpage, 'Vai jūs vēl esat tur?');
  await visitorSays(vpage, 'Es gaidu…');
  await agentSays(apage, 'Sūtījums ir ceļā, rīt būs klāt.');
  await waitFor(async () => vpage.locator('.banner').isVisible(), 30000, 'the widget notices the dead link');
  assert.equal(await vpage.locator('.msg.pending').count(), 2, 'unsent messages wait, marked as sending');
  await vpage.screenshot({ path: artifact('chat-offline-link.png') });
  } finally {
    proxy.restore();
  }

  const want = [
    'Labdien! Pasūtījums #42 nav pienācis.',
    'Sveiki, Jāni! Pārbaudu.',
    'Paldies!',
    'Sūtījums ir ceļā, rīt būs klāt.',
    'Vai jūs vēl esat tur?',
    'Es gaidu…',
  ];
  await waitFor(async () => (await vpage.locator('.msg.pending').count()) === 0 && (await widgetTexts(vpage)).length === 6, 45000, 'the widget to resync');
  await waitFor(async () => (await agentTexts(apage)).length === 6, 20000, 'the agent to see all six');
  const v = await widgetTexts(vpage);
  const a = await agentTexts(apage);
  // Every message exactly once on both sides, and in the same order.
  assert.deepEqual([...v].sort(), [...want].sort(), `widget: ${JSON.stringify(v)}`);
  assert.deepEqual(a, v, 'both sides show the same order');
  const stored = await tend.api(admin.token, 'GET', `/conversations/${conv.id}/messages?limit=50`);
  assert.deepEqual(stored.json.items.map((m) => m.text), a, 'the store matches what both sides show');
  assert.ok(await vpage.locator('.banner').isHidden());

  // Typing and read receipts cross over.
  await apage.locator('#text').fill('Rakstu…');
  await vpage.locator('.typing').filter({ hasText: 'Aiko' }).waitFor({ timeout: 15000 });
  await apage.locator('#text').fill('');
  await apage.reload();
  await vpage.locator('.msg.visitor .status', { hasText: 'Izlasīts' }).waitFor({ timeout: 15000 });

  // Reloading the site keeps the conversation.
  await vpage.reload();
  await vpage.locator('.launcher').click();
  await waitFor(async () => (await widgetTexts(vpage)).length === 6, 20000, 'the history after a reload');
  assert.deepEqual(await widgetTexts(vpage), v);
  await vpage.screenshot({ path: artifact('chat-visitor.png') });
  await apage.screenshot({ path: artifact('chat-agent.png'), fullPage: true });

  // The open widget is accessible (axe sees into the open shadow root).
  await vpage.addScriptTag({ path: AXE });
  const violations = await vpage.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run({ include: [['[id^=tend-chat]']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((x) => `${x.id}: ${x.help} — ${x.nodes.map((n) => JSON.stringify(n.target)).slice(0, 5).join(', ')}`);
  });
  assert.deepEqual(violations, [], 'the widget passes axe');
  // Escape closes the panel and gives focus back to the launcher.
  await vpage.locator('#msg').press('Escape');
  assert.equal(await vpage.locator('#panel').isHidden(), true);
  assert.equal(await vpage.evaluate(() => document.activeElement?.id?.startsWith('tend-chat')), true);
  assert.deepEqual(errors, [], 'no script errors on the site');
  await visitorCtx.close();
  await agentCtx.close();
});

test('outside office hours the widget is an offline form that creates an email conversation', async () => {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const page = await ctx.newPage();
  await page.goto(`${site.url}/?inbox=${offlineInbox}`);
  await page.locator('.launcher').click();
  await page.getByText('ただいま対応時間外です').waitFor();
  await page.locator('#name').fill('佐藤花子');
  await page.locator('#email').fill('hanako@example.jp');
  await page.locator('#message').fill('返品の方法を教えてください。');
  await page.locator('.form button[type=submit]').click();
  await page.getByText('ありがとうございます。メールでお返事します。').waitFor();
  const list = await tend.api(admin.token, 'GET', `/conversations?inbox_id=${offlineInbox}`);
  const c = list.json.items[0];
  assert.equal(c.channel, 'email');
  assert.equal(c.customer.email, 'hanako@example.jp');
  assert.equal(c.subject, '返品の方法を教えてください。');
  await ctx.close();
});

test('a signed-in site visitor sees their history; a forged hash is refused', async () => {
  const hash = (msg) => crypto.createHmac('sha256', SECRET).update(msg).digest('hex');
  const userId = 'customer-1001';
  // The transcript needs a sender address.
  let r = await tend.api(admin.token, 'PATCH', `/inboxes/${inbox}`, { address: 'chat@shop.example' });
  assert.equal(r.status, 200, r.text);
  // First visit: the site signs the user id and the address together, so
  // the address is the customer's.
  const ctx1 = await browser.newContext({ locale: 'ca-ES' });
  const p1 = await ctx1.newPage();
  const signed = hash(`${userId}\nmarta@example.cat`);
  await p1.goto(`${site.url}/?inbox=${inbox}&user-id=${userId}&user-hash=${signed}&email=marta@example.cat&name=Marta`);
  await p1.locator('.launcher').click();
  await visitorSays(p1, "L'avís d'enviament no m'ha arribat.");
  const conv = await waitFor(async () => {
    const r = await tend.api(admin.token, 'GET', `/conversations?inbox_id=${inbox}`);
    return r.json.items.find((c) => c.customer.email === 'marta@example.cat');
  }, 15000, 'the chat');
  r = await tend.api(agent.token, 'POST', `/conversations/${conv.id}/messages`, { text: 'Te l’hem reenviat ara mateix.' });
  assert.equal(r.status, 201, r.text);
  await waitFor(async () => (await widgetTexts(p1)).length === 2, 15000, 'the answer');
  // The transcript goes to her address, once: the button gives way to the
  // confirmation.
  await p1.locator('.tools button').click();
  await p1.locator('.tools .done[role=status]', { hasText: 'marta@example.cat' }).waitFor({ timeout: 15000 });
  assert.equal(await p1.locator('.tools button').count(), 0);
  await ctx1.close();
  // Another device, same signed-in user: the history is there.
  const ctx2 = await browser.newContext({ locale: 'ca-ES' });
  const p2 = await ctx2.newPage();
  // The user id alone is enough now that it is bound.
  await p2.goto(`${site.url}/?inbox=${inbox}&user-id=${userId}&user-hash=${hash(userId)}`);
  await p2.locator('.launcher').click();
  await waitFor(async () => (await widgetTexts(p2)).length === 2, 15000, 'history on a new device');
  assert.deepEqual(await widgetTexts(p2), ["L'avís d'enviament no m'ha arribat.", 'Te l’hem reenviat ara mateix.']);
  await ctx2.close();
  // Someone else claiming that id without the right hash gets nothing.
  const ctx3 = await browser.newContext({ locale: 'ca-ES' });
  const p3 = await ctx3.newPage();
  await p3.goto(`${site.url}/?inbox=${inbox}&user-id=${userId}&user-hash=${hash('someone-else')}`);
  await p3.locator('.launcher').click();
  await p3.locator('.error[role=alert]').waitFor();
  assert.equal(await p3.locator('.msg').count(), 0, 'no history for a forged identity');
  await ctx3.close();
});
