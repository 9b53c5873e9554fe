// At a phone's 390×844, in each of the five languages: the customers,
// customer, reports, users and quarantine pages pass axe and need no
// sideways scrolling, their
// lists are cards whose essentials (the title line and the buttons) lie
// inside the screen, and the reports' charts and tables fit or scroll in
// their own box. And an agent answers a chat from a phone: the one-line
// box is on screen, Enter sends, and the sent line shows above the box.
// Screenshots in e2e/artifacts/phone-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, signIn, artifact, waitFor, guardedPage, assertClean, axeViolations } from '../lib/tend.mjs';

const PHONE = { width: 390, height: 844 };
const LOCALES = ['en-US', 'ja-JP', 'ko-KR', 'lv-LV', 'ca-ES'];

let tend, browser, admin, inbox, customerId;

before(async () => {
  tend = await startTend();
  admin = tend.user('lead@example.com', 'Līga Bērziņa-Ozoliņa', 'admin');
  tend.user('aiko.tanaka.with.a.long.address@example.co.jp', '田中 愛子', 'agent');
  tend.user('minji@example.kr', '김민지', 'supervisor');
  inbox = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const people = [
    ['jordi.puig.i.soler.from.a.very.long.domain@cooperativa-exemple.cat', 'Jordi Puig i Soler', 'Necessito una factura rectificativa.'],
    ['haruka@example.jp', '山田 春香', '昨日注文した商品がまだ届いていません。'],
    ['seojun@example.kr', '박서준', '환불은 언제 처리되나요?'],
  ];
  for (const [email, name, text] of people) {
    const c = await tend.api(admin.token, 'POST', '/conversations', {
      subject: text.slice(0, 20), customer: { email, name }, message: { text },
    });
    assert.equal(c.status, 201, c.text);
    const r = await tend.api(admin.token, 'PATCH', `/customers/${c.json.customer.id}`, {
      organization: 'Cooperativa de Serveis Lingüístics del Penedès', language: 'ca',
    });
    assert.equal(r.status, 200, r.text);
    customerId = c.json.customer.id;
  }
  // Held mail: no From address (quarantined), twice.
  for (const n of [1, 2]) {
    const raw = `To: support@example.com\r\nSubject: Sense remitent — 差出人なし ${n} with a long subject line that wraps\r\nMessage-ID: <nofrom${n}@example.net>\r\n\r\nbody\r\n`;
    const r = await fetch(`${tend.url}/api/v1/inbound/email?inbox_id=${inbox}`, {
      method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'message/rfc822' }, body: raw,
    });
    assert.equal((await r.json()).outcome, 'quarantined');
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

/** What must be on screen at phone width, measured in the page. */
async function measure(page) {
  return page.evaluate(() => {
    const inside = (el) => {
      const r = el.getBoundingClientRect();
      return r.width === 0 || (r.left >= -0.5 && r.right <= innerWidth + 0.5);
    };
    const cards = [...document.querySelectorAll('table.cards tbody tr')];
    const essentials = cards.flatMap((tr) => [
      ...tr.querySelectorAll('td.lead, td.sel input, td.actions a, td.actions button, td.actions select'),
    ]);
    const boxes = [...document.querySelectorAll('.table-wrap, .chart-figure, .chart, h1, form')];
    return {
      overflow: document.documentElement.scrollWidth - innerWidth,
      cards: cards.length,
      notCards: cards.filter((tr) => getComputedStyle(tr).display !== 'block').length,
      outside: [...essentials, ...boxes].filter((el) => !inside(el)).map((el) => el.outerHTML.slice(0, 80)),
      lang: document.documentElement.lang,
    };
  });
}

for (const locale of LOCALES) {
  test(`customers, reports, users and quarantine fit a phone (${locale})`, async () => {
    const ctx = await browser.newContext({ viewport: PHONE, locale, bypassCSP: true });
    const page = await ctx.newPage();
    await signIn(page, tend.url, admin.email, admin.password);
    const lang = locale.slice(0, 2);
    for (const [name, path, lists] of [
      ['customers', '/customers', true],
      ['customer', `/customers/${customerId}`, false],
      ['reports', '/reports?days=30', false],
      ['users', '/admin/users', true],
      ['quarantine', '/admin/quarantine', true],
    ]) {
      const resp = await page.goto(tend.url + path);
      assert.equal(resp.status(), 200, `${name}: status`);
      const m = await measure(page);
      assert.equal(m.lang, lang, `${name}: the page is in ${lang}`);
      assert.ok(m.overflow <= 0, `${name} (${locale}) scrolls sideways by ${m.overflow}px`);
      if (lists) {
        assert.ok(m.cards > 0, `${name}: a list`);
        assert.equal(m.notCards, 0, `${name}: every row is a card`);
      }
      assert.deepEqual(m.outside, [], `${name} (${locale}): off the screen`);
      assert.deepEqual(await axeViolations(page), [], `${name} (${locale}): accessibility violations`);
      await page.screenshot({ path: artifact(`phone-${name}-${lang}.png`), fullPage: true });
    }
    // The quarantine shows which tab is open.
    const current = await page.locator('.page-tabs a[aria-current="page"]').getAttribute('href');
    assert.match(current, /view=quarantined/);
    await ctx.close();
  });
}

test('an agent answers a chat from a phone: Enter sends and the line shows', async () => {
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Chat', channel: 'chat', customer: { email: 'fumi@customer.example', name: 'Fumi' },
    message: { text: '注文を変更できますか？' },
  });
  assert.equal(c.status, 201, c.text);
  // A long chat already: the box must not be pushed off the screen.
  for (let i = 1; i <= 8; i++) {
    const r = await tend.api(admin.token, 'POST', `/conversations/${c.json.id}/messages`, { text: `Line ${i} of an earlier answer.` });
    assert.equal(r.status, 201, r.text);
  }
  const ctx = await browser.newContext({ viewport: PHONE, locale: 'ja-JP', hasTouch: true, isMobile: true });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(`${tend.url}/c/${c.json.id}`);
  const box = page.locator('#text');
  const onScreen = async (loc) => {
    const b = await loc.boundingBox();
    return b && b.y >= 0 && b.y + b.height <= PHONE.height && b.x >= 0 && b.x + b.width <= PHONE.width;
  };
  assert.ok(await onScreen(box), 'the chat box is on the screen without scrolling');
  assert.ok(await onScreen(page.locator('#send')), 'so is Send');
  await box.tap();
  await page.keyboard.type('はい、変更できます。');
  await page.keyboard.press('Enter');
  const line = page.locator('#timeline li.msg.outbound', { hasText: 'はい、変更できます。' });
  await line.waitFor({ timeout: 15000 });
  assert.equal(await box.inputValue(), '', 'the box is empty for the next line');
  await waitFor(async () => {
    const l = await line.boundingBox();
    const b = await page.locator('#composer').boundingBox();
    return l && b && l.y >= 0 && l.y + l.height <= b.y + 1;
  }, 5000, 'the sent line to show above the box');
  assert.ok(await onScreen(box), 'the box is still on the screen');
  const m = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(m <= 0, `the chat scrolls sideways by ${m}px`);
  await page.screenshot({ path: artifact('phone-chat-ja.png') });
  const sent = await tend.api(admin.token, 'GET', `/conversations/${c.json.id}/messages`);
  assert.equal(sent.json.items.filter((x) => x.text === 'はい、変更できます。').length, 1, 'sent once');
  assertClean(assert, page);
  await ctx.close();
});

