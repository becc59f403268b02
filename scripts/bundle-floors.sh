#!/usr/bin/env bash
# Measures how small the app's first load could get if every screen but one were loaded on
# demand (code splitting): builds cut-down copies of the app from HEAD with
# scripts/bundle-variant.sh and prints their app wasm and JS sizes (gzip -9). Each copy keeps
# only what its first screen reaches, which is the least a split build's main module would hold.
#   hello   a Leptos counter: the framework's own floor
#   shell   the header, navigation, storage banner and the chain's state (AppState: load,
#           validation, saving, the stored-signature check), no screen
#   ledger  the shell and the Ledger screen (the landing screen), no other screen or its state
#   full    the whole app in one module (no `split` feature; the benchmark entry points,
#           src/bench.rs, are behind the `bench` feature and left out too)
# Usage: scripts/bundle-floors.sh [hello shell ledger full]. CARGO_TARGET_DIR as for
# bundle-variant.sh (all copies share one target dir, built one after another).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
cp "$work/src/app.rs" "$work/full.rs"
for v in "${@:-hello shell ledger full}"; do
  for name in $v; do
    python3 - "$work" "$name" <<'PY'
import sys
work, name = sys.argv[1], sys.argv[2]
src = open(f"{work}/full.rs").read()
def cut(s, old, new):
    if old not in s:
        sys.exit(f"bundle-floors: src/app.rs changed, cannot cut {old[:60]!r}")
    return s.replace(old, new)
if name == "hello":
    out = '''use leptos::prelude::*;
#[component]
pub fn App() -> impl IntoView {
    let n = RwSignal::new(0u32);
    view! { <main><button on:click=move |_| n.update(|v| *v += 1)>{move || n.get()}</button></main> }
}
'''
elif name == "full":
    out = src
else:
    out = src
    start = out.index("    provide_context(crate::state::tabs::start(state));")
    end = out.index("    let route = use_route();")
    out = out[:start] + out[end:]
    start = out.index("                Route::Wallet =>")
    end = out.index("            }}\n        </main>")
    out = out[:start] + "                _ => ().into_any(),\n" + out[end:]
    if name == "shell":
        out = cut(out, "Route::Ledger => view! { <Ledger /> }.into_any(),", "Route::Ledger => ().into_any(),")
open(f"{work}/src/app.rs", "w").write(out)
PY
    (cd "$work" && SHARE_TARGET=floor bash scripts/bundle-variant.sh "floor-$name" 2>&1 \
      | grep -E '^floor-|^error' || true)
  done
done
