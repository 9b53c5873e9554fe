// Tend chat widget. Embedded with one tag:
//   <script src="https://help.example/widget.js" data-inbox="3" async></script>
// Optional attributes: data-lang, data-name, data-email, data-opener (the id
// of an element of the page that opens the chat too), and for signed-in
// visitors data-user-id with data-user-hash: the hex HMAC-SHA256, under the
// inbox's identity secret, of the user id, or of the user id, a newline and
// data-email to vouch for the address too (computed by the site's server).
// Everything lives in a shadow root, so the host page's CSS cannot reach in
// and ours cannot leak out. All text is inserted as text, never as HTML.
"use strict";
var script = document.currentScript;
if (!script || !script.dataset.inbox) return;
var BASE = new URL(script.src, location.href).origin;
var INBOX = String(parseInt(script.dataset.inbox, 10));
var KEY = "tend-chat:" + BASE + ":" + INBOX;
var D = script.dataset;

function pickLang() {
  var wanted = [D.lang].concat(navigator.languages || [navigator.language]);
  for (var i = 0; i < wanted.length; i++) {
    var l = String(wanted[i] || "").toLowerCase().split("-")[0];
    if (STRINGS[l]) return l;
  }
  return "en";
}
var LANG = pickLang();
function t(key, args) {
  var s = (STRINGS[LANG] && STRINGS[LANG][key]) || STRINGS.en[key] || key;
  return s.replace(/\{\s*\$(\w+)\s*\}/g, function (_, k) {
    return args && args[k] != null ? String(args[k]) : "";
  });
}

// --- state, kept across reloads ---------------------------------------
var state = load();
function load() {
  try {
    var s = JSON.parse(localStorage.getItem(KEY) || "{}");
    return { token: s.token || null, pending: s.pending || [], name: s.name || "", email: s.email || "", deflection: s.deflection || null };
  } catch (e) {
    return { token: null, pending: [], name: "", email: "", deflection: null };
  }
}
function save() {
  try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: memory only */ }
}
function uid() {
  var a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

// --- DOM helpers ---------------------------------------------------------
function el(tag, attrs, kids) {
  var e = document.createElement(tag);
  for (var k in attrs || {}) {
    if (k === "text") e.textContent = attrs[k];
    else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
    else if (attrs[k] !== false && attrs[k] != null) e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
  }
  (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
  return e;
}

var host = el("div", { id: "tend-chat-" + INBOX });
var root = host.attachShadow({ mode: "open" });
// A constructed style sheet is not subject to the host page's CSP
// style-src; older browsers get a <style> element.
try {
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS());
  root.adoptedStyleSheets = [sheet];
} catch (e) {
  root.appendChild(el("style", { text: CSS() }));
}
var launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "panel", text: t("widget-open") });
var panel = el("section", { id: "panel", class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "title", hidden: true });
var title = el("h2", { id: "title", text: t("widget-open") });
var closeBtn = el("button", { type: "button", class: "close", "aria-label": t("widget-close"), text: "×" });
var banner = el("p", { class: "banner", role: "status", hidden: true });
var view = el("div", { class: "view" });
panel.appendChild(el("header", {}, [title, closeBtn]));
panel.appendChild(banner);
panel.appendChild(view);
root.appendChild(launcher);
root.appendChild(panel);
(document.body || document.documentElement).appendChild(host);

var config = null;
var ws = null, wsReady = false, backoff = 500, pingTimer = null, lastFrame = 0, reconnectTimer = null;
var log = null, typingLine = null, composer = null, seenFor = 0, agentRead = 0, conversationId = null;
var hintsBox = null;
// The last message id this page has shown: a reconnect resumes after it
// (a fresh page starts from 0 and shows the whole chat).
var cursor = 0;
var rendered = {};

launcher.addEventListener("click", function () { panel.hidden ? open() : close(); });
// `data-opener="id"`: an element of the page (a "Chat with us" link) opens
// the chat too; without this script it keeps its own link.
var opener = D.opener && document.getElementById(D.opener);
if (opener) opener.addEventListener("click", function (e) { e.preventDefault(); open(); });
closeBtn.addEventListener("click", close);
panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });

