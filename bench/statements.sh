#!/usr/bin/env bash
# SQL statements per creation, by statement, on SQLite (issues 19 and 20):
# what a creation costs the database, counted rather than timed, so that
# two desks can be compared on a loaded machine.
#
#   bench/statements.sh [DESK] [N] [CONNS]
#     DESK: none (default), sla (bench/lib.sh's Riga policy: every
#     conversation gets running clocks), rules (50 active event rules of
#     bench/lib.sh's desk_rules, none holding) or firing (the same with
#     BENCH_FIRING=1: two in ten hold for some bodies and act).
#     N conversations (default 2000) are created with wrk (lua/create.lua)
#     over CONNS connections (default 8: writes are grouped as under load),
#     then the server is left to go idle, so that every follower of the log
#     (search, reports, webhooks, replies) has done its part.
#     The server runs with RUST_LOG=warn,sqlx::query=debug; each statement
#     sqlx logs is counted by its summary (the first words of the SQL).
#     Prints the statements per creation, the top 25 by count, and the
#     events per creation.
source "$(dirname "$0")/lib.sh"
desk=${1:-none}
n=${2:-2000}
conns=${3:-8}
ensure_wrk
build_release

dir=$(mktemp -d /tmp/tend-bench-statements.XXXXXX)
cleanup() {
  stop_server
  rm -rf "$dir"
}
trap cleanup EXIT

export TEND_DATA_DIR=$dir
TEND_TOKEN=$(admin_token)
export TEND_TOKEN
machine
RUST_LOG=warn,sqlx::query=debug start_tend "$dir/serve.log"
case "$desk" in
none) ;;
sla) riga_sla_policy ;;
rules) desk_rules 50 ;;
firing) BENCH_FIRING=1 desk_rules 50 ;;
*)
  echo "usage: bench/statements.sh [none|sla|rules|firing] [N] [CONNS]" >&2
  exit 2
  ;;
esac
# Creates conversations with wrk until the database holds N (a few over).
count() {
  python3 - "$dir/tend.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
print(c.execute("SELECT COUNT(*) FROM conversations").fetchone()[0])
EOF
}
wait_idle "$SERVER_PID" 1 0.02
start_line=$(wc -l <"$dir/serve.log")
while [ "$(count)" -lt "$n" ]; do
  wrk -t1 -c"$conns" -d1s -s bench/lua/create.lua "$BENCH_URL" >/dev/null
done
wait_idle "$SERVER_PID" 1 0.02
created=$(count)
python3 - "$dir/serve.log" "$start_line" "$created" "$desk" "$dir/tend.db" <<'EOF'
import collections, re, sqlite3, sys
log, start, created, desk, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
counts = collections.Counter()
with open(log, encoding="utf-8", errors="replace") as f:
    for i, line in enumerate(f):
        if i < start:
            continue
        m = re.search(r'summary="([^"]*)"', line)
        if m:
            counts[m.group(1)] += 1
total = sum(counts.values())
print(f"RESULT desk={desk} created={created} statements={total} per_creation={total / created:.2f}")
for s, k in counts.most_common(25):
    print(f"  {k / created:7.3f}  {s}")
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
events = c.execute("SELECT COUNT(*) FROM events").fetchone()[0]
print(f"RESULT events_per_creation={events / created:.2f}")
for kind, k in c.execute("SELECT kind, COUNT(*) FROM events GROUP BY kind ORDER BY 2 DESC"):
    print(f"  {k / created:7.3f}  {kind}")
EOF
