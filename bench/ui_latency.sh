#!/usr/bin/env bash
# Agent UI server-side render latency on a seeded database (bench/seed.sh):
#   GET /?view=open            the inbox (All open, longest waiting first, 50 rows)
#   GET /?view=open&after=…    page 20 of it (its keyset link, found by
#                              following "next" from page 1)
#   GET /c/{random id}         the conversation page (timeline, controls, customer sidebar)
#   bench/ui_latency.sh DATA_DIR [DURATION] [CONNECTION COUNTS…]
# Defaults: 20s at 1 and 8 connections. The agent is an admin (sees every
# inbox), signed in through POST /login like a browser; wrk sends its
# session cookie. The database is used as it is; the user and session the
# script adds are the only writes.
source "$(dirname "$0")/lib.sh"
dir=${1:?usage: bench/ui_latency.sh DATA_DIR [DURATION] [CONNECTIONS…]}
duration=${2:-20s}
shift 2 || shift $#
counts=${*:-1 8}
ensure_wrk
build_release
export TEND_DATA_DIR=$dir
trap stop_server EXIT
machine
echo "bench ui password" | $TEND_BIN admin create-user --email bench-ui@tend-bench.example \
  --name "Bench UI" --role admin --password-stdin >/dev/null 2>&1 || true
start_tend "/tmp/tend-bench-ui.log"
echo "RESULT ready_ms=$READY_MS rss_after_start_mib=$(rss_mib "$SERVER_PID")"
cookie=$(curl -s -o /dev/null -D - -X POST "$BENCH_URL/login" \
  --data-urlencode "email=bench-ui@tend-bench.example" --data-urlencode "password=bench ui password" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(tend_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
export TEND_COOKIE=$cookie
TEND_TOKEN=$(admin_token)
max_id=$(curl -sf -H "Authorization: Bearer $TEND_TOKEN" "$BENCH_URL/api/v1/conversations?limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
export TEND_MAX_ID=$max_id
echo "conversations: ids 1..$max_id"
# Warm the page cache the way a running desk would have it.
TEND_PREFIX=/c/ wrk -t1 -c4 -d5s -s bench/lua/get_random.lua "$BENCH_URL" >/dev/null
# Page 20: follow the inbox's "next" link 19 times (keyset pagination).
page20="/?view=open"
for _ in $(seq 1 19); do
  page20=$(curl -sf -H "Cookie: $TEND_COOKIE" "$BENCH_URL$page20" \
    | python3 -c 'import html,re,sys; m=re.search(r"href=\"([^\"]*)\" rel=\"next\"", sys.stdin.read()); print(html.unescape(m.group(1)) if m else "")')
  [ -n "$page20" ] || { echo "fewer than 20 pages" >&2; exit 1; }
done
echo "page 20: $page20"
for c in $counts; do
  t=$(( c < 2 ? 1 : 2 ))
  for p in "/?view=open" "$page20" "/?view=mine"; do
    echo "== inbox: wrk -t$t -c$c -d$duration --latency -s bench/lua/get_path.lua (TEND_PATH=$p)"
    TEND_PATH=$p wrk -t$t -c"$c" -d"$duration" --latency -s bench/lua/get_path.lua "$BENCH_URL" | grep RESULT
  done
  echo "== conversation page: wrk -t$t -c$c -d$duration --latency -s bench/lua/get_random.lua (TEND_PREFIX=/c/)"
  TEND_PREFIX=/c/ TEND_SUFFIX= wrk -t$t -c"$c" -d"$duration" --latency -s bench/lua/get_random.lua "$BENCH_URL" | grep RESULT
done
echo "RESULT rss_after_load_mib=$(rss_mib "$SERVER_PID")"
stop_server
