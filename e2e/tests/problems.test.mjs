// Problems in a real browser (issue 23): an agent opens a problem, links a
// conversation to it from the conversation page, links a second one from
// the proposals the page makes (the search index's likeness), and marks
// the problem fixed with one message: each customer gets it in their
// language and their conversation is solved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, signIn, artifact, waitFor } from '../lib/tend.mjs';

let tend, browser, agent, admin, first, second;

before(async () => {
  tend = await startTend();
  admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  agent = tend.user('jordi@example.cat', 'Jordi Martí', 'agent');
  const inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Support']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inboxId)]);
  const open = async (email, subject, text, language) => {
    const c = await tend.api(admin.token, 'POST', '/conversations', {
      subject, inbox_id: inboxId, customer: { email }, message: { text }, language,
    });
    assert.equal(c.status, 201, c.text);
    return c.json.id;
  };
  first = await open('nuria@example.cat', "L'aplicació es tanca en pagar",
    "L'aplicació es tanca quan premo el botó de pagar la cistella.", 'ca');
  second = await open('yui@example.jp', "L'aplicació es tanca en pagar la cistella",
    "Quan premo pagar la cistella, l'aplicació es tanca.", 'ja');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('an agent links conversations to a problem and fixes it with one message', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, agent.email, agent.password);

  // A new problem from the list page.
  await page.goto(`${tend.url}/problems`);
  await page.fill('#problem-title', 'App closes on checkout');
  await page.fill('#problem-workaround', 'Pay from the website meanwhile.');
  await page.selectOption('#problem-status', 'known');
  await Promise.all([page.waitForURL(/\/problems\/\d+$/), page.click('#problem-new button[type=submit]')]);
  const problemId = Number(new URL(page.url()).pathname.split('/').pop());

  // The first conversation: linked by choosing the problem.
  await page.goto(`${tend.url}/c/${first}`);
  await page.selectOption('#problem-choice', String(problemId));
  await Promise.all([page.waitForURL(/#problem$/), page.click('#problem-link-form button[type=submit]')]);
  assert.match(await page.locator('#problem-linked').innerText(), /App closes on checkout/);
  assert.match(await page.locator('#timeline-wrap').innerText(), /linked to problem: App closes on checkout/);

  // The second: the page proposes the problem (once indexed), and its
  // workaround as the suggested answer.
  await waitFor(async () => {
    await page.goto(`${tend.url}/c/${second}`);
    return (await page.locator(`.problem-proposals li[data-problem="${problemId}"]`).count()) === 1;
  }, 20000, 'the problem proposed on the second conversation');
  assert.match(await page.locator('#problem-suggestion').innerText(), /Pay from the website meanwhile/);
  await page.screenshot({ path: artifact('problem-proposed.png'), fullPage: true });
  await Promise.all([
    page.waitForURL(/#problem$/),
    page.locator(`.problem-proposals li[data-problem="${problemId}"] button[type=submit]`).click(),
  ]);
  assert.match(await page.locator('#problem-linked').innerText(), /App closes on checkout/);

  // Fixed, with one message in two languages.
  await page.goto(`${tend.url}/problems/${problemId}`);
  assert.equal(await page.locator('#problem-links li').count(), 2);
  await page.fill('#fix-en', 'Fixed: the app no longer closes at checkout.');
  await page.fill('#fix-ja', '修正しました。お支払いできるようになりました。');
  await Promise.all([page.waitForURL(/\/problems\/\d+$/), page.click('#problem-fix button[type=submit]')]);
  assert.match(await page.locator('#problem-status').innerText(), /fixed/);
  assert.equal(await page.locator('#problem-links .notified').count(), 2);
  await page.screenshot({ path: artifact('problem-fixed.png'), fullPage: true });

  // Each customer got it in their language (the Catalan one the first
  // text), and both conversations are solved.
  for (const [id, text] of [[first, 'Fixed: the app no longer closes'], [second, '修正しました']]) {
    const conv = await tend.api(admin.token, 'GET', `/conversations/${id}`);
    assert.equal(conv.json.status, 'solved');
    const msgs = await tend.api(admin.token, 'GET', `/conversations/${id}/messages`);
    const last = msgs.json.items[msgs.json.items.length - 1];
    assert.equal(last.direction, 'out');
    assert.ok(last.text.includes(text), last.text);
  }
  await ctx.close();
});
