// Notifications in the workspace: the header's bell, the browser's own
// notifications once the agent allows them (a button; browsers ask only
// after a click), and a short tone for waiting chats when the agent chose
// it. The live stream (app.js) hands each `notification` event over as a
// `tend:notification` DOM event; the server decides whose it is and words
// it in the agent's language.

const count = document.getElementById('bell-count');
const bell = document.getElementById('bell');

function setCount(n) {
  if (!count || typeof n !== 'number') return;
  count.textContent = String(n);
  count.hidden = n <= 0;
  bell?.setAttribute('data-unread', String(n));
}

// A short beep made on the spot (no sound file).
function beep() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = 880;
    const t = ctx.currentTime;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.onended = () => ctx.close();
    osc.start(t);
    osc.stop(t + 0.32);
  } catch { /* no sound is fine */ }
}

function browserNotification(n) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const shown = new Notification(n.title || 'Tend', { body: n.text, tag: `tend-${n.id}` });
    shown.onclick = () => {
      window.focus();
      location.assign(`/notifications/${encodeURIComponent(n.id)}/open`);
    };
  } catch { /* some browsers allow them only from a service worker */ }
}

document.addEventListener('tend:notification', (e) => {
  const n = e.detail;
  if (!n) return;
  setCount(n.unread);
  // Tests (and screen readers) see that it arrived.
  document.documentElement.dataset.notified = String(n.id);
  const status = document.getElementById('live-status');
  if (status && n.text) status.textContent = n.text;
  if (document.hidden) browserNotification(n);
  if (n.sound) beep();
});

for (const button of document.querySelectorAll('#notify-permission')) {
  if (!('Notification' in window) || Notification.permission !== 'default') continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try { await Notification.requestPermission(); } catch { /* refused */ }
    button.hidden = Notification.permission !== 'default';
  });
}
