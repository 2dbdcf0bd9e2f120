#!/usr/bin/env bash
# Runs every check and test of Tanpu, installing what is missing first:
#   formatting, clippy (host crates, and wasm crates on wasm32),
#   Rust tests on SQLite, the same again on PostgreSQL,
#   the release web app, the API contract test (schemathesis against a live
#   server, scripts/contract.sh), and the Playwright suite in headless Chromium.
# Exits non-zero on the first failure. CI runs exactly this (.ci/run).
#
# PostgreSQL: TANPU_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432);
# each test creates and drops its own database. Unreachable = failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
pg_url="${TANPU_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT

started=$SECONDS
timings=()
step() {
  local name="$1"; shift
  local t0=$SECONDS
  printf '\n==> %s\n' "$name"
  "$@"
  timings+=("$(printf '%5ss  %s' $((SECONDS - t0)) "$name")")
}

# Runs cargo test, keeping its output to count results afterwards.
cargo_test() {
  local log="$1"; shift
  "$@" 2>&1 | tee "$log"
}

step "set up tools" scripts/setup.sh
step "cargo fmt --check" cargo fmt --all --check
step "clippy: server, core, migrations" \
  cargo clippy --locked --all-targets -- -D warnings
step "clippy: wasm crates on wasm32-unknown-unknown" \
  cargo clippy --locked -p tanpu-core -p tanpu-app -p tanpu-frontend \
  --target wasm32-unknown-unknown -- -D warnings
step "clippy: the staff console's build (without the citizen app)" \
  cargo clippy --locked -p tanpu-app -p tanpu-frontend --no-default-features \
  --target wasm32-unknown-unknown -- -D warnings
step "Rust tests on SQLite" cargo_test "$log_dir/sqlite.log" cargo test --locked
# The web app's own unit tests (how values read), natively: the app is not a
# default member (see Cargo.toml), and a cargo invocation of its own keeps
# Leptos' features apart from the server's.
step "Rust tests: the web app's, natively" \
  cargo_test "$log_dir/app.log" cargo test --locked -p tanpu-app

if ! pg_isready -q -d "$pg_url/postgres"; then
  echo "PostgreSQL was requested for the tests but is unreachable at $pg_url" >&2
  echo "(start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)" >&2
  exit 1
fi
step "Rust tests on PostgreSQL ($pg_url)" \
  cargo_test "$log_dir/postgres.log" env TANPU_TEST_PG_URL="$pg_url" cargo test --locked

step "web app: both bundles, release" scripts/build-web.sh
step "server binary" cargo build --locked -p tanpu-server --bin tanpu
step "API contract: schemathesis against a live server" scripts/contract.sh
# pipefail inside too: without it the pipe's status is tee's, and a failed
# Playwright run passed this step.
step "Playwright in headless Chromium" \
  bash -c 'set -o pipefail; cd end2end && npx playwright test 2>&1 | tee "$0"' "$log_dir/e2e.log"

# Sums "N <word>" over cargo's "test result:" lines of the given logs.
count() {
  local word="$1"; shift
  grep -h '^test result:' "$@" | grep -oE "[0-9]+ $word" | awk '{s+=$1} END {print s+0}'
}
rust_passed=$(count passed "$log_dir/sqlite.log" "$log_dir/app.log" "$log_dir/postgres.log")
rust_failed=$(count failed "$log_dir/sqlite.log" "$log_dir/app.log" "$log_dir/postgres.log")
e2e_passed=$(grep -oE '^\s*[0-9]+ passed' "$log_dir/e2e.log" | grep -oE '[0-9]+' | tail -1)
e2e_failed=$(grep -oE '^\s*[0-9]+ failed' "$log_dir/e2e.log" | grep -oE '[0-9]+' | tail -1 || true)

printf '\n==> timings\n'
printf '%s\n' "${timings[@]}"
printf '%5ss  total\n' $((SECONDS - started))
echo "rust (SQLite + the web app + PostgreSQL): $rust_passed passed, $rust_failed failed"
echo "playwright: ${e2e_passed:-0} passed, ${e2e_failed:-0} failed"
echo "tests: $((rust_passed + ${e2e_passed:-0})) passed, $((rust_failed + ${e2e_failed:-0})) failed"
