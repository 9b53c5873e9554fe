# Shared helpers for the benchmark scripts (sourced, not run).
# Every script runs from the repository root and uses the release binary.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# BENCH_PROFILE=profiling builds and runs the release code with line tables
# (for perf and callgrind); the default is the stripped release binary.
BENCH_PROFILE=${BENCH_PROFILE:-release}
TEND_BIN=${TEND_BIN:-${CARGO_TARGET_DIR:-target}/${BENCH_PROFILE}/tend}
BENCH_PORT=${BENCH_PORT:-18080}
BENCH_URL="http://127.0.0.1:${BENCH_PORT}"
PG_SERVER=${BENCH_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
# Sender authentication asks DNS for every mail; the benchmark machine has
# no resolver to ask (and the figures are of Tend, not of DNS). Set
# TEND_MAIL_AUTH=on with TEND_DNS_RESOLVER to measure it with a local one.
export TEND_MAIL_AUTH=${TEND_MAIL_AUTH:-off}

# Installs the load generator and small tools from Debian when missing.
ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v bc >/dev/null || missing+=(bc)
  command -v curl >/dev/null || missing+=(curl)
  [ -x /usr/bin/time ] || missing+=(time)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian packages)…" >&2
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
ensure_wrk() { ensure_tools; }

# Builds the release binary unless BENCH_NO_BUILD=1 (e.g. to reuse one).
build_release() {
  if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    cargo build --profile "$BENCH_PROFILE" -p tend "$@" >&2
  fi
}

machine() {
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo "tend: $($TEND_BIN --version 2>/dev/null || echo '?') ($TEND_BIN)"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine competes for the 2 cores)"
}

# A fresh PostgreSQL database; prints its URL.
fresh_pg_db() {
  local name="tend_bench_$(date +%s)_$$"
  psql "${PG_SERVER}/postgres" -qc "CREATE DATABASE ${name}" >&2
  echo "${PG_SERVER}/${name}"
}

drop_pg_db() {
  local name=${1##*/}
  psql "${PG_SERVER}/postgres" -qc "DROP DATABASE IF EXISTS ${name} WITH (FORCE)" >&2 || true
}

# An admin and their API token in the database of the current environment.
admin_token() {
  $TEND_BIN admin create-user --email bench-admin@tend-bench.example \
    --name "Bench Admin" --role admin >/dev/null 2>&1 || true
  $TEND_BIN admin create-token --email bench-admin@tend-bench.example --name bench 2>/dev/null
}

# Starts `tend serve` on BENCH_PORT; sets SERVER_PID and READY_MS (spawn
# until /readyz answered 200).
start_tend() {
  local log=${1:-/tmp/tend-bench-serve.log}
  local t0 t1
  t0=$(date +%s%N)
  RUST_LOG=${RUST_LOG:-warn} TEND_HTTP_LISTEN="127.0.0.1:${BENCH_PORT}" $TEND_BIN serve >"$log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$t0"
}

wait_ready() {
  local t0=$1
  for _ in $(seq 1 3000); do
    if curl -sf -o /dev/null "${BENCH_URL}/readyz"; then
      READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "the server exited; see its log" >&2
      return 1
    fi
    sleep 0.005
  done
  echo "the server did not become ready" >&2
  return 1
}

stop_server() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}

rss_mib() {
  awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/$1/status"
}

# A process's resident memory by kind, in MiB: all, anon (the heap) and
# file (mapped files, e.g. the search index's segments, which the kernel
# may drop and read again), as `tend_process_resident_kind_bytes` reports.
rss_kinds() {
  awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2}
       END{printf "rss=%.1fMiB anon=%.1fMiB file=%.1fMiB", r/1024, a/1024, f/1024}' "/proc/$1/status"
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
}

# Context switches (voluntary + involuntary) of all of a process's
# threads so far: each hand-over between threads (the writer and sqlx's
# worker for its connection, say) is one or two of them.
context_switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null \
    | awk '/^(nonvoluntary|voluntary)_ctxt_switches/{n += $2} END{print n}'
}

