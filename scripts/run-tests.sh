#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite (GUI suites offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd "${KELLY_BUILD_DIR:-build}"
export QT_QPA_PLATFORM=offscreen LC_ALL=C
ctest --output-on-failure -j "$(nproc)" 2>&1 | tee ctest.log
