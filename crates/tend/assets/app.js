// Tend agent workspace: keyboard shortcuts, live updates (SSE), collision
// detection, counts, and small conveniences. Plain ES module, no framework.
// Every page works without it; this only makes it faster and live.

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

function announce(text) {
  const el = $('#live-status');
  if (el) el.textContent = text;
}

function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

async function getHtml(url) {
  const r = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
  if (!r.ok) throw new Error(`${r.status}`);
  return r.text();
}

// ---- counts --------------------------------------------------------------
async function refreshCounts() {
  if (!$('[data-view-count]')) return;
  try {
    const r = await fetch('/ui/counts', { credentials: 'same-origin' });
    if (!r.ok) return;
    const counts = await r.json();
    for (const el of $$('[data-view-count]')) {
      const n = counts[el.dataset.viewCount];
      el.textContent = n === undefined ? '0' : String(n);
    }
  } catch { /* offline: keep the old numbers */ }
}

// ---- inbox ---------------------------------------------------------------
function inboxPage(root) {
  // "Send and solve" leads on within the view the agent works from.
  try { sessionStorage.setItem('tend-view', location.search); } catch { /* private mode */ }
  let current = -1;
  const rows = () => $$('#rows tr.row');
  const mark = (i) => {
    const list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(i, list.length - 1));
    list.forEach((r, k) => r.classList.toggle('current', k === current));
    const link = $('a', list[current].querySelector('.subject'));
    link?.focus({ preventScroll: false });
  };
  const refresh = debounce(async () => {
    try {
      const html = await getHtml(`/?${root.dataset.qs}&fragment=rows`);
      const tbody = $('#rows');
      const before = new Set(rows().map((r) => r.dataset.id));
      const selected = new Set($$('#rows input[name=ids]:checked').map((i) => i.value));
      tbody.innerHTML = html;
      for (const i of $$('#rows input[name=ids]')) i.checked = selected.has(i.value);
      showBulk();
      const fresh = rows().filter((r) => !before.has(r.dataset.id)).length;
      if (fresh) announce(`+${fresh}`);
      if (current >= 0) mark(current);
      $('.empty')?.toggleAttribute('hidden', rows().length > 0);
    } catch { /* next event retries */ }
    refreshCounts();
  }, 250);
  live(null, () => refresh());
  // Countdowns move: while a row shows a deadline, the rows are redrawn
  // every 30 seconds (the server words them, with the right plurals).
  setInterval(() => { if ($('#rows .sla[data-due]')) refresh(); }, 30000);
  // Wide screens show the filters; phones start with the list.
  const panel = $('#filter-panel');
  if (panel && window.matchMedia('(min-width: 801px)').matches) panel.open = true;
  // The bulk bar shows while rows are selected (without scripts it always
  // shows, and the form still works).
  const bulk = $('#bulk');
  const showBulk = () => {
    if (bulk) bulk.hidden = !$$('#rows input[name=ids]:checked').length;
  };
  showBulk();
  root.addEventListener('change', (e) => {
    if (e.target.matches?.('input[name=ids]')) showBulk();
  });
  $('#select-all')?.addEventListener('change', (e) => {
    for (const i of $$('#rows input[name=ids]')) i.checked = e.target.checked;
    showBulk();
  });
  return {
    j: () => mark(current + 1),
    k: () => mark(current - 1),
    Enter: () => { const r = rows()[current]; if (r) location.href = `/c/${r.dataset.id}`; },
    x: () => { const r = rows()[current]; const i = r && $('input[name=ids]', r); if (i) { i.checked = !i.checked; showBulk(); } },
    a: () => $('select[name=assignee]')?.focus(),
    s: () => $('select[name=status]', $('#bulk'))?.focus(),
  };
}

