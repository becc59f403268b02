#!/usr/bin/env bash
# Builds the release site and serves it at http://127.0.0.1:8080 (installs the toolchain first).
# The site served is the one the tests check: dist/ with its Content-Security-Policy and service
# worker, from a plain static server (PORT=... for another port). For a development loop with
# rebuilds on save, `trunk serve` also works, without the policy and the service worker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
bash scripts/build.sh
exec node scripts/serve-dist.mjs
