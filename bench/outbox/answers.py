#!/usr/bin/env python3
"""Adds each benchmark team's right answer to `first-contact` (the distinct devices with an
ERROR line in its own gateway.log) to the "TEAM_ID ACCESS_TOKEN" lines of bench/load/setup.py.
Usage: answers.py URL TEAMS_IN TEAMS_OUT. Standard library only."""

import base64
import concurrent.futures
import json
import sys
import urllib.request


def answer(url, line):
    team, token = line.split()
    request = urllib.request.Request(
        f"{url}/api/v1/teams/{team}/challenges/first-contact/materials",
        headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=60) as response:
        materials = json.load(response)
    log = next(f for f in materials["files"] if f["path"] == "gateway.log")
    text = base64.b64decode(log["content_base64"]).decode()
    devices = {
        field[len("device="):]
        for line in text.splitlines()
        if len(line.split()) > 1 and line.split()[1] == "ERROR"
        for field in line.split()
        if field.startswith("device=")
    }
    return f"{team} {token} {len(devices)}"


def main():
    url, teams_in, teams_out = sys.argv[1:4]
    with open(teams_in) as lines:
        teams = [line for line in lines if line.strip()]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(lambda line: answer(url, line), teams))
    with open(teams_out, "w") as out:
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
