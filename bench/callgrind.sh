#!/usr/bin/env bash
# CPU cost per operation that does not depend on what else runs on the
# machine: `tend serve` under valgrind's callgrind counts the instructions
# its threads execute (user space only: system calls and the kernel's
# thread switching are not counted; bench/thread_cpu.sh and the
# server_cpu figures of the other scripts include them).
#   bench/callgrind.sh create [SECONDS] [CONNECTIONS]   API creations (lua/create.lua)
#   bench/callgrind.sh smtp [COUNT] [CONNECTIONS]       SMTP ingest (deliver.py mix)
# BENCH_SLA=1 adds a service-level policy first (bench/lib.sh's
# riga_sla_policy), so that each conversation starts its clocks.
# BENCH_RULES=N adds N active automation rules first (bench/lib.sh's
# desk_rules, as bench/automation.sh; BENCH_FIRING=1 makes some act).
# Counting starts after a warm-up (lingua's models, tantivy's first
# segment) and stops once the server is idle again, so the search indexer's
# work for these operations is included. Prints RESULT lines with the
# instructions per operation and the top functions (inclusive), and leaves
# the profile in $CALLGRIND_OUT (default /tmp/tend-callgrind.out) for
# callgrind_annotate.
BENCH_PROFILE=${BENCH_PROFILE:-profiling}
source "$(dirname "$0")/lib.sh"
mode=${1:-create}
ensure_tools
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
build_release
OUT=${CALLGRIND_OUT:-/tmp/tend-callgrind.out}
WORK=$(mktemp -d /tmp/tend-callgrind.XXXXXX)
export TEND_DATA_DIR=$WORK
SMTP_PORT=${BENCH_SMTP_PORT:-12527}
export TEND_SMTP_LISTEN="127.0.0.1:${SMTP_PORT}"
# Every session comes from 127.0.0.1: lift the per-address cap (default 20)
# above the load generator's connections.
export TEND_SMTP_MAX_SESSIONS_PER_IP=${TEND_SMTP_MAX_SESSIONS_PER_IP:-100}
trap 'stop_server; rm -rf "$WORK"' EXIT
machine
$TEND_BIN admin create-inbox --kind email --address support@example.com >/dev/null
TEND_TOKEN=$(admin_token)
export TEND_TOKEN
t0=$(date +%s%N)
RUST_LOG=warn TEND_HTTP_LISTEN="127.0.0.1:${BENCH_PORT}" valgrind --tool=callgrind \
  --callgrind-out-file="$OUT" $TEND_BIN serve >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
wait_ready "$t0"
# BENCH_SLA=1: a service-level policy gives every new conversation clocks.
[ "${BENCH_SLA:-0}" = 1 ] && { riga_sla_policy; echo "service levels: every conversation gets clocks"; }
[ -n "${BENCH_RULES:-}" ] && { desk_rules "$BENCH_RULES"; echo "automation: $BENCH_RULES active rules (firing: ${BENCH_FIRING:-0})"; }
# The pid of the valgrind process is the server's.
conversations() {
  curl -sf -H "Authorization: Bearer $TEND_TOKEN" "$BENCH_URL/api/v1/conversations/counts" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["new"])'
}
# Under valgrind everything is some 50 times slower.
idle() { wait_idle "$SERVER_PID" 2 0.1; }
case "$mode" in
  create)
    secs=${2:-20}
    conns=${3:-8}
    wrk -t1 -c"$conns" -d5s -s bench/lua/create.lua "$BENCH_URL" >/dev/null
    idle
    before=$(conversations)
    callgrind_control --zero "$SERVER_PID" >/dev/null
    echo "command: wrk -t1 -c$conns -d${secs}s -s bench/lua/create.lua (server under callgrind)"
    wrk -t1 -c"$conns" -d"${secs}s" -s bench/lua/create.lua "$BENCH_URL" | grep RESULT
    ;;
  smtp)
    count=${2:-1000}
    conns=${3:-8}
    python3 crates/tend/tests/smtp/deliver.py --port "$SMTP_PORT" --count 50 --connections 2 \
      --run "warm$$" >/dev/null
    idle
    before=$(conversations)
    callgrind_control --zero "$SERVER_PID" >/dev/null
    echo "command: deliver.py --count $count --connections $conns --pregenerate (server under callgrind)"
    python3 crates/tend/tests/smtp/deliver.py --port "$SMTP_PORT" --count "$count" \
      --connections "$conns" --pregenerate --run "cg$$" > "$WORK/deliver.out" 2>/dev/null || true
    echo "RESULT accepted=$(grep -c '^250 ' "$WORK/deliver.out" || true) of $count"
    ;;
  *) echo "unknown mode $mode (create or smtp)" >&2; exit 2 ;;
esac
idle
after=$(conversations)
callgrind_control --dump="measured" "$SERVER_PID" >/dev/null
sleep 1
ops=$(( after - before ))
dump=$(ls -t "$OUT"* | head -1)
total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1; exit}')
echo "RESULT operations=$ops instructions=$total per_operation=$(( total / (ops > 0 ? ops : 1) ))"
echo "top functions (inclusive, share of all instructions):"
callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | sed -n '/^Ir/,$p' | sed -n '3,40p' | cut -c1-200
echo "profile: $dump"
