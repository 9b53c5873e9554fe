#!/usr/bin/env bash
# Two nodes on one PostgreSQL database (issue 26, item 6), release binary:
#   bench/nodes.sh [SESSIONS] [RATE] [SECONDS] [PROBES]   defaults 1000 1000 20 50
# 1. Chat across nodes: `tend-bench-chat` with every session's tab A on
#    node 1 and tab B on node 2, RATE visitor messages a second for SECONDS;
#    the delivery latency is from tab A sending to tab B (on the other
#    node) receiving.
# 2. `bench/nodes_probe.py`: PROBES conversations created one at a time on
#    node 1; how long until node 2's live stream (`/live`) announces each,
#    and until node 2's search finds it.
source "$(dirname "$0")/lib.sh"
sessions=${1:-1000}
rate=${2:-1000}
secs=${3:-20}
probes=${4:-50}
ensure_tools
build_release
target=${CARGO_TARGET_DIR:-target}
[ "${BENCH_NO_BUILD:-0}" = 1 ] || cargo build --release -p tend-bench-chat >&2
GEN=${BENCH_CHAT_BIN:-$target/release/tend-bench-chat}
db=$(fresh_pg_db)
export TEND_DATABASE_URL=$db
dir1=$(mktemp -d /tmp/tend-bench-node1.XXXXXX)
dir2=$(mktemp -d /tmp/tend-bench-node2.XXXXXX)
export TEND_PUBLIC_RATE_PER_MINUTE=100000000
export TEND_CHAT_MAX_SOCKETS_PER_IP=0
# Every node of one database seals secrets with the same key.
export TEND_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
PORT2=$((BENCH_PORT + 1))
URL2="http://127.0.0.1:${PORT2}"
cleanup() {
  stop_server
  [ -n "${PID2:-}" ] && kill -TERM "$PID2" 2>/dev/null && wait "$PID2" 2>/dev/null || true
  drop_pg_db "$db"
  rm -rf "$dir1" "$dir2"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

machine
export TEND_DATA_DIR=$dir1
inbox=$($TEND_BIN admin create-inbox --kind chat --name "Bench chat")
echo "bench nodes password" | $TEND_BIN admin create-user --email bench-nodes@tend-bench.example \
  --name "Bench Nodes" --role admin --password-stdin >/dev/null
TEND_TOKEN=$(admin_token)
start_tend "$dir1/serve.log"
TEND_DATA_DIR=$dir2 RUST_LOG=${RUST_LOG:-warn} TEND_HTTP_LISTEN="127.0.0.1:${PORT2}" \
  $TEND_BIN serve >"$dir2/serve.log" 2>&1 &
PID2=$!
until curl -sf -o /dev/null "$URL2/readyz"; do sleep 0.05; done
echo "nodes: $BENCH_URL (pid $SERVER_PID) and $URL2 (pid $PID2) on one PostgreSQL database"

echo "== chat across nodes =="
echo "command: $GEN $BENCH_URL,$URL2 $inbox $sessions $rate $secs"
"$GEN" "$BENCH_URL,$URL2" "$inbox" "$sessions" "$rate" "$secs"

echo "== a write on node 1, seen on node 2 =="
cookie=$(curl -s -o /dev/null -D - -X POST "$URL2/login" \
  --data-urlencode "email=bench-nodes@tend-bench.example" --data-urlencode "password=bench nodes password" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(tend_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
echo "command: bench/nodes_probe.py $BENCH_URL $URL2 TOKEN COOKIE $probes"
python3 bench/nodes_probe.py "$BENCH_URL" "$URL2" "$TEND_TOKEN" "$cookie" "$probes"
