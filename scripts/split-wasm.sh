#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): splits a web app's wasm at its lazily
# loaded pages (Leptos' `#[lazy_route]`), so that a phone downloads the shell
# and the page it opens, and fetches each other page's code the first time it
# goes there. A build without split points (the staff console) is left as
# Trunk made it.
#
# The split must happen between cargo and wasm-bindgen: it needs the linker's
# relocations (`--emit-relocs`, frontend/build.rs), which wasm-bindgen's
# rewrite of the module drops. Trunk 0.21 runs cargo, wasm-bindgen and
# wasm-opt as one step, so this hook starts again from cargo's output:
#   1. wasm-split-cli: the main module, a chunk per page (and chunks of code
#      that several pages share), and `__wasm_split.js`, which loads them;
#   2. wasm-bindgen on the main module, keeping the linker's exports that the
#      chunks import;
#   3. wasm-opt on the main module and every chunk (release builds);
#   4. each group's modules packed into one file (scripts/pack-wasm.mjs);
#   5. all of it into one folder named after the hash of its contents — the
#      files name each other relatively, so the folder's name alone carries
#      the hash and the server may let browsers keep them for a year — and
#      index.html pointed there (with the new integrity hashes); Trunk's
#      unsplit files are removed.
# Environment (set by Trunk): TRUNK_STAGING_DIR, TRUNK_HTML_FILE,
# TRUNK_PROFILE, TRUNK_PUBLIC_URL.
set -euo pipefail

staging="${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook}"
page="$staging/index.html"
public_url="${TRUNK_PUBLIC_URL:-/}"

say() { printf 'split-wasm: %s\n' "$*" >&2; }

# Trunk's files: <bin>-<hash>.js and <bin>-<hash>_bg.wasm.
bg_wasm="$(cd "$staging" && ls -- *_bg.wasm)"
hashed="${bg_wasm%_bg.wasm}"
bin="${hashed%-*}"

# Cargo's output for the profile Trunk built.
if [ "${TRUNK_PROFILE:-debug}" = release ]; then
  profile="$(sed -n 's/.*data-cargo-profile-release="\([^"]*\)".*/\1/p' "$TRUNK_HTML_FILE" | head -1)"
  profile="${profile:-release}"
else
  profile=debug
fi
target_dir="$(cargo metadata --no-deps --format-version 1 --offline |
  sed 's/.*"target_directory":"\([^"]*\)".*/\1/')"
input="$target_dir/wasm32-unknown-unknown/$profile/$bin.wasm"
[ -f "$input" ] || { say "no cargo output at $input"; exit 1; }

if ! grep -q -a -F '__wasm_split_placeholder__' "$input"; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/$bin"
mkdir "$out"

wasm-split-cli --target web --out-name "$bin" "$input" "$out"
wasm-bindgen --target=web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$out" --out-name "$bin" "$out/$bin.wasm"
rm "$out/$bin.wasm"
if [ "${TRUNK_PROFILE:-debug}" = release ]; then
  for module in "$out"/*.wasm; do
    # binaryen 116 warns of every entry of the split modules' name sections
    # that it cannot read, thousands of lines; wasm-opt drops the section.
    # Every module also carried a `producers` and a `target_features`
    # section (which tools made it, which wasm features it uses: no browser
    # reads either), ~120 bytes gzipped each, and a page loads up to 25
    # modules. Stripped before the optimisation (wasm-opt reads the features
    # when it loads the module), which measured 0.6 KB smaller over all the
    # chunks than stripping after it: every page's wasm 1.7–3.6 KB smaller
    # gzipped (docs/PERFORMANCE.md, session 20).
    wasm-opt --strip-producers --strip-target-features -Oz "$module" -o "$module" 2>&1 |
      { grep -v -e 'unknown name subsection' -e 'in name section' || true; } >&2
  done
fi
# Each group's modules as one file (scripts/pack-wasm.mjs says why).
node "$(dirname "$0")/pack-wasm.mjs" "$out"
if [ "${TRUNK_PROFILE:-debug}" = release ]; then
  # wasm-bindgen's glue and the split loader, minified: 9.5 → 7.3 KB
  # gzipped, on every page's first load. esbuild comes from frontend/'s npm
  # packages (scripts/setup.sh); without it the files stay as written.
  # wasm-bindgen lists the split loader once per import in one object, the
  # same module each time, which esbuild would warn of.
  esbuild="$(dirname "$0")/../frontend/node_modules/.bin/esbuild"
  if [ -x "$esbuild" ]; then
    for js in "$out"/*.js; do
      "$esbuild" "$js" --minify --format=esm --outfile="$js" --allow-overwrite \
        --log-level=warning --log-override:duplicate-object-key=silent
    done
  else
    say "no esbuild in frontend/node_modules: the JavaScript is not minified"
  fi
fi

# The folder's hash: of every file's name and contents, in a fixed order.
digest="$(cd "$out" && find . -type f | LC_ALL=C sort |
  while read -r file; do printf '%s\n' "$file"; cat "$file"; done |
  sha256sum | cut -c1-16)"
folder="$bin-$digest"
rm -rf "${staging:?}/$folder"
mv "$out" "$staging/$folder"

integrity() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | base64 -w0)"; }
js_integrity="$(integrity "$staging/$folder/$bin.js")"
wasm_integrity="$(integrity "$staging/$folder/${bin}_bg.wasm")"
loader_integrity="$(integrity "$staging/$folder/__wasm_split.js")"

# Point the page's preload links and loader script at the split build. Trunk
# writes each link's href before its integrity.
old_js="$public_url$hashed.js"
old_wasm="$public_url${hashed}_bg.wasm"
new_js="$public_url$folder/$bin.js"
new_wasm="$public_url$folder/${bin}_bg.wasm"
# The old names as sed patterns: their dots are literal.
old_js_re="${old_js//./\\.}"
old_wasm_re="${old_wasm//./\\.}"
sed -i \
  -e "s#\(href=\"$old_js_re\"[^>]*integrity=\"\)[^\"]*#\1$js_integrity#g" \
  -e "s#\(href=\"$old_wasm_re\"[^>]*integrity=\"\)[^\"]*#\1$wasm_integrity#g" \
  -e "s#$old_js_re#$new_js#g" \
  -e "s#$old_wasm_re#$new_wasm#g" \
  "$page"
# The split loader, which the glue imports: fetched beside the glue rather
# than once the glue has been read (a cold `/` waited 40–50 ms for it).
sed -i "s#</head>#<link rel=\"modulepreload\" href=\"$public_url$folder/__wasm_split.js\" crossorigin=\"anonymous\" integrity=\"$loader_integrity\"></head>#" "$page"
if grep -q -F "$hashed" "$page"; then
  say "index.html still names $hashed after the rewrite"
  exit 1
fi
rm "$staging/$hashed.js" "$staging/$bg_wasm"
say "$bin split into a main module and $(find "$staging/$folder" -name '*.pack' | wc -l) packs in $folder/"
