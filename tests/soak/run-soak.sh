#!/usr/bin/env bash
# Issue 7 scale figures, run by hand: the peak memory of the dashboard at scale and the
# 60 s live soak (a writer marking 2,000 positions 10 times a second while the dashboard
# polls). Prints the machine load first: the figures depend on what else runs.
#   tests/soak/run-soak.sh [BUILD_DIR] [-- kelly_soak options]
set -euo pipefail
build="${1:-build}"
shift || true
[[ "${1:-}" == "--" ]] && shift
export LC_ALL=C QT_QPA_PLATFORM=offscreen
cmake --build "$build" --target kelly_soak soak_writer peak_memory
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/tests/soak/peak_memory"
"$build/tests/soak/kelly_soak" "$@"
echo "machine after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
