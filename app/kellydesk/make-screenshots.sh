#!/usr/bin/env bash
# Renders one PNG per dashboard tab from a fresh demo store into resources/screenshots/
# (the README's pictures). Needs a built tree; runs under Xvfb when there is no display.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${KELLY_BUILD_DIR:-build}/app/kellydesk/kellydesk
out=resources/screenshots
mkdir -p "$out"
run=()
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || run=(xvfb-run -a -s "-screen 0 1600x1000x24")
for tab in book leverage stress correlation whatif log audit; do
  "${run[@]}" "$binary" --demo --tab "$tab" --screenshot "$out/$tab.png" 2>/dev/null
  echo "$out/$tab.png"
done
