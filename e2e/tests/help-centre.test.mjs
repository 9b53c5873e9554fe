// The knowledge base in a real browser. A supervisor writes an article in
// the workspace's editor, adds a picture, publishes it, translates it, then
// changes the source and sees what changed on the translation's page. An
// admin gives the help centre the company's look. Then the help centre's
// home, a category, an article and a search, in all five languages, at
// desktop width and at a phone's 390×844: screenshots in e2e/artifacts/,
// nothing wider than the screen on a phone, and axe-core finds no serious
// or critical violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTend, launchBrowser, guardedPage, assertClean, signIn, artifact, axeViolations } from '../lib/tend.mjs';

let tend, browser, editor, admin, category, returns, payments;

/** A 16×16 PNG (an orange disc on white), so the test needs no file. */
function png() {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAOklEQVR42mP4TyJgQON/XaaMhvBpwFSNqYeBoGo0PQzEqEbWw0CkarieEauB5GAlJ+LISRrkJD5iAAB1Hjq7ciDqLQAAAABJRU5ErkJggg==',
    'base64',
  );
}

const LOCALES = ['en', 'ja', 'ko', 'lv', 'ca'];
/** A word of the returns article in each language, to search for. */
const SEARCH = { en: 'refund', ja: '返品', ko: '반품', lv: 'atgriešana', ca: 'comanda' };

before(async () => {
  tend = await startTend({ TEND_HELP_FALLBACK: 'ca>es>en' });
  editor = tend.user('eda@example.com', 'Eda Editor', 'supervisor');
  admin = tend.user('ada@example.com', 'Ada Admin', 'admin');
  const c = await tend.api(admin.token, 'POST', '/kb/categories', {
    slug: 'orders',
    position: 1,
    names: { en: 'Orders and returns', ja: '注文と返品', ko: '주문과 반품', lv: 'Pasūtījumi un atgriešana', ca: 'Comandes i devolucions' },
  });
  assert.equal(c.status, 201, c.text);
  category = c.json;
  const r = await tend.api(admin.token, 'POST', '/kb/articles', {
    slug: 'returns',
    category: category.id,
    translations: {
      en: { title: 'Returning an order', published: true, body_markdown: 'Send the parcel back within **30 days** and we refund the price.\n\n1. Pack the item.\n2. Print the label from https://example.com/account/orders/returns/label-printing-for-a-very-long-address\n\n| Step | Days |\n|---|---|\n| Refund | 5 |' },
      ja: { title: '注文の返品', published: true, body_markdown: '30日以内に荷物を返送してください。代金を返金します。返品ラベルはアカウントの注文履歴から印刷できます。' },
      ko: { title: '주문 반품', published: true, body_markdown: '30일 이내에 소포를 돌려보내 주세요. 요금을 환불해 드립니다.' },
      lv: { title: 'Pasūtījuma atgriešana', published: true, body_markdown: 'Nosūtiet sūtījumu atpakaļ 30 dienu laikā, un mēs atmaksāsim cenu.' },
      ca: { title: 'Retornar una comanda', published: true, body_markdown: 'Envieu el paquet de tornada en 30 dies i us retornem l\'import.' },
    },
  });
  assert.equal(r.status, 201, r.text);
  returns = r.json;
  // Only in English and Japanese: the others show it with a note.
  const p = await tend.api(admin.token, 'POST', '/kb/articles', {
    slug: 'payment-methods',
    category: category.id,
    translations: {
      en: { title: 'Payment methods', published: true, body_markdown: 'We take cards and bank transfers. Refunds go back to the same card.' },
      ja: { title: 'お支払い方法', published: true, body_markdown: 'カードと銀行振込がご利用いただけます。' },
    },
  });
  assert.equal(p.status, 201, p.text);
  payments = p.json;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await tend?.stop();
});

