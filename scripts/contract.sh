#!/usr/bin/env bash
# The API contract test: schemathesis (pinned below) generates requests from
# the live server's OpenAPI document (/api/v1/openapi.json) and checks every
# answer: no server error, status code, content type, headers and body as
# documented, and invalid input refused. It runs against `tanpu serve` on a
# fresh SQLite file with the demo seeded, once signed in as a citizen and
# once as an administrator.
#
#   scripts/contract.sh [examples-per-operation]     (default 25)
#   scripts/contract.sh --install                     only install schemathesis
#
# The seed is fixed so a run is repeatable; set SCHEMATHESIS_SEED to explore.
# Partner routes are exercised unsigned only (their answers must still be
# 401 in the documented shape); signed traffic is covered by the Rust tests.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
examples="${1:-25}"
install_only=false
[ "$examples" = --install ] && install_only=true
seed="${SCHEMATHESIS_SEED:-20261129}"
venv="${TANPU_TOOLS_DIR:-$HOME/.cache/tanpu}/schemathesis-$SCHEMATHESIS_VERSION"
bin="${TANPU_BIN:-$PWD/target/debug/tanpu}"

if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "==> installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
$install_only && exit 0
[ -x "$bin" ] || { echo "build the server first: cargo build -p tanpu-server --bin tanpu" >&2; exit 1; }

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
log="$(mktemp)"
# Schemathesis keeps a crash cache in its working directory: not in ours.
work="$(mktemp -d)"
TANPU_BIN="$bin" end2end/serve-fresh.sh "$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$log" "$work"' EXIT

for _ in $(seq 1 120); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 1
done
curl -fs "$base/healthz" >/dev/null || { echo "the server did not start" >&2; cat "$log" >&2; exit 1; }

token() {
  curl -fs "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"tanpu-demo-2026\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

run() {
  local who="$1" token="$2"; shift 2
  echo "==> schemathesis as $who ($examples examples per operation, seed $seed)"
  (cd "$work" && "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" --seed "$seed" --generation-database none \
    --no-color "$@")
}

status=0
# The citizen: everything but the console; the administrator: the console.
run citizen "$(token 13800000003)" --exclude-tag admin --exclude-tag review || status=1
run administrator "$(token admin@tanpu.demo)" --include-tag admin --include-tag review || status=1
exit "$status"
