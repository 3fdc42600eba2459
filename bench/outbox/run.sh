#!/usr/bin/env bash
# The cost the outbox adds to a judged submission (issue #23), in one run of the real release
# server, loaded by Debian's wrk from the same machine (64 connections). Two events with the
# same challenge and the same number of fresh teams of one; every submission sends the team's
# right answer, so every one is stored, judged in the sandbox, and its pass recorded:
#   - `plain`: no webhook — the figure without the outbox's work (a pass costs one more indexed
#     read: does the event have a webhook?);
#   - `hooked`: two webhooks (`standard`, signed, and `slack`) subscribed to every event type,
#     posting to a receiver on this machine — each team's first pass is a solve and queues its
#     deliveries in the verdict's own transaction; the worker sends them while the load runs.
# Two rounds, alternating plain and hooked; in round 1 every team solves for the first time
# (deliveries), in round 2 the passes are repeats (no news, only the check).
# Usage: bench/outbox/run.sh [sqlite|postgres] [seconds per phase] [teams per event]
set -euo pipefail
backend=${1:-sqlite}
seconds=${2:-10}
teams=${3:-300}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
here="$root/bench/outbox"
export BENCH_DIR="$root/bench/load"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -n "${COHACK_BIN:-}" ]; then
  cohack=$COHACK_BIN
else
  cargo build --release --locked --bin cohack >&2
  cohack="${CARGO_TARGET_DIR:-$root/target}/release/cohack"
fi

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
hook_port=$(free_port)
case "$backend" in
  sqlite) url="sqlite://$work/cohack.db" ;;
  postgres)
    db="cohack_bench_outbox_$$"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
    url="postgres://postgres@127.0.0.1:5432/$db" ;;
  *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
esac
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ -n "${receiver:-}" ] && kill "$receiver" 2>/dev/null && wait "$receiver" 2>/dev/null || true
  [ "$backend" = postgres ] && psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$here/receiver.py" "$hook_port" "$work/received" &
receiver=$!

export COHACK_LOGIN_ATTEMPTS_PER_MINUTE=1000000 COHACK_SUBMISSIONS_PER_MINUTE=1000000
export COHACK_WEBHOOK_ALLOW_PRIVATE=true
# setup.py signs each team up from an address of its own (X-Forwarded-For), as a room would.
export COHACK_TRUSTED_PROXIES=127.0.0.1
export RUST_LOG=warn DATABASE_URL="$url" COHACK_DATA_DIR="$work/data"
COHACK_ADMIN_PASSWORD="benchmark password" "$cohack" admin create-organizer --email bench@vendor.example >&2
"$cohack" serve --bind "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
target="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$target/readyz" >/dev/null && break; sleep 0.1; done

for event in plain hooked; do
  python3 "$BENCH_DIR/setup.py" --url "$target" --organizer bench@vendor.example \
    --password "benchmark password" --teams "$teams" --cohack "$cohack" --event "$event" \
    --challenge "$root/challenges/01-first-contact" --out "$work/$event.teams"
  python3 "$here/answers.py" "$target" "$work/$event.teams" "$work/$event.answers"
done
token=$(curl -fs "$target/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@vendor.example","password":"benchmark password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
for format in standard slack; do
  curl -fs "$target/api/v1/events/hooked/webhooks" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" \
    -d "{\"url\":\"http://127.0.0.1:$hook_port/$format\",\"format\":\"$format\",\"events\":[\"challenge.first_solve\",\"challenge.solved\",\"help.requested\",\"event.phase\",\"report.ready\"]}" >/dev/null
done

echo "| $backend, ${seconds}s per phase, $teams teams per event | req/s | p50 ms | p99 ms | max ms | status mix | socket errors |"
echo "|---|---|---|---|---|---|---|"
for round in 1 2; do
  for event in plain hooked; do
    label="round $round: $event"
    [ "$round" = 1 ] && label="$label (first solves)" || label="$label (repeat passes)"
    BENCH_TEAMS="$work/$event.answers" BENCH_LABEL="$label" \
      wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s "$here/solve.lua" "$target" | grep '^|'
  done
done

# Let the worker finish, then read what it did.
for _ in $(seq 1 100); do
  queued=$(curl -fs "$target/metrics" | awk '/^cohack_outbox_queued\{channel="webhook"\}/ {print $2}')
  [ "${queued:-1}" = 0 ] && break
  sleep 0.2
done
sleep 5 # the gauges refresh every 5 s
curl -fs "$target/metrics" | grep '^cohack_outbox_' | grep -v 'channel="mail"' >&2
kill "$receiver"; wait "$receiver" 2>/dev/null || true; receiver=
echo "deliveries received: $(cat "$work/received")" >&2
