// Routing and the survey loop in the workspace, in a real browser:
// - the header's presence select (script, and without JavaScript) lets the
//   router assign the conversation that was waiting;
// - with a short auto-away, an idle agent goes away and is online again at
//   their first keystroke (the page's heartbeat), and the queue moves;
// - signing out sets the agent offline;
// - the story feed, an agent's profile with kind words, the CSAT report and
//   the template editor (with a validation error) pass axe (WCAG 2.1 A/AA)
//   at desktop and phone width without sideways scrolling on a phone;
//   agents get the 403 page for the report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, startSmtpSink, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor, surveyMailsIn, axeViolations } from '../lib/tend.mjs';

let tend, sink, browser, admin, boss, agent, mailInbox, routedInbox, storyConv;

/** Creates a conversation in the routed inbox; returns its id. */
async function arrive(channel, email) {
  const r = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Help with my account', customer: { email }, channel, inbox_id: routedInbox,
    message: { text: 'I cannot sign in.' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

const conversation = async (id) => (await tend.api(admin.token, 'GET', `/conversations/${id}`)).json;
const routing = async (user) => (await tend.api(admin.token, 'GET', `/users/${user.id}/routing`)).json;

before(async () => {
  sink = await startSmtpSink();
  // A four-second auto-away: the page beats every second while the agent
  // is active and stops after two idle seconds.
  tend = await startTend({ TEND_SMTP_RELAY_URL: sink.url, TEND_ROUTING_AUTO_AWAY_SECONDS: '4' });
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  boss = tend.user('sora@example.jp', 'Sora Sato', 'supervisor');
  agent = tend.user('aiko@example.jp', 'Aiko Tanaka', 'agent');
  mailInbox = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const r = await tend.api(admin.token, 'POST', '/inboxes', { kind: 'api', name: 'Routed' });
  assert.equal(r.status, 201, r.text);
  routedInbox = r.json.id;
  const team = tend.cli(['admin', 'create-team', '--name', 'Support']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(mailInbox)]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(routedInbox)]);
  const rule = await tend.api(admin.token, 'PUT', `/inboxes/${routedInbox}/routing`, { team_id: Number(team) });
  assert.equal(rule.status, 200, rule.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
  sink?.stop();
});

test('picking Online in the header gets the agent the waiting conversation', async () => {
  const waiting = await arrive('email', 'waiting@example.com');
  assert.equal((await conversation(waiting)).assignee_id, null, 'nobody is online');
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  const select = page.getByLabel('Your availability for new conversations');
  assert.equal(await select.inputValue(), 'offline');
  // With the script, the change is saved without a reload; the button is not needed.
  assert.equal(await page.locator('form.presence button').isVisible(), false);
  await page.locator('#q').fill('draft that must survive');
  await select.selectOption('online');
  await waitFor(async () => (await conversation(waiting)).assignee_id === agent.id, 15000, 'the router to assign it');
  await waitFor(async () => (await page.locator('form.presence').getAttribute('data-presence')) === 'online', 15000, 'the page to show it');
  assert.equal(await page.locator('#q').inputValue(), 'draft that must survive', 'no reload');
  // Signing out: offline.
  await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Sign out' }).click()]);
  assert.equal((await routing(agent)).presence, 'offline');
  assertClean(assert, page);
  await ctx.close();
});

test('without JavaScript the select is a form with a button', async () => {
  const waiting = await arrive('email', 'nojs@example.com');
  const ctx = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
  const page = await ctx.newPage();
  await signIn(page, tend.url, agent.email, agent.password);
  await page.goto(`${tend.url}/customers`);
  await page.getByLabel('Your availability for new conversations').selectOption('online');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Set', exact: true }).click()]);
  assert.equal(new URL(page.url()).pathname, '/customers', 'back where the agent was');
  assert.equal(await page.getByLabel('Your availability for new conversations').inputValue(), 'online');
  assert.equal((await conversation(waiting)).assignee_id, agent.id);
  await ctx.close();
  const r = await tend.api(agent.token, 'PUT', '/me/presence', { presence: 'offline' });
  assert.equal(r.status, 200, r.text);
});

test('an idle agent goes away, and the first keystroke brings them back', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await page.getByLabel('Your availability for new conversations').selectOption('online');
  await waitFor(async () => (await routing(agent)).presence === 'online', 15000, 'online');
  // Nobody touches the page: the beats stop, the sweep makes the agent away.
  await waitFor(async () => { const r = await routing(agent); return r.presence === 'away' && r.auto_away; }, 30000, 'auto-away');
  const waiting = await arrive('chat', 'idle@example.com');
  assert.equal((await conversation(waiting)).assignee_id, null, 'away takes nothing new');
  // The agent is back.
  await page.keyboard.press('Shift');
  await waitFor(async () => (await conversation(waiting)).assignee_id === agent.id, 15000, 'the queue to move');
  assert.equal((await routing(agent)).presence, 'online');
  assert.equal(await page.getByLabel('Your availability for new conversations').inputValue(), 'online');
  assertClean(assert, page);
  await ctx.close();
  await tend.api(agent.token, 'PUT', '/me/presence', { presence: 'offline' });
});

