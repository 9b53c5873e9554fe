#!/usr/bin/env bash
# End-to-end SMTP ingest: mixed, multilingual mail sent by bench/smtp (or
# Python's smtplib)
# (1 KB to ~120 KB, legacy charsets, 15% with attachments) over parallel
# connections to `tend serve`; the rate counts until every message is
# committed AND visible through the API (conversation counts).
#   bench/smtp_ingest.sh [COUNT] [CONNECTIONS]        (SQLite)
#   BENCH_DB=postgres bench/smtp_ingest.sh [COUNT] [CONNECTIONS]
source "$(dirname "$0")/lib.sh"
COUNT=${1:-10000}
CONNECTIONS=${2:-16}
SMTP_PORT=${BENCH_SMTP_PORT:-12526}
build_release
machine
WORK=$(mktemp -d)
export TEND_DATA_DIR="$WORK"
if [ "${BENCH_DB:-sqlite}" = postgres ]; then
  export TEND_DATABASE_URL=$(fresh_pg_db)
fi
export TEND_SMTP_LISTEN="127.0.0.1:${SMTP_PORT}"
# Every session comes from 127.0.0.1: lift the per-address cap (default 20)
# above the load generator's connections.
export TEND_SMTP_MAX_SESSIONS_PER_IP=${TEND_SMTP_MAX_SESSIONS_PER_IP:-100}
trap 'stop_server; [ -n "${TEND_DATABASE_URL:-}" ] && drop_pg_db "$TEND_DATABASE_URL"; rm -rf "$WORK"' EXIT
$TEND_BIN admin create-inbox --kind email --address support@example.com >/dev/null
TOKEN=$(admin_token)
start_tend "$WORK/serve.log"
echo "backend: ${BENCH_DB:-sqlite}; messages: $COUNT; SMTP connections: $CONNECTIONS"
# The messages are built before the clock starts (Python's MIME building
# costs ~2 ms of CPU per message). By default they are written to a corpus
# and sent by bench/smtp (a Rust SMTP client, a few µs of CPU per message:
# the load generator shares the 2 cores with the server, like wrk in the
# creation benchmark); BENCH_SMTP_CLIENT=python sends them with Python's
# smtplib instead (~0.4 ms of client CPU per message). The clock starts when
# the client prints "SENDING <ns>".
client=${BENCH_SMTP_CLIENT:-rust}
if [ "$client" = rust ]; then
  target=${CARGO_TARGET_DIR:-target}
  [ "${BENCH_NO_BUILD:-0}" = 1 ] || cargo build --release -p tend-bench-smtp >&2
  SMTP_GEN=${BENCH_SMTP_BIN:-$target/release/tend-bench-smtp}
  python3 crates/tend/tests/smtp/deliver.py --port "$SMTP_PORT" --count "$COUNT" --connections "$CONNECTIONS" \
    --run "bench$$" --write-corpus "$WORK/corpus"
fi
echo "client: $client"
cpu0=$(cpu_seconds "$SERVER_PID")
if [ "$client" = rust ]; then
  "$SMTP_GEN" "$WORK/corpus" "127.0.0.1:$SMTP_PORT" support@example.com "$CONNECTIONS" \
    > "$WORK/deliver.out" 2> "$WORK/deliver.err" || echo "the SMTP client failed: $(tail -3 "$WORK/deliver.err")"
else
  python3 crates/tend/tests/smtp/deliver.py --port "$SMTP_PORT" --count "$COUNT" --connections "$CONNECTIONS" \
    --pregenerate --run "bench$$" > "$WORK/deliver.out" 2> "$WORK/deliver.err" || echo "some deliveries failed: $(grep -v "^250 " "$WORK/deliver.out" | head -3)"
fi
t_acked=$(date +%s%N)
t0=$(sed -n 's/^SENDING \([0-9]*\)$/\1/p' "$WORK/deliver.err")
accepted=$(grep -c '^250 ' "$WORK/deliver.out" || true)
while :; do
  n=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BENCH_URL/api/v1/conversations/counts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["new"])')
  [ "$n" -ge "$accepted" ] && break
  sleep 0.01
done
t1=$(date +%s%N)
cpu1=$(cpu_seconds "$SERVER_PID")
bytes=0
[ -d "$WORK/attachments" ] && bytes=$(du -sb "$WORK/attachments" | cut -f1)
dbbytes=$(du -cb "$WORK"/tend.db* | tail -1 | cut -f1)
echo "accepted (250): $accepted of $COUNT; refused or failed: $(grep -vc '^250 ' "$WORK/deliver.out" || true)"
echo "all 250s received after: $(( (t_acked - t0) / 1000000 )) ms"
echo "all visible through the API after: $(( (t1 - t0) / 1000000 )) ms"
python3 -c "print(f'end-to-end ingest rate: {$accepted / (($t1 - $t0) / 1e9):.0f} messages/s')"
echo "stored: $(( bytes / 1024 / 1024 )) MiB of files (raw mail over 256 KiB, large attachments), database $(( dbbytes / 1024 / 1024 )) MiB ($(cd "$WORK" && ls -l tend.db* | awk '{printf "%s %d MiB; ", $NF, $5/1048576}'))"
echo "server CPU while ingesting (with the Python client, includes the idle wait while it builds messages): $(echo "$cpu1 - $cpu0" | bc) s = $(echo "scale=3; ($cpu1 - $cpu0) * 1000 / $accepted" | bc) ms per message"
# The search indexer may still be catching up: wait until the server is idle
# to count its whole cost.
wait_idle "$SERVER_PID"
now=$IDLE_CPU
echo "server CPU until idle again (search indexing included): $(echo "$now - $cpu0" | bc) s = $(echo "scale=3; ($now - $cpu0) * 1000 / $accepted" | bc) ms per message"
echo "tend RSS after the run: $(rss_mib "$SERVER_PID") MiB"
wait_idle "$SERVER_PID" 1 0.02
echo "RESULT serve idle after the run: $(rss_kinds "$SERVER_PID")"
# A quiet server gives memory back (SQLite's caches, the search indexer's
# writer and mapped files; db::IDLE and search::task::RELEASE_AFTER, 15 s).
sleep 20
echo "RESULT serve 20 s later: $(rss_kinds "$SERVER_PID")"
