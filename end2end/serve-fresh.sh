#!/usr/bin/env bash
# Starts `tanpu serve` for the Playwright suite on a fresh SQLite file with the
# demo seeded. The binary and the web app must already be built
# (scripts/test.sh does both).
set -euo pipefail
cd "$(dirname "$0")"
port="${1:?port}"
bin="${TANPU_BIN:-../target/debug/tanpu}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export TANPU_DATABASE_URL="sqlite://$scratch/e2e.db"
export TANPU_DIST="${TANPU_DIST:-../dist}"
export TANPU_BIND="127.0.0.1:$port"
export TANPU_MODE=demo
# Every test signs up and in from 127.0.0.1; the limits themselves are
# tested in server/tests/api/limits.rs.
export TANPU_REGISTER_LIMIT_PER_HOUR=10000
export TANPU_LOGIN_LIMIT_PER_MINUTE=10000
export TANPU_LOGIN_ACCOUNT_LIMIT=10000
export TANPU_LOG="${TANPU_LOG:-warn}"
"$bin" demo seed >/dev/null
exec "$bin" serve
