#!/usr/bin/env bash
# The web UI under load, against the real release server with Debian's wrk (64 connections):
# the JSON leaderboard (the baseline: what the API already serves), the big screen's page and
# its state, the public event page, the home page, and the workspace's script as browsers
# fetch it (gzipped). An event with TEAMS teams, a few of whom have solved challenge 1.
# Usage: bench/load/pages.sh [seconds per phase] [teams]
# Prints Markdown rows: | page | req/s | p50 ms | p99 ms | max ms | status mix | socket errors |
set -euo pipefail
seconds=${1:-10}
teams=${2:-50}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export BENCH_DIR="$root/bench/load"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --locked --bin cohack >&2
cohack="${CARGO_TARGET_DIR:-$root/target}/release/cohack"

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export COHACK_LOGIN_ATTEMPTS_PER_MINUTE=1000000 COHACK_SUBMISSIONS_PER_MINUTE=1000000
export RUST_LOG=warn DATABASE_URL="sqlite://$work/cohack.db" COHACK_DATA_DIR="$work/data"
COHACK_ADMIN_PASSWORD="benchmark password" "$cohack" admin create-organizer --email bench@vendor.example >&2
"$cohack" serve --bind "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

python3 "$BENCH_DIR/setup.py" --url "http://127.0.0.1:$port" --organizer bench@vendor.example \
  --password "benchmark password" --teams "$teams" --cohack "$cohack" \
  --challenge "$root/challenges/01-first-contact" --out "$work/teams.txt"
export BENCH_TEAMS="$work/teams.txt"
target="http://127.0.0.1:$port"
# Some activity on the board: two seconds of submissions (wrong and right answers).
BENCH_LABEL="warm-up submissions" wrk -t1 -c8 -d2s --timeout 10s -s "$BENCH_DIR/submit.lua" "$target" >/dev/null

echo "| sqlite, ${seconds}s per page, $teams teams | req/s | p50 ms | p99 ms | max ms | status mix | socket errors |"
echo "|---|---|---|---|---|---|---|"
run() {
  BENCH_LABEL="$1" BENCH_PATH="$2" BENCH_GZIP="${3:-0}" \
    wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/get.lua" "$target" | grep '^|'
}
run "JSON leaderboard (baseline)" /api/v1/events/bench/leaderboard
run "big screen page (HTML)" /events/bench/board
run "big screen state (JSON)" /events/bench/board/state
run "event page (HTML)" /events/bench
run "home page (HTML)" /
run "workspace.js, gzipped (214 KB)" /assets/workspace.js 1