function open() {
  panel.hidden = false;
  launcher.setAttribute("aria-expanded", "true");
  if (!config) start(); else focusFirst();
  markRead();
}
function close() {
  panel.hidden = true;
  launcher.setAttribute("aria-expanded", "false");
  launcher.focus();
}
function focusFirst() {
  var f = view.querySelector("input:not([type=hidden]):not([tabindex='-1']), textarea, button");
  if (f) f.focus();
}

function api(path, opts) {
  return fetch(BASE + "/chat/" + INBOX + path, opts).then(function (r) {
    return r.json().catch(function () { return {}; }).then(function (body) {
      if (!r.ok) { var e = new Error((body.error && body.error.message) || r.statusText); e.body = body; e.status = r.status; throw e; }
      return body;
    });
  });
}
function postJSON(path, body) {
  return api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

function start() {
  view.textContent = "";
  api("/config").then(function (c) {
    config = c;
    // The inbox's name is the desk's own word for it: visitors read the
    // panel's title in their language.
    title.textContent = t("widget-open");
    if (state.token) return resume();
    if (D.userId) return begin({});
    if (c.offline) return offlineForm();
    prechat();
  }).catch(function () { showError(view); });
}

function waitText() {
  if (!config) return "";
  var w = config.expected_wait_seconds;
  if (w == null) return "";
  return w < 60 ? t("widget-wait-now") : t("widget-wait", { minutes: Math.ceil(w / 60) });
}

function field(id, label, type, required, value) {
  var input = el(type === "textarea" ? "textarea" : "input", {
    id: id, name: id, type: type === "textarea" ? null : type, required: required, value: value || null,
    autocomplete: id === "email" ? "email" : id === "name" ? "name" : "off",
    "aria-describedby": id + "-err"
  });
  if (type === "textarea" && value) input.value = value;
  var lab = el("label", { for: id }, [label, required ? null : el("span", { class: "opt", text: " (" + t("widget-optional") + ")" })]);
  return { wrap: el("div", { class: "field" }, [lab, input, el("p", { id: id + "-err", class: "err", role: "alert" })]), input: input };
}
function fieldError(f, msg) {
  f.wrap.querySelector(".err").textContent = msg || "";
  if (msg) f.input.setAttribute("aria-invalid", "true"); else f.input.removeAttribute("aria-invalid");
}

function prechat() {
  view.textContent = "";
  var name = field("name", t("widget-name"), "text", config.require_name, state.name || D.name);
  var email = field("email", t("widget-email"), "email", config.require_email, state.email || D.email);
  var form = el("form", { class: "form", novalidate: true }, [
    el("p", { text: t("widget-intro") }),
    config.long_wait ? null : el("p", { class: "wait", text: waitText() }),
    name.wrap, email.wrap,
    el("button", { type: "submit", class: "primary", text: t("widget-start") })
  ]);
  if (config.long_wait) form.appendChild(longWait());
  if (config.offer_callback) form.appendChild(callbackOffer());
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var ok = true;
    [[name, config.require_name], [email, config.require_email]].forEach(function (p) {
      var missing = p[1] && !p[0].input.value.trim();
      fieldError(p[0], missing ? t("widget-required") : "");
      if (missing) { ok = false; p[0].input.focus(); }
    });
    if (ok) begin({ name: name.input.value.trim(), email: email.input.value.trim() }, { name: name, email: email });
  });
  view.appendChild(form);
  focusFirst();
}

function longWait() {
  return el("div", { class: "longwait", role: "note" }, [
    el("p", { text: t("widget-long-wait") }),
    el("p", { class: "wait", text: waitText() }),
    el("button", { type: "button", onclick: offlineForm, text: t("widget-leave-message") })
  ]);
}

function begin(who, fields) {
  var body = { name: who.name || D.name || null, email: who.email || D.email || null, language: LANG };
  if (D.userId) { body.user_id = D.userId; body.user_hash = D.userHash || ""; }
  postJSON("/session", body).then(function (s) {
    state.token = s.token; state.name = s.name || ""; state.email = s.email || "";
    save();
    chatView();
  }).catch(function (e) {
    var f = e.body && e.body.error && e.body.error.details && e.body.error.details.field;
    if (fields && fields[f]) fieldError(fields[f], e.message); else showError(view, e.message);
  });
}

