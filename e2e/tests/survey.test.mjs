// Closing the loop, end to end: a real SMTP sink captures the survey mail
// sent when an agent solves a conversation; a real browser follows its "No"
// link (the conversation reopens, goes back to its owner at a higher
// priority, with a follow-up task); the agent replies and solves again; the
// browser follows the new "Yes" link and leaves 5 stars and a comment (the
// conversation closes and the comment appears in the success-story feed,
// credited to the agent). Agent steps go through the REST API. A link only
// shows the page with its choice selected; the customer's click on its one
// button sends it, and a mail scanner that opens every link (scripts on)
// changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMailDesk, guardedPage, assertClean, artifact, waitFor, surveyMailsIn } from '../lib/tend.mjs';

let desk, tend, sink, browser, admin, agent, inboxId;

before(async () => {
  desk = await startMailDesk();
  ({ tend, sink, browser, admin, agent, inboxId } = desk);
});

after(async () => {
  await desk?.stop();
});

/** Survey mails about conversation `id` that reached the sink, oldest first, as { raw, links }. */
const surveyMails = (id) => surveyMailsIn(sink, id);

async function replyAndSolve(id, text) {
  let r = await tend.api(agent.token, 'POST', `/conversations/${id}/messages`, { text });
  assert.equal(r.status, 201, r.text);
  r = await tend.api(agent.token, 'PATCH', `/conversations/${id}`, { status: 'solved' });
  assert.equal(r.status, 200, r.text);
}

test('a "No" reopens and follows up; a "Yes" with 5 stars closes and becomes a success story', async () => {
  const created = await tend.mailFromCustomer(admin.token, inboxId, {
    from: '"Ana Souto" <ana@customer.example>', to: 'support@example.com', subject: 'My order never arrived',
    messageId: 'order-1@customer.example', text: 'Hello, my parcel is two weeks late.',
  });
  assert.equal(created.outcome, 'created', JSON.stringify(created));
  const id = created.conversation_id;
  let res = await tend.api(admin.token, 'PATCH', `/conversations/${id}`, { assignee_id: agent.id });
  assert.equal(res.status, 200, res.text);

  // 1. Solve. 2. The survey mail reaches the SMTP sink.
  await replyAndSolve(id, 'Your parcel is on its way; here is the tracking number.');
  const [first] = await waitFor(() => { const m = surveyMails(id); return m.length === 1 && m; }, 30000, 'the survey mail');
  assert.match(first.raw, /^To: .*ana@customer\.example/im);
  for (const a of ['yes', 'no', '1', '5', 'form']) assert.ok(first.links[a], `the mail has a ${a} link`);

  // 3. The "No" link, in a real browser: opening it changes nothing; the
  //    page has "No" chosen, and one click sends it.
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(context, tend.url);
  await page.goto(first.links.no);
  assert.ok(await page.locator('input[name="answer"][value="no"]').isChecked());
  assert.equal((await tend.api(admin.token, 'GET', `/conversations/${id}`)).json.status, 'solved');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send' }).click()]);
  assert.equal(await page.locator('#result').getAttribute('data-answer'), 'no');
  await page.screenshot({ path: artifact('survey-no.png'), fullPage: true });
  let conv = (await tend.api(admin.token, 'GET', `/conversations/${id}`)).json;
  assert.equal(conv.status, 'open');
  assert.equal(conv.assignee_id, agent.id, 'back to its owner');
  assert.equal(conv.priority, 'high', 'one step higher');
  const tasks = (await tend.api(agent.token, 'GET', '/tasks?assignee_id=me')).json.items;
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0].conversation_id, id);
  assert.equal(tasks[0].kind, 'follow_up');

  // 4. The agent replies and solves again; a new survey goes out.
  await replyAndSolve(id, 'We sent a replacement by express today.');
  const mails = await waitFor(() => { const m = surveyMails(id); return m.length === 2 && m; }, 30000, 'the second survey mail');
  // Maildir file names do not sort by arrival within a second: find the new one.
  const second = mails.find((m) => m.links.yes !== first.links.yes);
  assert.ok(second, 'the second survey has links of its own');

  // 5. "Yes", 5 stars and a comment.
  await page.goto(second.links.yes);
  assert.ok(await page.locator('input[name="answer"][value="yes"]').isChecked());
  await page.locator('input[name="rating"][value="5"]').check();
  await page.locator('textarea[name="comment"]').fill('Aiko sorted it out in a day. Thank you!');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send' }).click()]);
  assert.equal(await page.locator('#result').getAttribute('data-answer'), 'yes');
  assert.ok(await page.locator('#thanks').isVisible());
  await page.screenshot({ path: artifact('survey-thanks.png'), fullPage: true });
  assertClean(assert, page);

  conv = (await tend.api(admin.token, 'GET', `/conversations/${id}`)).json;
  assert.equal(conv.status, 'closed');
  const stories = (await tend.api(agent.token, 'GET', '/stories')).json.items;
  const story = stories.find((s) => s.conversation_id === id);
  assert.ok(story, JSON.stringify(stories));
  assert.equal(story.comment, 'Aiko sorted it out in a day. Thank you!');
  assert.equal(story.rating, 5);
  assert.deepEqual(story.agents.map((a) => a.id), [agent.id]);
  const mine = (await tend.api(agent.token, 'GET', `/users/${agent.id}/stories`)).json.items;
  assert.ok(mine.some((s) => s.survey_id === story.survey_id));

  // A replayed link changes nothing; a tampered one is refused.
  const events = (await tend.api(admin.token, 'GET', `/conversations/${id}/events?limit=200`)).json.items.length;
  await page.goto(first.links.no);
  const tampered = second.links.no.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  const resp = await page.goto(tampered);
  assert.equal(resp.status(), 404);
  assert.match(await page.locator('h1').innerText(), /not valid/);
  assert.equal((await tend.api(admin.token, 'GET', `/conversations/${id}/events?limit=200`)).json.items.length, events);
  assert.equal((await tend.api(admin.token, 'GET', `/conversations/${id}`)).json.status, 'closed');
  await context.close();
});

