// The radar (/radar) in a real browser: a supervisor reaches it from the
// navigation, sees a customer at risk with the reasons (in every locale,
// not in English), and starts proactive outreach from it: the form's
// message is in the customer's language, and the outreach ends as a
// conversation tagged `outreach` owned by the agent picked. Screenshots go
// to e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin, boss, agent, customerId;

before(async () => {
  // One signal (85 points) is enough to be on this radar.
  tend = await startTend({ TEND_HEALTH_AT_RISK_BELOW: '90' });
  admin = tend.user('admin@example.com', 'Anna Admin', 'admin');
  boss = tend.user('sora@example.jp', 'Sora Sato', 'supervisor');
  agent = tend.user('ilze@example.lv', 'Ilze Ozola', 'agent');
  const inboxes = await tend.api(admin.token, 'GET', '/inboxes');
  const inbox = inboxes.json.items.find((i) => i.is_default).id;
  const team = await tend.api(admin.token, 'POST', '/teams', { name: 'Atbalsts' });
  assert.equal(team.status, 201, team.text);
  assert.equal((await tend.api(admin.token, 'POST', `/teams/${team.json.id}/members`, { user_id: agent.id })).status, 200);
  assert.equal((await tend.api(admin.token, 'POST', `/teams/${team.json.id}/inboxes`, { inbox_id: inbox })).status, 200);
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Rēķins', customer: { email: 'janis@example.lv', name: 'Jānis Bērziņš' },
    message: { text: 'Tas ir šausmīgi, rēķins joprojām ir nepareizs.' }, language: 'lv', inbox_id: inbox,
  });
  assert.equal(c.status, 201, c.text);
  customerId = c.json.customer.id;
  const p = await tend.api(admin.token, 'PATCH', `/customers/${customerId}`, { language: 'lv' });
  assert.equal(p.status, 200, p.text);
  // Health follows the event log in the background.
  await waitFor(async () => {
    const r = await tend.api(boss.token, 'GET', '/radar');
    return r.json.items?.some((i) => i.customer_id === customerId);
  }, 15000, 'the customer to be on the radar');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('the radar lists the customer with the reasons in every locale', async () => {
  let english;
  for (const [code, locale] of [['en', 'en-US'], ['ja', 'ja-JP'], ['ko', 'ko-KR'], ['lv', 'lv-LV'], ['ca', 'ca-ES']]) {
    const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    const page = await guardedPage(ctx, tend.url);
    await signIn(page, tend.url, boss.email, boss.password);
    await Promise.all([page.waitForURL('**/radar'), page.locator('header nav a[href="/radar"]').click()]);
    assert.equal(await page.getAttribute('html', 'lang'), code);
    const line = page.locator(`li.radar-customer[data-customer="${customerId}"]`);
    assert.equal(await line.count(), 1, `${code}: the customer is listed`);
    assert.equal(await line.getAttribute('data-score'), '85');
    assert.equal(await line.locator('li[data-signal="negative_words"]').count(), 1, `${code}: the reason`);
    const reason = await line.locator('li[data-signal="negative_words"]').innerText();
    if (code === 'en') {
      english = reason;
    } else {
      assert.notEqual(reason, english, `${code}: the reason is translated`);
    }
    await page.screenshot({ path: artifact(`radar-${code}.png`), fullPage: true });
    assertClean(assert, page);
    await ctx.close();
  }
});

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the radar passes axe at ${label} width`, async () => {
    const ctx = await browser.newContext({ viewport, bypassCSP: true, locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page, tend.url, boss.email, boss.password);
    const resp = await page.goto(`${tend.url}/radar`);
    assert.equal(resp.status(), 200);
    await page.locator('details.outreach summary').first().click();
    assert.deepEqual(await axeViolations(page), [], `radar (${label}): accessibility violations`);
    if (label === 'phone') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the radar scrolls sideways on a phone by ${overflow}px`);
    }
    await ctx.close();
  });
}

test('outreach started from the radar ends as a conversation with an owner', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, boss.email, boss.password);
  await page.goto(`${tend.url}/radar`);
  const line = page.locator(`li.radar-customer[data-customer="${customerId}"]`);
  await line.locator('details.outreach summary').click();
  // The form speaks the customer's language (Latvian), whoever reads the page.
  assert.match(await line.locator('textarea[name="text"]').inputValue(), /Labdien/);
  await line.locator('select[name="assignee_id"]').selectOption(String(agent.id));
  await Promise.all([
    page.waitForURL(/\/radar\?started=\d+/),
    line.locator('form button[type="submit"]').click(),
  ]);
  const started = Number(new URL(page.url()).searchParams.get('started'));
  const conv = await tend.api(admin.token, 'GET', `/conversations/${started}`);
  assert.equal(conv.status, 200, conv.text);
  assert.equal(conv.json.assignee_id, agent.id);
  assert.deepEqual(conv.json.tags, ['outreach']);
  assert.equal(conv.json.language, 'lv');
  assert.equal(conv.json.customer.id, customerId);
  const msgs = await tend.api(admin.token, 'GET', `/conversations/${started}/messages`);
  assert.match(msgs.json.items[0].text, /Labdien, Jānis!/);
  assert.match(msgs.json.items[0].text, /Ilze Ozola/);
  // The summary counts it, waiting for an answer.
  await page.goto(`${tend.url}/radar`);
  assert.equal(await page.locator('.radar-summary dd.total').innerText(), '1');
  assert.equal(await page.locator('.radar-summary dd.pending').innerText(), '1');
  await page.screenshot({ path: artifact('radar-outreach.png'), fullPage: true });
  assertClean(assert, page);
  await ctx.close();
});