function resume() {
  postJSON("/session", { token: state.token, language: LANG }).then(function (s) {
    if (s.token !== state.token) { state.token = s.token; state.pending = []; save(); }
    chatView();
  }).catch(function () { state.token = null; save(); prechat(); });
}

// --- the chat -------------------------------------------------------------
function chatView() {
  view.textContent = "";
  rendered = {};
  cursor = 0;
  log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-label": config.name || t("widget-open") });
  typingLine = el("p", { class: "typing", "aria-live": "polite" });
  var text = el("textarea", { id: "msg", rows: "2", "aria-label": t("widget-message"), placeholder: t("widget-message") });
  var file = el("input", { id: "file", type: "file", class: "visually-hidden" });
  var fileLabel = el("label", { for: "file", class: "attach", title: t("widget-attach") }, [clip(), el("span", { class: "visually-hidden", text: t("widget-attach") })]);
  composer = el("form", { class: "composer" }, [text, file, fileLabel, el("button", { type: "submit", class: "primary", text: t("widget-send") })]);
  var lastTyping = 0;
  hintsBox = el("div", { class: "hints", hidden: true });
  text.addEventListener("input", function () {
    suggestSoon(text.value);
    var now = Date.now();
    if (now - lastTyping > 3000) { lastTyping = now; sendFrame({ t: "typing" }); }
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); composer.requestSubmit(); }
  });
  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    var v = text.value.trim();
    if (!v) return;
    text.value = "";
    var p = { cid: uid(), text: v };
    state.pending.push(p); save();
    renderPending(p);
    if (wsReady) sendFrame({ t: "msg", cid: p.cid, text: p.text });
  });
  file.addEventListener("change", function () { if (file.files[0]) upload(file.files[0]); file.value = ""; });
  // The transcript goes only to the address given before the chat.
  var tools = el("div", { class: "tools" }, state.email ? [
    el("button", { type: "button", class: "link", onclick: sendTranscript, text: t("widget-transcript") })
  ] : []);
  var wait = el("p", { class: "wait", text: waitText() });
  view.appendChild(log);
  view.appendChild(typingLine);
  view.appendChild(hintsBox);
  view.appendChild(composer);
  view.appendChild(tools);
  if (state.pending.length === 0) log.appendChild(wait);
  // Still waiting for an agent and the queue is long: a callback instead.
  if (config.offer_callback && !conversationId) view.appendChild(callbackOffer());
  state.pending.forEach(renderPending);
  connect();
  text.focus();
}

// --- articles suggested while the first message is typed -------------------
// GET /help/api/suggest in the widget's language, recorded under a random
// token of this chat (deflection); opening one and sending anyway are
// reported to /help/api/deflection.
var hintTimer = null, hintAsked = 0, hintLast = "";
function suggestSoon(q) {
  clearTimeout(hintTimer);
  hintTimer = setTimeout(function () { suggest(q); }, 300);
}
function suggest(q) {
  q = q.trim().slice(0, 200);
  if (conversationId || q === hintLast || !window.URLSearchParams) return;
  hintLast = q;
  if (q.length < 3) { drawHints([]); return; }
  if (!state.deflection) { state.deflection = uid(); save(); }
  var n = ++hintAsked;
  var params = new URLSearchParams({ q: q, lang: LANG, inbox_id: INBOX, token: state.deflection });
  fetch(BASE + "/help/api/suggest?" + params.toString(), { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : { items: [] }; })
    .then(function (b) { if (n === hintAsked) drawHints(b.items || []); })
    .catch(function () { /* offline: the next keystroke retries */ });
}
function drawHints(items) {
  if (!hintsBox) return;
  hintsBox.textContent = "";
  if (!items.length || conversationId) { hintsBox.hidden = true; return; }
  var ul = el("ul", {}, items.map(function (a) {
    return el("li", {}, [el("a", {
      href: a.url, target: "_blank", rel: "noopener", text: a.title, "data-article": String(a.id),
      onclick: function () { deflection("opened", a.id); }
    })]);
  }));
  hintsBox.appendChild(el("p", { class: "hints-title", text: t("widget-suggest-title") }));
  hintsBox.appendChild(ul);
  hintsBox.hidden = false;
}
function deflection(event, articleId) {
  if (!state.deflection) return;
  var body = JSON.stringify({ token: state.deflection, inbox_id: Number(INBOX), event: event, article_id: articleId });
  // text/plain: a simple request, no preflight, and it survives the page being left.
  var blob = new Blob([body], { type: "text/plain" });
  if (!(navigator.sendBeacon && navigator.sendBeacon(BASE + "/help/api/deflection", blob))) {
    fetch(BASE + "/help/api/deflection", { method: "POST", body: blob, keepalive: true, credentials: "omit" }).catch(function () {});
  }
}
function sentAnyway() {
  drawHints([]);
  if (!state.deflection) return;
  deflection("sent");
  state.deflection = null;
  save();
}

