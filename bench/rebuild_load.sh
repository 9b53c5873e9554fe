#!/usr/bin/env bash
# Foreground latency while the search index is built from a large
# database (issue 26, item 2), and the build's memory:
#   bench/rebuild_load.sh DATA_DIR [DURATION]        default 20s
# DATA_DIR is a seeded data directory (bench/seed.sh; SEED_INDEX=0 leaves
# the index out). Its index is removed, then:
#   1. bench/read_latency.sh and bench/ui_latency.sh (1 and 8 connections)
#      while each one's `tend serve` builds the index (a build goes on from
#      its last commit after each restart); the build's progress is printed
#      between them;
#   2. one `tend serve` until the build is done: its time and the server's
#      peak resident memory (anon and file) while building;
#   3. the same two scripts again on the built index, for comparison.
source "$(dirname "$0")/lib.sh"
dir=${1:?usage: bench/rebuild_load.sh DATA_DIR [DURATION]}
duration=${2:-20s}
build_release
export TEND_DATA_DIR=$dir
export BENCH_NO_BUILD=1 TEND_BIN
# The demo data holds tens of thousands of solves past the quiet period:
# without this, every start would work through closing them (paced) while
# the latency is measured.
export TEND_SURVEY_QUIET_DAYS=${TEND_SURVEY_QUIET_DAYS:-365}
trap stop_server EXIT
machine

build_state() { # the build's position from the index's last commit
  python3 - "$dir/search/meta.json" <<'PY'
import json, sys
try:
    p = json.loads(json.load(open(sys.argv[1]))["payload"])
except Exception:
    print("no commit yet"); sys.exit()
b = p.get("build")
print(f"building: {b['conversations']} conversations done" if b else f"built (cursor {p['cursor']})")
PY
}

rm -rf "$dir/search"
echo "== 1. while the index is built"
bench/read_latency.sh "$dir" "$duration" 1 8 | grep -E '^==|RESULT'
echo "index: $(build_state)"
bench/ui_latency.sh "$dir" "$duration" 1 8 | grep -E '^==|RESULT'
echo "index: $(build_state)"

echo "== 2. finishing the build"
t0=$(date +%s)
RUST_LOG=info start_tend "$dir/rebuild-serve.log"
peak_anon=0 peak_file=0
while [ "$(build_state | cut -c1-5)" != built ]; do
  read -r anon file < <(awk '/^RssAnon/{a=$2} /^RssFile/{f=$2} END{print a, f}' "/proc/$SERVER_PID/status")
  [ "$anon" -gt "$peak_anon" ] && peak_anon=$anon
  [ "$file" -gt "$peak_file" ] && peak_file=$file
  sleep 0.5
done
echo "RESULT build finished $(( $(date +%s) - t0 )) s after this start; peak anon=$((peak_anon / 1024))MiB file=$((peak_file / 1024))MiB"
grep "search index built" "$dir/rebuild-serve.log" | tail -1 || echo "(built before this start)"
echo "RESULT after the build: $(rss_kinds "$SERVER_PID")"
stop_server

echo "== 3. the same load on the built index"
bench/read_latency.sh "$dir" "$duration" 1 8 | grep -E '^==|RESULT'
bench/ui_latency.sh "$dir" "$duration" 1 8 | grep -E '^==|RESULT'
