#!/usr/bin/env bash
# The knowledge base's public reads at size (issue 21), on SQLite, with the
# release binary.
#
#   bench/kb.sh [ARTICLES] [DURATION] [CONNECTIONS]
#
# Seeds ARTICLES (default 10,000) articles, each published in en, ja, ko, lv
# and ca (bench/kb/seed.py: text that looks like each language), then loads
# for DURATION (default 30s) with CONNECTIONS (default 8) through wrk:
#   1. GET /help/api/suggest (a customer typing: 1–3 words of an article,
#      Japanese as a run of characters without spaces), in the five
#      languages; goal p95 < 20 ms;
#   2. the same as the contact form and the widget send it (an inbox and a
#      visitor token: each answer is recorded as shown, a write);
#   3. article pages /help/{lang}/articles/{id}-{slug}; goal p95 < 10 ms.
# Visitors come from random addresses behind a trusted proxy, so the
# per-address limit (120/minute) of one visitor never trips. Prints the
# seeding time, the server's memory, and wrk's RESULT lines.
source "$(dirname "$0")/lib.sh"
articles=${1:-10000}
duration=${2:-30s}
conns=${3:-8}
ensure_wrk
build_release
machine
echo "mode: $articles articles x 5 languages, wrk -t2 -c$conns -d$duration"

dir=$(mktemp -d /tmp/tend-bench-kb.XXXXXX)
cleanup() { stop_server; rm -rf "$dir"; }
trap cleanup EXIT
export TEND_DATA_DIR=$dir
export TEND_TRUSTED_PROXIES=127.0.0.1
TEND_TOKEN=$(admin_token)
start_tend "$dir/serve.log"

t0=$(date +%s%N)
python3 bench/kb/seed.py "$BENCH_URL" "$TEND_TOKEN" "$articles" "$dir"
echo "RESULT seeding_seconds=$(( ($(date +%s%N) - t0) / 1000000000 ))"
# The first public read builds the catalogue and its word index.
t0=$(date +%s%N)
curl -sf -o /dev/null "$BENCH_URL/help/en/search?q=x" -H 'X-Forwarded-For: 10.0.0.1'
echo "RESULT first_read_ms=$(( ($(date +%s%N) - t0) / 1000000 ))"
wait_idle "$SERVER_PID" 1 0.05
echo "RESULT after_seed $(rss_kinds "$SERVER_PID")"

for step in suggest suggest-recorded article; do
  case $step in
    suggest) export TEND_KB_MODE=suggest TEND_KB_FILE=$dir/queries.txt; unset TEND_KB_INBOX ;;
    suggest-recorded) export TEND_KB_MODE=suggest TEND_KB_FILE=$dir/queries.txt TEND_KB_INBOX=1 ;;
    article) export TEND_KB_MODE=article TEND_KB_FILE=$dir/articles.txt; unset TEND_KB_INBOX ;;
  esac
  echo "== $step"
  wrk -t2 -c"$conns" -d"$duration" --latency -s bench/lua/kb.lua "$BENCH_URL" | grep RESULT
done
echo "RESULT after_load $(rss_kinds "$SERVER_PID")"
