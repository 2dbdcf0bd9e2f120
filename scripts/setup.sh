#!/usr/bin/env bash
# Installs what building and testing Tanpu needs on a fresh machine of this
# kind, skipping whatever is already there. Safe to run again and again.
#
#   scripts/setup.sh            everything (build + test tools)
#   scripts/setup.sh build      only what the run command needs
set -euo pipefail
cd "$(dirname "$0")/.."

want="${1:-all}"
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

TRUNK_VERSION=0.21.14
WASM_OPT_VERSION=0.116.1
WASM_SPLIT_VERSION=0.2.4

say() { printf '==> %s\n' "$*"; }

# The wasm-bindgen CLI must equal the library version in Cargo.lock exactly,
# or Trunk tries to download one (and fails offline).
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The web bundles are smallest built by nightly with its standard library's
# source (scripts/build-web.sh); these machines have nightly, not always the
# source. Without nightly, the bundles build on stable.
if rustup toolchain list | grep -q '^nightly' &&
  ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
  say "adding rust-src to the nightly toolchain"
  rustup component add rust-src --toolchain nightly ||
    say "could not add rust-src to nightly: the web bundles will build on stable"
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
  cargo install trunk --locked --version "$TRUNK_VERSION"
fi

wb="$(locked_wasm_bindgen)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
  say "installing wasm-bindgen-cli $wb"
  # --locked fails here: one of its locked dependencies is not served.
  cargo install wasm-bindgen-cli --version "$wb" --force
fi

# Debian's binaryen (wasm-opt 108) produces wasm that Chromium rejects; the
# crates.io build of binaryen 116 works.
if ! "$HOME/.cargo/bin/wasm-opt" --version 2>/dev/null | grep -q "version 116"; then
  say "installing wasm-opt $WASM_OPT_VERSION (about 9 minutes on 2 cores)"
  cargo install wasm-opt --locked --version "$WASM_OPT_VERSION"
fi

# The citizen app's wasm is split into lazily loaded pages after Trunk's
# build (scripts/split-wasm.sh).
if ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION"
  cargo install wasm_split_cli_support --locked --version "$WASM_SPLIT_VERSION" --features build-binary
fi

# Brotli compresses the web app's files once at build time (build-web.sh).
if ! command -v brotli >/dev/null 2>&1; then
  say "installing Debian's brotli"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null
fi

# esbuild minifies the citizen app's JavaScript (scripts/split-wasm.sh).
if [ ! -x frontend/node_modules/.bin/esbuild ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  say "installing the web build's npm packages"
  (cd frontend && npm ci --no-audit --no-fund)
fi

# PostgreSQL is preinstalled on this kind of machine; start it if it is down.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi

[ "$want" = build ] && exit 0

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The API contract test's schemathesis, pinned, in its own virtualenv.
scripts/contract.sh --install

if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing the end2end npm packages"
  (cd end2end && npm ci --no-audit --no-fund)
fi
