#!/usr/bin/env bash
# (b) Read latency on a seeded database (see bench/seed.sh):
#   GET /api/v1/conversations?status=open&limit=50    (inbox list)
#   GET /api/v1/conversations/{random id}             (conversation view)
#   GET /api/v1/conversations/{random id}/messages    (its messages)
#   bench/read_latency.sh DATA_DIR [DURATION] [CONNECTION COUNTS…]
# Defaults: 20s at 1, 8 and 32 connections. The database is used as it is
# (not copied): the admin user and token the script adds are the only writes.
source "$(dirname "$0")/lib.sh"
dir=${1:?usage: bench/read_latency.sh DATA_DIR [DURATION] [CONNECTIONS…]}
duration=${2:-20s}
shift 2 || shift $#
counts=${*:-1 8 32}
ensure_wrk
build_release
export TEND_DATA_DIR=$dir
trap stop_server EXIT
machine
TEND_TOKEN=$(admin_token)
export TEND_TOKEN
start_tend "/tmp/tend-bench-read.log"
echo "RESULT ready_ms=$READY_MS rss_after_start_mib=$(rss_mib "$SERVER_PID")"
max_id=$(curl -sf -H "Authorization: Bearer $TEND_TOKEN" "$BENCH_URL/api/v1/conversations?limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
export TEND_MAX_ID=$max_id
echo "conversations: ids 1..$max_id"
# Warm the page cache the way a running desk would have it.
wrk -t1 -c4 -d5s -s bench/lua/get_random.lua "$BENCH_URL" >/dev/null
for c in $counts; do
  t=$(( c < 2 ? 1 : 2 ))
  export TEND_PATH="/api/v1/conversations?status=open&limit=50"
  echo "== list: wrk -t$t -c$c -d$duration --latency -s bench/lua/get_path.lua (TEND_PATH=$TEND_PATH)"
  wrk -t$t -c"$c" -d"$duration" --latency -s bench/lua/get_path.lua "$BENCH_URL" | grep RESULT
  echo "== view: wrk -t$t -c$c -d$duration --latency -s bench/lua/get_random.lua (TEND_MAX_ID=$max_id)"
  TEND_SUFFIX= wrk -t$t -c"$c" -d"$duration" --latency -s bench/lua/get_random.lua "$BENCH_URL" | grep RESULT
  echo "== messages: wrk -t$t -c$c -d$duration --latency -s bench/lua/get_random.lua (TEND_SUFFIX=/messages)"
  TEND_SUFFIX=/messages wrk -t$t -c"$c" -d"$duration" --latency -s bench/lua/get_random.lua "$BENCH_URL" | grep RESULT
done
echo "RESULT rss_after_load_mib=$(rss_mib "$SERVER_PID")"
stop_server
