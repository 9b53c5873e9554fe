#!/usr/bin/env bash
# Webhook delivery (issue 20): a release `tend serve` on SQLite with one
# subscription on `created` to a local receiver (bench/webhooks.py, which
# answers 200 at once and checks every signature); N conversations created
# through the API at RATE per second (0: flat out) over THREADS
# connections. The latency is from the event's `created_at` (taken inside
# the write that commits it) to the receiver reading the delivery, over the
# N distinct deliveries.
# BENCH_WEBHOOK=0 runs the same creation without a subscription (the write
# path's baseline).
#   bench/webhooks.sh [N] [RATE] [THREADS]      defaults: 10000 500 4
source "$(dirname "$0")/lib.sh"
n=${1:-10000}
rate=${2:-500}
threads=${3:-4}
ensure_tools
build_release
dir=$(mktemp -d /tmp/tend-bench-hooks.XXXXXX)
export TEND_DATA_DIR=$dir
export TEND_PUBLIC_RATE_PER_MINUTE=100000000
rport=${BENCH_RECEIVER_PORT:-18099}
secret=bench-secret-0123456789
cleanup() {
  [ -n "${RECEIVER:-}" ] && kill "$RECEIVER" 2>/dev/null || true
  stop_server
  rm -rf "$dir"
}
trap cleanup EXIT

machine
echo "command: bench/webhooks.sh $n $rate $threads"
TEND_TOKEN=$(admin_token)
hook=${BENCH_WEBHOOK:-1}
if [ "$hook" = 1 ]; then
  python3 bench/webhooks.py receive "$rport" "$n" "$secret" "$dir/summary.txt" > "$dir/receiver.log" 2>&1 &
  RECEIVER=$!
fi
start_tend "$dir/serve.log"
if [ "$hook" = 1 ]; then
  curl -sf -X POST "${BENCH_URL}/api/v1/webhooks" -H "Authorization: Bearer $TEND_TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"url\": \"http://127.0.0.1:${rport}/hook\", \"events\": [\"created\"], \"secret\": \"${secret}\"}" >/dev/null
else
  echo "no subscription (BENCH_WEBHOOK=0)"
fi
cpu0=$(cpu_seconds "$SERVER_PID")
python3 bench/webhooks.py load "$BENCH_URL" "$TEND_TOKEN" "$n" "$rate" "$threads"
if [ "$hook" = 1 ]; then
  wait "$RECEIVER"
  RECEIVER=
  cat "$dir/summary.txt"
fi
cpu1=$(cpu_seconds "$SERVER_PID")
echo "Tend CPU: $(echo "$cpu1 - $cpu0" | bc) s; RSS $(rss_mib "$SERVER_PID") MiB"
