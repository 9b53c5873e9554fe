#!/usr/bin/env bash
# Chat sockets: SESSIONS visitor sessions with two widget WebSockets each
# (10,000 sockets by default) held open against a release `tend serve` on
# SQLite, then visitor messages at RATE per second for SECONDS. Delivery
# latency is timed from one tab sending to the other tab receiving (store +
# fan-out); lost and duplicated messages are counted. Tend's RSS is sampled
# every 0.5 s.
#   bench/chat.sh [SESSIONS] [RATE] [SECONDS]      defaults: 5000 1000 30
source "$(dirname "$0")/lib.sh"
sessions=${1:-5000}
rate=${2:-1000}
secs=${3:-30}
ensure_tools
build_release
target=${CARGO_TARGET_DIR:-target}
[ "${BENCH_NO_BUILD:-0}" = 1 ] || cargo build --release -p tend-bench-chat >&2
GEN=${BENCH_CHAT_BIN:-$target/release/tend-bench-chat}
dir=$(mktemp -d /tmp/tend-bench-chat.XXXXXX)
export TEND_DATA_DIR=$dir
# One machine plays every visitor: lift the per-IP limits on new sessions
# and on open sockets.
export TEND_PUBLIC_RATE_PER_MINUTE=100000000
export TEND_CHAT_MAX_SOCKETS_PER_IP=0
cleanup() {
  [ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2>/dev/null || true
  stop_server
  rm -rf "$dir"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

machine
inbox=$($TEND_BIN admin create-inbox --kind chat --name "Bench chat")
start_tend "$dir/serve.log"
sleep 1
echo "idle RSS: $(rss_mib "$SERVER_PID") MiB"
( peak=0
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    r=$(awk '/VmRSS/{print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
    [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" > "$dir/peak"
    sleep 0.5
  done ) &
SAMPLER=$!
cpu0=$(cpu_seconds "$SERVER_PID")
echo "command: $GEN $BENCH_URL $inbox $sessions $rate $secs"
"$GEN" "$BENCH_URL" "$inbox" "$sessions" "$rate" "$secs" | tee "$dir/gen.txt"
cpu1=$(cpu_seconds "$SERVER_PID")
echo "Tend RSS at the end (sockets still open until the generator exited): $(rss_mib "$SERVER_PID") MiB"
echo "Tend peak RSS: $(awk '{printf "%.1f", $1/1024}' "$dir/peak") MiB"
echo "Tend CPU: $(echo "$cpu1 - $cpu0" | bc) s"
echo "rows: messages=$(sqlite3 "$dir/tend.db" 'SELECT COUNT(*) FROM messages' 2>/dev/null || echo '?') conversations=$(sqlite3 "$dir/tend.db" 'SELECT COUNT(*) FROM conversations' 2>/dev/null || echo '?')"
echo "Tend CPU by thread (s):"
for t in /proc/"$SERVER_PID"/task/*; do
  printf '%s %s\n' "$(cat "$t/comm")" "$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "$t/stat")"
done | awk '{a[$1]+=$2} END {for (k in a) printf "  %-20s %6.2f\n", k, a[k]}' | sort -k2 -nr | head -8
