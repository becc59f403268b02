#!/usr/bin/env bash
# Builds the release site and serves it at http://127.0.0.1:8080 (installs the toolchain first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
export TRUNK_SKIP_VERSION_CHECK=true
exec trunk serve --release --offline=true --address 127.0.0.1 --port 8080
