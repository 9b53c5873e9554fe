// The composer on the conversation page (issue 25, item 7): the draft is
// saved on the server as the agent types (and shown again on any device),
// "Sent · Undo" counts down, "Send and solve" leads on to the next
// conversation of the view the agent came from, and a chat's one-line box
// grows as it fills and sends without reloading the page.
// Without scripts the form still sends, and "Send and solve" still solves.

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
const form = document.getElementById('composer');
const text = document.getElementById('text');

if (form && text) {
  const conv = form.dataset.conv;
  const status = document.getElementById('draft-status');
  const kind = () => form.querySelector('input[name=internal]:checked')?.value === 'true';

  // ---- drafts: saved as you type ----------------------------------------
  let timer = 0;
  let inflight = null;
  let saved = text.value;
  const save = async () => {
    timer = 0;
    const body = JSON.stringify({ text: text.value, internal: kind() });
    if (body === saved) return;
    const p = fetch(`/c/${conv}/draft`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body,
    }).then((r) => {
      if (r.ok) {
        saved = body;
        if (status) status.textContent = text.value.trim() ? status.dataset.saved : '';
      }
    }).catch(() => { /* offline: the next keystroke tries again */ });
    inflight = p;
    await p;
    if (inflight === p) inflight = null;
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(save, 600); };
  saved = JSON.stringify({ text: text.value, internal: kind() });
  text.addEventListener('input', later);
  for (const r of form.querySelectorAll('input[name=internal]')) r.addEventListener('change', later);
  // Leaving with unsaved keystrokes: save them now.
  addEventListener('pagehide', () => {
    if (!timer) return;
    clearTimeout(timer);
    fetch(`/c/${conv}/draft`, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ text: text.value, internal: kind() }),
    }).catch(() => {});
  });

  // ---- "Send and solve": on to the next conversation of the view --------
  // The inbox keeps its view per tab (app.js); the server picks the next.
  const view = sessionStorage.getItem('tend-view');
  const solve = document.getElementById('send-solve');
  if (solve && view !== null) {
    solve.formAction = `${solve.formAction}&back=${encodeURIComponent(view.replace(/^\?/, ''))}`;
  }

  // ---- a chat: one line that grows; Enter sends without a reload --------
  const chat = form.classList.contains('chat-composer');
  const grow = () => {
    text.style.height = 'auto';
    text.style.height = `${Math.min(text.scrollHeight, 200)}px`;
  };
  if (chat) {
    text.addEventListener('input', grow);
    grow();
  }

  let sending = false;
  form.addEventListener('submit', async (e) => {
    // A save still on its way must not bring the sent text back as a draft.
    clearTimeout(timer);
    timer = 0;
    if (inflight) {
      e.preventDefault();
      const submitter = e.submitter;
      await inflight;
      inflight = null;
      form.requestSubmit(submitter);
      return;
    }
    const toSolve = e.submitter?.id === 'send-solve';
    if (!chat || toSolve || sending) return;
    e.preventDefault();
    sending = true;
    const data = new FormData(form);
    try {
      const r = await fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin', redirect: 'follow' });
      if (!r.ok) throw new Error(`${r.status}`);
      text.value = '';
      saved = JSON.stringify({ text: '', internal: kind() });
      const files = document.getElementById('files');
      if (files) files.value = '';
      grow();
      text.focus();
      if (status) status.textContent = '';
      // The timeline follows over the live stream (app.js).
    } catch {
      // Shown as the server words it: the page itself.
      sending = false;
      form.submit();
      return;
    }
    sending = false;
  });
}

