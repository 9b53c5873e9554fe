#!/usr/bin/env bash
# End-to-end search benchmark: seeds demo data, rebuilds the search index
# with `tend reindex` (indexing throughput, peak RSS), reports the index
# size, then times one- to three-word queries per language against
# `GET /api/v1/search` on a running `tend serve` (p50/p95/max, and the
# server's RSS afterwards).
#   bench/search/e2e.sh [CONVERSATIONS] [QUERIES_PER_LANGUAGE]
# The issue's target is 5M messages: `bench/search/e2e.sh 1000000` (hours).
# With SEARCH_BENCH_DIR=DIR an already seeded data directory (bench/seed.sh)
# is used and kept: no seeding, and N is ignored; SKIP_REINDEX=1 keeps its
# index as it is (e.g. after a timed `tend reindex`). BUILD_IN_SERVE=1
# removes the index instead and lets the measured `tend serve` build it
# (timed, with its resident memory once built), so the queries and the
# memory after them are of the process that indexed everything.
source "$(dirname "$0")/../lib.sh"
n=${1:-10000}
q=${2:-200}
build_release
if [ -n "${SEARCH_BENCH_DIR:-}" ]; then
  dir=$SEARCH_BENCH_DIR
  trap 'kill ${SERVER_PID:-0} 2>/dev/null || true; wait ${SERVER_PID:-0} 2>/dev/null || true' EXIT
else
  dir=$(mktemp -d /tmp/tend-search-bench.XXXXXX)
  trap 'kill ${SERVER_PID:-0} 2>/dev/null || true; wait ${SERVER_PID:-0} 2>/dev/null || true; rm -rf "$dir"' EXIT
fi
export TEND_DATA_DIR=$dir
machine
echo "command: SEARCH_BENCH_DIR=${SEARCH_BENCH_DIR:-} bench/search/e2e.sh $n $q"
[ -n "${SEARCH_BENCH_DIR:-}" ] || $TEND_BIN demo seed --conversations "$n" --no-index >/dev/null 2>&1
if [ "${BUILD_IN_SERVE:-0}" = 1 ]; then
  rm -rf "$dir/search"
elif [ "${SKIP_REINDEX:-0}" != 1 ]; then
  /usr/bin/time -f "RESULT reindex wall=%es user=%Us peak_rss=%MKiB" \
    $TEND_BIN reindex 2>&1 | tr '\r' '\n' | grep -E 'RESULT|rebuilt'
fi
TOKEN=$(admin_token)
start_tend "$dir/serve.log"
if [ "${BUILD_IN_SERVE:-0}" = 1 ]; then
  t0=$(date +%s)
  until python3 -c 'import json,sys; p=json.loads(json.load(open(sys.argv[1]))["payload"]); sys.exit(0 if "build" not in p else 1)' \
      "$dir/search/meta.json" 2>/dev/null; do
    sleep 1
  done
  echo "RESULT built by tend serve in $(( $(date +%s) - t0 )) s"
fi
echo "RESULT index size $(du -sh "$dir/search" | cut -f1)"
wait_idle "$SERVER_PID" 1 0.02
echo "RESULT serve before the queries: $(rss_kinds "$SERVER_PID")"
python3 - "$BENCH_URL" "$TOKEN" "$q" <<'PY'
import json, random, sys, time, urllib.parse, urllib.request
url, token, per_lang = sys.argv[1], sys.argv[2], int(sys.argv[3])
words = {
    "en": ["invoice", "password", "refund", "order", "delivered", "subscription", "error", "address"],
    "ja": ["請求書", "パスワード", "返金", "注文", "配送", "ログイン", "エラー", "住所"],
    "ko": ["청구서", "로그인", "환불", "주문", "배송", "비밀번호", "오류", "주소"],
    "lv": ["rēķins", "parole", "atmaksa", "pasūtījums", "piegāde", "kļūda", "adrese", "abonements"],
    "ca": ["factura", "contrasenya", "reemborsament", "comanda", "enviament", "error", "adreça", "subscripció"],
}
rng = random.Random(1)
print("lang  queries  p50 ms  p95 ms  max ms  avg hits")
for lang, pool in words.items():
    times, hits = [], 0
    for _ in range(per_lang):
        q = " ".join(rng.sample(pool, rng.randint(1, 3)))
        req = urllib.request.Request(
            f"{url}/api/v1/search?limit=20&q={urllib.parse.quote(q)}",
            headers={"Authorization": f"Bearer {token}"},
        )
        t = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            body = json.load(r)
        times.append((time.perf_counter() - t) * 1000)
        hits += len(body["items"])
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(len(times) * p))]
    print(f"{lang:4}  {len(times):7}  {pct(0.5):6.1f}  {pct(0.95):6.1f}  {times[-1]:6.1f}  {hits / len(times):8.1f}")
PY
echo "RESULT serve after the queries: $(rss_kinds "$SERVER_PID")"
sleep 5
echo "RESULT serve 5 s later: $(rss_kinds "$SERVER_PID")"
