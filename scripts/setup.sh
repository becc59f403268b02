#!/usr/bin/env bash
# Installs everything blocklab needs on a fresh Debian machine, skipping what is already there.
# Pinned versions: see ../shared/TOOLCHAIN.md and ARCHITECTURE.md ("Toolchain").
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_OPT_CRATE_VERSION=0.116.1   # binaryen version_116; Debian's binaryen 108 miscompiles
WASM_SPLIT_VERSION=0.2.4         # wasm_split_cli_support: splits the app wasm (scripts/split-app.mjs)
# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

NODE_MIN_MAJOR=20                # playwright-core and @noble need Node >= 20
NODE_NPM_VERSION=20.20.2         # npm package node-linux-<arch>, used when the system's node is older

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# shellcheck source=scripts/env.sh
. scripts/env.sh   # PATH: ~/.cargo/bin, and $BLOCKLAB_NODE's node once it is installed

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

# 2. Node >= 20 for the end-to-end tests. Debian 12's nodejs is 18 and nodejs.org is out of
# reach, so a newer node comes from the npm registry's node-linux-<arch> package, installed
# under $BLOCKLAB_NODE (scripts/env.sh puts it first on PATH); the system's node is left alone.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -ge "$NODE_MIN_MAJOR" ]; then
  log "node $(node --version): present"
else
  case "$(uname -m)" in
    x86_64) node_arch=x64 ;;
    aarch64 | arm64) node_arch=arm64 ;;
    *) echo "setup: no node-linux package for $(uname -m); install Node >= $NODE_MIN_MAJOR by hand" >&2; exit 1 ;;
  esac
  log "node $(node --version 2>/dev/null || echo missing) < $NODE_MIN_MAJOR: npm install node-linux-$node_arch@$NODE_NPM_VERSION into $BLOCKLAB_NODE"
  as_root mkdir -p "$BLOCKLAB_NODE"
  as_root npm install --prefix "$BLOCKLAB_NODE" --no-audit --no-fund --no-save --loglevel=error \
    "node-linux-$node_arch@$NODE_NPM_VERSION"
  . scripts/env.sh
  if [ "$(node_major)" -lt "$NODE_MIN_MAJOR" ]; then
    echo "setup: $BLOCKLAB_NODE/node_modules/.bin/node is not Node >= $NODE_MIN_MAJOR" >&2
    exit 1
  fi
  log "node $(node --version) from $BLOCKLAB_NODE"
fi

# 3. Rust: rustup, the rustfmt and clippy components, the target for the browser.
if ! command -v rustup >/dev/null 2>&1; then
  # Debian 12 has no rustup package (later Debian releases do); its rustc is too old here.
  as_root apt-get update -qq
  if apt-cache policy rustup 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    log "apt-get install rustup"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends rustup
    rustup toolchain install stable --profile minimal
    rustup default stable
  else
    cat >&2 <<'MSG'
setup: rustup is missing, and this system's package manager does not offer it.
Install Rust with rustup (https://rustup.rs: `curl https://sh.rustup.rs -sSf | sh -s -- -y`,
which needs the Rust distribution server), open a new shell (or `. "$HOME/.cargo/env"`), and
run this script again. Debian's rustc/cargo packages are too old for this project.
MSG
    exit 1
  fi
fi
installed_components=$(rustup component list --installed)
missing_components=()
for c in rustfmt clippy; do
  grep -q "^$c" <<<"$installed_components" || missing_components+=("$c")
done
if [ ${#missing_components[@]} -gt 0 ]; then
  log "rustup component add ${missing_components[*]}"
  rustup component add "${missing_components[@]}"
else
  log "rustfmt, clippy: present"
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
else
  log "wasm32-unknown-unknown: present"
fi

# 4. Cargo tools at pinned versions (built without LTO to save minutes).
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
if cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  log "wasm-split-cli $WASM_SPLIT_VERSION: present"
else
  log "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (wasm-split-cli, about 2 minutes)"
  fast_install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --features build-binary
fi

# 5. Crates for offline builds (Trunk runs cargo with --offline).
log "cargo fetch"
cargo fetch --quiet

# 6. npm packages for the end-to-end tests (pinned in tests/e2e/package-lock.json).
if [ -f tests/e2e/package.json ]; then
  if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]; then
    log "npm ci (tests/e2e)"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  else
    log "tests/e2e/node_modules: present"
  fi
fi
# 7. Python libraries of the course, for the "show code" snippets' test (tests/e2e/snippets.check.mjs):
# a virtual environment in .venv (git-ignored) with pinned versions, never the system's Python
# packages; skipped when every pin is already there.
PY_PINS=(web3==7.16.0 eth-account==0.13.7 mnemonic==0.21 bip44==0.1.6)
venv_has_pins() {
  [ -x .venv/bin/python ] || return 1
  local frozen
  frozen=$(.venv/bin/python -m pip freeze --disable-pip-version-check 2>/dev/null | tr '[:upper:]_' '[:lower:]-') || return 1
  for pin in "${PY_PINS[@]}"; do grep -qx "$pin" <<<"$frozen" || return 1; done
}
if venv_has_pins; then
  log ".venv (${PY_PINS[*]}): present"
else
  log "python3 -m venv .venv; pip install ${PY_PINS[*]} (about 20 s)"
  # Debian 12 ships python3 without venv/ensurepip (package python3-venv).
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3 python3-venv
  fi
  venv_started=$SECONDS
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "${PY_PINS[@]}"
  venv_has_pins || { echo "[setup] .venv does not hold ${PY_PINS[*]} after pip install" >&2; exit 1; }
  log ".venv ready in $((SECONDS - venv_started)) s"
fi
log "done"
