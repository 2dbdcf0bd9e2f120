#!/usr/bin/env bash
# The browser bundle's size and first-render time (issue 7's budget):
# builds the release bundle, starts Tanpu on a scratch SQLite file with the
# demo seeded, and runs end2end/bench/frontend.mjs in headless Chromium.
#   scripts/bench-frontend.sh [loads]
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
dist="$(mktemp -d)"
scripts/build-web.sh "$dist" >/dev/null
cargo build --release -p tanpu-server >/dev/null 2>&1
port=18951
(cd end2end && TANPU_BIN=../target/release/tanpu TANPU_DIST="$dist" bash ./serve-fresh.sh "$port") &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dist"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.5
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), date: $(date -u '+%Y-%m-%d %H:%M UTC')"
(cd end2end && node bench/frontend.mjs "http://127.0.0.1:$port" "$dist" "${1:-9}")