// ---- conversation --------------------------------------------------------
function conversationPage(root) {
  const id = root.dataset.id;
  const text = $('#text');
  const lastSeen = () => Number($('#timeline')?.dataset.lastSeen ?? 0);
  // The customer's messages up to here were on screen before the agent
  // typed: only later ones, arriving while the box holds text, warn.
  let loadedAt = lastSeen();
  let state = 'viewing';

  const sizeFrames = () => {
    for (const f of $$('iframe.msg-html')) {
      const fit = () => {
        try {
          const h = f.contentDocument?.documentElement?.scrollHeight;
          if (h) f.style.height = `${h + 8}px`;
        } catch { /* not ready */ }
      };
      f.addEventListener('load', fit);
      fit();
    }
    for (const b of $$('button.show-images')) {
      b.addEventListener('click', () => {
        const f = b.previousElementSibling;
        if (f?.dataset.base) f.src = `${f.dataset.base}?images=1`;
        b.remove();
      });
    }
  };
  sizeFrames();

  const refresh = debounce(async () => {
    try {
      const html = await getHtml(`/c/${id}/timeline`);
      const wrap = $('#timeline-wrap');
      const tmp = document.createElement('div');
      tmp.innerHTML = html;
      const inbound = $$('li.msg.inbound', tmp).some((li) => Number(li.id.slice(1)) > loadedAt);
      wrap.replaceChildren(...tmp.childNodes);
      sizeFrames();
      // In a live chat the agent watches messages arrive: what the
      // timeline shows counts as seen, so a reply is not held back.
      const composer = $('#composer');
      const last = $('#timeline')?.dataset.lastSeen;
      if ($('#visitor-typing') && composer && last) {
        composer.action = composer.action.replace(/([?&]seen=)\d+/, `$1${last}`);
      }
      // In a chat the agent is typing in (on a phone the box stays at the
      // bottom of the screen), the newest line shows just above the box.
      const newest = $('#timeline > li:last-child');
      if ($('#visitor-typing') && composer && newest && document.activeElement === text) {
        const gap = newest.getBoundingClientRect().bottom - Math.min(composer.getBoundingClientRect().top, innerHeight);
        if (gap > 0) scrollBy(0, gap + 8);
      }
      if (inbound && text?.value.trim()) {
        $('#new-message')?.removeAttribute('hidden');
        announce($('#new-message')?.textContent ?? '');
      } else if (inbound && composer && last) {
        // Nothing typed yet: the agent reads the new message before
        // writing, so sending is not held back and no warning shows.
        loadedAt = Number(last);
        composer.action = composer.action.replace(/([?&]seen=)\d+/, `$1${last}`);
        const solve = $('#send-solve');
        if (solve) solve.formAction = solve.formAction.replace(/([?&]seen=)\d+/, `$1${last}`);
      }
    } catch { /* next event retries */ }
  }, 200);

  const viewers = $('#viewers');
  const showViewers = (list) => {
    if (!viewers) return;
    viewers.textContent = list
      .map((o) => (o.state === 'replying' ? viewers.dataset.replying : viewers.dataset.viewing).replace('{name}', o.name))
      .join(' · ');
  };
  const beat = async (s = state) => {
    try {
      const r = await fetch(`/c/${id}/presence`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ state: s }),
        keepalive: s === 'left',
      });
      if (r.ok && s !== 'left') showViewers(await r.json());
    } catch { /* offline */ }
  };
  const setState = (s) => { if (s !== state) { state = s; beat(); } };
  text?.addEventListener('focus', () => setState('replying'));
  // Chat visitors see the agent typing: tell the server while keys move.
  let typedAt = 0;
  text?.addEventListener('input', () => {
    const now = Date.now();
    if (now - typedAt > 3000) { typedAt = now; beat('replying'); }
  });
  // In a chat, Enter sends (Shift+Enter for a new line).
  const chatForm = text?.closest('form');
  if (text && $('#visitor-typing')) {
    text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && text.value.trim()) {
        e.preventDefault();
        chatForm?.requestSubmit();
      }
    });
  }
  const visitorTyping = $('#visitor-typing');
  let typingTimer = 0;
  const onChat = (ev) => {
    if (ev.kind === 'typing' && visitorTyping) {
      visitorTyping.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => { visitorTyping.hidden = true; }, 6000);
    } else if (ev.kind === 'read') {
      refresh();
    }
  };
  text?.addEventListener('blur', () => setState(text.value.trim() ? 'replying' : 'viewing'));
  beat();
  setInterval(() => beat(), 15000);
  addEventListener('pagehide', () => beat('left'));

  live(id, (ev) => {
    if (ev.conversation_id === null || String(ev.conversation_id) === String(id)) {
      if (visitorTyping) visitorTyping.hidden = true;
      refresh();
    }
  }, showViewers, onChat);

  // The transfer reason is asked for when an owned conversation changes hands.
  const assignee = $('#assignee');
  const reasonBox = $('#reason-box');
  const syncReason = () => {
    if (!assignee || !reasonBox) return;
    const cur = assignee.dataset.current;
    const moving = cur !== '0' && assignee.value !== cur;
    reasonBox.hidden = !moving;
  };
  assignee?.addEventListener('change', syncReason);
  syncReason();
  macroPicker(text);

  const pick = (internal) => {
    const r = $(`input[name=internal][value=${internal}]`);
    if (r) r.checked = true;
    text?.focus();
  };
  return {
    r: () => pick('false'),
    n: () => pick('true'),
    a: () => assignee?.focus(),
    s: () => $('#status')?.focus(),
  };
}

