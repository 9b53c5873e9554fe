// Routing in the UI (issue 25, item 9): an admin routes a chat inbox to a
// team and gives an agent chat capacity and a language through the pages
// (no API), then a new Japanese chat in that inbox goes to that agent. The
// other online team member has no chat capacity, so only what the pages set
// can route it. The pages pass axe and need no sideways scrolling at a
// phone's 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, axeViolations, submitted } from '../lib/tend.mjs';

let tend, browser, admin, aiko, bruno, inbox, team;

before(async () => {
  tend = await startTend();
  admin = tend.user('routing-admin@example.com', 'Rita Admin', 'admin');
  aiko = tend.user('aiko@example.com', 'Aiko Sato', 'agent');
  bruno = tend.user('bruno@example.com', 'Bruno Berzins', 'agent');
  inbox = (await tend.api(admin.token, 'POST', '/inboxes', { kind: 'chat', name: 'Shop chat' })).json.id;
  team = (await tend.api(admin.token, 'POST', '/teams', { name: 'Front desk' })).json.id;
  for (const u of [aiko, bruno]) {
    await tend.api(admin.token, 'POST', `/teams/${team}/members`, { user_id: u.id });
    // No chats for anyone until the pages say otherwise.
    const r = await tend.api(admin.token, 'PUT', `/users/${u.id}/routing`, { capacity: { chat: 0 } });
    assert.equal(r.status, 200, r.text);
    const p = await tend.api(u.token, 'PUT', '/me/presence', { presence: 'online' });
    assert.equal(p.status, 200, p.text);
  }
  await tend.api(admin.token, 'POST', `/teams/${team}/inboxes`, { inbox_id: inbox });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

async function submit(page, form) {
  await submitted(page, page.locator(`${form} button[type=submit]`));
}

test('an admin routes an inbox and gives an agent chat capacity and languages through the pages', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);

  // From the admin nav to the routing page; the inbox's rule.
  await page.goto(`${tend.url}/admin/users`);
  await Promise.all([page.waitForURL((u) => u.pathname === '/admin/routing'), page.locator('nav.admin-nav a[href="/admin/routing"]').click()]);
  const form = `form#inbox-${inbox}`;
  await page.locator(`#routed-${inbox}`).check();
  await page.locator(`#team-${inbox}`).selectOption(String(team));
  await page.locator(`#strategy-${inbox}`).selectOption('least_loaded');
  await page.locator(`#skills-first-${inbox}`).check();
  await submit(page, form);
  assert.ok(page.url().includes('/admin/routing?saved=1'), page.url());
  assert.equal(await page.locator(`#routed-${inbox}`).isChecked(), true);
  assert.equal(await page.locator(`#team-${inbox}`).inputValue(), String(team));
  const rule = await tend.api(admin.token, 'GET', `/inboxes/${inbox}/routing`);
  assert.equal(rule.status, 200, rule.text);
  assert.equal(rule.json.team_id, team);
  assert.equal(rule.json.skills_first, true);

  // Aiko: two chats at once, Japanese and Latvian, picked by name.
  await Promise.all([page.waitForURL((u) => u.pathname === `/admin/routing/agents/${aiko.id}`), page.locator(`a[href="/admin/routing/agents/${aiko.id}"]`).click()]);
  assert.equal(await page.locator('label[for="cap-chat"]').textContent(), 'Chat');
  // The browser itself refuses a negative capacity (the server's answer
  // to one is tested in tests/api/web_routing.rs).
  await page.locator('#cap-chat').fill('-1');
  assert.equal(await page.locator('#cap-chat').evaluate((e) => e.checkValidity()), false);
  await page.locator('#cap-chat').fill('2');
  await page.getByLabel('Japanese (ja)').check();
  await page.getByLabel('Latvian (lv)').check();
  await page.locator('#skill-name-1').fill('orders');
  await page.locator('#skill-level-1').selectOption('4');
  await submit(page, 'form.routing-profile');
  assert.ok(page.url().endsWith(`/admin/routing/agents/${aiko.id}?saved=1`), page.url());
  assert.equal(await page.locator('#lang-ja').isChecked(), true);
  const profile = await tend.api(admin.token, 'GET', `/users/${aiko.id}/routing`);
  assert.equal(profile.json.capacity.chat, 2);
  assert.deepEqual(profile.json.languages, ['ja', 'lv']);
  assert.deepEqual(profile.json.skills, { orders: 4 });
  assertClean(assert, page);
  await ctx.close();

  // A new chat in the inbox goes to Aiko, whom only the pages made able to take it.
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: '注文について', channel: 'chat', inbox_id: inbox,
    customer: { email: 'haruka@example.jp', name: '春香' },
    message: { text: 'こんにちは。昨日注文した商品がまだ届いていません。確認していただけますか。' },
  });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.assignee_id, aiko.id, `assigned to Aiko: ${c.text}`);
  assert.equal(c.json.team_id, team);
});

for (const locale of ['en-US', 'ja-JP']) {
  test(`the routing pages pass axe and fit a phone (${locale})`, async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale });
    const page = await ctx.newPage();
    await signIn(page, tend.url, admin.email, admin.password);
    for (const [name, path] of [['routing', '/admin/routing'], ['routing-agent', `/admin/routing/agents/${aiko.id}`]]) {
      const resp = await page.goto(tend.url + path);
      assert.equal(resp.status(), 200, `${name}: status`);
      assert.deepEqual(await axeViolations(page), [], `${name}: accessibility violations`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name} scrolls sideways on a phone by ${overflow}px`);
      await page.screenshot({ path: artifact(`${name}-phone-${locale}.png`), fullPage: true });
    }
    await ctx.close();
  });
}