// ---- "Sent · Undo" for as long as the reply is held -----------------------
const undo = document.getElementById('undo-send');
if (undo) {
  let left = Number(undo.dataset.seconds || '0');
  const tick = () => {
    if (left <= 0) { undo.remove(); return; }
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

// ---- formatting: a toolbar and shortcuts that write a Markdown subset ---
// (bold, italic, lists, links), which the server turns into HTML and plain
// text; images pasted, dropped or picked go with the reply as inline parts
// (`inline:ID`) and the text names them as `![name](cid:ID)`.
const bar = document.getElementById('format-bar');
if (form && text && bar) {
  bar.hidden = false;
  const errorBox = document.getElementById('composer-error');
  const inlineBox = document.getElementById('inline-files');
  const pick = document.getElementById('inline-pick');
  const limit = Number(form.dataset.maxBytes || '0');
  const say = (msg) => {
    if (!errorBox) return;
    errorBox.textContent = msg;
    errorBox.hidden = !msg;
  };

  // Replaces the selection with `insert` (keeping the box's own undo),
  // then selects [from, to) when given.
  const put = (insert, from, to) => {
    text.focus();
    if (!document.execCommand('insertText', false, insert)) {
      text.setRangeText(insert, text.selectionStart, text.selectionEnd, 'end');
      text.dispatchEvent(new Event('input', { bubbles: true }));
    }
    if (from !== undefined) text.setSelectionRange(from, to ?? from);
  };

  // The selection without the spaces around it (`** x**` is no bold).
  const selection = () => {
    let s = text.selectionStart;
    let e = text.selectionEnd;
    const v = text.value;
    while (s < e && /\s/.test(v[s])) s += 1;
    while (e > s && /\s/.test(v[e - 1])) e -= 1;
    text.setSelectionRange(s, e);
    return [s, e, v.slice(s, e)];
  };

  const wrap = (mark) => {
    const [s, e, sel] = selection();
    const v = text.value;
    const n = mark.length;
    if (v.slice(s - n, s) === mark && v.slice(e, e + n) === mark) {
      text.setSelectionRange(s - n, e + n);
      put(sel, s - n, e - n);
      return;
    }
    put(`${mark}${sel}${mark}`, s + n, e + n);
  };

  const list = (numbered) => {
    const v = text.value;
    const s = v.lastIndexOf('\n', text.selectionStart - 1) + 1;
    let e = v.indexOf('\n', Math.max(text.selectionEnd - (text.selectionEnd > text.selectionStart && v[text.selectionEnd - 1] === '\n' ? 1 : 0), s));
    if (e < 0) e = v.length;
    const lines = v.slice(s, e).split('\n');
    const marker = numbered ? /^\d+\. / : /^[-*] /;
    const any = /^(\d+\. |[-*] )/;
    const on = lines.every((l) => marker.test(l) || !l.trim());
    let k = 0;
    let out = lines
      .map((l) => {
        if (on) return l.replace(marker, '');
        if (!l.trim()) return l;
        k += 1;
        return `${numbered ? `${k}. ` : '- '}${l.replace(any, '')}`;
      })
      .join('\n');
    // A list stands apart: a blank line before and after it.
    if (!on) {
      if (s > 0 && v.slice(0, s - 1).split('\n').pop().trim()) out = `\n${out}`;
      if (e < v.length && v.slice(e + 1).split('\n')[0].trim()) out = `${out}\n`;
    }
    text.setSelectionRange(s, e);
    put(out);
  };

  const link = () => {
    const [s, , sel] = selection();
    if (/^(https?:\/\/|mailto:)\S+$/.test(sel)) {
      put(`<${sel}>`);
      return;
    }
    if (!sel) {
      put('<https://>', s + 9);
      return;
    }
    const at = s + sel.length + 3;
    put(`[${sel}](https://)`, at, at + 8);
  };

  // Each picture waits with the draft on the server at once, so that the
  // text shown again (a refused reply, another device, an undone send)
  // still shows it; it is shown under the box meanwhile.
  const pictures = document.getElementById('draft-pictures');
  const showPicture = (cid, src, alt) => {
    if (!pictures) return;
    const li = document.createElement('li');
    li.dataset.cid = cid;
    const img = document.createElement('img');
    img.src = src;
    img.alt = alt;
    li.append(img);
    pictures.append(li);
    pictures.hidden = false;
  };
  const keepWithDraft = (cid, file, name) => {
    // A data: URL: the page's policy allows no blob: images.
    const reader = new FileReader();
    reader.onload = () => showPicture(cid, String(reader.result), name);
    reader.readAsDataURL(file);
    const data = new FormData();
    data.append(`inline:${cid}`, file, name);
    fetch(`/c/${form.dataset.conv}/draft/images`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': csrf },
      body: data,
    }).then((r) => {
      // Tests see how many the server keeps.
      const root = document.documentElement;
      if (r.ok) root.dataset.picturesKept = String(Number(root.dataset.picturesKept || 0) + 1);
    }).catch(() => { /* the form still carries it */ });
  };
  // A picture taken out of the text is no longer shown under it.
  const syncPictures = () => {
    if (!pictures) return;
    let any = false;
    for (const li of pictures.querySelectorAll('li')) {
      li.hidden = !text.value.includes(`cid:${li.dataset.cid}`);
      any ||= !li.hidden;
    }
    pictures.hidden = !any;
  };
  text.addEventListener('input', syncPictures);

  const kinds = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
  const addImage = (file) => {
    if (!kinds.includes(file.type)) {
      say(errorBox?.dataset.type ?? '');
      return;
    }
    if (limit && file.size > limit) {
      say(errorBox?.dataset.size ?? '');
      return;
    }
    say('');
    const rnd = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
    const cid = `${rnd}@tend`;
    const input = document.createElement('input');
    input.type = 'file';
    input.name = `inline:${cid}`;
    input.hidden = true;
    const dt = new DataTransfer();
    dt.items.add(file);
    input.files = dt.files;
    inlineBox.append(input);
    const name = (file.name || 'image').replace(/[[\]()\n\\]/g, '');
    keepWithDraft(cid, file, name);
    put(`![${name}](cid:${cid})`);
  };

  const act = (what) => {
    if (what === 'bold') wrap('**');
    else if (what === 'italic') wrap('*');
    else if (what === 'bullets') list(false);
    else if (what === 'numbers') list(true);
    else if (what === 'link') link();
    else if (what === 'image') pick?.click();
  };
  for (const b of bar.querySelectorAll('button[data-format]')) {
    b.addEventListener('click', () => act(b.dataset.format));
  }
  text.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    const what = { b: 'bold', i: 'italic', k: 'link' }[e.key.toLowerCase()];
    if (!what) return;
    e.preventDefault();
    act(what);
  });
  pick?.addEventListener('change', () => {
    for (const f of pick.files) addImage(f);
    pick.value = '';
  });
  text.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length || e.clipboardData.getData('text/plain')) return;
    e.preventDefault();
    for (const f of files) addImage(f);
  });
  text.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  text.addEventListener('drop', (e) => {
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    for (const f of files) addImage(f);
  });
  // Images taken out of the text do not go.
  form.addEventListener('submit', () => {
    for (const i of inlineBox.querySelectorAll('input[type=file]')) {
      if (!text.value.includes(`cid:${i.name.slice('inline:'.length)}`)) i.remove();
    }
  });
}