// ---- macros in the composer ----------------------------------------------
// `/` in an empty composer (or the Macros button) opens a list of the
// agent's macros, filtered by name as they type; arrows move, Enter shows
// the preview for this conversation (nothing changes yet), and "Insert and
// apply" puts the text into the composer (not sent) and applies the
// macro's changes. The server words everything in the agent's language.
function macroPicker(text) {
  const box = $('#macro-picker');
  const opener = $('#macro-open');
  if (!box || !opener || !text || !csrf) return;
  opener.hidden = false;
  const q = $('#macro-q');
  const list = $('#macro-list');
  const preview = $('#macro-preview');
  const err = $('#macro-error');
  const conv = box.dataset.conv;
  let items = [];
  let active = -1;
  let chosen = null;
  let asked = 0;

  const fail = (message) => {
    err.textContent = message;
    err.hidden = false;
  };
  const mark = (i) => {
    if (!items.length) { active = -1; q.removeAttribute('aria-activedescendant'); return; }
    active = (i + items.length) % items.length;
    $$('li[role=option]', list).forEach((li, k) => li.setAttribute('aria-selected', String(k === active)));
    const li = $$('li[role=option]', list)[active];
    q.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  };
  const draw = () => {
    const lis = items.map((m, i) => {
      const li = document.createElement('li');
      li.id = `macro-option-${m.id}`;
      li.setAttribute('role', 'option');
      li.dataset.id = String(m.id);
      const scope = document.createElement('span');
      scope.className = 'muted';
      scope.textContent = ` · ${m.scope}`;
      li.append(m.name, scope);
      li.addEventListener('click', () => { mark(i); choose(); });
      return li;
    });
    if (!lis.length) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = box.dataset.none ?? '';
      lis.push(li);
    }
    list.replaceChildren(...lis);
    mark(0);
  };
  const load = async () => {
    const n = ++asked;
    try {
      const r = await fetch(`/ui/macros?q=${encodeURIComponent(q.value)}`, {
        credentials: 'same-origin', headers: { accept: 'application/json' },
      });
      const body = await r.json();
      if (n !== asked) return; // a newer search is on its way
      if (!r.ok) { fail(body.error ?? String(r.status)); return; }
      items = body.items ?? [];
      draw();
      list.dataset.loaded = q.value;
    } catch { /* offline: the next keystroke retries */ }
  };
  const typed = debounce(load, 120);
  const post = async (m, previewOnly) => {
    const r = await fetch(`/c/${encodeURIComponent(conv)}/macros/${encodeURIComponent(m.id)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ preview: previewOnly }),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error ?? String(r.status));
    return body;
  };
  const show = () => {
    box.hidden = false;
    opener.setAttribute('aria-expanded', 'true');
    preview.hidden = true;
    err.hidden = true;
    chosen = null;
    q.value = '';
    q.focus();
    load();
  };
  const close = () => {
    box.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
    text.focus();
  };
  const choose = async () => {
    const m = items[active];
    if (!m) return;
    err.hidden = true;
    try {
      const p = await post(m, true);
      chosen = m;
      $('#macro-preview-name').textContent = m.name;
      $('#macro-preview-text').textContent = p.text;
      const changes = p.changes.length ? p.changes : [box.dataset.nochange ?? ''];
      $('#macro-preview-changes').replaceChildren(...changes.map((c) => {
        const li = document.createElement('li');
        li.textContent = c;
        return li;
      }));
      preview.hidden = false;
      $('#macro-insert').focus();
    } catch (e) { fail(e.message); }
  };
  const showControls = (k) => {
    if (!k) return;
    const set = (sel, v) => { const el = $(sel); if (el) el.value = String(v); };
    set('#status', k.status);
    set('#priority', k.priority);
    set('#team', k.team_id === 0 ? 'none' : k.team_id);
    set('#assignee', k.assignee_id === 0 ? 'none' : k.assignee_id);
    const assignee = $('#assignee');
    if (assignee) assignee.dataset.current = String(k.assignee_id);
    set('#tags', k.tags);
    const badge = $('.conv-head .badge');
    if (badge) { badge.className = `badge s-${k.status}`; badge.textContent = k.status_label; }
  };
  const insert = async () => {
    if (!chosen) return;
    err.hidden = true;
    try {
      const p = await post(chosen, false);
      const reply = $('input[name=internal][value=false]');
      if (reply) reply.checked = true;
      const at = text.selectionStart ?? text.value.length;
      const end = text.selectionEnd ?? at;
      text.value = text.value.slice(0, at) + p.text + text.value.slice(end);
      text.setSelectionRange(at + p.text.length, at + p.text.length);
      text.dispatchEvent(new Event('input'));
      showControls(p.controls);
      announce(box.dataset.applied ?? '');
      close();
    } catch (e) { fail(e.message); }
  };
  q.addEventListener('input', () => { preview.hidden = true; chosen = null; typed(); });
  q.addEventListener('keydown', (e) => {
    if (e.isComposing) return;
    const keys = {
      ArrowDown: () => mark(active + 1),
      ArrowUp: () => mark(active - 1),
      Enter: () => choose(),
      Escape: () => close(),
    };
    const fn = keys[e.key];
    if (fn) { e.preventDefault(); e.stopPropagation(); fn(); }
  });
  preview.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
  });
  $('#macro-insert')?.addEventListener('click', insert);
  $('#macro-cancel')?.addEventListener('click', close);
  opener.addEventListener('click', () => (box.hidden ? show() : close()));
  text.addEventListener('keydown', (e) => {
    if (e.key === '/' && !text.value && !e.isComposing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      show();
    }
  });
}

// ---- live stream ---------------------------------------------------------
function live(conv, onChange, onViewers, onChat) {
  if (!window.EventSource) return;
  const es = new EventSource(conv ? `/live?c=${encodeURIComponent(conv)}` : '/live');
  // Lets tests (and curious agents) see when live updates are connected.
  es.addEventListener('open', () => { document.documentElement.dataset.live = 'open'; });
  es.addEventListener('error', () => { document.documentElement.dataset.live = 'retrying'; });
  es.addEventListener('change', (e) => {
    try { onChange(JSON.parse(e.data)); } catch { /* ignore bad frames */ }
  });
  // A service-level warning or breach of one of the agent's conversations
  // (the server decides whose, and words it in the agent's language).
  es.addEventListener('sla', (e) => {
    try { slaAlert(JSON.parse(e.data)); } catch { /* ignore bad frames */ }
  });
  // A notification of the agent's own (assets/notify.js shows it).
  es.addEventListener('notification', (e) => {
    try {
      document.dispatchEvent(new CustomEvent('tend:notification', { detail: JSON.parse(e.data) }));
    } catch { /* ignore bad frames */ }
  });
  // An inbound call ringing in one of the agent's inboxes, and its end.
  es.addEventListener('call', (e) => {
    try { callShown(JSON.parse(e.data)); } catch { /* ignore bad frames */ }
  });
  es.addEventListener('call_gone', (e) => {
    try { callGone(JSON.parse(e.data)); } catch { /* ignore bad frames */ }
  });
  if (onViewers) {
    es.addEventListener('viewers', (e) => {
      try { onViewers(JSON.parse(e.data)); } catch { /* ignore */ }
    });
  }
  if (onChat) {
    es.addEventListener('chat', (e) => {
      try { onChat(JSON.parse(e.data)); } catch { /* ignore */ }
    });
  }
}

function slaAlert(a) {
  const box = $('#alerts');
  if (!box || !a?.text) return;
  const item = document.createElement('div');
  item.className = `alert sla-alert ${a.kind === 'sla_breached' ? 'sla-breached' : 'sla-warning'}`;
  // Each alert is announced as it comes (the empty box is not an alert).
  item.setAttribute('role', 'alert');
  item.dataset.conversation = String(a.conversation_id);
  const link = document.createElement('a');
  link.href = `/c/${encodeURIComponent(a.conversation_id)}`;
  link.textContent = a.text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'link';
  close.textContent = box.dataset.close ?? '×';
  close.addEventListener('click', () => item.remove());
  item.append(link, ' ', close);
  box.append(item);
}

// ---- incoming calls ------------------------------------------------------
// The server renders each popup in the agent's words (web/call_popup.rs);
// it goes when the call is answered or ends, or when the agent dismisses
// it (remembered for this tab, so the next page does not show it again).
const DISMISSED = 'tend-calls-dismissed';

function dismissedCalls() {
  try { return JSON.parse(sessionStorage.getItem(DISMISSED) ?? '[]'); } catch { return []; }
}

function callShown(c) {
  const box = $('#calls');
  if (!box || !c?.html || dismissedCalls().includes(c.id)) return;
  const t = document.createElement('template');
  t.innerHTML = c.html;
  const popup = t.content.firstElementChild;
  if (!popup) return;
  $(`[data-call="${CSS.escape(String(c.id))}"]`, box)?.remove();
  popup.querySelector('[data-call-dismiss]')?.addEventListener('click', () => {
    try {
      sessionStorage.setItem(DISMISSED, JSON.stringify([...dismissedCalls(), c.id].slice(-50)));
    } catch { /* private mode: dismissed on this page only */ }
    popup.remove();
  });
  box.append(popup);
  // Screen readers hear it without the focus moving.
  const status = $('#live-status');
  if (status) status.textContent = [popup.querySelector('h2'), popup.querySelector('.call-caller')]
    .map((e) => e?.textContent?.trim() ?? '').filter(Boolean).join(': ');
}

function callGone(c) {
  $(`#calls [data-call="${CSS.escape(String(c?.id))}"]`)?.remove();
}

// ---- keyboard ------------------------------------------------------------
function typing(e) {
  const t = e.target;
  return t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

function keyboard(actions) {
  addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e)) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    if (e.key === '/') {
      e.preventDefault();
      $('#q')?.focus();
      return;
    }
    if (e.key === '?') {
      const d = $('#help');
      if (d && !d.open) d.showModal();
      return;
    }
    // Enter and space on a focused link or button do what they always do.
    if ((e.key === 'Enter' || e.key === ' ') && e.target instanceof HTMLElement && e.target.closest('a, button, summary')) return;
    const fn = actions[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  });
}