test('a customer leaves kind words (survey through the SMTP sink)', async () => {
  const created = await tend.mailFromCustomer(admin.token, mailInbox, {
    from: '"Ana Souto" <ana@customer.example>', to: 'support@example.com', subject: 'My order never arrived',
    messageId: 'order-1@customer.example', text: 'Hello, my parcel is two weeks late.',
  });
  assert.equal(created.outcome, 'created', JSON.stringify(created));
  storyConv = created.conversation_id;
  let res = await tend.api(admin.token, 'PATCH', `/conversations/${storyConv}`, { assignee_id: agent.id });
  assert.equal(res.status, 200, res.text);
  res = await tend.api(agent.token, 'POST', `/conversations/${storyConv}/messages`, { text: 'A new parcel left today.' });
  assert.equal(res.status, 201, res.text);
  res = await tend.api(agent.token, 'PATCH', `/conversations/${storyConv}`, { status: 'solved' });
  assert.equal(res.status, 200, res.text);
  const [mail] = await waitFor(() => { const m = surveyMailsIn(sink, storyConv); return m.length === 1 && m; }, 30000, 'the survey mail');
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await page.goto(mail.links.yes);
  await page.locator('input[name="rating"][value="5"]').check();
  await page.locator('textarea[name="comment"]').fill('Aiko sorted it out in a day. ありがとう!');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send' }).click()]);
  assert.ok(await page.locator('#thanks').isVisible());
  await ctx.close();
});

test('the team sees the story; the agent sees it on their profile; agents may not see the report', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);
  await Promise.all([page.waitForURL('**/stories'), page.getByRole('link', { name: 'Stories', exact: true }).click()]);
  const story = page.locator('li.story').first();
  assert.match(await story.locator('blockquote').innerText(), /Aiko sorted it out in a day/);
  assert.equal(await story.getByRole('img').getAttribute('aria-label'), 'Rated 5 out of 5');
  assert.match(await story.innerText(), /Ana Souto/);
  assert.equal(await story.getByRole('link', { name: /My order never arrived/ }).getAttribute('href'), `/c/${storyConv}`);
  // The credited agent's name leads to their profile, with the kind words.
  await Promise.all([page.waitForURL(`**/agents/${agent.id}`), story.getByRole('link', { name: 'Aiko Tanaka' }).click()]);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Aiko Tanaka');
  assert.match(await page.locator('li.story blockquote').innerText(), /Aiko sorted it out/);
  // Their own account page leads there too.
  await page.goto(`${tend.url}/account`);
  await Promise.all([page.waitForURL(`**/agents/${agent.id}`), page.getByRole('link', { name: 'Your profile and kind words' }).click()]);
  // No report for agents: not in the navigation, and the page says no.
  assert.equal(await page.getByRole('link', { name: 'Reports' }).count(), 0);
  const resp = await page.goto(`${tend.url}/reports/csat`);
  assert.equal(resp.status(), 403);
  assert.equal(await page.locator('h1').innerText(), 'Not allowed');
  assertClean(assert, page);
  await ctx.close();
});

