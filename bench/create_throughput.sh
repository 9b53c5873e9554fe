#!/usr/bin/env bash
# (a) Creation throughput: POST /api/v1/conversations with rotating
# multilingual bodies (bench/lua/create.lua), on a fresh database.
#   bench/create_throughput.sh [sqlite|postgres] [DURATION] [CONNECTIONS] [THREADS]
# Defaults: sqlite 30s 32 2. Prints wrk's RESULT lines (req/s, latency
# p50/p95/p99, non-201 count) and the rows in the database afterwards.
source "$(dirname "$0")/lib.sh"
backend=${1:-sqlite}
duration=${2:-30s}
conns=${3:-32}
threads=${4:-2}
ensure_wrk
build_release
dir=$(mktemp -d /tmp/tend-bench-create.XXXXXX)
export TEND_DATA_DIR=$dir
pg=
if [ "$backend" = postgres ]; then
  pg=$(fresh_pg_db)
  export TEND_DATABASE_URL=$pg
fi
cleanup() {
  stop_server
  [ -n "$pg" ] && drop_pg_db "$pg"
  rm -rf "$dir"
}
trap cleanup EXIT

machine
echo "backend: $backend"
TEND_TOKEN=$(admin_token)
export TEND_TOKEN
start_tend "$dir/serve.log"
echo "warm-up: 5s"
wrk -t"$threads" -c"$conns" -d5s -s bench/lua/create.lua "$BENCH_URL" >/dev/null
echo "command: wrk -t$threads -c$conns -d$duration --latency -s bench/lua/create.lua $BENCH_URL"
cpu0=$(cpu_seconds "$SERVER_PID")
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s bench/lua/create.lua "$BENCH_URL" | tee "$dir/wrk.txt" | grep RESULT
cpu1=$(cpu_seconds "$SERVER_PID")
requests=$(sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p' "$dir/wrk.txt")
# CPU per request does not depend on what else runs on the machine as much
# as req/s does: it tells what the server itself costs.
echo "RESULT server_cpu_seconds=$(echo "$cpu1 - $cpu0" | bc) cpu_ms_per_request=$(echo "scale=3; ($cpu1 - $cpu0) * 1000 / $requests" | bc)"
echo "RESULT server_rss_after_mib=$(rss_mib "$SERVER_PID")"
stop_server