// ---- presence for routing ------------------------------------------------
// The header's select sets the agent's presence without a reload (without
// JS it is a plain form with a button). While the agent is active (a key,
// a click or the pointer within the idle window, with the tab visible) a
// heartbeat keeps auto-away off, and the first input after a pause beats at
// once, so an agent who went away by inactivity is back online as soon as
// they return. The server's answers say how often to beat.
function presence() {
  const form = $('form.presence');
  const select = $('#presence');
  if (!form || !select || !csrf) return;
  $('.presence-set', form)?.setAttribute('hidden', '');
  // The tab remembers when it last beat and the server's plan, so moving
  // between pages does not beat on every load. Storage may be refused.
  const stored = (k) => { try { return sessionStorage.getItem(k); } catch { return null; } };
  const store = (k, v) => { try { sessionStorage.setItem(k, v); } catch { /* kept in memory only */ } };
  let plan = { beat: 60, idle: 300 };
  try { Object.assign(plan, JSON.parse(stored('tend-beat-plan') ?? '{}')); } catch { /* default plan */ }
  let lastBeat = Number(stored('tend-last-beat') ?? 0);
  let lastInput = Date.now();
  const show = (s) => {
    form.dataset.presence = s.presence;
    select.value = s.presence;
    plan = { beat: s.beat_secs, idle: s.idle_secs };
    store('tend-beat-plan', JSON.stringify(plan));
  };
  const post = async (url, body) => {
    const headers = { accept: 'application/json', 'x-csrf-token': csrf };
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers, body });
    if (!r.ok) throw new Error(`${r.status}`);
    return r.json();
  };
  const beat = async () => {
    lastBeat = Date.now();
    store('tend-last-beat', String(lastBeat));
    try { show(await post('/ui/presence/heartbeat')); } catch { /* offline: the next beat retries */ }
  };
  select.addEventListener('change', async () => {
    try {
      const s = await post('/ui/presence', new URLSearchParams({ presence: select.value }));
      show(s);
      lastBeat = Date.now();
      store('tend-last-beat', String(lastBeat));
      announce((form.dataset.announce ?? '{to}').replace('{to}', s.label));
    } catch {
      form.submit();
    }
  });
  // Offline agents take nothing whatever they do; no need to beat.
  const wanted = () => select.value !== 'offline' && document.visibilityState === 'visible';
  const due = () => Date.now() - lastBeat >= plan.beat * 1000;
  const input = () => {
    lastInput = Date.now();
    if (wanted() && due()) beat();
  };
  for (const ev of ['keydown', 'pointerdown', 'pointermove', 'wheel', 'focusin']) {
    addEventListener(ev, input, { capture: true, passive: true });
  }
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') input(); });
  setInterval(() => {
    if (wanted() && due() && Date.now() - lastInput < plan.idle * 1000) beat();
  }, 1000);
  input();
}

