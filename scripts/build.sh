#!/usr/bin/env bash
# Builds the release site into dist/ (relative URLs: it works from any sub-folder).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export TRUNK_SKIP_VERSION_CHECK=true
# DIST_DIR: another output folder (scripts/bench.sh builds dist-bench/ with the bench feature).
dist=${DIST_DIR:-dist}
trunk build --release --offline=true --dist "$dist" "$@"
# The Content-Security-Policy (with the hash of Trunk's inline init script), the build version
# and the service worker's precache list.
node scripts/finish-site.mjs "$dist"
