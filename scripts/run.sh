#!/usr/bin/env bash
# Builds Tanpu (web app and server, release), seeds the demo city into the
# embedded SQLite database, and runs it. Installs missing tools first.
#
#   TANPU_BIND           where to listen (default 127.0.0.1:8080)
#   TANPU_DATABASE_URL   default sqlite://data/tanpu.db
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh build
echo "==> building the web app (release)"
scripts/build-web.sh
echo "==> building the server (release)"
cargo build --locked --release -p tanpu-server --bin tanpu

export TANPU_MODE="${TANPU_MODE:-demo}"
export TANPU_BIND="${TANPU_BIND:-127.0.0.1:8080}"
export TANPU_DIST="${TANPU_DIST:-dist}"
echo "==> seeding the demo city"
target/release/tanpu demo seed

echo
echo "Tanpu is starting at http://$TANPU_BIND/  (Ctrl-C stops it)"
echo
exec target/release/tanpu serve
