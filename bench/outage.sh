#!/usr/bin/env bash
# Recovery after PostgreSQL outages of 1, 5 and 30 s (issue 26): Tend talks
# to the machine's PostgreSQL through a TCP proxy that the run cuts and
# restores (tests/api/outage.rs, `outage_recovery_times`), while a client
# creates conversations back to back. Prints, per outage, how long after
# the database returned the first request succeeded, then how many
# creations were acknowledged and whether each is stored.
#   bench/outage.sh
# Timing here is set by timeouts and backoff (the pool's 2 s acquire
# timeout, its reconnect backoff capped at 400 ms), not by CPU, so the
# test profile (debug) build is used.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tend-target}"
export TEND_TEST_REQUIRE_POSTGRES=1
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (+ uncommitted changes)')"
cargo test -p tend --test api -- --ignored outage_recovery_times --nocapture 2>&1 \
  | grep -E '^RESULT|test result'
