#!/usr/bin/env bash
# Runs inside a new Debian 12 root where no source tree exists (tests/package/check-package.sh
# puts it there): installs the .deb with apt, runs what it installed from the installed paths
# only, purges it, and checks nothing is left behind but the user's store and settings.
set -euo pipefail
deb=$1
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root
cd /root
fail() { echo "installed-check: FAILED: $*" >&2; exit 1; }
[ ! -e /src ] || fail "the source tree is still there"

echo "== the tools of the check (not the package's): Xvfb, systemd-analyze, man"
apt-get update -qq
apt-get install -y -qq --no-install-recommends xvfb xauth systemd man-db >/dev/null

# Every path on the root, less what changes by itself (apt, logs, caches, the keymaps Xvfb
# compiles), to compare before and after.
snapshot() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
    -o -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/cache -o -path /var/log \
    -o -path /var/lib/xkb -o -path /root/package \) -prune -o -print | sort
}
# Installed once and purged, so the runtime dependencies stay and the snapshot below
# differs from the end state only by what the package itself leaves.
apt-get install -y -qq "$deb" >/dev/null
apt-get purge -y -qq kellydesk >/dev/null
snapshot > /root/package/before.txt

echo "== apt install $(basename "$deb")"
apt-get install -y "$deb" 2>&1 | tail -n 3
dpkg -L kellydesk > /root/package/files.txt
for f in /usr/bin/kellyctl /usr/bin/kellydesk /usr/share/man/man1/kellyctl.1.gz \
         /usr/share/man/man1/kellydesk.1.gz /usr/share/doc/kellydesk/changelog.Debian.gz \
         /usr/lib/python3/dist-packages/kellydesk/__init__.py \
         /usr/share/kellydesk/prices/NVDA.csv /usr/share/applications/kellydesk.desktop \
         /usr/share/icons/hicolor/scalable/apps/kellydesk.svg \
         /usr/lib/systemd/system/kellydesk-sync.service \
         /usr/lib/systemd/system/kellydesk-close.service \
         /usr/lib/systemd/system/kellydesk-close.timer; do
  [ -s "$f" ] || fail "$f is not installed"
done
zcat /usr/share/doc/kellydesk/changelog.Debian.gz > /root/package/changelog.txt
sed -n 1p /root/package/changelog.txt
man -w kellyctl kellydesk
! ldd /usr/bin/kellyctl /usr/bin/kellydesk | grep 'not found' || fail "a library is missing"

echo "== kellyctl from /usr/bin (the default store in ~/.local/share/KellyDesk)"
cd /root
command -v kellyctl
kellyctl init
kellyctl account set --equity 100000 --buying-power 400000
kellyctl size NVDA 150
kellyctl status
qty=$(kellyctl size NVDA 150 --dry-run --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["qty"])')
[ "$qty" = 1600 ] || fail "kellyctl size NVDA 150 --dry-run: qty $qty, expected 1600 (SPEC 8)"

echo "== the Python module from dist-packages, kellyctl from PATH"
out=$(python3 -c 'from kellydesk import get_qty; print(get_qty("NVDA", 150.0))')
echo "get_qty(\"NVDA\", 150.0) = $out"
python3 -c 'import kellydesk; print(kellydesk.__file__)' | grep -q '^/usr/lib/python3/dist-packages/' \
  || fail "kellydesk is not imported from /usr/lib/python3/dist-packages"
case $out in 1600|1600.0) ;; *) fail "get_qty: $out, expected 1600" ;; esac

echo "== kellydesk --demo --screenshot under Xvfb (its prices from /usr/share/kellydesk)"
xvfb-run -a -s "-screen 0 1600x1000x24" kellydesk --demo --screenshot /tmp/x.png
[ "$(head -c 8 /tmp/x.png | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] || fail "/tmp/x.png is not a PNG"
echo "screenshot: $(stat -c %s /tmp/x.png) bytes"
kellydesk --help > /root/package/help.txt
sed -n 1p /root/package/help.txt

echo "== systemd-analyze verify"
for unit in kellydesk-sync.service kellydesk-close.service kellydesk-close.timer; do
  systemd-analyze verify "/usr/lib/systemd/system/$unit"
  echo "$unit: verified"
done
systemd-analyze calendar 'Mon..Fri 15:45 America/New_York' | sed -n '1,4p'
enabled=$(find /etc/systemd/system -name 'kellydesk-*' 2>/dev/null)
[ -z "$enabled" ] || fail "the package enabled a unit: $enabled"
echo "units: not enabled (off by default)"

echo "== apt purge kellydesk"
apt-get purge -y kellydesk 2>&1 | tail -n 2
dpkg -s kellydesk >/dev/null 2>&1 && fail "kellydesk is still installed"
while read -r f; do
  [ -d "$f" ] && continue   # shared folders such as /usr/bin stay
  [ ! -e "$f" ] || fail "$f is left"
done < /root/package/files.txt
snapshot > /root/package/after.txt
left=$(comm -13 /root/package/before.txt /root/package/after.txt)
echo "new since before the install:"
echo "$left" | sed 's/^/  /'
unexpected=$(echo "$left" | grep -v -e '^$' -e '^/root/.local$' -e '^/root/.local/share$' \
  -e '^/root/.local/share/KellyDesk' -e '^/root/.config$' -e '^/root/.config/KellyDesk' \
  -e '^/root/.cache' || true)
[ -z "$unexpected" ] || fail "left behind: $unexpected"
[ -s /root/.local/share/KellyDesk/kellydesk.sqlite ] || fail "the user's store is gone"
echo "installed-check: passed (left: the user's store and settings only)"
