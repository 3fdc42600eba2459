#!/usr/bin/env python3
"""Prepares a benchmark event on a running cohack: an event that is running, the first sample
challenge published through `cohack challenge publish`, and N teams of one participant each.
Writes "TEAM_ID ACCESS_TOKEN" lines for the wrk scripts. Standard library only."""

import argparse
import concurrent.futures
import datetime
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request


def call(url, method, path, body=None, token=None, client=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if client:
        # Honoured only when the server trusts this machine as a proxy
        # (COHACK_TRUSTED_PROXIES=127.0.0.1): each participant then signs up from an address
        # of its own, as a room does, instead of spending one address's sign-up budget.
        request.add_header("X-Forwarded-For", client)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {path}: {error.code} {error.read().decode(errors='replace')}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--organizer", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--cohack", required=True, help="path to the cohack binary")
    parser.add_argument("--challenge", required=True, help="challenge package folder")
    parser.add_argument("--out", required=True)
    parser.add_argument("--event", default="bench", help="the event's slug")
    args = parser.parse_args()

    organizer = call(args.url, "POST", "/api/v1/auth/login",
                     {"email": args.organizer, "password": args.password})["access_token"]
    now = datetime.datetime.now(datetime.timezone.utc)
    call(args.url, "POST", "/api/v1/events", {
        "slug": args.event, "name": "Benchmark", "registration": "open",
        "starts_at": (now - datetime.timedelta(minutes=1)).isoformat(),
        "ends_at": (now + datetime.timedelta(days=1)).isoformat(),
        "team_size_max": 4,
    }, organizer)
    subprocess.run([args.cohack, "challenge", "publish", args.challenge, "--url", args.url,
                    "--event", args.event], check=True, env={**os.environ, "COHACK_TOKEN": organizer},
                   stdout=subprocess.DEVNULL)

    def make_team(i):
        email = f"{args.event}{i}@customer{i % 7}.example"
        auth = call(args.url, "POST", "/api/v1/auth/register", {
            "email": email, "password": "benchmark password", "display_name": f"Bench {i}",
            "organization": f"Customer {i % 7}"}, client=f"198.18.{i // 250}.{i % 250 + 1}")
        token = auth["access_token"]
        call(args.url, "POST", f"/api/v1/events/{args.event}/registrations", {}, token)
        team = call(args.url, "POST", f"/api/v1/events/{args.event}/teams",
                    {"name": f"Team {i:04}"}, token)
        return f"{team['id']} {token}"

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        lines = list(pool.map(make_team, range(args.teams)))
    with open(args.out, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"prepared {len(lines)} teams", file=sys.stderr)


if __name__ == "__main__":
    main()
