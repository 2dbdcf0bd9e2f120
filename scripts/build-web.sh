#!/usr/bin/env bash
# Builds the web app's two bundles (release): the citizen app into <dist>
# and the staff console into <dist>/staff, which it requests under /staff/.
# The citizen build goes first: Trunk empties its dist folder when it
# finishes, which would delete an earlier staff build inside it.
#   scripts/build-web.sh [dist]     (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"

# The smallest bundle comes from the nightly toolchain (installed on these
# machines; scripts/setup.sh adds its standard library's source): the
# standard library rebuilt for size with the app (`build-std`), without
# panic locations, `Debug` formatting (no page shows any) or panic messages
# — a panic aborts at once, and frontend/crash.js shows the notice. Each
# first load of the citizen app is 26–34 KB smaller gzipped
# (docs/PERFORMANCE.md). Without nightly the same app builds on stable.
# `build-std` resolves the standard library's own dependencies from its
# lock file, and Trunk builds offline (Trunk.toml): they are fetched first
# (instant once cached), and a machine that cannot fetch them builds on
# stable.
std_src="$(rustc +nightly --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library"
if [ -d "$std_src" ] && cargo +nightly fetch --locked --quiet --manifest-path "$std_src/Cargo.toml"; then
  export RUSTUP_TOOLCHAIN=nightly
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  # Joined with .cargo/config.toml's flags for the target.
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zlocation-detail=none -Zfmt-debug=none \
-Zunstable-options -Cpanic=immediate-abort"
else
  echo "build-web: no nightly toolchain with rust-src and its dependencies; building on stable (a larger bundle)" >&2
fi
trunk build --release --dist "$dist"
trunk build frontend/staff.html --release --dist "$dist/staff" --public-url /staff/

# The hashed assets compressed once, at their best, beside the originals:
# the server sends `<file>.br` or `<file>.gz` to a browser that accepts it
# (ServeDir's precompressed files) instead of compressing a megabyte of wasm
# on every cold load. Brotli when its tool is installed (scripts/setup.sh
# installs it); gzip always.
find "$dist" -type f \( -name '*.wasm' -o -name '*.pack' -o -name '*.js' -o -name '*.css' \) -print0 |
  while IFS= read -r -d '' file; do
    gzip -9 -k -f -n "$file"
    if command -v brotli >/dev/null 2>&1; then
      brotli -q 11 -k -f "$file"
    fi
  done
