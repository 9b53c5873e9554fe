#!/usr/bin/env bash
# Seeds demo data and reports how long it took, the database size and the
# peak RSS of the seeder.
#   bench/seed.sh DATA_DIR [CONVERSATIONS] [MESSAGES_PER_CONVERSATION]
# With TEND_DATABASE_URL=postgres://… set, seeds that database instead of
# DATA_DIR/tend.db. The seed builds the search index too (timed within the
# same command); SEED_INDEX=0 leaves it to `tend serve` (`--no-index`).
source "$(dirname "$0")/lib.sh"
dir=${1:?usage: bench/seed.sh DATA_DIR [CONVERSATIONS] [MESSAGES_PER_CONVERSATION]}
n=${2:-1000000}
m=${3:-5}
ensure_tools
build_release
mkdir -p "$dir"
export TEND_DATA_DIR=$dir
machine
index_flag=
[ "${SEED_INDEX:-1}" = 0 ] && index_flag=--no-index
echo "command: $TEND_BIN demo seed --conversations $n --messages-per-conversation $m $index_flag"
/usr/bin/time -f "RESULT seed wall=%es user=%Us sys=%Ss peak_rss=%MKiB" \
  $TEND_BIN demo seed --conversations "$n" --messages-per-conversation "$m" $index_flag 2>&1 | tr '\r' '\n' | grep -v '^\s*$' | tail -4
if [ -z "${TEND_DATABASE_URL:-}" ]; then
  echo "RESULT database $(du -sh "$dir" | cut -f1) ($(ls -la "$dir" | awk '/tend.db/{printf "%s=%s ", $NF, $5}'))"
fi
