#!/usr/bin/env bash
# The submission path at the box's limit (issue #18), release server against a baseline binary
# in the same run, interleaved round by round so that the shared machine's load falls on both:
#   1. judged submissions, 64 connections (each stored, judged by the real first-contact
#      validator in the sandbox, its verdict stored: the status mix shows 201 = judged);
#   2. mixed: the public leaderboard read on 32 connections while submissions flow at a fixed
#      rate (BENCH_RATE, default 1000/s, on 32 connections).
# Every round starts each server on a fresh database with TEAMS teams of one.
# Usage: COHACK_BIN=new BASE_BIN=old bench/load/submissions.sh [sqlite|postgres] [seconds] [teams] [rounds]
# BASE_BIN is optional (then only COHACK_BIN is measured); COHACK_BIN defaults to a fresh
# release build. Prints Markdown rows: | binary: phase | req/s | p50 ms | p99 ms | max ms | status mix | socket errors |
set -euo pipefail
backend=${1:-sqlite}
seconds=${2:-10}
teams=${3:-200}
rounds=${4:-2}
rate=${BENCH_RATE:-1000}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export BENCH_DIR="$root/bench/load"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -z "${COHACK_BIN:-}" ]; then
  cargo build --release --locked --bin cohack >&2
  COHACK_BIN="${CARGO_TARGET_DIR:-$root/target}/release/cohack"
fi
binaries=()
[ -n "${BASE_BIN:-}" ] && binaries+=("baseline=$BASE_BIN")
binaries+=("new=$COHACK_BIN")

work=$(mktemp -d)
server=""
db=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    server=""
  fi
  if [ -n "$db" ]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
    db=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# Starts $1 on a fresh database with the benchmark event; sets $target and BENCH_TEAMS.
start_server() {
  local cohack=$1 run=$2
  local dir="$work/$run"
  mkdir -p "$dir"
  case "$backend" in
    sqlite) url="sqlite://$dir/cohack.db" ;;
    postgres)
      db="cohack_bench_$$_${run//-/_}"
      psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
      url="postgres://postgres@127.0.0.1:5432/$db" ;;
    *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
  esac
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # The benchmark measures the server, not its brute-force throttles.
  export COHACK_LOGIN_ATTEMPTS_PER_MINUTE=1000000 COHACK_SUBMISSIONS_PER_MINUTE=1000000
  export RUST_LOG=warn DATABASE_URL="$url" COHACK_DATA_DIR="$dir/data"
  COHACK_ADMIN_PASSWORD="benchmark password" "$cohack" admin create-organizer --email bench@vendor.example >&2
  "$cohack" serve --bind "127.0.0.1:$port" 2>"$dir/server.log" &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  python3 "$BENCH_DIR/setup.py" --url "http://127.0.0.1:$port" --organizer bench@vendor.example \
    --password "benchmark password" --teams "$teams" --cohack "$cohack" \
    --challenge "$root/challenges/01-first-contact" --out "$dir/teams.txt" >&2
  export BENCH_TEAMS="$dir/teams.txt"
  target="http://127.0.0.1:$port"
}

echo "| $backend, ${seconds}s per phase, $teams teams | req/s | p50 ms | p99 ms | max ms | status mix | socket errors |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  for entry in "${binaries[@]}"; do
    name=${entry%%=*}
    start_server "${entry#*=}" "$name-$round"
    BENCH_LABEL="round $round, $name: judged submissions (64 conns)" \
      wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/submit.lua" "$target" | grep '^|'
    BENCH_LABEL="round $round, $name: mixed, submissions paced at ${rate}/s (32 conns)" BENCH_RATE=$rate BENCH_THREADS=1 \
      wrk -t1 -c32 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/submit_paced.lua" "$target" | grep '^|' &
    paced=$!
    BENCH_LABEL="round $round, $name: mixed, leaderboard reads (32 conns)" \
      wrk -t1 -c32 -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/leaderboard.lua" "$target" | grep '^|'
    wait "$paced"
    stop_server
  done
done