function connect() {
  clearTimeout(reconnectTimer);
  if (ws) { try { ws.close(); } catch (e) { /* already closed */ } }
  var sock = new WebSocket(BASE.replace(/^http/, "ws") + "/chat/" + INBOX + "/ws");
  ws = sock; wsReady = false;
  lastFrame = Date.now();
  sock.onopen = function () {
    lastFrame = Date.now();
    sock.send(JSON.stringify({ t: "hello", token: state.token, after: cursor }));
  };
  sock.onmessage = function (ev) {
    if (sock !== ws) return;
    lastFrame = Date.now();
    var f;
    try { f = JSON.parse(ev.data); } catch (e) { return; }
    onFrame(f);
  };
  sock.onclose = function () {
    if (sock !== ws || sock.dead) return;
    sock.dead = true;
    wsReady = false;
    clearInterval(pingTimer);
    banner.textContent = t("widget-reconnecting"); banner.hidden = false;
    reconnectTimer = setTimeout(connect, backoff + Math.random() * 300);
    backoff = Math.min(backoff * 2, 8000);
  };
  clearInterval(pingTimer);
  // A dead network does not always close a socket: ping, and give up on
  // one that has said nothing for a while.
  pingTimer = setInterval(function () {
    if (sock !== ws) return;
    if (Date.now() - lastFrame > 12000) { try { sock.close(); } catch (e) { /* */ } sock.onclose(); return; }
    if (sock.readyState === 1) sock.send(JSON.stringify({ t: "ping" }));
  }, 4000);
}

function sendFrame(f) {
  if (ws && wsReady && ws.readyState === 1) ws.send(JSON.stringify(f));
}

function onFrame(f) {
  switch (f.t) {
    case "ready":
      wsReady = true; backoff = 500; banner.hidden = true;
      conversationId = f.conversation_id;
      // Anything not acknowledged yet goes again, same ids: stored once.
      state.pending.forEach(function (p) { sendFrame({ t: "msg", cid: p.cid, text: p.text }); });
      break;
    case "msg": renderMessage(f); break;
    case "ack":
      acknowledge(f.cid, f.id);
      if (!conversationId && f.conversation_id) sentAnyway();
      conversationId = f.conversation_id;
      break;
    case "typing": showTyping(f.name); break;
    case "read": agentRead = Math.max(agentRead, f.up_to); showSeen(); break;
    case "survey": survey(); break;
    case "survey_done": surveyDone(); break;
    case "error":
      if (f.cid) { dropPending(f.cid); showError(log, f.message); }
      else if (f.code === "unauthorized") { state.token = null; save(); ws.onclose = null; ws.close(); prechat(); }
      break;
  }
}

function acknowledge(cid, id) {
  var node = log && log.querySelector('[data-cid="' + cid + '"]');
  if (node && !node.dataset.id) {
    node.dataset.id = id; node.classList.remove("pending"); setStatus(node, ""); rendered[id] = node;
    place(node);
  }
  dropPending(cid);
}