// ---- automation rule form (admin) ----------------------------------------
// Rows of conditions and actions are added and removed here; without this
// script the form's own buttons do it through the server. Each action row
// shows only the input its kind takes.
function ruleForm(form) {
  const showKind = (row) => {
    const kind = $('[data-kind]', row)?.value ?? '';
    for (const cell of $$('[data-for]', row)) cell.hidden = !cell.dataset.for.split(' ').includes(kind);
  };
  const showWhen = () => {
    const after = $('#when-after', form)?.checked ?? false;
    for (const part of $$('[data-when]', form)) part.hidden = (part.dataset.when === 'after') !== after;
  };
  // The labels say "Condition 2", "Remove condition 2": numbered again
  // from the row template after a row comes or goes.
  const renumber = (kind) => {
    const tpl = $(`#${kind}-template`).content;
    const legend = $('legend', tpl).textContent;
    const remove = $('[data-remove]', tpl).textContent;
    $$(`#${kind}-rows > [data-row]`, form).forEach((row, i) => {
      $('legend', row).textContent = legend.replace('__num__', String(i + 1));
      $('[data-remove]', row).textContent = remove.replace('__num__', String(i + 1));
    });
  };
  let next = Math.max(-1, ...$$('[data-row]', form).map((r) => Number(r.dataset.n) || 0)) + 1;
  form.addEventListener('click', (e) => {
    const add = e.target.closest('[data-add]');
    const remove = e.target.closest('[data-remove]');
    if (add) {
      e.preventDefault();
      const kind = add.dataset.add;
      const rows = $(`#${kind}-rows`, form);
      rows.insertAdjacentHTML('beforeend', $(`#${kind}-template`).innerHTML.replaceAll('__n__', String(next++)));
      const row = rows.lastElementChild;
      $('#no-conditions', form)?.remove();
      renumber(kind);
      showKind(row);
      $('select, input, textarea', row)?.focus();
    } else if (remove) {
      e.preventDefault();
      const row = remove.closest('[data-row]');
      const kind = row.dataset.row;
      const rows = $$(`#${kind}-rows > [data-row]`, form);
      const at = rows.indexOf(row);
      row.remove();
      renumber(kind);
      const left = $$(`#${kind}-rows > [data-row]`, form);
      (left[Math.min(at, left.length - 1)]?.querySelector('select') ?? $(`[data-add=${kind}]`, form)).focus();
    }
  });
  form.addEventListener('change', (e) => {
    if (e.target.matches('[data-kind]')) showKind(e.target.closest('[data-row]'));
    if (e.target.name === 'when_kind') showWhen();
  });
  for (const row of $$('#act-rows > [data-row]', form)) showKind(row);
  showWhen();
  $('[aria-invalid=true]', form)?.focus();
}

