#!/usr/bin/env python3
"""Webhook delivery benchmark helpers (stdlib only), run by bench/webhooks.sh.

  webhooks.py receive PORT N SECRET OUT
      A local receiver: answers 200 to every POST, checks each
      Tend-Signature, and notes (time received, the event's created_at, the
      Tend-Delivery id, the conversation). Writes a summary to OUT once N
      distinct deliveries arrived.
  webhooks.py load URL TOKEN N RATE THREADS
      Creates N conversations through the API at about RATE per second
      (0: as fast as THREADS connections go).
"""
import hashlib
import hmac
import http.client
import json
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def ms_of(rfc3339):
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000.0


def pct(sorted_vals, p):
    if not sorted_vals:
        return float("nan")
    i = min(len(sorted_vals) - 1, max(0, int(round(p / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[i]


def receive(port, n, secret, out):
    lock = threading.Lock()
    seen = {}
    state = {"requests": 0, "bad_signatures": 0, "out_of_order": 0, "first": None, "last": None}
    last_event_of = {}
    done = threading.Event()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            now = time.time() * 1000.0
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            sig = self.headers.get("Tend-Signature", "")
            delivery = self.headers.get("Tend-Delivery", "")
            ev = json.loads(body)
            ok = False
            try:
                t, v1 = sig.split(",", 1)
                t = t[2:]
                mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(mac, v1[3:])
            except ValueError:
                ok = False
            with lock:
                state["requests"] += 1
                if not ok:
                    state["bad_signatures"] += 1
                conv = ev["conversation_id"]
                if last_event_of.get(conv, 0) > ev["id"]:
                    state["out_of_order"] += 1
                last_event_of[conv] = max(last_event_of.get(conv, 0), ev["id"])
                if delivery not in seen:
                    seen[delivery] = now - ms_of(ev["created_at"])
                    state["first"] = state["first"] or now
                    state["last"] = now
                if len(seen) >= n:
                    done.set()

    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("ready", flush=True)
    done.wait()
    lat = sorted(seen.values())
    span = (state["last"] - state["first"]) / 1000.0 if state["first"] else 0
    with open(out, "w") as f:
        f.write(
            f"deliveries={len(seen)} requests={state['requests']} bad_signatures={state['bad_signatures']} "
            f"out_of_order={state['out_of_order']}\n"
            f"commit_to_delivery_ms p50={pct(lat, 50):.1f} p90={pct(lat, 90):.1f} p99={pct(lat, 99):.1f} "
            f"max={lat[-1]:.1f}\n"
            f"delivered {len(seen)} in {span:.2f} s ({len(seen) / span if span else 0:.0f}/s)\n"
        )
    srv.shutdown()


def load(url, token, n, rate, threads):
    host = url.split("://", 1)[1]
    counter = {"i": 0}
    lock = threading.Lock()
    t0 = time.time()

    def worker():
        c = http.client.HTTPConnection(host)
        while True:
            with lock:
                i = counter["i"]
                if i >= n:
                    return
                counter["i"] += 1
            if rate > 0:
                wait = t0 + i / rate - time.time()
                if wait > 0:
                    time.sleep(wait)
            body = json.dumps({
                "subject": f"Webhook bench {i}",
                "customer": {"email": f"hook{i}@bench.example"},
                "message": {"text": "Labdien, kur ir mans pasūtījums?"},
            })
            c.request("POST", "/api/v1/conversations", body,
                      {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            if r.status != 201:
                raise SystemExit(f"creation answered {r.status}")

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.time() - t0
    print(f"created {n} conversations in {took:.2f} s ({n / took:.0f}/s)")


if __name__ == "__main__":
    if sys.argv[1] == "receive":
        receive(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        load(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]))
