#!/usr/bin/env bash
# Benchmarks (not tests): builds the release site and measures it in headless Chromium next to
# peer libraries in the same page. Prints tables of medians; writes bench-results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh   # ~/.cargo/bin, and the Node >= 20 that setup.sh may have installed
bash scripts/build.sh
# The same app with the benchmarks' entry points (the `bench` feature), for the benchmarks that
# call into the wasm (chain, signing, wallet); the bundle, mining and cold-start figures are
# measured on dist/, the site as shipped. (Trunk's --features does not override index.html's
# data-cargo-features: the bench build has its own page, bench.html, written here.)
sed 's/data-cargo-features="split"/data-cargo-features="split,bench"/' index.html > bench.html
grep -q 'data-cargo-features="split,bench"' bench.html
DIST_DIR=dist-bench bash scripts/build.sh bench.html
for b in tests/e2e/bench/*.bench.mjs; do
  node "$b"
done