// Keeps the log in the server's order: stored messages by id, then the
// ones still being sent. Moves a node only when it is out of place.
function place(node) {
  var id = Number(node.dataset.id);
  var nodes = log.querySelectorAll(".msg");
  var before = null;
  for (var i = 0; i < nodes.length; i++) {
    var n = nodes[i];
    if (n === node) continue;
    if (!n.dataset.id || Number(n.dataset.id) > id) { before = n; break; }
  }
  if (before) { if (node.nextElementSibling !== before) log.insertBefore(node, before); }
  else if (node.parentNode !== log) log.appendChild(node);
  else {
    var last = nodes[nodes.length - 1];
    if (last !== node) log.insertBefore(node, last.nextSibling);
  }
}
function dropPending(cid) {
  state.pending = state.pending.filter(function (p) { return p.cid !== cid; });
  save();
}

function bubble(from, name, text, at) {
  var who = from === "visitor" ? t("widget-you") : (name || t("widget-agent"));
  var time = at ? new Date(at) : new Date();
  return el("div", { class: "msg " + from }, [
    el("p", { class: "who" }, [who, " ", el("time", { datetime: time.toISOString(), text: time.toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" }) })]),
    el("p", { class: "text", text: text }),
    el("p", { class: "status", "aria-live": "off" })
  ]);
}
// A paper-clip icon (no emoji font needed).
function clip() {
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("width", "20"); svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
  var path = document.createElementNS(NS, "path");
  path.setAttribute("d", "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5");
  path.setAttribute("fill", "none"); path.setAttribute("stroke", "currentColor"); path.setAttribute("stroke-width", "1.8"); path.setAttribute("stroke-linecap", "round");
  svg.appendChild(path);
  return svg;
}
function setStatus(node, s) { var p = node.querySelector(".status"); if (p) p.textContent = s; }

function renderPending(p) {
  if (!log || log.querySelector('[data-cid="' + p.cid + '"]')) return;
  var node = bubble("visitor", null, p.text);
  node.dataset.cid = p.cid; node.classList.add("pending");
  setStatus(node, t("widget-sending"));
  log.appendChild(node); scroll();
}

function renderMessage(m) {
  cursor = Math.max(cursor, m.id);
  if (rendered[m.id]) return;
  if (m.client_id) {
    var mine = log.querySelector('[data-cid="' + m.client_id + '"]');
    if (mine) { acknowledge(m.client_id, m.id); return; }
  }
  if (conversationId && m.conversation_id !== conversationId && !log.querySelector(".history")) {
    log.appendChild(el("h3", { class: "history", text: t("widget-history") }));
  }
  var node = bubble(m.from, m.name, m.text, m.at);
  node.dataset.id = m.id;
  if (m.client_id) node.dataset.cid = m.client_id;
  (m.files || []).forEach(function (f) {
    node.insertBefore(el("p", { class: "file" }, [el("a", {
      href: BASE + "/chat/" + INBOX + "/files/" + f.id + "?token=" + encodeURIComponent(state.token),
      target: "_blank", rel: "noopener", text: f.name
    })]), node.querySelector(".status"));
  });
  rendered[m.id] = node;
  if (m.from === "agent") { typingLine.textContent = ""; }
  place(node); scroll();
  markRead();
  if (m.from === "agent" && panel.hidden) launcher.textContent = t("widget-new-message", { name: m.name || t("widget-agent") });
}

function markRead() {
  if (panel.hidden || !log || document.visibilityState === "hidden") return;
  launcher.textContent = t("widget-open");
  if (cursor > seenFor) { seenFor = cursor; sendFrame({ t: "read", up_to: cursor }); }
}
document.addEventListener("visibilitychange", markRead);

function showSeen() {
  if (!log) return;
  var mine = log.querySelectorAll(".msg.visitor[data-id]");
  mine.forEach(function (n) { setStatus(n, ""); });
  for (var i = mine.length - 1; i >= 0; i--) {
    if (Number(mine[i].dataset.id) <= agentRead) { setStatus(mine[i], t("widget-seen")); break; }
  }
  scroll();
}

var typingTimer = null;
function showTyping(name) {
  typingLine.textContent = t("widget-typing", { name: name || t("widget-agent") });
  clearTimeout(typingTimer);
  typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 6000);
}
function scroll() { log.scrollTop = log.scrollHeight; }

function upload(file) {
  var fd = new FormData();
  fd.append("token", state.token);
  fd.append("cid", uid());
  fd.append("file", file, file.name);
  fetch(BASE + "/chat/" + INBOX + "/upload", { method: "POST", body: fd }).then(function (r) {
    if (r.status === 413) showError(log, t("widget-too-large"));
    else if (!r.ok) showError(log);
  }).catch(function () { showError(log); });
}

function showError(where, msg) {
  var p = el("p", { class: "error", role: "alert", text: msg || t("widget-error") });
  (where || view).appendChild(p);
  setTimeout(function () { p.remove(); }, 8000);
}

// --- a callback instead of waiting ------------------------------------------
// Offered when the queue's expected wait is over five minutes (the server
// decides: config.offer_callback). Posted to /help/callback as text/plain
// JSON, so the host page needs no preflight.
function callbackOffer() {
  return el("div", { class: "callback-offer", role: "note" }, [
    el("p", { text: t("widget-callback-intro") }),
    el("button", { type: "button", class: "callback-open", onclick: callbackForm, text: t("widget-callback-offer") })
  ]);
}

function callbackForm() {
  if (ws) { ws.onclose = null; ws.close(); ws = null; }
  view.textContent = "";
  var name = field("cb-name", t("widget-name"), "text", false, state.name || D.name);
  var phone = field("cb-phone", t("widget-callback-phone"), "tel", true);
  phone.input.setAttribute("autocomplete", "tel");
  var windows = ["today_morning", "today_afternoon", "tomorrow_morning", "tomorrow_afternoon"];
  var select = el("select", { id: "cb-window", name: "window", "aria-describedby": "cb-window-err" }, windows.map(function (w) {
    return el("option", { value: w, text: t("widget-callback-" + w.replace("_", "-")) });
  }));
  var when = { wrap: el("div", { class: "field" }, [el("label", { for: "cb-window", text: t("widget-callback-window") }), select, el("p", { id: "cb-window-err", class: "err", role: "alert" })]), input: select };
  var form = el("form", { class: "form callback", novalidate: true }, [
    el("h3", { text: t("widget-callback-title") }),
    el("p", { text: t("widget-callback-intro") }),
    name.wrap, phone.wrap, when.wrap,
    el("button", { type: "submit", class: "primary", text: t("widget-callback-send") })
  ]);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var missing = !phone.input.value.trim();
    fieldError(phone, missing ? t("widget-required") : "");
    if (missing) { phone.input.focus(); return; }
    var body = { phone: phone.input.value.trim(), name: name.input.value.trim() || null, inbox_id: Number(INBOX), window: select.value };
    fetch(BASE + "/help/callback", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(body), credentials: "omit" })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          if (r.ok) {
            view.textContent = "";
            var p = el("p", { class: "done", role: "status", tabindex: "-1", text: t("widget-callback-sent") });
            view.appendChild(p); p.focus();
            return;
          }
          var f = b.error && b.error.details && b.error.details.field;
          var msg = (b.error && b.error.message) || t("widget-error");
          if (f === "window") fieldError(when, msg);
          else if (f === "phone") { fieldError(phone, msg); phone.input.focus(); }
          else showError(view, msg);
        });
      })
      .catch(function () { showError(view); });
  });
  view.appendChild(form);
  focusFirst();
}

