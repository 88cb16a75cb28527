#!/usr/bin/env bash
# Installs the Debian 12 packages KellyDesk builds and tests with; skips what is there.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config clang libclang-rt-14-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libqt6sql6-sqlite qt6-qpa-plugins libgl-dev
  libeigen3-dev libopenblas-serial-dev liblapacke-dev libbenchmark-dev sqlite3 libsqlite3-dev
  postgresql-15 libqt6sql6-psql
  xvfb xauth fonts-dejavu-core
  python3-pandas
  dpkg-dev python3-setuptools python3-wheel python3-pip python3-venv
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