# Waits until process PID uses less than LIMIT CPU seconds per INTERVAL
# seconds (e.g. the search indexer has caught up); sets IDLE_CPU to its CPU
# seconds then.
#   wait_idle PID [INTERVAL] [LIMIT]      (defaults 0.5 s and 0.02 s)
wait_idle() {
  local pid=$1 interval=${2:-0.5} limit=${3:-0.02} prev
  prev=$(cpu_seconds "$pid")
  while :; do
    sleep "$interval"
    IDLE_CPU=$(cpu_seconds "$pid")
    [ "$(echo "$IDLE_CPU - $prev < $limit" | bc)" = 1 ] && break
    prev=$IDLE_CPU
  done
}

# A service-level policy for every conversation, on business hours of a
# Riga calendar (first response 4 h, next response 2 h, resolution 2 days):
# from then on each new conversation starts running clocks. Needs
# BENCH_URL and TEND_TOKEN of a running server.
riga_sla_policy() {
  local cal
  cal=$(curl -sf -X POST "${BENCH_URL}/api/v1/calendars" -H "Authorization: Bearer $TEND_TOKEN" \
    -H 'Content-Type: application/json' -d '{"name": "Rīga", "timezone": "Europe/Riga",
      "hours": {"mon": [["09:00","13:00"],["14:00","18:00"]], "tue": [["09:00","13:00"],["14:00","18:00"]],
                "wed": [["09:00","13:00"],["14:00","18:00"]], "thu": [["09:00","13:00"],["14:00","18:00"]],
                "fri": [["09:00","17:00"]]},
      "holidays": [{"date": "2026-12-24"}, {"date": "2026-12-25"}]}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sf -X POST "${BENCH_URL}/api/v1/sla-policies" -H "Authorization: Bearer $TEND_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"name\": \"Everyone\", \"position\": 1, \"calendar_id\": $cal,
      \"targets\": {\"first_response\": 240, \"next_response\": 120, \"resolution\": 2880}}" >/dev/null
}

# N active rules of a realistic desk (bench/automation.sh's header says
# which; BENCH_FIRING=1 makes two in ten hold for some bodies).
desk_rules() {
  local n=$1 i event cond action
  local events=(conversation_created message_added status_changed tags_changed)
  for i in $(seq 0 $((n - 1))); do
    event=${events[$((i % 4))]}
    case $((i % 10)) in
      0) cond='{"field": "text", "op": "contains", "value": "'"refund-$i"'"}' ;;
      1) cond='{"field": "tags", "op": "is", "value": "'"vip-$i"'"}' ;;
      2) if [ "${BENCH_FIRING:-0}" = 1 ]; then
           cond='{"field": "priority", "op": "is", "value": "urgent"}'
         else
           cond='{"field": "tags", "op": "is", "value": "escalated"}'
         fi ;;
      3) cond='{"field": "channel", "op": "is", "value": "chat"}' ;;
      4) cond='{"field": "customer.email", "op": "contains", "value": "'"partner$i.example"'"}' ;;
      5) cond='{"field": "language", "op": "in", "value": ["de", "fr", "es"]}' ;;
      6) cond='{"field": "subject", "op": "contains", "value": "'"outage $i"'"}' ;;
      7) cond='{"field": "status", "op": "is", "value": "solved"}' ;;
      8) cond='{"field": "text", "op": "contains", "value": "返金"}' ;;
      9) if [ "${BENCH_FIRING:-0}" = 1 ]; then
           cond='{"field": "priority", "op": "is", "value": "high"}'
         else
           cond='{"field": "inbox_id", "op": "is", "value": 999}'
         fi ;;
    esac
    action='{"type": "add_tags", "value": ["'"rule-$i"'"]}'
    curl -sf -X POST "${BENCH_URL}/api/v1/automations" -H "Authorization: Bearer $TEND_TOKEN" \
      -H 'Content-Type: application/json' -d "{\"name\": \"rule $i\", \"active\": true, \"position\": $i,
      \"when\": {\"event\": \"$event\"}, \"conditions\": {\"all\": [$cond]},
      \"actions\": [$action]}" >/dev/null
  done
}
