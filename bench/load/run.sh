#!/usr/bin/env bash
# Load benchmark of the real release server with Debian's wrk, 64 connections:
#   1. judged submissions per second (every one stored, then validated in the sandbox),
#   2. leaderboard reads per second,
#   3. leaderboard reads while submissions flow (32 + 32 connections).
# With `reads` as fourth argument, instead: the board's read path against /healthz in the same
# run (after a few seconds of submissions so that the board has scores), ROUNDS rounds (3) of
# /healthz, the leaderboard plain and the leaderboard with Accept-Encoding: gzip, each phase
# followed by its ratio to the /healthz of its round.
# Usage: bench/load/run.sh [sqlite|postgres] [seconds per phase] [teams] [all|reads]
# Prints Markdown rows: | phase | req/s | p50 ms | p99 ms | max ms | status mix | socket errors |
set -euo pipefail
backend=${1:-sqlite}
seconds=${2:-20}
teams=${3:-500}
mode=${4:-all}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export BENCH_DIR="$root/bench/load"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -n "${COHACK_BIN:-}" ]; then
  cohack=$COHACK_BIN # an already built binary (e.g. to check this script against a debug build)
else
  cargo build --release --locked --bin cohack >&2
  cohack="${CARGO_TARGET_DIR:-$root/target}/release/cohack"
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
case "$backend" in
  sqlite) url="sqlite://$work/cohack.db" ;;
  postgres)
    db="cohack_bench_$$"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
    url="postgres://postgres@127.0.0.1:5432/$db" ;;
  *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
esac
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ "$backend" = postgres ] && psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The benchmark measures the server, not its brute-force throttles.
export COHACK_LOGIN_ATTEMPTS_PER_MINUTE=1000000 COHACK_SUBMISSIONS_PER_MINUTE=1000000
export RUST_LOG=warn DATABASE_URL="$url" COHACK_DATA_DIR="$work/data"
COHACK_ADMIN_PASSWORD="benchmark password" "$cohack" admin create-organizer --email bench@vendor.example >&2
"$cohack" serve --bind "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

python3 "$BENCH_DIR/setup.py" --url "http://127.0.0.1:$port" --organizer bench@vendor.example \
  --password "benchmark password" --teams "$teams" --cohack "$cohack" \
  --challenge "$root/challenges/01-first-contact" --out "$work/teams.txt"
export BENCH_TEAMS="$work/teams.txt"
target="http://127.0.0.1:$port"

echo "| $backend, ${seconds}s per phase, $teams teams | req/s | p50 ms | p99 ms | max ms | status mix | socket errors |"
echo "|---|---|---|---|---|---|---|"
if [ "$mode" = reads ]; then
  # Scores on the board: a few seconds of submissions (wrong and right answers).
  BENCH_LABEL="warm-up submissions" wrk -t1 -c8 -d3s --timeout 10s -s "$BENCH_DIR/submit.lua" "$target" >/dev/null
  curl -fs "$target/api/v1/events/bench/leaderboard" -o "$work/board.json"
  curl -fs -H 'Accept-Encoding: gzip' "$target/api/v1/events/bench/leaderboard" -o "$work/board.json.gz"
  echo "board: $(wc -c <"$work/board.json") bytes plain, $(wc -c <"$work/board.json.gz") gzipped" >&2
  get() {
    BENCH_LABEL="$1" BENCH_PATH="$2" BENCH_GZIP="${3:-0}" \
      wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/get.lua" "$target" | grep '^|'
  }
  rate() { cut -d'|' -f3 <<<"$1" | tr -d ' '; }
  for round in $(seq 1 "${ROUNDS:-3}"); do
    health=$(get "round $round: /healthz (64 conns)" /healthz)
    echo "$health"
    for gzip in 0 1; do
      label="round $round: leaderboard (64 conns)"
      [ "$gzip" = 0 ] || label="round $round: leaderboard, gzip (64 conns)"
      row=$(get "$label" /api/v1/events/bench/leaderboard "$gzip")
      echo "$row"
      echo "| round $round: ÷ /healthz | $(python3 -c "print(f'{$(rate "$row")/$(rate "$health"):.2f}×')") | | | | | |"
    done
  done
  exit 0
fi
BENCH_LABEL="judged submissions (64 conns)" wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/submit.lua" "$target" | grep '^|'
BENCH_LABEL="leaderboard reads (64 conns)" wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/leaderboard.lua" "$target" | grep '^|'
BENCH_LABEL="mixed: submissions (32 conns)" wrk -t1 -c32 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/submit.lua" "$target" | grep '^|' &
mixed=$!
BENCH_LABEL="mixed: leaderboard reads (32 conns)" wrk -t1 -c32 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/leaderboard.lua" "$target" | grep '^|'
wait "$mixed"
