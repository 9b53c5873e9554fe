#!/usr/bin/env python3
"""Two nodes on one PostgreSQL database: how long until a write on node 1
shows on node 2.

    nodes_probe.py URL1 URL2 TOKEN COOKIE [N]

N times (default 50), one at a time: a conversation with a unique word is
created through node 1's API, and the time is taken until (a) the live
stream (`GET /live`, signed in with COOKIE) of node 2 announces it and
(b) node 2's search finds the word. Prints RESULT lines with p50/p99/max.
"""
import json
import sys
import threading
import time
import urllib.parse
import urllib.request

url1, url2, token, cookie = sys.argv[1:5]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 50

seen = {}  # conversation id -> monotonic time the live event arrived
cond = threading.Condition()


def follow_live():
    req = urllib.request.Request(f"{url2}/live", headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=600) as r:
        for raw in r:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data:"):
                continue
            try:
                d = json.loads(line[5:])
            except ValueError:
                continue
            if isinstance(d, dict) and d.get("kind") == "created":
                with cond:
                    seen[d["conversation_id"]] = time.monotonic()
                    cond.notify_all()


threading.Thread(target=follow_live, daemon=True).start()
time.sleep(1)  # the stream subscribes when its request is handled


def api(method, base, path, body=None):
    req = urllib.request.Request(
        f"{base}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


live_ms, search_ms = [], []
for i in range(n):
    word = f"mezgls{i}x{int(time.time() * 1000)}"
    t0 = time.monotonic()
    c = api("POST", url1, "/conversations", {
        "subject": f"Otrais mezgls {i}",
        "customer": {"email": f"probe{i}@example.lv"},
        "message": {"text": f"Sveiki, {word} 検索 テスト"},
    })
    cid = c["id"]
    # (b) searchable on node 2: polled every 5 ms.
    q = urllib.parse.quote(word)
    while True:
        hits = api("GET", url2, f"/search?q={q}")["items"]
        if hits:
            search_ms.append((time.monotonic() - t0) * 1000)
            break
        if time.monotonic() - t0 > 30:
            print(f"RESULT error: {word} not searchable on node 2 after 30 s")
            sys.exit(1)
        time.sleep(0.005)
    # (a) announced on node 2's live stream.
    with cond:
        if not cond.wait_for(lambda: cid in seen, timeout=30):
            print(f"RESULT error: conversation {cid} never reached node 2's live stream")
            sys.exit(1)
        live_ms.append((seen[cid] - t0) * 1000)


def line(what, xs):
    xs = sorted(xs)
    pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    print(f"RESULT {what} n={len(xs)} p50_ms={pick(.5):.1f} p99_ms={pick(.99):.1f} max_ms={xs[-1]:.1f}")


line("live_update_on_other_node", live_ms)
line("searchable_on_other_node", search_ms)
