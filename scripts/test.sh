#!/usr/bin/env bash
# Runs every test layer (installing the pinned toolchain first):
#   1. native unit, property and vector tests of the core; lints; the core-purity check
#   2. wasm-bindgen-test in headless Chromium (storage adapter, app mounted and driven)
#   3. end-to-end tests of the release build served from a sub-folder (Node + playwright-core),
#      one of them against a real Ethereum node (anvil, npm @foundry-rs/anvil, started and stopped
#      by the test itself on a free loopback port)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh   # ~/.cargo/bin, and the Node >= 20 that setup.sh may have installed
export TRUNK_SKIP_VERSION_CHECK=true CHROMEDRIVER=/usr/bin/chromedriver

step() { printf '\n\033[1;35m== %s\033[0m\n' "$*"; }

step "core purity: blocklab-core has no web dependency"
if cargo tree -p blocklab-core -e normal,build --prefix none --target all | grep -E '^(leptos|web-sys|wasm-bindgen|js-sys|gloo)' ; then
  echo "blocklab-core depends on a web crate (listed above): keep the core pure" >&2
  exit 1
fi
echo "ok"

step "module circles: no module imports one that imports it back (app and core)"
node scripts/module-cycles.mjs

step "file sizes: no source file over 500 lines before its inline tests (app and core)"
node scripts/file-sizes.mjs

step "format and lints"
cargo fmt --all -- --check
cargo clippy --quiet --workspace --all-targets --all-features -- -D warnings
cargo clippy --quiet -p blocklab --target wasm32-unknown-unknown --all-targets --all-features -- -D warnings

# (crates/core/tests/fuzz.rs runs its short budget here: BLOCKLAB_FUZZ_CASES, 256 a target by default)
step "layer 1: native tests of the core (fuzz targets included) and the app's pure helpers"
cargo test --quiet --workspace

step "layer 1b: ten core-signed transactions accepted by a real node (anvil, from npm)"
cargo test --quiet -p blocklab-core --test anvil -- --ignored

step "layer 1c: the show-code snippets run with Python (web3.py, eth-account, mnemonic, bip44) and ethers, against anvil"
(cd tests/e2e && node --test snippets.check.mjs)

step "layer 2: wasm-bindgen-test in headless Chromium"
cargo test --target wasm32-unknown-unknown --test browser
cargo test --target wasm32-unknown-unknown --test lanes

step "release build (trunk, offline)"
bash scripts/build.sh

step "layer 3: end-to-end tests in Chromium"
(cd tests/e2e && npm test)

# Every benchmark once on small inputs with all its checks, so a broken benchmark fails here
# (builds dist-bench/, the app with the benchmarks' entry points; figures: scripts/bench.sh).
step "benchmarks, quick mode (BENCH_QUICK=1)"
bash scripts/bench.sh --quick
