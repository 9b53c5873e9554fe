#!/usr/bin/env bash
# Automation rules under load (issue 20), on SQLite, with the release binary.
#
#   bench/automation.sh rules [RULES] [SEED] [DURATION] [CONNECTIONS] [ROUNDS]
#     Creation throughput (bench/lua/create.lua through wrk) on a database
#     already holding SEED conversations, alternating a desk without rules
#     and one with RULES active event rules (default 50): spread over
#     conversation_created, message_added, status_changed and tags_changed,
#     with conditions on status, priority, channel, tags, language, the
#     inbox, the customer's address, the subject and the message text
#     (search folding) that a real desk would have, none of which holds
#     for bench/lua/create.lua's bodies: the cost of checking the rules.
#     BENCH_FIRING=1 turns two of every ten into `priority is high|urgent`,
#     which hold for some bodies: those rules act (add a tag), which costs
#     what the same change by an agent costs. Prints requests/s of each
#     desk, their ratio, and the rules evaluated and fired per second.
#     Defaults: 50 20000 30s 32 2.
#
#   bench/automation.sh evaluations [RULES] [DURATION] [CONNECTIONS]
#     RULES (default 200) active rules on conversation_created whose
#     conditions do not hold, creation load for DURATION: rule
#     evaluations per second on SQLite, counted by the server.
source "$(dirname "$0")/lib.sh"
mode=${1:-rules}
ensure_wrk
build_release

api() { # METHOD PATH [JSON]
  curl -sf -X "$1" "${BENCH_URL}/api/v1$2" -H "Authorization: Bearer $TEND_TOKEN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

db_query() {
  python3 - "$TEND_DATA_DIR/tend.db" "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
print(c.execute(sys.argv[2]).fetchone()[0])
EOF
}

metric() { # NAME → its value on /metrics (0 when absent)
  curl -sf "http://127.0.0.1:${METRICS_PORT}/metrics" \
    | awk -v m="$1" '$1 == m {print $2; f=1} END {if (!f) print 0}'
}

METRICS_PORT=$((BENCH_PORT + 1))
export TEND_METRICS_LISTEN="127.0.0.1:${METRICS_PORT}"

fresh() { # LABEL
  dir=$(mktemp -d "/tmp/tend-bench-automation-$1.XXXXXX")
  export TEND_DATA_DIR=$dir
  TEND_TOKEN=$(admin_token)
  export TEND_TOKEN
  start_tend "$dir/serve.log"
}

cleanup() {
  stop_server
  [ -n "${dir:-}" ] && rm -rf "$dir"
}
trap cleanup EXIT

seed_to() {
  while [ "$(db_query 'SELECT COUNT(*) FROM conversations')" -lt "$1" ]; do
    wrk -t2 -c32 -d5s -s bench/lua/create.lua "$BENCH_URL" >/dev/null
  done
}

# N rules on conversation_created that never hold.
idle_rules() {
  local n=$1 i
  for i in $(seq 0 $((n - 1))); do
    api POST /automations "{\"name\": \"never $i\", \"active\": true, \"position\": $i,
      \"when\": {\"event\": \"conversation_created\"},
      \"conditions\": {\"all\": [{\"field\": \"tags\", \"op\": \"is\", \"value\": \"never-$i\"},
                               {\"field\": \"text\", \"op\": \"contains\", \"value\": \"never $i\"}]},
      \"actions\": [{\"type\": \"add_tags\", \"value\": [\"x\"]}]}" >/dev/null
  done
}

run_wrk() { # DURATION CONNECTIONS [PREFIX] → prints wrk's RESULT lines; sets REQ_S
  local out
  out=$(wrk -t2 -c"$2" -d"$1" --latency -s bench/lua/create.lua "$BENCH_URL")
  echo "$out" | grep RESULT | sed "s/^/${3:-}/"
  REQ_S=$(echo "$out" | sed -n 's/^RESULT requests=.* rps=\([0-9.]*\).*/\1/p')
  REQS=$(echo "$out" | sed -n 's/^RESULT requests=\([0-9]*\) .*/\1/p')
}

# The server's CPU per request by thread name, between two
# bench/thread_cpu.sh snapshots.
thread_ms() { # BEFORE AFTER REQUESTS PREFIX
  join "$1" "$2" | awk -v n="$3" -v p="$4" '{printf "%sRESULT cpu_ms_per_request thread=%s %.3f\n", p, $1, ($3-$2)*10/n}'
}

machine

case "$mode" in
rules)
  rules=${2:-50}
  seed=${3:-20000}
  duration=${4:-30s}
  conns=${5:-32}
  rounds=${6:-2}
  echo "mode: rules, $rules event rules, seed $seed, wrk -t2 -c$conns -d$duration, $rounds rounds"
  for round in $(seq 1 "$rounds"); do
    declare -A rate=()
    for desk in none rules; do
      fresh "$desk"
      [ "$desk" = rules ] && desk_rules "$rules"
      seed_to "$seed"
      wait_idle "$SERVER_PID" 1 0.05
      e0=$(metric tend_automation_evaluations_total)
      f0=$(metric tend_automation_fired_total)
      echo "round $round, desk $desk: $(db_query 'SELECT COUNT(*) FROM conversations') conversations, $(db_query 'SELECT COUNT(*) FROM automations WHERE active = 1') active rules"
      bench/thread_cpu.sh "$SERVER_PID" > "$dir/threads-before"
      run_wrk "$duration" "$conns" "  $desk: "
      bench/thread_cpu.sh "$SERVER_PID" > "$dir/threads-after"
      thread_ms "$dir/threads-before" "$dir/threads-after" "$REQS" "  $desk: "
      e1=$(metric tend_automation_evaluations_total)
      f1=$(metric tend_automation_fired_total)
      secs=${duration%s}
      echo "  $desk: RESULT evaluations_per_sec=$(echo "($e1 - $e0) / $secs" | bc) fired_per_sec=$(echo "($f1 - $f0) / $secs" | bc)"
      rate[$desk]=$REQ_S
      cleanup
    done
    echo "round $round: RESULT ratio rules/none = $(echo "scale=3; ${rate[rules]} / ${rate[none]}" | bc)"
  done
  ;;
evaluations)
  rules=${2:-200}
  duration=${3:-30s}
  conns=${4:-32}
  echo "mode: evaluations, $rules rules on conversation_created, wrk -t2 -c$conns -d$duration"
  fresh evaluations
  idle_rules "$rules"
  wait_idle "$SERVER_PID" 1 0.05
  e0=$(metric tend_automation_evaluations_total)
  run_wrk "$duration" "$conns"
  e1=$(metric tend_automation_evaluations_total)
  secs=${duration%s}
  echo "RESULT rules=$rules evaluations=$(echo "$e1 - $e0" | bc) evaluations_per_sec=$(echo "($e1 - $e0) / $secs" | bc)"
  ;;
*)
  echo "usage: bench/automation.sh rules [RULES] [SEED] [DURATION] [CONNECTIONS] [ROUNDS] | evaluations [RULES] [DURATION] [CONNECTIONS]" >&2
  exit 2
  ;;
esac
