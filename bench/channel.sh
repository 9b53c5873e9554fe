#!/usr/bin/env bash
# Inbound messages through the generic channel API (issue 24): a release
# `tend serve` on SQLite with one inbox of kind api and its secret; wrk
# posts signed messages (bench/lua/channel.lua) that bench/channel.py
# signed beforehand, so the load generator spends nothing on HMACs while
# Tend checks every signature (and the 5-minute replay window). Message i
# comes from sender i % 5000: a sender's first message creates a
# conversation, the later ones are appended to it (en/ja/ko/lv/ca in
# turn, so each is a language detection too).
#   bench/channel.sh [DURATION] [CONNECTIONS] [THREADS] [MESSAGES]
# Defaults: 20s 32 2 200000 (MESSAGES must exceed what the run posts:
# past the end the answers are duplicates, reported apart).
source "$(dirname "$0")/lib.sh"
duration=${1:-20s}
conns=${2:-32}
threads=${3:-2}
messages=${4:-200000}
ensure_wrk
build_release
dir=$(mktemp -d /tmp/tend-bench-channel.XXXXXX)
export TEND_DATA_DIR=$dir
secret=bench-channel-secret-0123456789
cleanup() {
  stop_server
  rm -rf "$dir"
}
trap cleanup EXIT

machine
echo "backend: sqlite"
TEND_TOKEN=$(admin_token)
inbox=$($TEND_BIN admin create-inbox --kind api --name "Bench channel")
start_tend "$dir/serve.log"
curl -sf -X PATCH "${BENCH_URL}/api/v1/inboxes/${inbox}" -H "Authorization: Bearer $TEND_TOKEN" \
  -H 'Content-Type: application/json' -d "{\"secret\": \"${secret}\"}" >/dev/null
python3 bench/channel.py prepare "$secret" 5000 "$dir/warm.tsv" warm
python3 bench/channel.py prepare "$secret" "$messages" "$dir/run.tsv" run
export CHANNEL_INBOX=$inbox CHANNEL_THREADS=$threads
echo "warm-up: 5s"
CHANNEL_FILE=$dir/warm.tsv wrk -t"$threads" -c"$conns" -d5s -s bench/lua/channel.lua "$BENCH_URL" >/dev/null
echo "command: wrk -t$threads -c$conns -d$duration --latency -s bench/lua/channel.lua $BENCH_URL ($messages messages prepared)"
cpu0=$(cpu_seconds "$SERVER_PID")
CHANNEL_FILE=$dir/run.tsv wrk -t"$threads" -c"$conns" -d"$duration" --latency -s bench/lua/channel.lua "$BENCH_URL" \
  | tee "$dir/wrk.txt" | grep RESULT
cpu1=$(cpu_seconds "$SERVER_PID")
requests=$(sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p' "$dir/wrk.txt")
echo "RESULT server_cpu_seconds=$(echo "$cpu1 - $cpu0" | bc) cpu_ms_per_message=$(echo "scale=3; ($cpu1 - $cpu0) * 1000 / $requests" | bc)"
echo "RESULT server_rss_after_mib=$(rss_mib "$SERVER_PID")"
stop_server
sqlite3_count() {
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*[c.execute(q).fetchone()[0] for q in sys.argv[2:]])" "$@"
}
read -r convs msgs < <(sqlite3_count "$dir/tend.db" \
  "SELECT COUNT(*) FROM conversations WHERE channel = 'api'" "SELECT COUNT(*) FROM channel_inbound")
echo "RESULT stored conversations=$convs channel_messages=$msgs (warm-up included)"
