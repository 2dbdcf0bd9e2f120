#!/usr/bin/env bash
# Fuzzes every parser of outside input with cargo-fuzz (issue #10), one
# target after another (a 2-core machine runs one fuzz job at a time):
#   signature_header   partner request signatures (webhook-* headers, body)
#   import_line        CSV / JSON Lines import files and record reading
#   subject_normalise  plate and card normalisation and masking
#   rule_definition    rule definitions from JSON, and their validation
#   evaluate           the evaluator on any action, context and rule
# Each target asserts its properties (see fuzz/fuzz_targets/*.rs), not just
# "no panic". Installs cargo-fuzz if it is missing; needs the nightly
# toolchain. Exits non-zero if any target finds a failing input; the input is
# kept in fuzz/artifacts/<target>/ (replay it with
# `cargo +nightly fuzz run -s none <target> <file>`).
#
#   scripts/fuzz.sh [seconds-per-target] [target...]   (default 180, all)
#
# The seeds in fuzz/corpus/<target>/ are read, never written: what the fuzzer
# learns goes to fuzz/target/corpus/<target>/ and is kept between runs.
# fuzz/dicts/<target>.dict, where there is one, gives libFuzzer the format's
# words (header names, JSON keys, boundary integers).
# No address sanitizer (`-s none`): the workspace forbids unsafe code, so
# what there is to find is panics, overflows and broken properties, and
# without it a target runs several times as many inputs in the same time.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
seconds="${1:-180}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(signature_header import_line subject_normalise rule_definition evaluate)
fi
log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT

say() { printf '==> %s\n' "$*"; }

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "cargo-fuzz needs the nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

say "building the fuzz targets"
cargo +nightly fuzz build -s none

summary=()
failed=0
for t in "${targets[@]}"; do
  say "$t for ${seconds}s"
  work="fuzz/target/corpus/$t"
  mkdir -p "$work"
  log="$log_dir/$t.log"
  dict=()
  [ -f "fuzz/dicts/$t.dict" ] && dict=(-dict="fuzz/dicts/$t.dict")
  status=0
  t0=$SECONDS
  cargo +nightly fuzz run -s none "$t" "$work" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "${dict[@]}" >"$log" 2>&1 || status=$?
  runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)
  # libFuzzer's own count; wall time when it stopped on a failure.
  took=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE '[0-9]+ second' | grep -oE '[0-9]+' | tail -1 || true)
  took="${took:-$((SECONDS - t0))}"
  corpus=$(find "$work" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    result="ok"
  else
    failed=1
    artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //' || true)
    result="FAILED (exit $status)${artifact:+, input: $artifact}"
    # The panic and its location, for the summary.
    grep -m1 -E "panicked at|ERROR: libFuzzer" -A2 "$log" >&2 || tail -20 "$log" >&2
  fi
  summary+=("$(printf '%-18s %6ss  %10s runs  corpus %5s  %s' "$t" "$took" "${runs:-?}" "$corpus" "$result")")
done

printf '\n==> fuzzing summary (%ss per target)\n' "$seconds"
printf '%s\n' "${summary[@]}"
exit "$failed"
