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
