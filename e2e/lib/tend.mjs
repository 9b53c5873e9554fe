// Test harness: a real `tend serve` on a temporary data directory, the
// `tend` CLI against the same data, the REST API, an aiosmtpd sink, and a
// guarded chromium page that fails the test on any dialog, any request that
// leaves Tend's origin, and any navigation away from it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');

function tendBin() {
  if (process.env.TEND_BIN) return process.env.TEND_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
  return join(target, 'debug', 'tend');
}

/** Resolves when `pred()` returns a truthy value; rejects after `ms`. */
export async function waitFor(pred, ms = 15000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/**
 * Starts `tend serve` on a fresh SQLite data directory.
 * Returns { url, dataDir, env, log(), setupUrl(), cli(args, stdin), api(…), stop() }.
 */
export async function startTend(extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tend-e2e-'));
  const env = {
    ...process.env,
    TEND_DATA_DIR: dataDir,
    TEND_HTTP_LISTEN: '127.0.0.1:0',
    // No DNS lookups from tests (sender authentication of inbound mail).
    TEND_MAIL_AUTH: process.env.TEND_MAIL_AUTH || 'off',
    RUST_LOG: process.env.RUST_LOG || 'info',
    NO_COLOR: '1',
    ...extraEnv,
  };
  delete env.TEND_CONFIG;
  const child = spawn(tendBin(), ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((r) => child.on('exit', r));
  const url = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`tend serve exited:\n${out}`);
    const m = out.match(/Tend is listening on (http:\/\/[^\s"]+)/);
    return m && m[1].replace(/\/$/, '');
  }, 30000, 'tend serve to listen');
  const t = {
    url,
    dataDir,
    env,
    log: () => out,
    setupUrl: () => {
      const m = out.match(/(http:\/\/\S+\/setup\/\S+)/);
      return m && m[1];
    },
    cli(args, stdin) {
      return execFileSync(tendBin(), args, { env, input: stdin ?? '', encoding: 'utf8' }).trim();
    },
    async api(token, method, path, body) {
      const headers = { authorization: `Bearer ${token}` };
      let payload;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body);
      }
      // A server that does not answer fails the test within a minute.
      const r = await fetch(url + '/api/v1' + path, { method, headers, body: payload, signal: AbortSignal.timeout(60000) })
        .catch((e) => { throw new Error(`${method} ${path}: ${e.message}\n${out.slice(-4000)}`); });
      const text = await r.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: r.status, json, text };
    },
    /**
     * A customer's plain-text mail to `inboxId` through `POST /inbound/email`;
     * returns the answer ({ outcome, conversation_id, … }).
     */
    async mailFromCustomer(token, inboxId, { from, to, subject, messageId, text }) {
      const raw = [
        `From: ${from}`,
        `To: ${to}`,
        `Subject: ${subject}`,
        `Message-ID: <${messageId}>`,
        'Date: Tue, 24 Nov 2026 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '',
      ].join('\r\n');
      const r = await fetch(`${url}/api/v1/inbound/email?inbox_id=${inboxId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' },
        body: raw,
      });
      return r.json();
    },
    /** Creates an agent with a password and an API token; returns { id, email, password, token }. */
    user(email, name, role = 'agent', password = 'correct horse battery staple') {
      const id = Number(t.cli(['admin', 'create-user', '--email', email, '--name', name, '--role', role, '--password-stdin'], password + '\n'));
      const token = t.cli(['admin', 'create-token', '--email', email]);
      return { id, email, name, password, token };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        // A server that does not stop fails the run instead of stalling it.
        let timer;
        const late = new Promise((r) => { timer = setTimeout(() => r('late'), 30000); });
        const how = await Promise.race([exited.then(() => 'stopped'), late]);
        clearTimeout(timer);
        if (how === 'late') {
          child.kill('SIGKILL');
          await exited;
          throw new Error(`tend serve did not stop within 30 s of SIGTERM:\n${out.slice(-4000)}`);
        }
      }
      // The server's log, for a failure's post-mortem.
      writeFileSync(artifact(`tend-serve-${new URL(url).port}.log`), out);
      if (!process.env.E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** An aiosmtpd sink writing every message into a maildir; `messages()` reads them. */
export async function startSmtpSink() {
  const python = process.env.TEND_TEST_PYTHON || join(process.env.HOME, '.cache', 'tend-venv', 'bin', 'python');
  const dir = mkdtempSync(join(tmpdir(), 'tend-e2e-sink-'));
  const port = await freePort();
  const child = spawn(python, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', join(dir, 'maildir')], { stdio: 'ignore' });
  await waitFor(() => new Promise((r) => {
    const s = net.connect(port, '127.0.0.1', () => { s.end(); r(true); });
    s.on('error', () => r(false));
  }), 30000, 'aiosmtpd to listen');
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages() {
      const nd = join(dir, 'maildir', 'new');
      try {
        return readdirSync(nd).sort().map((f) => readFileSync(join(nd, f), 'utf8'));
      } catch { return []; }
    },
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A desk answering mail through a real SMTP sink: Tend relaying to the
// sink, Anna (admin), Aiko (agent) in team Support, which is granted the
// email inbox support@example.com; and a browser. `stop()` ends all three.
export async function startMailDesk() {
  const sink = await startSmtpSink();
  const tend = await startTend({ TEND_SMTP_RELAY_URL: sink.url });
  const admin = tend.user('anna@example.lv', 'Anna Bērziņa', 'admin');
  const agent = tend.user('aiko@example.jp', 'Aiko Tanaka', 'agent');
  const inboxId = Number(tend.cli(['admin', 'create-inbox', '--kind', 'email', '--address', 'support@example.com']));
  const team = tend.cli(['admin', 'create-team', '--name', 'Support']);
  tend.cli(['admin', 'add-member', '--team', team, '--email', agent.email]);
  tend.cli(['admin', 'grant-inbox', '--team', team, '--inbox', String(inboxId)]);
  const browser = await launchBrowser();
  const stop = async () => {
    await browser.close();
    await tend.stop();
    sink.stop();
  };
  return { tend, sink, browser, admin, agent, inboxId, stop };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox'],
  });
}

/**
 * A new page that records every violation: a dialog (alert/confirm/prompt,
 * i.e. script that ran), a request to any origin but Tend's, or a top-level
 * navigation away from Tend. `violations` is checked by `assertClean`.
 */
export async function guardedPage(context, base) {
  const page = await context.newPage();
  const origin = new URL(base).origin;
  const violations = [];
  page.on('dialog', async (d) => {
    violations.push(`dialog: ${d.type()} ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return;
    if (!u.startsWith(origin + '/')) violations.push(`external request: ${u}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && !f.url().startsWith(origin + '/') && f.url() !== 'about:blank') {
      violations.push(`navigation away: ${f.url()}`);
    }
  });
  page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  page.violations = violations;
  return page;
}

/**
 * Clicks a form's submit button and waits for the page the post answered
 * (a 422 on the same address, or the page a 303 leads to) to load: the
 * next `load` event, not the state of the page the click left.
 */
export async function submitted(page, button) {
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

export function assertClean(assert, page) {
  assert.deepEqual(page.violations, [], 'the page ran script, left Tend or errored');
}

export async function signIn(page, base, email, password) {
  await page.goto(base + '/login');
  // By id, so that it works in every locale.
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('form[action="/login"] button[type=submit]').click()]);
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** The decoded text/plain body of a raw message (quoted-printable, base64 or 8bit). */
export function plainText(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const parts = text.split(/\n--[^\n]+\n/);
  for (const part of [text, ...parts]) {
    const split = part.indexOf('\n\n');
    if (split < 0) continue;
    const head = part.slice(0, split).replace(/\n[ \t]+/g, ' ');
    if (!/content-type:\s*text\/plain/i.test(head)) continue;
    let body = part.slice(split + 2);
    const cte = (head.match(/content-transfer-encoding:\s*([\w-]+)/i) || [])[1]?.toLowerCase();
    if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (cte === 'quoted-printable') {
      body = body.replace(/=\n/g, '');
      const bytes = [];
      for (let i = 0; i < body.length; i++) {
        if (body[i] === '=' && /^[0-9A-F]{2}$/i.test(body.slice(i + 1, i + 3))) {
          bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.push(...Buffer.from(body[i], 'utf8'));
        }
      }
      return Buffer.from(bytes).toString('utf8');
    }
    return body;
  }
  return '';
}

/** Survey mails about conversation `id` that reached `sink`, oldest first, as { raw, links } (links by action: yes, no, 1…5, form). */
export function surveyMailsIn(sink, id) {
  return sink
    .messages()
    .filter((m) => /^Auto-Submitted:/im.test(m) && m.includes(`[#${id}]`))
    .map((raw) => {
      const links = {};
      for (const url of plainText(raw).match(/https?:\/\/\S+\/help\/survey\/\S+/g) || []) {
        links[new URL(url).pathname.split('/')[4]] = url;
      }
      return { raw, links };
    })
    .filter((m) => m.links.yes);
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's WCAG 2.1 A and AA violations on the page, as readable lines (empty when clean). */
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
}
