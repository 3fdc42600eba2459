#!/usr/bin/env bash
# Memory of the release server under forbidden uploads: a participant (who may not publish)
# sends N concurrent 60 MB challenge packages (a well-formed upload: valid JSON, a real
# manifest, a 60 MB base64 "validator") to POST /api/v1/events/{slug}/challenges. Prints the
# server's RSS before, its peak (VmHWM) and its RSS after, the status codes and the time.
# Usage: bench/uploads/forbidden.sh [path/to/cohack] [uploads] [megabytes]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cohack=${1:-}
uploads=${2:-4}
megabytes=${3:-60}
if [ -z "$cohack" ]; then
  (cd "$root" && cargo build --release --locked --bin cohack >&2)
  cohack="${CARGO_TARGET_DIR:-$root/target}/release/cohack"
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export RUST_LOG=warn DATABASE_URL="sqlite://$work/cohack.db" COHACK_DATA_DIR="$work/data"
COHACK_ADMIN_PASSWORD="benchmark password" "$cohack" admin create-organizer --email bench@vendor.example >/dev/null
"$cohack" serve --bind "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port"

# An event and a participant registered to it.
token=$(python3 - "$url" <<'PY'
import datetime, json, sys, urllib.request
url = sys.argv[1]
def call(method, path, body, token=None):
    request = urllib.request.Request(url + path, json.dumps(body).encode(), method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")
organizer = call("POST", "/api/v1/auth/login",
                 {"email": "bench@vendor.example", "password": "benchmark password"})["access_token"]
now = datetime.datetime.now(datetime.timezone.utc)
call("POST", "/api/v1/events", {"slug": "bench", "name": "Benchmark", "registration": "open",
     "starts_at": (now - datetime.timedelta(minutes=1)).isoformat(),
     "ends_at": (now + datetime.timedelta(days=1)).isoformat(), "team_size_max": 4}, organizer)
participant = call("POST", "/api/v1/auth/register", {"email": "pat@customer.example",
                   "password": "benchmark password", "display_name": "Pat",
                   "organization": "Customer"})["access_token"]
call("POST", "/api/v1/events/bench/registrations", {}, participant)
print(participant)
PY
)

python3 - "$work/upload.json" "$megabytes" <<'PY'
import json, sys
path, megabytes = sys.argv[1], int(sys.argv[2])
head = json.dumps({"format": 1, "manifest": {"slug": "big", "title": "Big", "points": 100,
                   "summary": "a large package"}, "statement": "big", "validator_sha256": "0" * 64,
                   "samples": []})[:-1]
with open(path, "w") as out:
    out.write(head + ', "validator_wasm": "')
    filler = megabytes * 1000 * 1000 - len(head) - 24
    out.write("A" * (filler - filler % 4))
    out.write('"}')
PY

rss() { awk -v key="$1:" '$1 == key {print int($2 / 1024)}' "/proc/$server/status"; }
before=$(rss VmRSS)
start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$uploads"); do
  # No `Expect: 100-continue`: the body is sent at once, as most clients do.
  curl -s -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $token" \
    -H "Content-Type: application/json" -H "Expect:" --data-binary "@$work/upload.json" \
    "$url/api/v1/events/bench/challenges" >"$work/status.$i" 2>/dev/null || true &
  pids+=($!)
done
wait "${pids[@]}"
end=$(date +%s.%N)
sleep 1
after=$(rss VmRSS)
peak=$(rss VmHWM)
statuses=$(cat "$work"/status.* | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
printf '| %s uploads of %s MB | RSS before %s MiB | peak %s MiB | after %s MiB | %s| %.2f s |\n' \
  "$uploads" "$megabytes" "$before" "$peak" "$after" "$statuses" "$(awk "BEGIN {print $end - $start}")"
