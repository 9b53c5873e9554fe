// Tend contact form: suggests up to three help-centre articles while the
// visitor types the subject or the message (GET /help/api/suggest, in the
// page's language), and records which they open (POST
// /help/api/deflection) under a random token for this tab. The form works
// the same without this script: it only fills the hidden deflection_token
// field, which links the message to the suggestions when it is sent.
(function () {
  'use strict';
  var form = document.getElementById('contact-form');
  var box = document.getElementById('suggestions');
  if (!form || !box || !window.fetch || !window.URLSearchParams) return;
  var list = box.querySelector('ul');
  var inbox = form.getAttribute('data-inbox');
  var lang = form.getAttribute('data-lang');
  var field = form.elements.deflection_token;
  var key = 'tend-deflection-' + inbox;

  function random() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function stored() {
    try { return sessionStorage.getItem(key); } catch (e) { return null; }
  }
  function store(v) {
    try { if (v) sessionStorage.setItem(key, v); else sessionStorage.removeItem(key); } catch (e) { /* private mode */ }
  }
  // A form shown again (with errors) keeps the token it was sent with.
  var token = field.value || stored() || random();
  field.value = token;
  store(token);

  function report(event, articleId) {
    var body = JSON.stringify({ token: token, inbox_id: Number(inbox), event: event, article_id: articleId });
    // text/plain: a simple request, which survives the page being left.
    var blob = new Blob([body], { type: 'text/plain' });
    if (!(navigator.sendBeacon && navigator.sendBeacon('/help/api/deflection', blob))) {
      fetch('/help/api/deflection', { method: 'POST', body: blob, keepalive: true, credentials: 'omit' }).catch(function () {});
    }
  }

  function draw(items) {
    var lis = items.map(function (a) {
      var li = document.createElement('li');
      var link = document.createElement('a');
      link.href = a.url;
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = a.title;
      link.setAttribute('data-article', String(a.id));
      link.addEventListener('click', function () { report('opened', a.id); });
      var p = document.createElement('p');
      p.textContent = a.snippet;
      li.appendChild(link);
      li.appendChild(p);
      return li;
    });
    list.replaceChildren.apply(list, lis);
    box.hidden = lis.length === 0;
  }

  var asked = 0;
  var last = '';
  var timer = null;
  function words() {
    var s = (form.elements.subject.value + ' ' + form.elements.message.value).trim();
    return s.slice(0, 200);
  }
  function suggest() {
    var q = words();
    if (q === last) return;
    last = q;
    if (q.length < 3) { draw([]); return; }
    var n = ++asked;
    var params = new URLSearchParams({ q: q, lang: lang, inbox_id: inbox, token: token });
    fetch('/help/api/suggest?' + params.toString(), { credentials: 'omit', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { if (n === asked) draw(body.items || []); })
      .catch(function () { /* offline: the next keystroke retries */ });
  }
  function typed() {
    clearTimeout(timer);
    timer = setTimeout(suggest, 300);
  }
  form.elements.subject.addEventListener('input', typed);
  form.elements.message.addEventListener('input', typed);
  // Once sent, the next message on this tab is a new visit.
  form.addEventListener('submit', function () { store(null); });
  if (words()) suggest();
}());
