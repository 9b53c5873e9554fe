// Answers before asking in a real browser: a visitor types into the
// contact form and is offered articles in their language, opens one (a new
// tab), then sends the message anyway; the deflection report counts it, in
// the API and on the supervisor's page. axe finds nothing on the form with
// its suggestions showing, and the page makes no request but to Tend. The
// chat widget on another site offers the same while the first message is
// typed, and its visit is counted under the chat inbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, axeViolations, waitFor } from '../lib/tend.mjs';

let tend, browser, admin, inboxId, articleId, site;

/** The customer's website, on its own origin, embedding the widget. */
async function startSite(widgetBase) {
  const server = http.createServer((req, res) => {
    const inbox = new URL(req.url, 'http://x').searchParams.get('inbox');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="lv"><head><title>Veikals</title></head><body><main><h1>Veikals</h1></main>
<script src="${widgetBase}/widget.js" data-inbox="${inbox}" data-lang="lv" async></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

before(async () => {
  tend = await startTend();
  admin = tend.user('sofia@example.lv', 'Sofija Ozola', 'admin');
  const r = await tend.api(admin.token, 'POST', '/inboxes', { kind: 'web', name: 'Website' });
  assert.equal(r.status, 201, r.text);
  inboxId = r.json.id;
  const a = await tend.api(admin.token, 'POST', '/kb/articles', {
    slug: 'invoices',
    translations: {
      en: { title: 'Finding your invoices', body_markdown: 'Every invoice is under **Account › Invoices**.', published: true },
      lv: { title: 'Kur atrast rēķinus', body_markdown: 'Visi rēķini ir sadaļā **Konts › Rēķini**.', published: true },
    },
  });
  assert.equal(a.status, 201, a.text);
  articleId = a.json.id;
  site = await startSite(tend.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  site?.close();
  await tend?.stop();
});

test('a visitor is offered an article while typing, opens it, sends anyway, and the report counts it', async () => {
  const context = await browser.newContext({ locale: 'lv-LV' });
  const page = await guardedPage(context, tend.url);
  await page.goto(`${tend.url}/help/contact?inbox=${inboxId}`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'lv');
  assert.ok(await page.locator('#suggestions').isHidden(), 'nothing offered before typing');

  await page.locator('#subject').pressSequentially('rēķini', { delay: 30 });
  const link = page.locator('#suggestions a');
  await link.first().waitFor();
  assert.equal(await link.count(), 1);
  assert.equal(await link.textContent(), 'Kur atrast rēķinus');
  assert.equal(await link.getAttribute('href'), `${tend.url}/help/lv/articles/${articleId}-invoices`);
  await page.screenshot({ path: artifact('deflection-suggestions.png'), fullPage: true });

  // Opened in a new tab; the form keeps what was typed.
  const [article] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await article.waitForLoadState();
  assert.equal(await article.locator('h1').textContent(), 'Kur atrast rēķinus');
  await article.close();
  const opened = async () => {
    const r = await tend.api(admin.token, 'GET', '/kb/deflection');
    return r.json.articles.find((l) => l.article_id === articleId)?.opened === 1;
  };
  await waitFor(opened, 15000, 'the opening to be recorded');

  // Sent anyway.
  await page.locator('#email').fill('janis@example.lv');
  await page.locator('#message').fill('Rēķins par novembri netiek rādīts.');
  await page.locator('form#contact-form button[type=submit]').click();
  await page.locator('#reference').waitFor();
  assertClean(assert, page);
  await context.close();

  const r = await tend.api(admin.token, 'GET', '/kb/deflection');
  assert.equal(r.status, 200, r.text);
  const line = r.json.articles.find((l) => l.article_id === articleId);
  assert.deepEqual(
    [line.shown, line.opened, line.sent_anyway, line.deflected],
    [1, 1, 1, 0],
    JSON.stringify(line),
  );
  const inbox = r.json.inboxes.find((l) => l.inbox_id === inboxId);
  assert.equal(inbox.sent_anyway, 1, JSON.stringify(inbox));

  // The supervisor's page shows the same line.
  const adminCtx = await browser.newContext({ locale: 'en-US' });
  const adminPage = await guardedPage(adminCtx, tend.url);
  await signIn(adminPage, tend.url, admin.email, admin.password);
  await adminPage.goto(`${tend.url}/reports/deflection`);
  const row = adminPage.locator(`table[data-group=article] tr[data-key="${articleId}"]`);
  assert.equal(await row.locator('.shown').textContent(), '1');
  assert.equal(await row.locator('.opened').textContent(), '1');
  assert.equal(await row.locator('.sent').textContent(), '1');
  await adminPage.screenshot({ path: artifact('deflection-report.png'), fullPage: true });
  assertClean(assert, adminPage);
  await adminCtx.close();

  // The form with its suggestions showing passes axe (another visitor,
  // after the counts above: axe needs the page's CSP bypassed).
  const axeCtx = await browser.newContext({ locale: 'lv-LV', bypassCSP: true });
  const axePage = await axeCtx.newPage();
  await axePage.goto(`${tend.url}/help/contact?inbox=${inboxId}`);
  await axePage.locator('#subject').pressSequentially('rēķini', { delay: 30 });
  await axePage.locator('#suggestions a').first().waitFor();
  assert.deepEqual(await axeViolations(axePage), [], 'accessibility violations with suggestions');
  await axeCtx.close();
});

test('the chat widget on another site offers articles while the first message is typed', async () => {
  const agent = tend.user('aiko@example.jp', 'Aiko Tanaka', 'agent');
  const chat = Number(tend.cli(['admin', 'create-inbox', '--kind', 'chat', '--name', 'Shop chat']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Chat']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(chat)]);
  let r = await tend.api(admin.token, 'PUT', `/inboxes/${chat}/public-settings`, { allowed_origins: [site.url] });
  assert.equal(r.status, 200, r.text);
  r = await tend.api(agent.token, 'PUT', '/me/presence', { presence: 'online' });
  assert.equal(r.status, 200, r.text);

  const ctx = await browser.newContext({ locale: 'lv-LV' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.url}/?inbox=${chat}`);
  await page.locator('.launcher').click();
  await page.locator('#name').fill('Jānis');
  await page.locator('.form button[type=submit]').click();
  await page.locator('#msg').waitFor();
  await page.locator('#msg').pressSequentially('rēķini', { delay: 30 });
  const link = page.locator('.hints a');
  await link.first().waitFor();
  assert.equal(await link.textContent(), 'Kur atrast rēķinus');
  await page.screenshot({ path: artifact('deflection-widget.png') });
  const [article] = await Promise.all([ctx.waitForEvent('page'), link.click()]);
  await article.close();
  await page.locator('#msg').fill('Rēķins netiek rādīts.');
  await page.locator('#msg').press('Enter');
  await waitFor(async () => (await page.locator('.msg.visitor:not(.pending)').count()) === 1, 15000, 'the message acknowledged');
  assert.ok(await page.locator('.hints').isHidden(), 'no suggestions once the chat has started');

  const counted = async () => {
    const rep = await tend.api(admin.token, 'GET', '/kb/deflection');
    const l = rep.json.inboxes.find((x) => x.inbox_id === chat);
    return l && l.shown === 1 && l.opened === 1 && l.sent_anyway === 1 && l.deflected === 0;
  };
  await waitFor(counted, 15000, 'the chat visit shown, opened and sent anyway');
  assert.deepEqual(errors, []);
  await ctx.close();
});