/** The header at phone width: how many lines its parts take, and which
 * lie off the screen. */
async function header(page) {
  return page.evaluate(() => {
    const parts = [...document.querySelector('header.top').children]
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.height > 0);
    const lines = [];
    for (const r of parts) {
      const mid = (r.top + r.bottom) / 2;
      if (!lines.some((m) => Math.abs(m - mid) < 12)) lines.push(mid);
    }
    return {
      lines: lines.length,
      parts: parts.map((r) => [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]),
      outside: parts.filter((r) => r.left < -0.5 || r.right > innerWidth + 0.5).length,
    };
  });
}

const overlap = (a, b) => a && b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

for (const locale of ['ja-JP', 'ca-ES']) {
  test(`a conversation on a phone: a one-line header, a menu per message, alerts clear of the composer (${locale})`, async () => {
    const lang = locale.slice(0, 2);
    const c = await tend.api(admin.token, 'POST', '/conversations', {
      subject: 'Xat', channel: 'chat', customer: { email: `chat-${lang}@customer.example`, name: 'Berta' },
      message: { text: 'Em podeu canviar la comanda?' },
    });
    assert.equal(c.status, 201, c.text);
    const r = await tend.api(admin.token, 'POST', `/conversations/${c.json.id}/messages`, { text: 'Sí, és clar.' });
    assert.equal(r.status, 201, r.text);
    const ctx = await browser.newContext({ viewport: PHONE, locale, hasTouch: true, isMobile: true, bypassCSP: true });
    const page = await guardedPage(ctx, tend.url);
    await signIn(page, tend.url, admin.email, admin.password);
    await page.goto(`${tend.url}/c/${c.json.id}`);
    await page.waitForFunction(() => document.documentElement.dataset.live === 'open');
    await page.evaluate(() => document.fonts.ready);

    // The header is one line; the pages are in the menu, which opens below.
    const h = await header(page);
    assert.equal(h.lines, 1, `the header takes ${h.lines} lines: ${JSON.stringify(h.parts)}`);
    assert.equal(h.outside, 0, 'nothing of the header is off the screen');
    const customers = page.locator('header.top nav a[href="/customers"]');
    assert.equal(await customers.isVisible(), false, 'the pages wait in the menu');
    await page.locator('#nav-menu > summary').tap();
    assert.equal(await customers.isVisible(), true, 'the menu shows them');
    const link = await customers.boundingBox();
    assert.ok(link.x >= 0 && link.x + link.width <= PHONE.width, 'inside the screen');
    const open = await header(page);
    assert.equal(open.lines, 1, `the open menu lies over the page: ${JSON.stringify(open.parts)}`);
    await page.screenshot({ path: artifact(`phone-menu-${lang}.png`) });
    await page.locator('#q').tap();
    assert.equal(await customers.isVisible(), false, 'a tap elsewhere closes it');

    // A message's Forward and Split wait behind its menu button.
    const msg = page.locator('#timeline li.msg.inbound').first();
    const forward = msg.locator('.forward-link');
    const split = msg.locator('.split-form button');
    assert.equal(await forward.isVisible(), false);
    assert.equal(await split.isVisible(), false);
    const head = await msg.locator('article > header').boundingBox();
    const who = await msg.locator('article > header .who').boundingBox();
    assert.ok(head.height < who.height * 2, `the message's head is one line (${head.height}px)`);
    await msg.locator('.msg-actions > summary').tap();
    for (const action of [forward, split]) {
      const b = await action.boundingBox();
      assert.ok(b && b.x >= 0 && b.x + b.width <= PHONE.width && b.y >= 0 && b.y + b.height <= PHONE.height, 'the action on the screen');
    }

    // A service-level alert comes (a VIP waiting): it keeps clear of the
    // composer and its Send button.
    const policy = await tend.api(admin.token, 'POST', '/sla-policies', {
      name: `VIP ${lang}`, position: 1, business_hours: false, match: { tags: [`vip-${lang}`] },
      targets: { first_response: 1 }, warn_percent: 1,
    });
    assert.equal(policy.status, 201, policy.text);
    const vip = await tend.api(admin.token, 'POST', '/conversations', {
      subject: 'Urgent', customer: { email: `vip-${lang}@customer.example` }, tags: [`vip-${lang}`],
      message: { text: 'On és la meva comanda?' },
    });
    assert.equal(vip.status, 201, vip.text);
    const alert = page.locator(`#alerts .sla-alert[data-conversation="${vip.json.id}"]`);
    await alert.waitFor({ timeout: 20000 });
    const a = await alert.boundingBox();
    for (const sel of ['#composer', '#send', '#text']) {
      const b = await page.locator(sel).boundingBox();
      assert.ok(!overlap(a, b), `the alert covers ${sel}: ${JSON.stringify([a, b])}`);
    }
    assert.ok(a.x >= 0 && a.x + a.width <= PHONE.width, 'the alert fits the screen');
    const m = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(m <= 0, `the page scrolls sideways by ${m}px`);
    assert.deepEqual(await axeViolations(page), [], `conversation (${locale}): accessibility violations`);
    await page.screenshot({ path: artifact(`phone-conversation-${lang}.png`) });
    const del = await tend.api(admin.token, 'DELETE', `/sla-policies/${policy.json.id}`);
    assert.ok(del.status < 300, del.text);
    assertClean(assert, page);
    await ctx.close();
  });
}
