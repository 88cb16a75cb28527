#!/usr/bin/env bash
# Installs what is missing, builds, and starts the dashboard on a fresh demo store.
# Without a display it starts under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" build/app/kellydesk/kellydesk --demo "$@"
fi
exec build/app/kellydesk/kellydesk --demo "$@"
