#!/usr/bin/env bash
# Configures (once) and builds KellyDesk with Ninja into build/ (or $KELLY_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${KELLY_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKELLY_WERROR=ON "$@"
fi
cmake --build "$build_dir" -j "$(nproc)"
