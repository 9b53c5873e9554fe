// The inbox's views in a real browser (issue 25, items 1 and 2): a view
// filtered, ordered and saved, then opened from another device; the bulk
// bar only while rows are selected; and at a phone's 390×844, rows are
// cards whose essentials (customer, subject, preview, waiting time,
// status, owner) are all on screen, with nothing scrolling sideways, in
// all five languages. Screenshots go to e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact } from '../lib/tend.mjs';

let tend, browser, admin, agent, ids;

const LOCALES = [['en', 'en-US'], ['ja', 'ja-JP'], ['ko', 'ko-KR'], ['lv', 'lv-LV'], ['ca', 'ca-ES']];

before(async () => {
  tend = await startTend();
  admin = tend.user('liga@example.lv', 'Līga Ozola', 'admin');
  agent = tend.user('jun@example.kr', '박준호', 'agent');
  const inbox = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'help@example.com']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Atbalsts']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inbox)]);
  ids = [];
  const convs = [
    { subject: 'ご注文の商品がまだ届いていません（注文番号 A-10293）', language: 'ja', priority: 'high', name: '山田 花子', email: 'hanako.yamada@example.jp', text: '先週注文した商品がまだ届きません。配送状況を教えていただけますか。' },
    { subject: '환불 요청드립니다', language: 'ko', priority: 'normal', name: '김민지', email: 'minji@example.kr', text: '지난주에 주문한 상품을 환불하고 싶습니다.' },
    { subject: 'Rēķins par novembri nav saņemts', language: 'lv', priority: 'urgent', name: 'Jānis Bērziņš', email: 'janis@example.lv', text: 'Labdien, es nesaņēmu rēķinu par novembri.' },
    { subject: "No puc accedir al compte d'usuari", language: 'ca', priority: 'low', name: 'Núria Puig', email: 'nuria.puig.i.ferrer@example.cat', text: "Hola, no puc iniciar la sessió des d'ahir." },
  ];
  for (const c of convs) {
    const r = await tend.api(admin.token, 'POST', '/conversations', {
      subject: c.subject, language: c.language, priority: c.priority, inbox_id: inbox,
      customer: { email: c.email, name: c.name }, message: { text: c.text },
    });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  // One owned by the agent, one pending.
  await tend.api(admin.token, 'PATCH', `/conversations/${ids[0]}`, { assignee_id: agent.id });
  await tend.api(admin.token, 'PATCH', `/conversations/${ids[1]}`, { status: 'pending' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

const rowIds = (page) => page.locator('#rows tr.row').evaluateAll((rs) => rs.map((r) => Number(r.dataset.id)));

test('a view is filtered, ordered, saved, and opened on another device', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await page.goto(tend.url + '/?view=open');
  // Pending on "All open" lists the pending one (it used to say "Nothing here").
  await page.locator('.filters select[name=status]').selectOption('pending');
  await Promise.all([page.waitForURL(/status=pending/), page.locator('.filters button[type=submit]').click()]);
  assert.deepEqual(await rowIds(page), [ids[1]]);
  assert.equal(await page.locator('.empty').count(), 0);

  // Active conversations by priority, with fewer columns.
  await page.goto(tend.url + '/?view=open');
  await page.locator('.filters select[name=sort]').selectOption('priority');
  await page.locator('.filters input[name=col][value=customer]').uncheck();
  await page.locator('.filters input[name=col][value=due]').uncheck();
  await Promise.all([page.waitForURL(/sort=priority/), page.locator('.filters button[type=submit]').click()]);
  assert.deepEqual(await rowIds(page), [ids[2], ids[0], ids[3]], 'urgent, high, low');
  assert.equal(await page.locator('thead th', { hasText: 'Customer' }).count(), 0);

  await page.locator('details.save-view summary').click();
  await page.locator('details.save-view input[name=name]').fill('Steidzamie 急ぎ');
  await Promise.all([page.waitForURL(/saved=\d+/), page.locator('details.save-view button[type=submit]').first().click()]);
  assert.equal(await page.locator('h1').textContent(), 'Steidzamie 急ぎ');
  assert.deepEqual(await rowIds(page), [ids[2], ids[0], ids[3]]);
  const href = await page.locator('.saved-views a[aria-current=page]').getAttribute('href');
  assertClean(assert, page);
  await ctx.close();

  // Another device: the view is kept on the server, not in the browser.
  const other = await browser.newContext({ locale: 'en-US' });
  const p2 = await other.newPage();
  await signIn(p2, tend.url, agent.email, agent.password);
  await p2.goto(tend.url + '/');
  await p2.locator('.saved-views a', { hasText: 'Steidzamie 急ぎ' }).click();
  await p2.waitForURL((u) => u.href.endsWith(href));
  assert.deepEqual(await rowIds(p2), [ids[2], ids[0], ids[3]]);
  assert.equal(await p2.locator('thead th', { hasText: 'Customer' }).count(), 0);
  await other.close();
});

test('the bulk bar shows only while rows are selected', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(tend.url + '/?view=open');
  const bar = page.locator('#bulk');
  assert.equal(await bar.isVisible(), false);
  await page.locator(`#rows tr[data-id="${ids[2]}"] input[name=ids]`).check();
  assert.equal(await bar.isVisible(), true);
  await page.locator(`#rows tr[data-id="${ids[2]}"] input[name=ids]`).uncheck();
  assert.equal(await bar.isVisible(), false);
  await page.locator('#select-all').check();
  assert.equal(await bar.isVisible(), true);
  assertClean(assert, page);
  await ctx.close();
});

for (const [lang, locale] of LOCALES) {
  test(`at phone width the inbox is cards with the essentials on screen (${lang})`, async () => {
    const ctx = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    const page = await guardedPage(ctx, tend.url);
    await signIn(page, tend.url, admin.email, admin.password);
    await page.goto(tend.url + '/?view=open');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the inbox scrolls sideways by ${overflow}px`);
    const rows = page.locator('#rows tr.row');
    assert.ok((await rows.count()) >= 3);
    for (const row of await rows.all()) {
      for (const sel of ['td.who .name', 'td.subject a', 'td.subject .preview', 'td.waited', '.badge', 'td.assignee']) {
        const el = row.locator(sel).first();
        assert.ok(await el.isVisible(), `${sel} is visible`);
        const box = await el.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 391, `${sel} is on screen: ${JSON.stringify(box)}`);
      }
    }
    await page.screenshot({ path: artifact(`views-inbox-phone-${lang}.png`), fullPage: true });
    // The conversation too: nothing scrolls sideways, and the reply box is there.
    await page.goto(`${tend.url}/c/${ids[0]}`);
    const o2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(o2 <= 1, `the conversation scrolls sideways by ${o2}px`);
    assert.ok(await page.locator('#text').isVisible());
    await page.screenshot({ path: artifact(`views-conversation-phone-${lang}.png`), fullPage: true });
    // And the desktop inbox, for the record.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(tend.url + '/?view=open');
    await page.screenshot({ path: artifact(`views-inbox-desktop-${lang}.png`), fullPage: true });
    await page.goto(`${tend.url}/c/${ids[0]}`);
    assert.ok(await page.locator('#text').isVisible());
    await page.screenshot({ path: artifact(`views-conversation-desktop-${lang}.png`), fullPage: true });
    assertClean(assert, page);
    await ctx.close();
  });
}
