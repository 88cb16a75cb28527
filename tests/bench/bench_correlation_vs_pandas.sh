#!/usr/bin/env bash
# Issue 4 benchmark: a whole-process C++ correlation build against pandas doing the same
# read + pct_change + concat + corr, on generated files of 500 symbols x 1,500 days, with
# and without gaps. Prints wall and CPU times (best of $RUNS), the ratios (target >= 10x) and
# checks that both sides found the same matrix (sum of rho).
#
# usage: tests/bench/bench_correlation_vs_pandas.sh
# env:   KELLY_CORR_CMD  the C++ command, run as "$KELLY_CORR_CMD DIR"; default
#                        "build/tests/bench/corrbuild --prices" (e.g. later:
#                        "build/app/kellyctl --db /tmp/b.db correlation build --prices")
#        SYMBOLS DAYS LOOKBACK RUNS   (500, 1500, 250, 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
symbols=${SYMBOLS:-500}
days=${DAYS:-1500}
lookback=${LOOKBACK:-250}
runs=${RUNS:-3}
cpp_cmd=${KELLY_CORR_CMD:-"$root/${KELLY_BUILD_DIR:-build}/tests/bench/corrbuild --prices"}

# Debian's python3-pandas sits under /usr/bin/python3, which pyenv or a venv may shadow.
python=""
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c "import pandas" 2>/dev/null; then python=$candidate; break; fi
done
if [ -z "$python" ]; then
  echo "python3 with pandas not found (apt install python3-pandas)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Best wall time and best CPU time (user + sys) in seconds over RUNS runs of a command, as
# "WALL CPU"; its last output goes to $work/out. CPU time is the steadier figure on a
# machine shared with other jobs.
best_time() {
  local best="" best_cpu="" start end elapsed cpu
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$work/time" "$@" > "$work/out"
    end=$(date +%s.%N)
    elapsed=$(echo "$end - $start" | bc -l)
    cpu=$(awk '{print $1 + $2}' "$work/time")
    if [ -z "$best" ] || [ "$(echo "$elapsed < $best" | bc -l)" = 1 ]; then best=$elapsed; fi
    if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc -l)" = 1 ]; then best_cpu=$cpu; fi
  done
  echo "$best $best_cpu"
}

status=0
for mode in nogaps gaps; do
  dir="$work/$mode"
  "$python" "$here/bench_correlation_generate.py" "$dir" "$symbols" "$days" "$mode"
  # shellcheck disable=SC2086 # the command is a word list on purpose
  read -r cpp_s cpp_cpu < <(best_time $cpp_cmd "$dir" --lookback "$lookback")
  cpp_sum=$(awk '/^rho_sum/ {print $2}' "$work/out")
  cpp_detail=$(grep -E '^(symbols|load)' "$work/out" | tr '\n' ';' || true)
  read -r pandas_s pandas_cpu < <(best_time "$python" "$here/bench_correlation_pandas.py" "$dir" "$lookback")
  pandas_sum=$(awk '/^rho_sum/ {print $2}' "$work/out")
  ratio=$(echo "$pandas_s / $cpp_s" | bc -l)
  cpu_ratio=$(echo "$pandas_cpu / $cpp_cpu" | bc -l)
  printf '%-7s %d symbols x %d days, lookback %d\n' "$mode" "$symbols" "$days" "$lookback"
  printf '        wall: C++ %.3f s, pandas %.3f s, ratio %.1fx\n' "$cpp_s" "$pandas_s" "$ratio"
  printf '        cpu:  C++ %.3f s, pandas %.3f s, ratio %.1fx\n' "$cpp_cpu" "$pandas_cpu" "$cpu_ratio"
  echo "        C++: $cpp_detail"
  if [ -n "$cpp_sum" ] && [ -n "$pandas_sum" ]; then
    diff=$(echo "d = $cpp_sum - $pandas_sum; if (d < 0) d = -d; d" | bc -l)
    if [ "$(echo "$diff < 0.000001" | bc -l)" = 1 ]; then
      echo "        same matrix: sum of rho $cpp_sum (C++) vs $pandas_sum (pandas)"
    else
      echo "        MISMATCH: sum of rho $cpp_sum (C++) vs $pandas_sum (pandas)"
      status=1
    fi
  fi
  if [ "$(echo "$ratio < 10" | bc -l)" = 1 ]; then
    echo "        wall-clock ratio below the 10x target"
  fi
done
exit $status
