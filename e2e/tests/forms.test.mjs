// Forms that keep what was typed (issue 25, item 8): a transfer without
// reason words comes back with the new owner still chosen, the reason box
// open with its category, and the message beside the reason, in the
// agent's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, submitted } from '../lib/tend.mjs';

let tend, browser, admin, other, convId;

before(async () => {
  tend = await startTend();
  admin = tend.user('aino@example.com', 'Aino', 'admin');
  other = tend.user('otto@example.com', 'Otto', 'admin');
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Transfer me', customer: { email: 'k@example.com' }, message: { text: 'hello' },
  });
  convId = c.json.id;
  await tend.api(admin.token, 'PATCH', `/conversations/${convId}`, { assignee_id: admin.id });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

for (const [locale, needsReason] of [['en-US', 'needs a reason'], ['lv-LV', null]]) {
  test(`a transfer without a reason keeps the form as typed (${locale})`, async () => {
    const ctx = await browser.newContext({ locale });
    const page = await guardedPage(ctx, tend.url);
    await signIn(page, tend.url, admin.email, admin.password);
    await page.goto(`${tend.url}/c/${convId}`);
    assert.equal(await page.locator('#reason-box').isVisible(), false, 'no reason asked before a change');
    await page.locator('#assignee').selectOption(String(other.id));
    assert.equal(await page.locator('#reason-box').isVisible(), true);
    await page.locator('#reason_category').selectOption('skill');
    await page.locator('#priority').selectOption('high');
    await submitted(page, page.locator('form.controls button[type=submit]'));
    // Back with everything as typed, and the message beside the reason.
    assert.equal(await page.locator('#assignee').inputValue(), String(other.id));
    assert.equal(await page.locator('#priority').inputValue(), 'high');
    assert.equal(await page.locator('#reason_category').inputValue(), 'skill');
    assert.equal(await page.locator('#reason-box').isVisible(), true, 'the reason box stays open');
    const error = page.locator('#reason-error');
    assert.equal(await error.isVisible(), true);
    const text = await error.textContent();
    if (needsReason) assert.ok(text.includes(needsReason), text);
    else assert.ok(!text.includes('needs a reason'), `in the agent's language: ${text}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reason', 'the reason has the focus');
    // Typing the words now completes the transfer.
    await page.locator('#reason').fill('knows the billing system');
    await Promise.all([page.waitForURL(`${tend.url}/c/${convId}`), page.locator('form.controls button[type=submit]').click()]);
    const conv = await tend.api(admin.token, 'GET', `/conversations/${convId}`);
    assert.equal(conv.json.assignee_id, other.id);
    // Back to the first owner for the next locale.
    await tend.api(admin.token, 'PATCH', `/conversations/${convId}`, { assignee_id: admin.id, reason: 'back' });
    assertClean(assert, page);
    await ctx.close();
  });
}

// The daily forms of the conversation page and the macro editor (issue 25,
// item 8): a mistake brings the page back with what was typed, the
// message beside its field (aria-invalid, aria-describedby), in Latvian.
test('snooze, remedy and macro forms keep what was typed (lv-LV)', async () => {
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'Keep my words', customer: { email: 'l@example.com' }, message: { text: 'sveiki' },
  });
  const id = c.json.id;
  const ctx = await browser.newContext({ locale: 'lv-LV' });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  const describedBy = async (sel, errorId) =>
    ((await page.locator(sel).getAttribute('aria-describedby')) ?? '').split(' ').includes(errorId);

  // Snooze until a time already past.
  await page.goto(`${tend.url}/c/${id}`);
  await page.locator('#snooze-until').fill('2020-01-02T09:30');
  await submitted(page, page.locator('#snooze-form button[type=submit]'));
  assert.equal(await page.locator('#snooze-until').inputValue(), '2020-01-02T09:30');
  assert.equal(await page.locator('#snooze-until').getAttribute('aria-invalid'), 'true');
  assert.ok(await describedBy('#snooze-until', 'snooze-error'));
  const snoozeError = await page.locator('#snooze-error').textContent();
  assert.ok(snoozeError.length > 0 && !/future/.test(snoozeError), `in Latvian: ${snoozeError}`);

  // A remedy whose amount is no number keeps the note.
  await page.locator('#remedy-amount').fill('divpadsmit');
  await page.locator('#remedy-note').fill('Dāvanu karte');
  await submitted(page, page.locator('#remedy-form button[type=submit]'));
  assert.equal(await page.locator('#remedy-amount').inputValue(), 'divpadsmit');
  assert.equal(await page.locator('#remedy-note').inputValue(), 'Dāvanu karte');
  assert.equal(await page.locator('#remedy-amount').getAttribute('aria-invalid'), 'true');
  assert.ok(await describedBy('#remedy-amount', 'remedy-amount-error'));
  assert.equal(await page.locator('#remedy-amount-error').isVisible(), true);
  assert.ok(!/Give the amount/.test(await page.locator('#remedy-amount-error').textContent()));

  // A macro naming a placeholder Tend does not know.
  await page.goto(`${tend.url}/macros/new`);
  await page.locator('#m-name').fill('Sveiciens');
  await page.locator('#m-text').fill('Sveiki, {{ customer.shoe_size }}');
  await page.locator('#m-add').fill('sveiciens');
  await submitted(page, page.locator('button[type=submit].primary'));
  assert.equal(await page.locator('#m-name').inputValue(), 'Sveiciens');
  assert.equal(await page.locator('#m-text').inputValue(), 'Sveiki, {{ customer.shoe_size }}');
  assert.equal(await page.locator('#m-add').inputValue(), 'sveiciens');
  assert.equal(await page.locator('#m-text').getAttribute('aria-invalid'), 'true');
  assert.ok(await describedBy('#m-text', 'm-text-error'));
  const macroError = await page.locator('#m-text-error').textContent();
  assert.ok(/1\. rindas/.test(macroError), `where, in Latvian: ${macroError}`);
  // Fixed, it saves.
  await page.locator('#m-text').fill('Sveiki, {{ customer.name }}');
  await submitted(page, page.locator('button[type=submit].primary'));
  assert.equal(new URL(page.url()).pathname, '/macros');
  assert.ok((await page.locator('main').textContent()).includes('Sveiciens'), 'the saved macro is listed');
  assertClean(assert, page);
  await ctx.close();
});