test('an editor writes and publishes an article, then sees what changed in the source', async () => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await guardedPage(context, tend.url);
  await signIn(page, tend.url, editor.email, editor.password);
  await page.locator('header.top nav a[href="/kb"]').click();
  await page.locator('.admin-nav a[href="/kb/new"]').click();
  await page.locator('#kb-slug').fill('delivery-times');
  await page.locator('#kb-category').selectOption(String(category.id));
  await page.locator('#kb-lang').selectOption('en');
  await page.locator('#kb-title').fill('Delivery times');
  await page.locator('#kb-body').fill('Parcels arrive in 3 days.\nTracking is sent by email.');
  await page.locator('input[name=published]').check();
  await Promise.all([page.waitForURL(/\/kb\/\d+\/en\?saved=1$/), page.locator('form[action="/kb/new"] button[type=submit]').click()]);
  const id = Number(new URL(page.url()).pathname.split('/')[2]);

  // A picture, uploaded and inserted into the text, then saved.
  await page.locator('#kb-image').setInputFiles({ name: 'map.png', mimeType: 'image/png', buffer: png() });
  await page.locator('#kb-alt').fill('Delivery map');
  await page.locator('button[name=action][value=image]').click();
  await page.locator('p.notice').waitFor();
  const body = await page.locator('#kb-body').inputValue();
  assert.match(body, /!\[Delivery map\]\(\/help\/images\/[0-9a-f]{64}\.png\)/);
  await Promise.all([page.waitForURL(/saved=1$/), page.locator('button[name=action][value=save]').click()]);

  const pub = await context.newPage();
  await pub.goto(`${tend.url}/help/en/articles/${id}-delivery-times`);
  assert.equal(await pub.locator('h1').textContent(), 'Delivery times');
  const img = pub.locator('.kb-body img');
  assert.equal(await img.getAttribute('alt'), 'Delivery map');
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth === 16), 'the picture loads');
  await pub.close();

  // The Japanese translation, then a change of the English.
  await page.goto(`${tend.url}/kb/${id}/ja`);
  await page.locator('#kb-title').fill('配送日数');
  await page.locator('#kb-body').fill('荷物は3日で届きます。');
  await page.locator('input[name=published]').check();
  await Promise.all([page.waitForURL(/saved=1$/), page.locator('button[name=action][value=save]').click()]);
  await page.goto(`${tend.url}/kb/${id}/en`);
  await page.locator('#kb-body').fill(body.replace('3 days', '5 days'));
  await Promise.all([page.waitForURL(/saved=1$/), page.locator('button[name=action][value=save]').click()]);

  await page.goto(`${tend.url}/kb`);
  const cell = page.locator(`tr[data-article="${id}"] a[data-lang=ja]`);
  assert.equal(await cell.textContent(), 'Outdated');
  await cell.click();
  await page.locator('ol.diff').waitFor();
  assert.equal(await page.locator('ol.diff del').first().textContent(), 'Removed: Parcels arrive in 3 days.');
  assert.equal(await page.locator('ol.diff ins').first().textContent(), 'Added: Parcels arrive in 5 days.');
  await page.screenshot({ path: artifact('kb-editor-outdated-diff.png'), fullPage: true });
  // The editor itself passes axe too (its context bypasses the CSP only for axe).
  const audited = await browser.newContext({ locale: 'en-US', bypassCSP: true });
  const ap = await audited.newPage();
  await signIn(ap, tend.url, editor.email, editor.password);
  for (const path of ['/kb', `/kb/${id}`, `/kb/${id}/ja`]) {
    await ap.goto(tend.url + path);
    assert.deepEqual(await axeViolations(ap), [], `${path}: accessibility violations`);
  }
  await audited.close();
  assertClean(assert, page);
  await context.close();
});

test('an admin gives the help centre the company look', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await guardedPage(context, tend.url);
  await signIn(page, tend.url, admin.email, admin.password);
  await page.goto(`${tend.url}/admin/help-centre`);
  await page.locator('#theme-name').fill('Acme Parcels');
  await page.locator('#theme-primary').fill('#0b4f6c');
  await page.locator('#theme-text').fill('#ffffff');
  await page.locator('#theme-logo').setInputFiles({ name: 'acme.png', mimeType: 'image/png', buffer: png() });
  await Promise.all([page.waitForURL(/saved=1$/), page.locator('#theme-form button[type=submit]').click()]);
  assert.match(await page.locator('#theme-contrast').textContent(), /meets WCAG AA/);
  await page.screenshot({ path: artifact('help-centre-theme-admin.png'), fullPage: true });
  assertClean(assert, page);
  await context.close();
});

/** The help centre's pages in one language: name and path. */
function pages(l) {
  return [
    ['home', `/help/${l}/`],
    ['category', `/help/${l}/categories/${category.id}-${category.slug}`],
    ['article', `/help/${l}/articles/${returns.id}-returns`],
    ['fallback-article', `/help/${l}/articles/${payments.id}-payment-methods`],
    ['search', `/help/${l}/search?q=${encodeURIComponent(SEARCH[l])}`],
  ];
}

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the help centre in five languages at ${label} width: screenshots, no sideways scrolling, axe`, async () => {
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await guardedPage(context, tend.url);
    for (const l of LOCALES) {
      for (const [name, path] of pages(l)) {
        const resp = await page.goto(tend.url + path);
        assert.equal(resp.status(), 200, `${path}`);
        assert.equal(await page.locator('html').getAttribute('lang'), l, path);
        // The company's look is on every page.
        assert.equal(await page.locator('header .company').textContent(), 'Acme Parcels', path);
        assert.ok(await page.locator('header img.logo').evaluate((i) => i.complete && i.naturalWidth > 0), `${path}: the logo loads`);
        if (name === 'search') {
          assert.ok(await page.locator('.kb-list li').count() >= 1, `${path}: found`);
        }
        if (name === 'fallback-article' && l !== 'en' && l !== 'ja') {
          assert.equal(await page.locator('.kb-untranslated').count(), 1, `${path}: the note`);
        }
        await page.screenshot({ path: artifact(`help-${l}-${name}-${label}.png`), fullPage: true });
        // Nothing wider than the screen: the page, every element, and every
        // line of text (a long word or address overflows its box, not the box).
        const wide = await page.evaluate(() => {
          const w = document.documentElement.clientWidth;
          const out = [];
          if (document.documentElement.scrollWidth > w + 1) out.push(`page ${document.documentElement.scrollWidth}px`);
          const name = (el) => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`;
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            // Off to the left (the skip link until focused) scrolls nothing.
            if (r.width > 0 && r.right > w + 1) out.push(`${name(el)} ${Math.round(r.left)}–${Math.round(r.right)}px`);
          }
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let t = walker.nextNode(); t; t = walker.nextNode()) {
            if (!t.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(t);
            for (const r of range.getClientRects()) {
              if (r.width > 0 && r.right > w + 1) {
                out.push(`text "${t.textContent.trim().slice(0, 40)}" in ${name(t.parentElement)} to ${Math.round(r.right)}px`);
                break;
              }
            }
          }
          return out;
        });
        assert.deepEqual(wide, [], `${path} (${label}) is wider than the screen`);
        // Stricter than "no serious or critical": no violation at all.
        assert.deepEqual(await axeViolations(page), [], `${path} (${label}): accessibility violations`);
      }
    }
    assertClean(assert, page);
    await context.close();
  });
}
