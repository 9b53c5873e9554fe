// The public contact form in a real browser: a visitor fills it in with a
// file and sends it (no JavaScript on the page), sees the thank-you page
// with the request number, and the agent finds the conversation with its
// file. axe finds nothing at desktop and phone width, nothing scrolls
// sideways on a phone, and the embedded form works inside another site's
// iframe only when that site is on the inbox's allowed list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin, inboxId, host, hostUrl;

before(async () => {
  tend = await startTend();
  admin = tend.user('ines@example.cat', 'Inès Puig', 'admin');
  const r = await tend.api(admin.token, 'POST', '/inboxes', { kind: 'web', name: 'Website' });
  assert.equal(r.status, 201, r.text);
  inboxId = r.json.id;
  // Another site that embeds the form.
  host = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>Shop</title><h1>Shop</h1><iframe id="contact" title="Contact" style="width:100%;height:900px;border:0" src="${tend.url}/help/contact?inbox=${inboxId}&embed=1&lang=ca"></iframe>`);
  });
  await new Promise((res) => host.listen(0, '127.0.0.1', res));
  hostUrl = `http://127.0.0.1:${host.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.close();
  await tend?.stop();
});

async function audit(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: accessibility violations`);
}

test('a visitor sends the form with a file; the agent finds the conversation and the file', async () => {
  const context = await browser.newContext({ locale: 'ja-JP', javaScriptEnabled: false });
  const page = await guardedPage(context, tend.url);
  await page.goto(`${tend.url}/help/contact?inbox=${inboxId}`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.locator('h1').textContent(), 'お問い合わせ');
  await page.getByLabel('お名前').fill('山田 花子');
  await page.getByLabel('メールアドレス').fill('hanako@example.jp');
  await page.getByLabel('件名').fill('見積もりのお願い');
  await page.getByLabel('お問い合わせ内容').fill('見積もりを添付します。\nご確認ください。');
  const pdf = Buffer.from('%PDF-1.4\n% 見積もり\n'.repeat(200));
  await page.locator('#attachments').setInputFiles({ name: '見積もり.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: '送信' }).click();
  await page.locator('#reference').waitFor();
  const reference = await page.locator('#reference').textContent();
  const id = Number(reference.match(/#(\d+)/)[1]);
  assert.ok(id > 0, reference);
  await page.screenshot({ path: artifact('contact-thanks.png'), fullPage: true });
  assertClean(assert, page);
  await context.close();

  // The conversation, through the API.
  const c = await tend.api(admin.token, 'GET', `/conversations/${id}`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.channel, 'web');
  assert.equal(c.json.inbox_id, inboxId);
  assert.equal(c.json.customer.email, 'hanako@example.jp');
  const m = (await tend.api(admin.token, 'GET', `/conversations/${id}/messages`)).json.items[0];
  assert.equal(m.text, '見積もりを添付します。\nご確認ください。');
  assert.equal(m.attachments.length, 1);
  assert.equal(m.attachments[0].filename, '見積もり.pdf');
  assert.equal(m.attachments[0].size, pdf.length);

  // And in the agent's workspace, with the file to download.
  const agentCtx = await browser.newContext({ locale: 'en-US' });
  const agentPage = await guardedPage(agentCtx, tend.url);
  await signIn(agentPage, tend.url, admin.email, admin.password);
  await agentPage.goto(`${tend.url}/c/${id}`);
  const link = agentPage.getByRole('link', { name: '見積もり.pdf' });
  assert.equal(await link.getAttribute('href'), `/api/v1/attachments/${m.attachments[0].id}`);
  assertClean(assert, agentPage);
  await agentCtx.close();
});

test('a missing address is explained next to the field, with the input kept', async () => {
  const context = await browser.newContext({ locale: 'lv-LV' });
  const page = await guardedPage(context, tend.url);
  await page.goto(`${tend.url}/help/contact?inbox=${inboxId}`);
  await page.locator('#message').fill('Sveiki!');
  // The browser's own check would stop an empty required field; the server's is what counts.
  await page.locator('form').evaluate((f) => f.setAttribute('novalidate', ''));
  await page.locator('button[type=submit]').click();
  await page.locator('#email-error').waitFor();
  assert.match(await page.locator('#email-error').textContent(), /e-pasta adresi/);
  assert.equal(await page.locator('#email').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#message').inputValue(), 'Sveiki!');
  assertClean(assert, page);
  await context.close();
});

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the form and its pages pass axe at ${label} width`, async () => {
    // The audit script is injected by the test, so the page's own CSP is bypassed for it.
    const ctx = await browser.newContext({ viewport, bypassCSP: true, locale: 'en-US' });
    const page = await ctx.newPage();
    for (const [name, path] of [['form', `/help/contact?inbox=${inboxId}`], ['embedded form', `/help/contact?inbox=${inboxId}&embed=1`]]) {
      await page.goto(tend.url + path);
      await audit(page, `${name} (${label})`);
      if (label === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name} scrolls sideways on a phone by ${overflow}px`);
        await page.screenshot({ path: artifact(`contact-${name.replace(' ', '-')}-phone.png`), fullPage: true });
      }
    }
    // The form with errors, and the thank-you page.
    await page.goto(`${tend.url}/help/contact?inbox=${inboxId}`);
    await page.locator('form').evaluate((f) => f.setAttribute('novalidate', ''));
    await page.locator('#email').fill('not an address');
    await page.locator('button[type=submit]').click();
    await page.locator('#email-error').waitFor();
    await audit(page, `form with errors (${label})`);
    await page.locator('#email').fill('axe@example.com');
    await page.locator('#message').fill('Checking the thank-you page.');
    await page.locator('button[type=submit]').click();
    await page.locator('#reference').waitFor();
    await audit(page, `thank-you page (${label})`);
    await ctx.close();
  });
}

test('another site may embed the form only when the inbox allows it', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  // Not allowed yet: the browser refuses to show the form in the frame
  // (the page's load event waits for the frame).
  await page.goto(hostUrl, { waitUntil: 'load' });
  assert.equal(await page.frameLocator('#contact').locator('#email').count(), 0, 'the form must not render inside a site that is not allowed');
  assert.ok(page.frames().some((f) => f.url().startsWith('chrome-error:')), 'the browser blocked the frame');

  const r = await tend.api(admin.token, 'PUT', `/inboxes/${inboxId}/public-settings`, { allowed_origins: [hostUrl] });
  assert.equal(r.status, 200, r.text);
  await page.goto(hostUrl);
  const form = page.frameLocator('#contact');
  await form.locator('#email').waitFor();
  assert.equal(await form.locator('html').getAttribute('lang'), 'ca');
  assert.equal(await form.locator('header').count(), 0, 'no page chrome when embedded');
  await form.locator('#email').fill('pere@example.cat');
  await form.locator('#message').fill('Hola des de la botiga');
  await form.locator('button[type=submit]').click();
  await form.locator('#reference').waitFor();
  const id = Number((await form.locator('#reference').textContent()).match(/#(\d+)/)[1]);
  const c = await tend.api(admin.token, 'GET', `/conversations/${id}`);
  assert.equal(c.json.channel, 'web');
  assert.ok(page.frame({ url: (u) => u.pathname === '/help/contact' }), 'the thank-you page stayed inside the frame');
  await page.screenshot({ path: artifact('contact-embedded.png'), fullPage: true });
  await ctx.close();
});
