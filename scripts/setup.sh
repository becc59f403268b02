#!/usr/bin/env bash
# Installs everything blocklab needs on a fresh Debian machine, skipping what is already there.
# Pinned versions: see ../shared/TOOLCHAIN.md and ARCHITECTURE.md ("Toolchain").
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_OPT_CRATE_VERSION=0.116.1   # binaryen version_116; Debian's binaryen 108 miscompiles
# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$HOME/.cargo/bin:$PATH"

# 1. Debian packages: Chromium and its driver for browser tests, Node for the e2e runner.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "chromium, chromedriver, node: present"
fi

# 2. Rust target for the browser.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
else
  log "wasm32-unknown-unknown: present"
fi

# 3. Cargo tools at pinned versions (built without LTO to save minutes).
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install --quiet "$@"
}
if have_version trunk "trunk $TRUNK_VERSION"; then log "trunk $TRUNK_VERSION: present"; else
  log "cargo install trunk $TRUNK_VERSION (about 4 minutes)"
  fast_install trunk --version "$TRUNK_VERSION" --locked --no-default-features
fi
if have_version wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION"; then log "wasm-bindgen $WASM_BINDGEN_VERSION: present"; else
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # No --locked: its lockfile names a dependency version the registry no longer serves.
  fast_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if have_version wasm-opt "version 116"; then log "wasm-opt 116: present"; else
  log "cargo install wasm-opt $WASM_OPT_CRATE_VERSION (about 6 minutes)"
  fast_install wasm-opt --version "$WASM_OPT_CRATE_VERSION" --locked
fi

# 4. Crates for offline builds (Trunk runs cargo with --offline).
log "cargo fetch"
cargo fetch --quiet

# 5. npm packages for the end-to-end tests (pinned in tests/e2e/package-lock.json).
if [ -f tests/e2e/package.json ]; then
  if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]; then
    log "npm ci (tests/e2e)"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  else
    log "tests/e2e/node_modules: present"
  fi
fi
log "done"
