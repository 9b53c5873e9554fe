// The reports overview (/reports) in a real browser: a supervisor reaches it
// from the navigation and reads it in all five locales, with its charts (SVG
// images with names) and the tables of their numbers; the words are the
// locale's, not English; the page passes axe (WCAG 2.1 A/AA) and does not
// scroll sideways on a phone; a table's CSV link gives its numbers.
// Screenshots of each locale go to e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin, boss;

/** Volume over the last 7 days, as the API reports it. */
async function volume() {
  const today = new Date().toISOString().slice(0, 10);
  const r = await tend.api(admin.token, 'GET', `/reports/metrics?metric=volume&group_by=total&from=2000-01-01&to=${today}&tz=UTC`);
  return r.json.items?.[0]?.count ?? 0;
}

before(async () => {
  tend = await startTend();
  admin = tend.user('admin@example.com', 'Anna Admin', 'admin');
  boss = tend.user('sora@example.jp', 'Sora Sato', 'supervisor');
  const conversations = [
    ['Rēķins nav pienācis', 'ilze@example.lv', 'lv', 'email', ['billing']],
    ['注文について', 'kenji@example.jp', 'ja', 'chat', []],
    ['배송 문의', 'minji@example.kr', 'ko', 'email', ['shipping']],
    ['Factura', 'jordi@example.cat', 'ca', 'email', ['billing']],
  ];
  for (const [subject, email, language, channel, tags] of conversations) {
    const c = await tend.api(admin.token, 'POST', '/conversations', {
      subject, customer: { email }, message: { text: subject }, language, channel, tags,
    });
    assert.equal(c.status, 201, c.text);
    const m = await tend.api(admin.token, 'POST', `/conversations/${c.json.id}/messages`, { text: 'Thank you, we are on it.' });
    assert.ok(m.status < 300, m.text);
    const solved = await tend.api(admin.token, 'PATCH', `/conversations/${c.json.id}`, { status: 'solved' });
    assert.equal(solved.status, 200, solved.text);
  }
  // The report figures follow the event log in the background.
  await waitFor(async () => (await volume()) === conversations.length, 15000, 'the reports to count the conversations');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

/** The words of the page's headings and table headers. */
async function words(page) {
  return page.evaluate(() => [...document.querySelectorAll('main h1, main h2, main h3, main th[scope=col], main label')]
    .map((e) => e.textContent.trim()).join(' | '));
}

test('a supervisor reads the reports overview in every locale', async () => {
  let english;
  for (const [code, locale] of [['en', 'en-US'], ['ja', 'ja-JP'], ['ko', 'ko-KR'], ['lv', 'lv-LV'], ['ca', 'ca-ES']]) {
    const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    const page = await guardedPage(ctx, tend.url);
    await signIn(page, tend.url, boss.email, boss.password);
    // The navigation's entry, found by its address in any language.
    await Promise.all([page.waitForURL('**/reports'), page.locator('header nav a[href="/reports"]').click()]);
    assert.equal(await page.getAttribute('html', 'lang'), code);
    // Three trend lines, the breakdown's bars and the weekday-hour heatmap.
    const charts = page.locator('main svg[role="img"]');
    assert.equal(await charts.count(), 5, `${code}: charts`);
    for (let i = 0; i < 5; i++) {
      assert.ok((await charts.nth(i).getAttribute('aria-label'))?.length > 0, `${code}: chart ${i} has a name`);
      assert.ok(await charts.nth(i).isVisible(), `${code}: chart ${i} is shown`);
    }
    assert.equal(await page.locator('main svg.line-chart path.line').count(), 3, `${code}: each trend has a line`);
    assert.ok(await page.locator('main svg.bar-chart rect.bar').count() >= 1, `${code}: bars`);
    assert.equal(await page.locator('main svg.heatmap rect').count(), 7 * 24, `${code}: a square per hour of the week`);
    // Each chart's numbers in a table: the summary, three trends, the breakdown, the heatmap.
    assert.equal(await page.locator('main table').count(), 6, `${code}: tables`);
    assert.equal(await page.locator('main table tr[data-metric="volume"] td.now').innerText(), '4', `${code}: the volume`);
    const text = await words(page);
    if (code === 'en') {
      english = text;
      assert.match(text, /Summary/);
    } else {
      assert.notEqual(text, english, `${code}: the page is translated`);
      for (const word of ['Summary', 'Trends', 'Breakdown', 'This period', 'Previous period', 'Measurements', 'Weekday']) {
        assert.ok(!text.includes(word), `${code}: "${word}" is still English in ${text}`);
      }
    }
    await page.screenshot({ path: artifact(`reports-${code}.png`), fullPage: true });
    assertClean(assert, page);
    await ctx.close();
  }
});

test('the filters change the breakdown and the CSV link carries them', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, boss.email, boss.password);
  await page.goto(`${tend.url}/reports`);
  await page.getByLabel('Break down').selectOption('channel');
  await page.getByLabel('Lines per').selectOption('week');
  await Promise.all([page.waitForURL(/by=channel/), page.getByRole('button', { name: 'Apply' }).click()]);
  const rows = page.locator('#breakdown ~ .chart-pair table tbody th');
  assert.deepEqual(await rows.allInnerTexts(), ['Chat', 'Email']);
  assert.deepEqual(await page.locator('#breakdown ~ .chart-pair table tbody td.count').allInnerTexts(), ['1', '3']);
  const href = await page.locator('#breakdown + p a.csv').getAttribute('href');
  assert.match(href, /group_by=channel/);
  // The CSV is exactly the table's lines (the page's own session may read it).
  const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
  assert.deepEqual(csv.trim().split('\n').slice(1).map((l) => l.split(',').slice(1, 3).join(',')), ['chat,1', 'email,3']);
  assertClean(assert, page);
  await ctx.close();
});

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the reports overview passes axe at ${label} width`, async () => {
    const ctx = await browser.newContext({ viewport, bypassCSP: true, locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page, tend.url, boss.email, boss.password);
    const resp = await page.goto(`${tend.url}/reports?days=7`);
    assert.equal(resp.status(), 200);
    assert.deepEqual(await axeViolations(page), [], `reports (${label}): accessibility violations`);
    if (label === 'phone') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the reports scroll sideways on a phone by ${overflow}px`);
      await page.screenshot({ path: artifact('reports-phone.png'), fullPage: true });
    }
    await ctx.close();
  });
}