// ---- automation rule list (admin): drag a rule into place ----------------
// The up/down buttons work without this (and from the keyboard); dragging
// a row posts the whole new order, then shows the list again.
function ruleList(table) {
  const body = $('tbody', table);
  let dragged = null;
  for (const row of $$('tr.rule', body)) row.draggable = true;
  body.addEventListener('dragstart', (e) => {
    dragged = e.target.closest('tr.rule');
    if (!dragged) return;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.dataset.id);
    dragged.classList.add('dragging');
  });
  body.addEventListener('dragover', (e) => {
    const over = e.target.closest('tr.rule');
    if (!dragged || !over || over === dragged) return;
    e.preventDefault();
    const box = over.getBoundingClientRect();
    body.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  body.addEventListener('dragend', () => dragged?.classList.remove('dragging'));
  body.addEventListener('drop', async (e) => {
    if (!dragged) return;
    e.preventDefault();
    dragged.classList.remove('dragging');
    dragged = null;
    const form = new URLSearchParams({ _csrf: csrf });
    for (const row of $$('tr.rule', body)) form.append('ids', row.dataset.id);
    try {
      const r = await fetch(table.dataset.order, { method: 'POST', body: form, credentials: 'same-origin' });
      if (!r.ok) throw new Error(`${r.status}`);
      location.assign('/admin/automations?saved=1');
    } catch {
      location.reload();
    }
  });
}

// ---- start ---------------------------------------------------------------
const inbox = $('[data-page=inbox]');
const conv = $('[data-page=conversation]');
let actions = {};
if (inbox) actions = inboxPage(inbox);
if (conv) actions = conversationPage(conv);
// Every other workspace page listens too, for the header's bell (and the
// service-level alerts): the same stream, which the server ends on
// shutdown like any other; its changes to conversations are not shown here.
if (!inbox && !conv && $('#bell')) live(null, () => {});
// An open menu (the header's, a message's) closes on a click elsewhere.
document.addEventListener('click', (e) => {
  for (const d of $$('details.nav-menu[open], details.msg-actions[open]')) {
    if (!d.contains(e.target)) d.open = false;
  }
});
const rules = $('#rule-form');
if (rules) ruleForm(rules);
const ruleTable = $('#rule-list');
if (ruleTable) ruleList(ruleTable);
if (csrf) keyboard(actions);
presence();
refreshCounts();
