#!/usr/bin/env bash
# Builds the web app's two bundles (release): the citizen app into <dist>
# and the staff console into <dist>/staff, which it requests under /staff/.
# The citizen build goes first: Trunk empties its dist folder when it
# finishes, which would delete an earlier staff build inside it.
#   scripts/build-web.sh [dist]     (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"
trunk build --release --dist "$dist"
trunk build frontend/staff.html --release --dist "$dist/staff" --public-url /staff/

# The hashed assets compressed once, at their best, beside the originals:
# the server sends `<file>.br` or `<file>.gz` to a browser that accepts it
# (ServeDir's precompressed files) instead of compressing a megabyte of wasm
# on every cold load. Brotli when its tool is installed (scripts/setup.sh
# installs it); gzip always.
find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) -print0 |
  while IFS= read -r -d '' file; do
    gzip -9 -k -f -n "$file"
    if command -v brotli >/dev/null 2>&1; then
      brotli -q 11 -k -f "$file"
    fi
  done
