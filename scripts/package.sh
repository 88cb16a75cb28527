#!/usr/bin/env bash
# Builds the Debian package (issue 27): a Release build installed to /usr, in build-package/
# (or $KELLY_PACKAGE_DIR), packed by CPack; prints the .deb's path on its last line.
# Extra arguments go to CMake's configure step, e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >&2
build_dir=${KELLY_PACKAGE_DIR:-build-package}
# Debian's interpreter, whatever python3 comes first on PATH: the module goes to its
# /usr/lib/python3/dist-packages.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DKELLY_WERROR=ON -DKELLY_BUILD_TESTS=OFF -DKELLY_BUILD_BENCHMARKS=OFF \
  -DPython3_EXECUTABLE=/usr/bin/python3 "$@" >&2
cmake --build "$build_dir" -j "$(nproc)" >&2
rm -f "$build_dir"/kellydesk_*.deb
(cd "$build_dir" && cpack -G DEB) >&2
deb=$(ls "$build_dir"/kellydesk_*.deb)
realpath "$deb"
