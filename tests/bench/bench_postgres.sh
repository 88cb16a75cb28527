#!/usr/bin/env bash
# Issue 13's benchmark on a throwaway PostgreSQL cluster (pg_virtualenv -t), with the same
# figures on SQLite as the reference: bash tests/bench/bench_postgres.sh [BUILD_DIR] [CHANGES]
set -euo pipefail
build="${1:-build}"
changes="${2:-1000}"
folder="$(mktemp -d)"
trap 'rm -rf "$folder"' EXIT
# fsync on, as on a real server (pg_virtualenv turns it off for speed).
pg_virtualenv -t -o fsync=on sh -c "createdb -E UTF8 -T template0 kd_bench &&
  '$build/tests/bench/bench_postgres' postgresql:///kd_bench '$folder/bench.sqlite' $changes"
