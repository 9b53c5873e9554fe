// The contact form's callback offer: shown by the server when the phone
// queue's expected wait is long (web/contact page). Posts
// {"phone", "name", "inbox_id", "window"} to /help/callback and shows an
// error beside the field the server names, with the input kept.
"use strict";
(function () {
  var form = document.getElementById("callback-form");
  if (!form) return;
  var phone = document.getElementById("cb-phone");
  var when = document.getElementById("cb-window");
  var done = document.getElementById("callback-done");
  var errors = { phone: document.getElementById("cb-phone-error"), window: document.getElementById("cb-window-error") };
  var inputs = { phone: phone, window: when };
  var general = document.getElementById("cb-error");
  function clear() {
    for (var k in errors) { errors[k].hidden = true; errors[k].textContent = ""; inputs[k].removeAttribute("aria-invalid"); }
    general.hidden = true;
  }
  function show(field, message) {
    var box = errors[field];
    if (box) {
      box.textContent = message; box.hidden = false;
      inputs[field].setAttribute("aria-invalid", "true");
      inputs[field].focus();
    } else {
      general.textContent = message; general.hidden = false;
    }
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clear();
    var name = document.getElementById("name");
    var body = {
      phone: phone.value.trim(),
      name: (name && name.value.trim()) || null,
      inbox_id: Number(form.dataset.inbox),
      window: when.value
    };
    fetch("/help/callback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          if (r.ok) {
            form.hidden = true;
            done.hidden = false;
            done.focus();
            return;
          }
          var err = b.error || {};
          show(err.details && err.details.field, err.message || r.statusText);
        });
      })
      .catch(function (x) { show(null, String(x)); });
  });
})();
