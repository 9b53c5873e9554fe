#!/usr/bin/env bash
# Service levels under load (issue 19), on SQLite, with the release binary.
#
#   bench/sla.sh clocks [SEED] [DURATION] [CONNECTIONS] [ROUNDS]
#     Creation throughput (bench/lua/create.lua through wrk) on a database
#     already holding SEED open conversations, alternating a desk without
#     service-level policies and one whose policy (business hours on a
#     Riga calendar, first response, next response and resolution) gives
#     every conversation running clocks. Defaults: 100000 30s 32 2.
#     BENCH_BASE_BIN=<a binary built before service levels existed> runs
#     the desk without policies on that binary instead: creation with
#     running clocks against creation as it was before them ("within 5 %
#     of today's", issue 19).
#
#   bench/sla.sh timer [N]
#     N conversations created as fast as the server takes them under a
#     one-minute first-response target, so that their N deadlines (and N
#     warnings, at 75 %) fall within the same minute; then how late the
#     timer fired each, read from the clocks (`warned_at - warn_at`,
#     `breached_at - due_at`). Default N: 10000.
source "$(dirname "$0")/lib.sh"
mode=${1:-clocks}
ensure_wrk
build_release

db_query() { # SQL → first column of the first row, read beside the running server (WAL)
  python3 - "$TEND_DATA_DIR/tend.db" "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
print(c.execute(sys.argv[2]).fetchone()[0])
EOF
}

api() { # METHOD PATH [JSON]
  curl -sf -X "$1" "${BENCH_URL}/api/v1$2" -H "Authorization: Bearer $TEND_TOKEN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

# Creates conversations with wrk until the database holds at least $1.
seed_to() {
  local want=$1
  while [ "$(db_query 'SELECT COUNT(*) FROM conversations')" -lt "$want" ]; do
    wrk -t2 -c32 -d5s -s bench/lua/create.lua "$BENCH_URL" >/dev/null
  done
}

fresh() { # LABEL: a fresh data directory and server
  dir=$(mktemp -d "/tmp/tend-bench-sla-$1.XXXXXX")
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

machine

case "$mode" in
clocks)
  seed=${2:-100000}
  duration=${3:-30s}
  conns=${4:-32}
  rounds=${5:-2}
  echo "mode: clocks, seed $seed, wrk -t2 -c$conns -d$duration, $rounds rounds"
  own_bin=$TEND_BIN
  for round in $(seq 1 "$rounds"); do
    for desk in none sla; do
      TEND_BIN=$own_bin
      if [ "$desk" = none ] && [ -n "${BENCH_BASE_BIN:-}" ]; then
        TEND_BIN=$BENCH_BASE_BIN
        echo "desk none runs $TEND_BIN: $($TEND_BIN --version 2>/dev/null || echo '?')"
      fi
      fresh "$desk"
      if [ "$desk" = sla ]; then
        riga_sla_policy
      fi
      seed_to "$seed"
      wait_idle "$SERVER_PID" 1 0.05
      echo "round $round, desk $desk: $(db_query 'SELECT COUNT(*) FROM conversations') conversations, $(db_query 'SELECT COUNT(*) FROM sla_clocks WHERE stopped_at IS NULL') open clocks"
      cpu0=$(cpu_seconds "$SERVER_PID")
      cs0=$(context_switches "$SERVER_PID")
      bench/thread_cpu.sh "$SERVER_PID" > "$dir/threads.before"
      out=$(wrk -t2 -c"$conns" -d"$duration" --latency -s bench/lua/create.lua "$BENCH_URL")
      bench/thread_cpu.sh "$SERVER_PID" > "$dir/threads.after"
      cpu1=$(cpu_seconds "$SERVER_PID")
      cs1=$(context_switches "$SERVER_PID")
      requests=$(echo "$out" | sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p')
      echo "$out" | grep RESULT | sed "s/^/  $desk: /"
      echo "  $desk: RESULT cpu_ms_per_request=$(echo "scale=3; ($cpu1 - $cpu0) * 1000 / $requests" | bc) context_switches_per_request=$(echo "scale=1; ($cs1 - $cs0) / $requests" | bc)"
      # By thread (threads that ended, such as tantivy's indexing threads
      # replaced at each commit, only in the total).
      join -a2 -e0 -o 0,1.2,2.2 "$dir/threads.before" "$dir/threads.after" \
        | awk -v n="$requests" -v total="$(echo "($cpu1 - $cpu0) * 100" | bc)" -v desk="$desk" \
          '{d=$3-$2; sum+=d; printf "  %s: thread %-18s %.3f ms/req\n", desk, $1, d*10/n}
           END {printf "  %s: thread %-18s %.3f ms/req\n", desk, "(ended)", (total-sum)*10/n}'
      cleanup
    done
  done
  ;;
timer)
  n=${2:-10000}
  echo "mode: timer, $n deadlines"
  fresh timer
  api POST /sla-policies '{"name": "One minute", "position": 1, "business_hours": false,
    "targets": {"first_response": 1}}' >/dev/null
  t0=$(date +%s%N)
  seed_to "$n"
  t1=$(date +%s%N)
  echo "created $(db_query 'SELECT COUNT(*) FROM conversations') conversations in $(( (t1 - t0) / 1000000 )) ms"
  echo "deadlines span $(db_query 'SELECT MAX(due_at) - MIN(due_at) FROM sla_clocks') ms"
  total=$(db_query 'SELECT COUNT(*) FROM sla_clocks')
  for _ in $(seq 1 600); do
    [ "$(db_query 'SELECT COUNT(*) FROM sla_clocks WHERE breached_at IS NOT NULL')" -ge "$total" ] && break
    sleep 1
  done
  python3 - "$TEND_DATA_DIR/tend.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
def line(what, sql):
    late = sorted(r[0] for r in c.execute(sql))
    if not late:
        print(f"RESULT {what}: none fired"); return
    pick = lambda q: late[min(len(late) - 1, int(q * len(late)))]
    print(f"RESULT {what}: fired={len(late)} late_ms p50={pick(.5)} p99={pick(.99)} max={late[-1]}")
line("warnings", "SELECT warned_at - warn_at FROM sla_clocks WHERE warned_at IS NOT NULL")
line("breaches", "SELECT breached_at - due_at FROM sla_clocks WHERE breached_at IS NOT NULL")
for kind in ("sla_warning", "sla_breached"):
    n, d = c.execute("SELECT COUNT(*), COUNT(DISTINCT conversation_id) FROM events WHERE kind = ?", (kind,)).fetchone()
    print(f"RESULT {kind} events={n} conversations={d}")
print("RESULT unfired", c.execute("SELECT COUNT(*) FROM sla_clocks WHERE breached_at IS NULL").fetchone()[0])
EOF
  ;;
*)
  echo "usage: bench/sla.sh clocks [SEED] [DURATION] [CONNECTIONS] [ROUNDS] | timer [N]" >&2
  exit 2
  ;;
esac