test('a mail scanner opening every link changes nothing; the customer answers with one click', async () => {
  const created = await tend.mailFromCustomer(admin.token, inboxId, {
    from: '"Jānis Ozols" <janis@customer.example>', to: 'support@example.com', subject: 'Password reset',
    messageId: 'reset-1@customer.example', text: 'I cannot reset my password.',
  });
  assert.equal(created.outcome, 'created', JSON.stringify(created));
  const id = created.conversation_id;
  await replyAndSolve(id, 'Your password can be reset again.');
  const [mail] = await waitFor(() => { const m = surveyMails(id); return m.length === 1 && m; }, 30000, 'the survey mail');
  const surveyOf = async () => (await tend.api(admin.token, 'GET', `/conversations/${id}/surveys`)).json.items[0];

  // The scanner: a real browser, scripts on, that loads every link of the mail.
  const scanner = await browser.newContext({ locale: 'en-US', javaScriptEnabled: true });
  const probe = await scanner.newPage();
  for (const url of Object.values(mail.links)) {
    const resp = await probe.goto(url);
    assert.equal(resp.status(), 200, url);
    await probe.waitForLoadState('networkidle');
  }
  await scanner.close();
  assert.equal((await tend.api(admin.token, 'GET', `/conversations/${id}`)).json.status, 'solved');
  let survey = await surveyOf();
  assert.equal(survey.answered_at, null, JSON.stringify(survey));
  assert.equal((await tend.api(agent.token, 'GET', '/tasks?assignee_id=me')).json.items.filter((t) => t.conversation_id === id).length, 0);

  // The customer: the "Yes" link, and one click on the one button.
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(context, tend.url);
  await page.goto(mail.links.yes);
  assert.ok(await page.locator('input[name="answer"][value="yes"]').isChecked(), 'the link chose "yes"');
  assert.equal(await page.getByRole('button').count(), 1, 'one button');
  await page.screenshot({ path: artifact('survey-confirm.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send' }).click()]);
  assert.equal(await page.locator('#result').getAttribute('data-answer'), 'yes');
  assert.ok(await page.locator('#thanks').isVisible());
  assertClean(assert, page);
  await context.close();

  survey = await surveyOf();
  assert.equal(survey.answer, 'yes', JSON.stringify(survey));
  assert.equal((await tend.api(admin.token, 'GET', `/conversations/${id}`)).json.status, 'closed');
});
