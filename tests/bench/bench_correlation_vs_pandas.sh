#!/usr/bin/env bash
# Issue 4 benchmark: `kellyctl correlation build` (read the folder, build, save in a store),
# whole process, against pandas doing the same read + pct_change + concat + corr, on
# generated files of 500 symbols x 1,500 days, with and without gaps. The library alone
# (the corrbuild tool: read + build, no store) is timed beside it. Prints wall and CPU times
# (best of $RUNS, and kellyctl's mean), the ratios (target >= 20x since issue 25), the kernels
# that ran (our products: avx2+fma or sse2; OpenBLAS' pick for dsyevr), and checks that both
# sides found the same matrix (sum of rho, kellyctl's read back with `correlation show`).
#
# usage: tests/bench/bench_correlation_vs_pandas.sh
# env:   KELLY_BUILD_DIR (build), SYMBOLS DAYS LOOKBACK RUNS (500, 1500, 250, 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
symbols=${SYMBOLS:-500}
days=${DAYS:-1500}
lookback=${LOOKBACK:-250}
runs=${RUNS:-5}
build="$root/${KELLY_BUILD_DIR:-build}"
kellyctl="$build/app/kellyctl/kellyctl"
corrbuild="$build/tests/bench/corrbuild"

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

# Times RUNS runs of a command: prints "BEST_WALL MEAN_WALL BEST_CPU" in seconds (CPU is
# user + sys, the steadier figure on a machine shared with other jobs); the last run's
# output goes to $work/out.
time_runs() {
  local walls=() cpus=() start end
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$work/time" "$@" > "$work/out"
    end=$(date +%s.%N)
    walls+=("$(echo "$end - $start" | bc -l)")
    cpus+=("$(awk '{print $1 + $2}' "$work/time")")
  done
  printf '%s\n' "${walls[@]}" | sort -g | awk -v cpu="$(printf '%s\n' "${cpus[@]}" | sort -g | head -1)" \
    '{ s += $1; if (NR == 1) best = $1 } END { printf "%.3f %.3f %.3f\n", best, s / NR, cpu }'
}

# The sum of the non-blank rho of the latest build in a store, read back through kellyctl.
stored_rho_sum() {
  "$kellyctl" --db "$1" correlation show --json | "$python" -c '
import json, sys
matrix = json.load(sys.stdin)["matrix"]
print("%.9f" % sum(v for row in matrix for v in row if v is not None))'
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for mode in nogaps gaps; do
  dir="$work/$mode"
  db="$work/$mode.sqlite"
  "$python" "$here/bench_correlation_generate.py" "$dir" "$symbols" "$days" "$mode"
  "$kellyctl" --db "$db" init > /dev/null
  read -r ctl_best ctl_mean ctl_cpu < <(time_runs "$kellyctl" --db "$db" correlation build --prices "$dir" --lookback "$lookback")
  ctl_sum=$(stored_rho_sum "$db")
  read -r lib_best _ lib_cpu < <(time_runs "$corrbuild" --prices "$dir" --lookback "$lookback")
  lib_detail=$(grep -E '^load' "$work/out" || true)
  read -r pandas_best pandas_mean pandas_cpu < <(time_runs "$python" "$here/bench_correlation_pandas.py" "$dir" "$lookback")
  pandas_sum=$(awk '/^rho_sum/ {print $2}' "$work/out")
  ratio=$(echo "$pandas_best / $ctl_best" | bc -l)
  mean_ratio=$(echo "$pandas_mean / $ctl_mean" | bc -l)
  cpu_ratio=$(echo "$pandas_cpu / $ctl_cpu" | bc -l)
  lib_ratio=$(echo "$pandas_best / $lib_best" | bc -l)
  printf '%-7s %d symbols x %d days, lookback %d, %d runs each\n' "$mode" "$symbols" "$days" "$lookback" "$runs"
  printf '        kellyctl correlation build: best %.3f s, mean %.3f s, cpu %.3f s\n' "$ctl_best" "$ctl_mean" "$ctl_cpu"
  printf '        pandas:                     best %.3f s, mean %.3f s, cpu %.3f s\n' "$pandas_best" "$pandas_mean" "$pandas_cpu"
  printf '        ratio (pandas / kellyctl):  best %.1fx, mean %.1fx, cpu %.1fx\n' "$ratio" "$mean_ratio" "$cpu_ratio"
  printf '        library alone (corrbuild, no store): best %.3f s (%.1fx), cpu %.3f s; %s\n' "$lib_best" "$lib_ratio" "$lib_cpu" "$lib_detail"
  diff=$(echo "d = $ctl_sum - $pandas_sum; if (d < 0) d = -d; d" | bc -l)
  if [ "$(echo "$diff < 0.000001" | bc -l)" = 1 ]; then
    echo "        same matrix: sum of rho $ctl_sum (stored by kellyctl) vs $pandas_sum (pandas)"
  else
    echo "        MISMATCH: sum of rho $ctl_sum (stored by kellyctl) vs $pandas_sum (pandas)"
    status=1
  fi
  if [ "$(echo "$ratio < 20 || $mean_ratio < 20" | bc -l)" = 1 ]; then
    echo "        below the 20x target"
  fi
done
echo "machine after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
