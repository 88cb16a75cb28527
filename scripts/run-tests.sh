#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite (GUI suites offscreen), then the
# same suites again under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/, then
# the libFuzzer targets for a short budget each in build-fuzz/ (clang).
# KELLY_SKIP_SANITIZERS=1 skips the last two passes on a developer machine; CI always runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export QT_QPA_PLATFORM=offscreen LC_ALL=C
rm -f build/ctest.log build-asan/ctest.log build-fuzz/ctest.log

scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" 2>&1 | tee ctest.log)

if [ "${KELLY_SKIP_SANITIZERS:-0}" != 1 ] || [ "${CI:-}" = true ]; then
  echo "== the same suites under ASan + UBSan (build-asan/)"
  KELLY_BUILD_DIR=build-asan scripts/build.sh -DKELLY_SANITIZE=ON -DKELLY_BUILD_BENCHMARKS=OFF \
    -DCMAKE_BUILD_TYPE=Debug
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0"
  (cd build-asan && ctest --output-on-failure -j "$(nproc)" 2>&1 | tee ctest.log)

  echo "== libFuzzer targets, ${KELLY_FUZZ_SECONDS:-30} s each (build-fuzz/)"
  KELLY_BUILD_DIR=build-fuzz scripts/build.sh -DCMAKE_CXX_COMPILER=clang++ \
    -DKELLY_BUILD_FUZZERS=ON -DKELLY_BUILD_UI=OFF -DKELLY_BUILD_TESTS=OFF \
    -DKELLY_BUILD_BENCHMARKS=OFF -DKELLY_FUZZ_SECONDS="${KELLY_FUZZ_SECONDS:-30}"
  (cd build-fuzz && ctest --output-on-failure -j "$(nproc)" 2>&1 | tee ctest.log)
fi

# One closing line over every pass that ran, e.g. "total: 152 passed, 0 failed".
awk '/tests passed, .* tests failed out of/ {
       failed += $4; total += $NF
     }
     END { printf "total: %d passed, %d failed\n", total - failed, failed }' \
  build/ctest.log $(ls build-asan/ctest.log build-fuzz/ctest.log 2>/dev/null)
