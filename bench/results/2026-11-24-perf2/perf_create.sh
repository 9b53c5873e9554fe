#!/usr/bin/env bash
# perf profile + per-thread CPU + context switches of tend serve under create load.
# usage: perf_create.sh BIN PORT OUTPREFIX [SECS]
set -euo pipefail
BIN=$1; PORT=$2; OUT=$3; SECS=${4:-15}
cd /work/wt-perf
dir=$(mktemp -d /tmp/tend-pc.XXXXXX)
export TEND_DATA_DIR=$dir
$BIN admin create-user --email b@x.example --name B --role admin >/dev/null 2>&1
export TEND_TOKEN=$($BIN admin create-token --email b@x.example --name b 2>/dev/null)
RUST_LOG=warn TEND_HTTP_LISTEN=127.0.0.1:$PORT $BIN serve > $dir/serve.log 2>&1 &
PID=$!
for i in $(seq 1 200); do curl -sf -o /dev/null http://127.0.0.1:$PORT/readyz && break; sleep 0.05; done
wrk -t2 -c32 -d5s -s bench/lua/create.lua http://127.0.0.1:$PORT >/dev/null
bench/thread_cpu.sh $PID > $OUT.t0
n0=$(curl -sf -H "Authorization: Bearer $TEND_TOKEN" http://127.0.0.1:$PORT/api/v1/conversations/counts | python3 -c 'import json,sys; print(json.load(sys.stdin)["new"])')
c0=$(awk '{print $14+$15}' /proc/$PID/stat)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
(perf record -F 499 -g -p $PID -o $OUT.perf.data -- sleep $((SECS-2)) >/dev/null 2>&1 &)
perf stat -e task-clock,context-switches -p $PID -o $OUT.stat -- sleep $SECS &
STATPID=$!
wrk -t2 -c32 -d${SECS}s --latency -s bench/lua/create.lua http://127.0.0.1:$PORT | grep RESULT
wait $STATPID
sleep 1.5
c1=$(awk '{print $14+$15}' /proc/$PID/stat)
bench/thread_cpu.sh $PID > $OUT.t1
n1=$(curl -sf -H "Authorization: Bearer $TEND_TOKEN" http://127.0.0.1:$PORT/api/v1/conversations/counts | python3 -c 'import json,sys; print(json.load(sys.stdin)["new"])')
n=$((n1-n0))
echo "creations: $n; server CPU ms/op (incl. indexer catch-up): $(echo "scale=3; ($c1-$c0)*10/$n" | bc)"
join $OUT.t0 $OUT.t1 | awk -v n=$n '{printf "  %-18s %.3f ms/op\n", $1, ($3-$2)*10/n}'
grep -E "task-clock|context-switches" $OUT.stat | awk -v n=$n '{gsub(",","",$1); printf "  %s per op: %.3f\n", $2, $1/n}'
kill -TERM $PID; wait $PID 2>/dev/null || true
rm -rf $dir
