// Automation rules in the admin pages (issue 20), in a real browser:
// - an admin builds a rule from lists, with no JSON: on a new conversation,
//   when the text contains a word, add a tag and raise the priority (rows
//   added and removed by the page's script);
// - the rule is saved switched off; its dry run finds the conversation that
//   already has the word; then the admin enables it;
// - a conversation created through the API with the word shows the tag and
//   the priority on its page, the timeline names the rule, and the page's
//   "Automations" section says its conditions hold;
// - a rule dragged on the list takes its new place;
// - the pages pass axe (WCAG 2.1 A/AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin, earlier;

async function arrive(subject, email, text) {
  const r = await tend.api(admin.token, 'POST', '/conversations', {
    subject, customer: { email }, message: { text },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  tend = await startTend();
  admin = tend.user('rules@example.com', 'Rūta Rules', 'admin');
  // Before the rule exists: what its dry run should find, and one it should not.
  earlier = await arrive('Atmaksa', 'ilze@example.lv', 'Please process my REFUND for order 12.');
  await arrive('Hello', 'sora@example.jp', 'Just saying hello.');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

async function audit(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: accessibility violations`);
}

test('an admin builds a rule, dry-runs it, enables it and watches it act', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', bypassCSP: true, viewport: { width: 1280, height: 1000 } });
  const page = await guardedPage(ctx, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);

  await page.goto(`${tend.url}/admin`);
  await Promise.all([page.waitForURL(/\/admin\/automations$/), page.locator('a[href="/admin/automations"]').first().click()]);
  await Promise.all([page.waitForURL(/\/admin\/automations\/new$/), page.locator('a[href="/admin/automations/new"]').click()]);
  await audit(page, 'new rule form');

  await page.locator('#rule-name').fill('Refund triage');
  await page.locator('#rule-event').selectOption('conversation_created');
  // The time rule's inputs show only when "some minutes after" is chosen.
  assert.equal(await page.locator('#rule-minutes').isVisible(), false);
  await page.locator('#when-after').check();
  await page.locator('#rule-minutes').waitFor({ state: 'visible' });
  await page.locator('#when-event').check();
  await page.locator('#rule-minutes').waitFor({ state: 'hidden' });

  // Two conditions added by script, one removed again.
  await page.locator('#add-condition').click();
  await page.locator('#add-condition').click();
  const conds = page.locator('#cond-rows > [data-row=cond]');
  assert.equal(await conds.count(), 2);
  assert.match(await conds.nth(1).locator('legend').textContent(), /^Condition 2$/);
  await conds.nth(0).locator('[data-remove]').click();
  assert.equal(await conds.count(), 1);
  assert.match(await conds.nth(0).locator('legend').textContent(), /^Condition 1$/);
  const cond = conds.nth(0);
  await cond.locator('select[name$="-group"]').selectOption('all');
  await cond.locator('select[name$="-field"]').selectOption('text');
  await cond.locator('select[name$="-op"]').selectOption('contains');
  await cond.locator('input[name$="-value"]').fill('refund');

  // Actions: each kind shows only its own input.
  const acts = page.locator('#act-rows > [data-row=act]');
  await acts.nth(0).locator('[data-kind]').selectOption('add_tags');
  await acts.nth(0).locator('input[name$="-tags"]').waitFor({ state: 'visible' });
  assert.equal(await acts.nth(0).locator('select[name$="-priority"]').isVisible(), false);
  await acts.nth(0).locator('input[name$="-tags"]').fill('refund');
  await page.locator('#add-action').click();
  assert.equal(await acts.count(), 2);
  await acts.nth(1).locator('[data-kind]').selectOption('set_priority');
  await acts.nth(1).locator('select[name$="-priority"]').waitFor({ state: 'visible' });
  await acts.nth(1).locator('select[name$="-priority"]').selectOption('urgent');
  await page.locator('#rule-trace').check();
  await page.screenshot({ path: artifact('automation-form.png'), fullPage: true });

  await Promise.all([page.waitForURL(/\/admin\/automations\/\d+\?saved=1$/), page.locator('#save-rule').click()]);
  const ruleId = Number(new URL(page.url()).pathname.split('/').pop());
  assert.match(await page.locator('p.notice').textContent(), /The rule is off/);
  // Saved as built, and off.
  let r = await tend.api(admin.token, 'GET', `/automations/${ruleId}`);
  assert.equal(r.json.active, false);
  assert.deepEqual(r.json.when, { event: 'conversation_created' });
  assert.deepEqual(r.json.conditions, { all: [{ field: 'text', op: 'contains', value: 'refund' }], any: [] });
  assert.deepEqual(r.json.actions, [{ type: 'add_tags', value: ['refund'] }, { type: 'set_priority', value: 'urgent' }]);
  assert.equal(r.json.trace, true);
  await audit(page, 'rule page');

  // The dry run, before enabling: the earlier conversation, not the other.
  await page.locator('#dry-days').fill('30');
  await Promise.all([page.waitForURL(/\/dry-run$/), page.locator('#dry-run').click()]);
  await page.locator('#dry-result').waitFor();
  assert.equal((await page.locator('#dry-matched').textContent()).trim(), '1');
  assert.equal((await page.locator('#dry-examined').textContent()).trim(), '2');
  assert.equal(await page.locator(`#dry-result a[href="/c/${earlier.id}"]`).count(), 1);
  await page.screenshot({ path: artifact('automation-dry-run.png'), fullPage: true });
  await audit(page, 'dry run');
  r = await tend.api(admin.token, 'GET', `/conversations/${earlier.id}`);
  assert.deepEqual(r.json.tags, [], 'a dry run changes nothing');

  await Promise.all([page.waitForURL(/\/admin\/automations\/\d+\?saved=1$/), page.locator('#enable-rule').click()]);
  await page.locator('#disable-rule').waitFor();
  r = await tend.api(admin.token, 'GET', `/automations/${ruleId}`);
  assert.equal(r.json.active, true);
  // Another rule, then dragged above the first on the list.
  r = await tend.api(admin.token, 'POST', '/automations', {
    name: 'Second', position: 5, when: { event: 'status_changed' }, actions: [{ type: 'add_tags', value: ['moved'] }],
  });
  assert.equal(r.status, 201, r.text);
  const second = r.json.id;
  await page.goto(`${tend.url}/admin/automations`);
  assert.equal((await page.locator(`#rule-${ruleId} .rule-on`).textContent()).trim(), 'On');
  await audit(page, 'rule list');
  await Promise.all([
    page.waitForURL(/\/admin\/automations\?saved=1$/),
    page.locator(`#rule-${second} td.state`).dragTo(page.locator(`#rule-${ruleId} td.state`)),
  ]);
  r = await tend.api(admin.token, 'GET', '/automations');
  assert.deepEqual(r.json.items.map((x) => x.id), [second, ruleId]);
  assert.equal(await page.locator('tr.rule').first().getAttribute('id'), `rule-${second}`);

  // It acts: a new conversation with the word, through the API.
  const hit = await arrive('Money back', 'janis@example.lv', 'I would like a Refund, please.');
  await page.goto(`${tend.url}/c/${hit.id}`);
  assert.equal(await page.locator('#tags').inputValue(), 'refund');
  assert.equal(await page.locator('#priority').inputValue(), 'urgent');
  // The rule is the line's actor, named once.
  const fired = page.locator('#timeline li.event', { hasText: 'Refund triage acted (automation rule)' });
  await fired.first().waitFor();
  // "Why did a rule act?": the section opens and says its conditions hold.
  await page.locator('#automations summary').click();
  const rule = page.locator(`#automations .auto-rule[data-rule="${ruleId}"]`);
  await rule.waitFor({ state: 'visible' });
  assert.match(await rule.textContent(), /Its conditions hold now\./);
  assert.match(await rule.textContent(), /Message text contains refund — ✓ holds/);
  await page.screenshot({ path: artifact('automation-acted.png'), fullPage: true });
  await audit(page, 'conversation with the automations section');

  // Without the word it does not act, and the page says why.
  const miss = await arrive('Hello again', 'sora@example.jp', 'Nothing to see.');
  await page.goto(`${tend.url}/c/${miss.id}`);
  assert.equal(await page.locator('#tags').inputValue(), '');
  await page.locator('#automations summary').click();
  await page.locator('#automations .auto-traces').waitFor({ state: 'visible' });
  assert.match(await page.locator('#automations .auto-traces').textContent(), /Refund triage/);
  assertClean(assert, page);
  await ctx.close();
});
