#!/usr/bin/env bash
# perf profile + per-thread CPU of tend serve under SMTP ingest.
# usage: perf_smtp.sh BIN PORT SMTPPORT OUTPREFIX COUNT
set -euo pipefail
BIN=$1; PORT=$2; SPORT=$3; OUT=$4; COUNT=${5:-3000}
cd /work/wt-perf
dir=$(mktemp -d /tmp/tend-ps.XXXXXX)
export TEND_DATA_DIR=$dir TEND_SMTP_LISTEN=127.0.0.1:$SPORT
$BIN admin create-inbox --kind email --address support@example.com >/dev/null
RUST_LOG=warn TEND_HTTP_LISTEN=127.0.0.1:$PORT $BIN serve > $dir/serve.log 2>&1 &
PID=$!
for i in $(seq 1 200); do curl -sf -o /dev/null http://127.0.0.1:$PORT/readyz && break; sleep 0.05; done
python3 crates/tend/tests/smtp/deliver.py --port $SPORT --count 100 --connections 4 --run warm$$ >/dev/null 2>&1
sleep 2
python3 crates/tend/tests/smtp/deliver.py --port $SPORT --count $COUNT --connections 16 --pregenerate --run m$$ > $dir/out 2> $dir/err &
DPID=$!
while ! grep -q SENDING $dir/err 2>/dev/null; do sleep 0.1; done
bench/thread_cpu.sh $PID > $OUT.t0
c0=$(awk '{print $14+$15}' /proc/$PID/stat)
perf record -F 499 -g -p $PID -o $OUT.perf.data -- sleep 8 >/dev/null 2>&1 &
RPID=$!
wait $DPID || true
t1=$(date +%s%N)
prev=$(awk '{print $14+$15}' /proc/$PID/stat)
while :; do sleep 0.5; now=$(awk '{print $14+$15}' /proc/$PID/stat); [ $((now-prev)) -le 2 ] && break; prev=$now; done
wait $RPID || true
bench/thread_cpu.sh $PID > $OUT.t1
n=$(grep -c '^250 ' $dir/out)
echo "accepted $n; server CPU ms/msg (until idle): $(echo "scale=3; ($now-$c0)*10/$n" | bc)"
join $OUT.t0 $OUT.t1 | awk -v n=$n '{d=($3-$2)*10/n; if (d>0.0005) printf "  %-18s %.3f ms/msg\n", $1, d}'
kill -TERM $PID; wait $PID 2>/dev/null || true
rm -rf $dir
