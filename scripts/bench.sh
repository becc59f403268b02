#!/usr/bin/env bash
# Benchmarks (not tests): builds the release site and measures it in headless Chromium next to
# peer libraries in the same page. Prints tables of medians; writes bench-results/*.json.
#
# `--quick` (scripts/test.sh runs it after the end-to-end tests): every benchmark once, on small
# inputs, with all its checks (BENCH_QUICK=1, see tests/e2e/bench/common.mjs), so a broken
# benchmark fails the tests. It reuses dist/ when present (scripts/test.sh has just built it)
# and skips the set-up; its figures mean nothing (bench-results/quick/).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; fi
if [ "$quick" = 1 ]; then
  export BENCH_QUICK=1
else
  bash scripts/setup.sh
fi
. scripts/env.sh   # ~/.cargo/bin, and the Node >= 20 that setup.sh may have installed
if [ "$quick" = 0 ] || [ ! -f dist/index.html ]; then
  bash scripts/build.sh
fi
# The same app with the benchmarks' entry points (the `bench` feature), for the benchmarks that
# call into the wasm (chain, signing, wallet); the bundle, mining and cold-start figures are
# measured on dist/, the site as shipped. (Trunk's --features does not override index.html's
# data-cargo-features: the bench build has its own page, bench.html, written here.)
sed 's/data-cargo-features="split"/data-cargo-features="split,bench"/' index.html > bench.html
grep -q 'data-cargo-features="split,bench"' bench.html
DIST_DIR=dist-bench bash scripts/build.sh bench.html
for b in tests/e2e/bench/*.bench.mjs; do
  if [ "$quick" = 1 ]; then
    start=$(date +%s)
    node "$b"
    echo "(quick: $(basename "$b") took $(( $(date +%s) - start )) s)"
  else
    node "$b"
  fi
done
