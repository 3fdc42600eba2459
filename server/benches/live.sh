#!/usr/bin/env bash
# Runs the live-layer benchmark (see server/benches/live.rs): needs PostgreSQL on 127.0.0.1.
# 5,000 clients and the server's 5,000 sockets need more open files than the default.
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n "$(ulimit -Hn)"
exec cargo bench -p cohack-server --bench live "$@"