// --- offline form, transcript, survey -------------------------------------
function offlineForm() {
  if (ws) { ws.onclose = null; ws.close(); ws = null; }
  view.textContent = "";
  var name = field("name", t("widget-name"), "text", false, state.name || D.name);
  var email = field("email", t("widget-email"), "email", true, state.email || D.email);
  var msg = field("message", t("widget-message"), "textarea", true);
  var form = el("form", { class: "form", novalidate: true }, [
    el("h3", { text: t("widget-offline-title") }),
    el("p", { text: t("widget-offline-intro") }),
    name.wrap, email.wrap, msg.wrap,
    el("button", { type: "submit", class: "primary", text: t("widget-offline-send") })
  ]);
  var hours = hoursList();
  if (hours) form.insertBefore(hours, name.wrap);
  // Nobody can answer soon: a callback instead of a mail.
  if (config && config.offer_callback) form.insertBefore(callbackOffer(), name.wrap);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var ok = true;
    [email, msg].forEach(function (f) {
      var missing = !f.input.value.trim();
      fieldError(f, missing ? t("widget-required") : "");
      if (missing && ok) { ok = false; f.input.focus(); }
    });
    if (!ok) return;
    postJSON("/offline", { name: name.input.value.trim() || null, email: email.input.value.trim(), text: msg.input.value.trim(), language: LANG })
      .then(function () {
        view.textContent = "";
        var p = el("p", { class: "done", role: "status", tabindex: "-1", text: t("widget-offline-sent") });
        view.appendChild(p); p.focus();
      })
      .catch(function (e2) {
        var f = e2.body && e2.body.error && e2.body.error.details && e2.body.error.details.field;
        if (f === "customer.email" || f === "email") fieldError(email, e2.message); else showError(view, e2.message);
      });
  });
  view.appendChild(form);
  focusFirst();
}

