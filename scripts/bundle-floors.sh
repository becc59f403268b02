#!/usr/bin/env bash
# Measures how small the app's first load could get if every screen but one were loaded on
# demand (code splitting): builds cut-down copies of the app from HEAD with
# scripts/bundle-variant.sh and prints their app wasm and JS sizes (gzip -9). Each copy keeps
# only what its first screen reaches, which is the least a split build's main module would hold.
#   hello   a Leptos counter: the framework's own floor
#   full    the whole app in one module (no `split` feature; the benchmark entry points,
#           src/bench.rs, are behind the `bench` feature and left out too)
# The `shell` and `ledger` floors of issue 19's first analysis (the chain's state with no
# screen, then with the Ledger) are gone: since the shell split (src/shell.rs) the main module
# holds the home screen and no `AppState`, and tests/e2e/bench/bundle.bench.mjs measures it.
# Usage: scripts/bundle-floors.sh [hello full]. CARGO_TARGET_DIR as for
# bundle-variant.sh (all copies share one target dir, built one after another).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
cp "$work/src/app.rs" "$work/full.rs"
for v in "${@:-hello full}"; do
  for name in $v; do
    python3 - "$work" "$name" <<'PY'
import sys
work, name = sys.argv[1], sys.argv[2]
src = open(f"{work}/full.rs").read()
if name == "hello":
    out = '''use leptos::prelude::*;
#[component]
pub fn App() -> impl IntoView {
    let n = RwSignal::new(0u32);
    view! { <main><button on:click=move |_| n.update(|v| *v += 1)>{move || n.get()}</button></main> }
}
'''
    # The shell uses the real app.rs's split helpers: left out with it.
    open(f"{work}/src/shell.rs", "w").write("//! Left out of the `hello` floor.\n")
elif name == "full":
    out = src
else:
    sys.exit(f"bundle-floors: unknown floor {name!r} (hello, full)")
open(f"{work}/src/app.rs", "w").write(out)
PY
    (cd "$work" && SHARE_TARGET=floor bash scripts/bundle-variant.sh "floor-$name" 2>&1 \
      | grep -E '^floor-|^error' || true)
  done
done
