#!/usr/bin/env bash
# Builds an earlier commit's site (dist/ and the benchmarks' dist-bench/) in a worktree beside
# this one and runs the benchmarks with it as the base build: mining (BENCH_BASE_DIST), signing
# and wallet (BENCH_BASE_BENCH_DIST) then measure both builds in the same run and print this
# build's speed relative to it. Usage: scripts/bench-base.sh REF [bench.sh args, e.g. --quick]
# BASE_DIR: where the worktree goes (default ../blocklab-base-REF). The worktree starts with a
# copy of this tree's wasm target/ (its dependencies need no rebuild) and is kept for re-runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:?usage: scripts/bench-base.sh REF [bench.sh args]}
shift
sha=$(git rev-parse --short "$ref^{commit}")
base=${BASE_DIR:-../blocklab-base-$sha}
if [ ! -d "$base" ]; then
  git worktree add --detach "$base" "$sha"
  mkdir -p "$base/target"
  if [ -d target/wasm32-unknown-unknown ]; then cp -a target/wasm32-unknown-unknown "$base/target/"; fi
fi
if [ ! -f "$base/dist-bench/index.html" ]; then
  (
    cd "$base"
    bash scripts/build.sh
    sed 's/data-cargo-features="split"/data-cargo-features="split,bench"/' index.html > bench.html
    DIST_DIR=dist-bench bash scripts/build.sh bench.html
  )
fi
base=$(cd "$base" && pwd)
BENCH_BASE_DIST=$base/dist BENCH_BASE_BENCH_DIST=$base/dist-bench bash scripts/bench.sh "$@"