test('a supervisor reads CSAT for a period', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, boss.email, boss.password);
  await Promise.all([page.waitForURL('**/reports'), page.getByRole('link', { name: 'Reports', exact: true }).click()]);
  await Promise.all([page.waitForURL('**/reports/csat'), page.getByRole('link', { name: 'Satisfaction surveys in detail' }).click()]);
  const row = page.locator(`table[data-group="agent"] tr[data-key="${agent.id}"]`);
  assert.equal(await row.locator('td.csat').innerText(), '100%');
  assert.equal(await row.locator('td.response-rate').innerText(), '100%');
  assert.equal(await row.locator('td.sent').innerText(), '1');
  assert.equal(await page.getByRole('table', { name: 'By channel' }).locator('tbody th').innerText(), 'Email');
  // A period without surveys.
  await page.getByLabel('From', { exact: true }).fill('2020-01-01');
  await page.getByLabel('To', { exact: true }).fill('2020-01-31');
  await Promise.all([page.waitForURL(/from=2020-01-01/), page.getByRole('button', { name: 'Apply' }).click()]);
  assert.equal(await page.getByText('No surveys were sent in this period.').count(), 4);
  assertClean(assert, page);
  await ctx.close();
});

test('an admin fixes a broken survey template with the keyboard', async () => {
  // The audit script is injected by the test, so the page's own CSP is bypassed for it.
  const ctx = await browser.newContext({ locale: 'en-US', bypassCSP: true });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(`${tend.url}/admin/templates`);
  await Promise.all([page.waitForURL('**/admin/templates/survey_email_subject/en'), page.getByRole('link', { name: 'Survey email: subject in English' }).click()]);
  const source = page.getByLabel('Template (minijinja)');
  await source.fill('How did we do?\n{% if %}');
  await source.press('Tab');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.getByRole('alert').innerText(), /line 2/);
  assert.equal(await source.getAttribute('aria-invalid'), 'true');
  assert.equal(await source.inputValue(), 'How did we do?\n{% if %}', 'what was typed stays');
  assert.deepEqual(await axeViolations(page), [], 'the error state is accessible');
  await source.fill('How did we do? [#{{ conversation_id }}] {{ subject }}');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
  assert.equal(await page.locator('p.notice').innerText(), 'Saved.');
  const t = await tend.api(admin.token, 'GET', '/templates/survey_email_subject/en');
  assert.equal(t.json.source, 'How did we do? [#{{ conversation_id }}] {{ subject }}');
  assert.equal(t.json.customized, true);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Go back to the built-in template' }).click()]);
  assert.equal((await tend.api(admin.token, 'GET', '/templates/survey_email_subject/en')).json.customized, false);
  assertClean(assert, page);
  await ctx.close();
});

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the story, profile, report and template pages pass axe at ${label} width`, async () => {
    const ctx = await browser.newContext({ viewport, bypassCSP: true, locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page, tend.url, admin.email, admin.password);
    for (const [name, path] of [
      ['stories', '/stories'],
      ['agent', `/agents/${agent.id}`],
      ['csat', '/reports/csat'],
      ['templates', '/admin/templates'],
      ['template', '/admin/templates/survey_page/ja'],
    ]) {
      const resp = await page.goto(tend.url + path);
      assert.equal(resp.status(), 200, `${name}: status`);
      assert.deepEqual(await axeViolations(page), [], `${name} (${label}): accessibility violations`);
      if (label === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name} scrolls sideways on a phone by ${overflow}px`);
        await page.screenshot({ path: artifact(`${name}-phone.png`), fullPage: true });
      }
    }
    await ctx.close();
  });
}
