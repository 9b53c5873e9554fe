// The composer's formatting and inline images in a real browser (issue 25,
// item 7): the agent selects words and makes them bold with Ctrl+B and
// italic with the toolbar, adds a picture, sends, and the timeline shows
// the bold words and the picture in place; the mail leaves with the
// picture as an inline part. A file that is no picture is refused beside
// the box, in the agent's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, startSmtpSink, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor } from '../lib/tend.mjs';

let tend, sink, browser, lead, inboxId;

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');

before(async () => {
  sink = await startSmtpSink();
  tend = await startTend({ TEND_SMTP_RELAY_URL: sink.url, TEND_UNDO_SEND_SECONDS: '2' });
  lead = tend.user('liga@example.lv', 'Līga Ozola', 'admin');
  inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
  sink?.stop();
});

let mailNo = 0;
async function customerWrites(from, subject, text) {
  mailNo += 1;
  const r = await tend.mailFromCustomer(lead.token, inboxId, {
    from, to: 'support@example.com', messageId: `f${mailNo}.${Date.now()}@customer.example`, subject, text,
  });
  assert.equal(r.outcome, 'created', JSON.stringify(r));
  return r.conversation_id;
}

async function agentPage(locale = 'en-US') {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, lead.email, lead.password);
  return page;
}

/** Selects `words` in the composer's box. */
const select = (page, words) => page.locator('#text').evaluate((t, w) => {
  const s = t.value.indexOf(w);
  t.focus();
  t.setSelectionRange(s, s + w.length);
}, words);

test('bold and italic from the keyboard and the toolbar, and a picture, show in place', async () => {
  const id = await customerWrites('kim@customer.example', 'Parcel label', 'Which label do I print?');
  const page = await agentPage();
  await page.goto(`${tend.url}/c/${id}`);
  const box = page.locator('#text');
  await box.fill('Your parcel label is ready');

  await select(page, 'ready');
  await page.keyboard.press('Control+b');
  assert.equal(await box.inputValue(), 'Your parcel label is **ready**');
  await select(page, 'parcel');
  await page.getByRole('button', { name: 'Italic' }).click();
  assert.equal(await box.inputValue(), 'Your *parcel* label is **ready**');

  // A picture, picked with the toolbar's file chooser, lands at the caret.
  await box.evaluate((t) => t.setSelectionRange(t.value.length, t.value.length));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.locator('#inline-pick').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: PNG });
  assert.match(await box.inputValue(), /\*\*ready\*\*\n\n!\[label\.png\]\(cid:[0-9a-f]{24}@tend\)$/);
  await page.screenshot({ path: artifact('composer-format.png') });

  await Promise.all([page.waitForURL(/sent=/), page.locator('#send').click()]);
  const mid = new URL(page.url()).searchParams.get('sent');
  const frame = page.frameLocator(`#m${mid} iframe.msg-html`);
  assert.equal(await frame.locator('strong').innerText(), 'ready');
  assert.equal(await frame.locator('em').innerText(), 'parcel');
  const img = frame.locator('img');
  assert.match(await img.getAttribute('src'), /^\/api\/v1\/attachments\/\d+$/);
  await waitFor(async () => (await img.evaluate((i) => i.complete && i.naturalWidth)) === 1, 15000, 'the picture to load');
  await page.screenshot({ path: artifact('composer-format-sent.png') });

  // The mail carries the picture beside its HTML.
  await waitFor(() => sink.messages().some((m) => m.includes('kim@customer.example') && m.includes('multipart/related')), 30000, 'the reply at the sink');
  const raw = sink.messages().find((m) => m.includes('kim@customer.example') && m.includes('multipart/related'));
  assert.match(raw, /Content-ID: <[0-9a-f]{24}@tend>/);
  assertClean(assert, page);
});

test('a file that is no picture is refused beside the box, in the agent language', async () => {
  const id = await customerWrites('yuki@customer.example', '請求書', '請求書を送ってください。');
  const page = await agentPage('ja-JP');
  await page.goto(`${tend.url}/c/${id}`);
  await page.locator('#text').fill('請求書を添付します');
  await page.locator('#inline-pick').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
  const error = page.locator('#composer-error');
  await error.waitFor();
  assert.match(await error.innerText(), /PNG、JPEG、GIF、WebP/);
  assert.equal(await page.locator('#text').inputValue(), '請求書を添付します');
  assertClean(assert, page);
});
