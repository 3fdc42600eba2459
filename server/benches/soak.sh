#!/usr/bin/env bash
# Runs the soak (see server/benches/soak.rs) against the release `cohack` binary:
#   server/benches/soak.sh                         # 30 minutes, 50 teams of 10, SQLite
#   COHACK_SOAK_MINUTES=10 server/benches/soak.sh  # shorter
#   COHACK_SOAK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/soak server/benches/soak.sh
# Needs the `first-contact` sample challenge to build (`cohack challenge publish` builds it).
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n "$(ulimit -Hn)"
exec cargo bench -p cohack-server --bench soak "$@"
