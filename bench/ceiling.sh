#!/usr/bin/env bash
# (d) Ceiling: the same load tool against a trivial axum 0.8 server
# (bench/ceiling) on the same machine: GET / ("Hello, World!") and the
# create script against its POST /api/v1/conversations stub (reads the
# body, answers 201). Compare with bench/create_throughput.sh.
#   bench/ceiling.sh [DURATION] [CONNECTIONS] [THREADS]
source "$(dirname "$0")/lib.sh"
duration=${1:-30s}
conns=${2:-32}
threads=${3:-2}
ensure_wrk
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  cargo build --release -p tend-bench-ceiling >&2
fi
machine
${CEILING_BIN:-target/release/tend-bench-ceiling} "127.0.0.1:${BENCH_PORT}" 2>/dev/null &
SERVER_PID=$!
trap stop_server EXIT
wait_ready "$(date +%s%N)"
export TEND_TOKEN=unused
echo "== hello: wrk -t$threads -c$conns -d$duration --latency -s bench/lua/hello.lua $BENCH_URL/"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s bench/lua/hello.lua "$BENCH_URL/" | grep RESULT
echo "== create stub: wrk -t$threads -c$conns -d$duration --latency -s bench/lua/create.lua $BENCH_URL"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s bench/lua/create.lua "$BENCH_URL" | grep RESULT
echo "RESULT ceiling_rss_mib=$(rss_mib "$SERVER_PID")"
