#!/usr/bin/env bash
# CPU ticks (1/100 s) a running process has used so far, summed per thread
# name: tokio-rt-worker (async tasks and the blocking pool), sqlx-sqlite-wor
# (sqlx's one worker thread per SQLite connection), thrd-tantivy-in (search
# indexing; these threads are replaced at every index commit, so a thread
# that ended is only counted in the process total), merge_thread_N.
#   bench/thread_cpu.sh PID > before; …load…; bench/thread_cpu.sh PID > after
#   join before after | awk -v n=REQUESTS '{printf "%-18s %.3f ms/req\n", $1, ($3-$2)*10/n}'
pid=$1
for t in /proc/"$pid"/task/*; do
  c=$(cat "$t/comm" 2>/dev/null) || continue
  s=($(sed 's/^.*) //' "$t/stat" 2>/dev/null)) || continue
  [ -n "${s[12]:-}" ] && echo "$c $(( ${s[11]} + ${s[12]} ))"
done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort
