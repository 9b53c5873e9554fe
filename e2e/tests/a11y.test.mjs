// Accessibility and small screens: axe-core (WCAG 2.1 A and AA rules:
// labels, names, contrast, landmarks, ARIA) finds nothing on the agent's
// pages, at desktop width and at a phone's 390 px, and nothing on a phone
// needs sideways scrolling except the conversation table's own scroller.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, signIn, artifact, axeViolations } from '../lib/tend.mjs';

let tend, browser, admin, convId;

before(async () => {
  tend = await startTend();
  admin = tend.user('a11y@example.com', 'Aino Access', 'admin');
  const c = await tend.api(admin.token, 'POST', '/conversations', {
    subject: 'アクセシビリティの確認 — Piekļūstamība',
    customer: { email: 'kunde@example.de', name: 'Kim Kunde' },
    message: { text: 'Hello, the checkout button does nothing on my phone.', html: '<p>Hello, the <b>checkout</b> button does nothing.</p>' },
    priority: 'high',
    tags: ['mobile'],
  });
  convId = c.json.id;
  await tend.api(admin.token, 'POST', `/conversations/${convId}/messages`, { text: 'Checking with the web team.', internal: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

async function audit(page, name) {
  assert.deepEqual(await axeViolations(page), [], `${name}: accessibility violations`);
}

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the agent pages pass axe at ${label} width`, async () => {
    // The audit script is injected by the test, so the page's own CSP is bypassed for it.
    const ctx = await browser.newContext({ viewport, bypassCSP: true, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(tend.url + '/login');
    await audit(page, `login (${label})`);
    await signIn(page, tend.url, admin.email, admin.password);
    for (const [name, path] of [['inbox', '/?view=open'], ['conversation', `/c/${convId}`], ['account', '/account'],
      ['notifications', '/notifications'], ['notification-preferences', '/notifications/preferences']]) {
      await page.goto(tend.url + path);
      await audit(page, `${name} (${label})`);
      if (label === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name} scrolls sideways on a phone by ${overflow}px`);
        await page.screenshot({ path: artifact(`${name}-phone.png`), fullPage: true });
      }
    }
    await ctx.close();
  });
}

test('keyboard users can reach everything in order', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(tend.url + '/?view=open');
  // The first Tab lands on the skip link, which jumps to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => location.hash), '#main');
  // `?` opens the shortcut help as a modal dialog; Escape closes it.
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('?');
  assert.equal(await page.locator('#help').evaluate((d) => d.open), true);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#help').evaluate((d) => d.open), false);
  // `/` focuses the search box.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
  await ctx.close();
});
