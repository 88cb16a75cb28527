#!/usr/bin/env bash
# Issue 15 benchmark: `kellyctl backtest` (read the folder, run, record the run in a store,
# print JSON), whole process, against the plain Python reference model
# (tests/lab/lab_reference.py) on the same generated files and methods, and the large case
# alone with its peak memory. Files come from bench_correlation_generate.py (fixed seed;
# gaps: weekends, holidays, late starts, a fifth of the symbols trading every day).
#
#   100 symbols x 1,500 days, enhanced,legacy,equal-weight: kellyctl vs Python (target >= 100x
#   since issue 25; >= 50x before)
#   500 symbols x 1,500 days, all 4 methods: target < 1 s (issue 25; < 3 s before), < 500 MB
#   100 symbols x 1,500 days, a Kelly sweep of 5 fractions (SPEC 18, issue 23): target < 1 s
#
# usage: tests/bench/bench_lab_vs_python.sh     env: KELLY_BUILD_DIR (build), RUNS (3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-3}
kellyctl="$root/${KELLY_BUILD_DIR:-build}/app/kellyctl/kellyctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/bench_correlation_generate.py" "$work/p100" 100 1500 gaps
python3 "$here/bench_correlation_generate.py" "$work/p500" 500 1500 gaps
"$kellyctl" --db "$work/store.sqlite" init > /dev/null

# Best wall time and best CPU time (user + sys, the steadier figure on a machine shared with
# other jobs) of RUNS runs, and the peak RSS (MB) of the last, via /usr/bin/time.
time_runs() {
  local best="" cpu_best="" wall cpu
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/out"
    wall=$(awk '{print $1}' "$work/time")
    cpu=$(awk '{print $3 + $4}' "$work/time")
    if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc -l)" = 1 ]; then best=$wall; fi
    if [ -z "$cpu_best" ] || [ "$(echo "$cpu < $cpu_best" | bc -l)" = 1 ]; then cpu_best=$cpu; fi
  done
  echo "$best $(awk '{printf "%.0f", $2 / 1024}' "$work/time") $cpu_best"
}

methods=enhanced,legacy,equal-weight
read -r ctl_wall ctl_mb ctl_cpu < <(time_runs "$kellyctl" --db "$work/store.sqlite" backtest \
  --prices "$work/p100" --methods "$methods" --json)
cp "$work/out" "$work/ctl.json"
read -r py_wall py_mb py_cpu < <(time_runs python3 "$root/tests/lab/lab_reference.py" \
  --prices "$work/p100" --methods "$methods")
cp "$work/out" "$work/py.json"
python3 - "$work/ctl.json" "$work/py.json" <<'PY'
import json, sys
ctl = json.load(open(sys.argv[1]))["methods"]
py = {r["method"]: r["metrics"] for r in json.load(open(sys.argv[2]))["runs"]}
for method, metrics in py.items():
    a, b = metrics["final_equity"], ctl[method]["final_equity"]
    assert abs(a - b) <= 1e-9 * abs(a), (method, a, b)
    print("  %-13s final equity %.2f (Python and kellyctl agree)" % (method, b))
PY
echo "100 symbols x 1500 days, $methods:"
echo "  kellyctl backtest  ${ctl_wall} s wall, ${ctl_cpu} s CPU  (peak ${ctl_mb} MB)"
echo "  python reference   ${py_wall} s wall, ${py_cpu} s CPU  (peak ${py_mb} MB)"
echo "  speed-up           $(echo "$py_wall / $ctl_wall" | bc -l | xargs printf '%.0f')x wall," \
  "$(echo "$py_cpu / $ctl_cpu" | bc -l | xargs printf '%.0f')x CPU"

read -r big_wall big_mb big_cpu < <(time_runs "$kellyctl" --db "$work/store.sqlite" backtest \
  --prices "$work/p500" --json)
echo "500 symbols x 1500 days, every method ($(python3 -c "import json,sys; print(','.join(json.load(open('$work/out'))['methods']))")):"
echo "  kellyctl backtest  ${big_wall} s wall, ${big_cpu} s CPU  (peak ${big_mb} MB)"
sweep=0.125,0.25,0.5,0.75,1
read -r sweep_wall sweep_mb sweep_cpu < <(time_runs "$kellyctl" --db "$work/store.sqlite" \
  backtest --prices "$work/p100" --kelly-fractions "$sweep" --json)
echo "100 symbols x 1500 days, Kelly sweep $sweep ($(python3 -c "import json,sys; print(','.join(json.load(open('$work/out'))['methods']))")):"
echo "  kellyctl sweep     ${sweep_wall} s wall, ${sweep_cpu} s CPU  (peak ${sweep_mb} MB)"
echo "machine after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
