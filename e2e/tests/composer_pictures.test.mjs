// Pictures in the composer, in a real browser (issue 25, item 7): one
// pasted (a ClipboardEvent with a PNG file) and one dropped (a drop with a
// DataTransfer) go into the text as `![name](cid:…)` and show under the
// box; they wait with the draft on the server, so the draft opened on
// another device (a second browser context) shows them; sent from there
// with the text alone they go inline; "Undo" brings them back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, startSmtpSink, launchBrowser, guardedPage, assertClean, signIn, artifact, waitFor } from '../lib/tend.mjs';

let tend, sink, browser, lead, inboxId;

// A 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==';

before(async () => {
  sink = await startSmtpSink();
  // Long enough to press "Undo" without racing the clock.
  tend = await startTend({ TEND_SMTP_RELAY_URL: sink.url, TEND_UNDO_SEND_SECONDS: '60' });
  lead = tend.user('liga@example.lv', 'Līga Ozola', 'admin');
  inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
  sink?.stop();
});

async function device() {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, lead.email, lead.password);
  return page;
}

/** Hands a PNG named `name` to the box: pasted or dropped. */
const give = (page, how, name) => page.locator('#text').evaluate((t, [b64, how, name]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, { type: 'image/png' }));
  t.focus();
  t.setSelectionRange(t.value.length, t.value.length);
  const ev = how === 'paste'
    ? new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })
    : new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
  t.dispatchEvent(ev);
}, [PNG, how, name]);

/** The pictures shown under the box, loaded: their alt texts. */
const shown = (page) => page.locator('#draft-pictures li:not([hidden]) img').evaluateAll(
  (imgs) => imgs.filter((i) => i.complete && i.naturalWidth === 1).map((i) => i.alt),
);

test('a pasted and a dropped picture survive another device and undo, and go inline', async () => {
  const r = await tend.mailFromCustomer(lead.token, inboxId, {
    from: 'kim@customer.example', to: 'support@example.com', messageId: `p1.${Date.now()}@customer.example`,
    subject: 'Broken box', text: 'The box arrived broken.',
  });
  const id = r.conversation_id;
  const laptop = await device();
  await laptop.goto(`${tend.url}/c/${id}`);
  await laptop.locator('#text').fill('Is this the box?\n\n');
  await give(laptop, 'paste', 'box.png');
  await laptop.locator('#text').press('End');
  await laptop.keyboard.type('\n\nAnd the label:\n\n');
  await give(laptop, 'drop', 'label.png');
  const text = await laptop.locator('#text').inputValue();
  assert.match(text, /!\[box\.png\]\(cid:[0-9a-f]{24}@tend\)[\s\S]*!\[label\.png\]\(cid:[0-9a-f]{24}@tend\)/);
  await waitFor(async () => (await shown(laptop)).length === 2, 10000, 'both pictures under the box');
  await waitFor(() => laptop.evaluate(() => document.documentElement.dataset.picturesKept === '2'), 10000, 'both kept on the server');
  await laptop.locator('#draft-status', { hasText: 'Draft saved' }).waitFor({ timeout: 10000 });
  await laptop.screenshot({ path: artifact('composer-pictures.png') });

  // The phone opens the draft: the same text, the same pictures.
  const phone = await device();
  await phone.goto(`${tend.url}/c/${id}`);
  assert.equal(await phone.locator('#text').inputValue(), text);
  await waitFor(async () => (await shown(phone)).join() === 'box.png,label.png', 10000, 'the pictures on the other device');

  // Sent from the phone (its form carries no files): both go inline.
  await Promise.all([phone.waitForURL(/sent=/), phone.locator('#send').click()]);
  const inline = async () => {
    const msgs = await tend.api(lead.token, 'GET', `/conversations/${id}/messages`);
    const m = msgs.json.items.at(-1);
    return m.attachments.filter((a) => a.inline).map((a) => a.filename).sort().join();
  };
  assert.equal(await inline(), 'box.png,label.png');

  // Undo: the text comes back with its pictures, and goes again.
  await phone.locator('#undo-send').waitFor();
  await Promise.all([phone.waitForURL(/undone=1/), phone.locator('#undo-button').click()]);
  assert.equal(await phone.locator('#text').inputValue(), text);
  await waitFor(async () => (await shown(phone)).join() === 'box.png,label.png', 10000, 'the pictures after undo');
  await phone.screenshot({ path: artifact('composer-pictures-undone.png') });
  await Promise.all([phone.waitForURL(/sent=/), phone.locator('#send').click()]);
  assert.equal(await inline(), 'box.png,label.png');
  assertClean(assert, laptop);
  assertClean(assert, phone);
});