function hoursList() {
  var h = config && config.office_hours;
  if (!h) return null;
  var days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  var dl = el("dl", { class: "hours" });
  days.forEach(function (d) {
    var spans = h.days[d];
    if (!spans || !spans.length) return;
    dl.appendChild(el("dt", { text: t("widget-day-" + d) }));
    dl.appendChild(el("dd", { text: spans.map(function (s) { return s[0] + "–" + s[1]; }).join(", ") + " (" + h.timezone + ")" }));
  });
  return el("div", {}, [el("h4", { text: t("widget-hours") }), dl]);
}

function sendTranscript(e) {
  var btn = e.currentTarget;
  btn.disabled = true;
  postJSON("/transcript", { token: state.token }).then(function (r) {
    btn.replaceWith(el("p", { class: "done", role: "status", text: t("widget-transcript-sent", { email: r.sent_to }) }));
  }).catch(function (e2) { btn.disabled = false; showError(view, e2.message); });
}

function survey() {
  if (!log || log.querySelector(".survey")) return;
  var answer = null;
  var yes = el("button", { type: "button", "aria-pressed": "false", text: t("widget-survey-yes") });
  var no = el("button", { type: "button", "aria-pressed": "false", text: t("widget-survey-no") });
  [yes, no].forEach(function (b) {
    b.addEventListener("click", function () {
      answer = b === yes ? "yes" : "no";
      yes.setAttribute("aria-pressed", String(b === yes));
      no.setAttribute("aria-pressed", String(b === no));
    });
  });
  var stars = el("fieldset", { class: "stars" }, [el("legend", { text: t("widget-survey-rating") })]);
  for (var i = 1; i <= 5; i++) {
    var id = "rate" + i;
    stars.appendChild(el("input", { type: "radio", name: "rating", id: id, value: String(i) }));
    stars.appendChild(el("label", { for: id, text: String(i) }));
  }
  var comment = field("comment", t("widget-survey-comment"), "textarea", false);
  var form = el("form", { class: "survey", "aria-labelledby": "sq" }, [
    el("p", { id: "sq", class: "q", text: t("widget-survey-question") }),
    el("div", { class: "answers" }, [yes, no]), stars, comment.wrap,
    el("button", { type: "submit", class: "primary", text: t("widget-survey-submit") })
  ]);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var r = form.querySelector("input[name=rating]:checked");
    sendFrame({ t: "survey", answer: answer, rating: r ? Number(r.value) : null, comment: comment.input.value.trim() || null });
  });
  log.appendChild(form); scroll();
}
function surveyDone() {
  var f = log && log.querySelector(".survey");
  var p = el("p", { class: "done", role: "status", text: t("widget-survey-thanks") });
  if (f) f.replaceWith(p); else if (log) log.appendChild(p);
}

