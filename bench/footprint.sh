#!/usr/bin/env bash
# (c) Footprint: start-up time (spawn until /readyz answers 200) and idle
# RSS of `tend serve`, on an empty database and on an existing one.
#   bench/footprint.sh [SEEDED_DATA_DIR] [RUNS]
# Without SEEDED_DATA_DIR only the empty database is measured. Each case is
# started RUNS times (default 5); the first start of the empty case also
# creates and migrates the database and is reported separately.
source "$(dirname "$0")/lib.sh"
seeded=${1:-}
runs=${2:-5}
build_release
machine
measure() {
  local label=$1 times=() rss=()
  for i in $(seq 1 "$runs"); do
    start_tend "/tmp/tend-bench-footprint.log"
    times+=("$READY_MS")
    sleep 2
    rss+=("$(rss_mib "$SERVER_PID")")
    stop_server
  done
  echo "RESULT $label ready_ms=[${times[*]}] idle_rss_mib=[${rss[*]}]"
}
trap stop_server EXIT
empty=$(mktemp -d /tmp/tend-bench-empty.XXXXXX)
export TEND_DATA_DIR=$empty
start_tend "/tmp/tend-bench-footprint.log"
echo "RESULT first_start_creating_db ready_ms=$READY_MS"
stop_server
measure empty_db
rm -rf "$empty"
if [ -n "$seeded" ]; then
  export TEND_DATA_DIR=$seeded
  measure "seeded_db($seeded)"
fi
