#!/usr/bin/env bash
# Issue 27: the Debian package on a fresh machine. Run as root from the checkout:
#
#   bash tests/package/check-package.sh [CMAKE_ARGS...]
#
# 1. scripts/package.sh builds the .deb here (CMAKE_ARGS go to its configure step);
# 2. the Python module installs with pip from app/python, offline, on Debian's setuptools;
# 3. a brand-new Debian 12 root (../shared/tools/fresh-debian) gets only the .deb and
#    tests/package/installed-check.sh, deletes the source tree, installs the package with
#    apt, runs it from the installed paths, purges it and checks what is left.
# It ends with "package check: passed" or the first failure. Not part of CTest or CI: the
# fresh root downloads and installs the runtime packages (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "check-package: run as root (it uses chroot)" >&2; exit 2; }
fresh=${KELLY_FRESH_DEBIAN:-../shared/tools/fresh-debian}

echo "== 1. scripts/package.sh"
deb=$(scripts/package.sh "$@" | tail -n 1)
echo "package: $deb"
dpkg-deb --field "$deb"
dpkg-deb --contents "$deb" | awk '{print $NF}'
if dpkg-deb -f "$deb" Depends | grep -q -- '-dev'; then
  echo "check-package: FAILED: a -dev package in Depends" >&2; exit 1
fi

echo "== 2. pip install --no-build-isolation ./app/python (Debian's setuptools, no index)"
work=$(mktemp -d /var/tmp/kellydesk-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
cp -r app/python "$work/python"   # pip builds in place: keep the checkout clean
"$work/venv/bin/pip" install -q --no-build-isolation --no-index "$work/python"
(cd / && "$work/venv/bin/python" -c '
import kellydesk, sys
assert kellydesk.__file__.startswith(sys.prefix), kellydesk.__file__
print("pip: kellydesk", kellydesk.__version__, "from", kellydesk.__file__)')

echo "== 3. a new Debian 12 root: apt install, run, apt purge"
mkdir "$work/shared"
cp "$deb" tests/package/installed-check.sh "$work/shared/"
FRESH_SHARED="$work/shared" "$fresh" \
  'cp -r /src/shared /root/package && cd / && rm -rf /src && bash /root/package/installed-check.sh /root/package/kellydesk_*.deb'
echo "package check: passed"
