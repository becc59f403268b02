#!/usr/bin/env bash
# Builds the app's wasm the way Trunk does (cargo release build of the `app` bin, wasm-bindgen
# --target web, wasm-opt) with extra settings, and prints its raw and gzip -9 sizes, to measure
# a bundle-size lever without touching the tree. Usage:
#   scripts/bundle-variant.sh NAME [cargo args, e.g. --config 'profile.release.opt-level="s"']
# Environment: RUSTFLAGS (replaces .cargo/config.toml's wasm rustflags: repeat
# `-C target-feature=+simd128`), WASM_OPT (default "-Oz", as index.html's data-wasm-opt="z"),
# CARGO_TARGET_DIR (each variant builds in $CARGO_TARGET_DIR/variants/NAME/target, or in
# variants/$SHARE_TARGET/target to reuse another variant's build with the same RUSTFLAGS).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
name=$1; shift
base=${CARGO_TARGET_DIR:-target}/variants/$name
mkdir -p "$base"
target=${CARGO_TARGET_DIR:-target}/variants/${SHARE_TARGET:-$name}/target
CARGO_TARGET_DIR=$target cargo build --quiet --offline --release --target wasm32-unknown-unknown --bin app "$@"
wasm-bindgen --target web --no-typescript --out-dir "$base" --out-name app "$target/wasm32-unknown-unknown/release/app.wasm"
# shellcheck disable=SC2086
wasm-opt ${WASM_OPT:--Oz} "$base/app_bg.wasm" -o "$base/app_opt.wasm"
printf '%s wasm %d raw %d gzip; js %d raw %d gzip\n' "$name" \
  "$(stat -c %s "$base/app_opt.wasm")" "$(gzip -9 -n -c "$base/app_opt.wasm" | wc -c)" \
  "$(stat -c %s "$base/app.js")" "$(gzip -9 -n -c "$base/app.js" | wc -c)"