function CSS() {
  return [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".launcher,.panel{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK JP','Noto Sans KR',sans-serif;font-size:15px;line-height:1.4}",
    "input,textarea,button{font:inherit}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;background:#1d4ed8;color:#fff;border:0;border-radius:24px;padding:12px 18px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible,a:focus-visible,.log:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:min(380px,calc(100vw - 24px));height:min(560px,calc(100vh - 100px));display:flex;flex-direction:column;background:#fff;color:#111827;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;background:#1d4ed8;color:#fff;padding:10px 14px}",
    "h2{margin:0;font-size:16px;font-weight:600}",
    ".close{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;padding:0 6px}",
    ".banner{margin:0;padding:6px 12px;background:#fef3c7;color:#78350f}",
    ".view{flex:1;display:flex;flex-direction:column;min-height:0;overflow:auto;padding:12px}",
    ".form p,.longwait p,.callback-offer p{margin:0 0 10px}",
    ".callback-offer{margin:10px 0;padding:10px;border-radius:8px;background:#eff6ff}",
    "select{border:1px solid #6b7280;border-radius:6px;padding:8px;color:#111827;background:#fff;width:100%}",
    ".field{margin-bottom:10px;display:flex;flex-direction:column}",
    "label{font-weight:600;margin-bottom:4px}.opt{font-weight:400;color:#4b5563}",
    "input,textarea{border:1px solid #6b7280;border-radius:6px;padding:8px;color:#111827;background:#fff;width:100%}",
    "input[aria-invalid]{border-color:#b91c1c}",
    ".err,.error{color:#b91c1c;margin:4px 0 0;min-height:0}",
    "button{border:1px solid #1d4ed8;background:#fff;color:#1d4ed8;border-radius:6px;padding:8px 12px;cursor:pointer}",
    "button.primary{background:#1d4ed8;color:#fff}",
    "button.link{border:0;padding:4px 0;text-decoration:underline;background:none}",
    "button[aria-pressed=true]{background:#1d4ed8;color:#fff}",
    ".log{flex:1;overflow:auto;display:flex;flex-direction:column;gap:8px;min-height:120px}",
    ".msg{max-width:85%;padding:8px 10px;border-radius:10px;background:#f3f4f6}",
    ".msg.visitor{align-self:flex-end;background:#dbeafe}",
    ".msg.pending{opacity:.75}",
    ".msg p{margin:0}.who{font-size:12px;color:#374151}.who time{color:#4b5563}",
    ".text{white-space:pre-wrap;overflow-wrap:anywhere}",
    ".status{font-size:12px;color:#374151;text-align:right}",
    ".history{font-size:13px;color:#374151;text-align:center;margin:4px 0}",
    ".typing{min-height:20px;margin:4px 0;color:#374151;font-size:13px}",
    ".composer{display:flex;gap:6px;align-items:flex-end}",
    ".hints{margin:0 0 6px;padding:6px 8px;border:1px solid #c9d1de;border-radius:6px;background:#f7f9fd}",
    ".hints-title{margin:0 0 4px;font-weight:600}",
    ".hints ul{margin:0;padding-left:18px}",
    ".composer textarea{flex:1;resize:none}",
    ".attach{cursor:pointer;padding:8px;margin:0;color:#1d4ed8;display:flex}",
    "#file:focus-visible+.attach{outline:3px solid #f59e0b;outline-offset:2px}",
    ".tools{margin-top:6px}",
    ".wait{color:#374151}",
    ".survey{border:1px solid #d1d5db;border-radius:10px;padding:10px}",
    ".survey .q{font-weight:600;margin:0 0 8px}.answers{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:8px}",
    ".stars{border:0;padding:0;margin:0 0 8px;display:flex;gap:4px;align-items:center;flex-wrap:wrap}.stars legend{font-weight:600;margin-bottom:4px}",
    ".stars label{font-weight:400;margin:0 8px 0 2px}",
    ".stars input{width:auto}",
    ".hours{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0 0 10px}.hours dd{margin:0}",
    "h3,h4{margin:0 0 8px}",
    ".visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (prefers-reduced-motion:reduce){*{transition:none!important}}"
  ].join("\n");
}
