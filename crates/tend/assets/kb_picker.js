// Tend agent workspace: the composer's help-article search. The button
// beside "Macros" opens a search of the published articles, each in the
// conversation's language (or the first of the help centre's fallback,
// marked); "Insert link" or "Insert text" puts it into the reply, which is
// not sent. Plain ES module; the page works without it.

const $ = (sel, root = document) => root.querySelector(sel);

function picker() {
  const box = $('#kb-picker');
  const opener = $('#kb-open');
  const text = $('#text');
  if (!box || !opener || !text) return;
  opener.hidden = false;
  const q = $('#kb-q');
  const list = $('#kb-list');
  const err = $('#kb-error');
  const tpl = $('#kb-item');
  const conv = box.dataset.conv;
  let asked = 0;
  let timer;

  const insert = (s) => {
    const reply = $('input[name=internal][value=false]');
    if (reply) reply.checked = true;
    const at = text.selectionStart ?? text.value.length;
    const end = text.selectionEnd ?? at;
    text.value = text.value.slice(0, at) + s + text.value.slice(end);
    text.setSelectionRange(at + s.length, at + s.length);
    text.dispatchEvent(new Event('input'));
    close();
  };
  const draw = (body) => {
    const items = body.items ?? [];
    const lis = items.map((a) => {
      const li = tpl.content.firstElementChild.cloneNode(true);
      li.dataset.id = String(a.id);
      li.dataset.lang = a.lang;
      $('.kb-title', li).textContent = a.title;
      $('.kb-lang', li).textContent = a.fallback ? `· ${a.lang} (${box.dataset.other ?? ''})` : `· ${a.lang}`;
      $('.kb-snippet', li).textContent = a.snippet;
      $('.kb-link', li).addEventListener('click', () => insert(`${a.title}: ${a.url}`));
      $('.kb-text', li).addEventListener('click', () => insert(a.text));
      return li;
    });
    if (!lis.length && q.value.trim()) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = box.dataset.none ?? '';
      lis.push(li);
    }
    list.replaceChildren(...lis);
    list.dataset.loaded = q.value;
  };
  const load = async () => {
    const n = ++asked;
    err.hidden = true;
    try {
      const r = await fetch(`/ui/kb/${encodeURIComponent(conv)}?q=${encodeURIComponent(q.value)}`, {
        credentials: 'same-origin', headers: { accept: 'application/json' },
      });
      const body = await r.json();
      if (n !== asked) return; // a newer search is on its way
      if (!r.ok) { err.textContent = body.error ?? String(r.status); err.hidden = false; return; }
      draw(body);
    } catch { /* offline: the next keystroke retries */ }
  };
  const show = () => {
    box.hidden = false;
    opener.setAttribute('aria-expanded', 'true');
    q.focus();
  };
  const close = () => {
    box.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
    text.focus();
  };
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 150); });
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
    if (e.key === 'Enter') e.preventDefault();
  });
  opener.addEventListener('click', () => (box.hidden ? show() : close()));
}

picker();
