#!/usr/bin/env bash
# Runs the benchmarks and prints the README's performance table with this machine's figures
# (issue 25). Each benchmark's whole output is kept in a log folder, printed at the end. The
# machine's load average is printed beside every figure: on a shared machine a figure is an
# upper bound and only ratios measured in one run compare.
#
# usage: bash scripts/bench.sh [NAME...]   NAME: sizing close store csv corr lab serve ui
#                                          storeload soak postgres (default: all of them)
# env:   KELLY_BUILD_DIR (build); the targets are built with -j2 before they run. ui and soak
#        need the UI build, postgres a PostgreSQL server (pg_virtualenv); missing -> skipped.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${KELLY_BUILD_DIR:-build}
build="$root/$build_dir"
logs=$(mktemp -d)
export LC_ALL=C QT_QPA_PLATFORM=offscreen
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(sizing close store csv corr lab serve ui storeload soak postgres)
rows=()

load() { cut -d' ' -f1 /proc/loadavg; }
row() { rows+=("| $1 | $2 | $3 | \`$4\` |"); }
have_target() { cmake --build "$build" --target help 2>/dev/null | grep -q "^$1:"; }
build_targets() { cmake --build "$build" -j2 --target "$@" > "$logs/build.log" 2>&1; }
# A figure of benchmark NAME in a google-benchmark CSV log (cpu_time, real_time or
# items/s), the first row named NAME or NAME followed by its suffixes ("/real_time").
gb_field() {
  awk -F, -v n="\"$2" -v f="$3" -v fmt="$4" \
    '!done && ($1 == n "\"" || index($1, n "/") == 1) { printf fmt, $f, $5; done = 1 }' "$1"
}
gb() { gb_field "$1" "$2" 4 "%.4g %s"; }
gb_real() { gb_field "$1" "$2" 3 "%.4g %s"; }
gb_items() { gb_field "$1" "$2" 7 "%.0f"; }
# Builds and runs google-benchmark program NAME into $log as CSV; the load before it in $l.
run_benchmark() {
  build_targets "$1" && l=$(load) && "$build/tests/bench/$1" --benchmark_format=csv > "$log" 2>/dev/null
}

for name in "${names[@]}"; do
  log="$logs/$name.log"
  echo "== $name (load average $(load))" >&2
  case $name in
  sizing)
    run_benchmark bench_sizing
    row "one enhanced / legacy sizing call, 50 positions, margin room included, book prepared (CPU)" \
      "$(gb "$log" BM_EnhancedSizing50PositionsPrepared) / $(gb "$log" BM_LegacySizing50PositionsPrepared), load $l" \
      "<= 100 ns" "build/tests/bench/bench_sizing"
    row "the same call with every symbol's broker rate synced, prepared / each call passing over the book (CPU)" \
      "$(gb "$log" BM_EnhancedSizingSyncedRates50PositionsPrepared) / $(gb "$log" BM_EnhancedSizingSyncedRates50Positions); preparing the book once: $(gb "$log" BM_PrepareBook50PositionsSyncedRates), load $l" \
      "" "bench_sizing"
    row "one enhanced / legacy call without a prepared book (CPU)" \
      "$(gb "$log" BM_EnhancedSizing50Positions) / $(gb "$log" BM_LegacySizing50Positions), load $l" \
      "< 1 us" "bench_sizing"
    row "one correlation-aware enhanced call (SPEC 11), 50 positions (CPU)" \
      "$(gb "$log" BM_CorrelationAwareSizing50Positions); book prepared $(gb "$log" BM_CorrelationAwareSizing50PositionsPrepared), load $l" "< 2 us" \
      "bench_sizing (BM_CorrelationAwareSizing50Positions)"
    ;;
  close)
    run_benchmark bench_close
    row "\`close-plan\` min-risk in-process, 50 / 500 positions (CPU)" \
      "$(gb "$log" BM_MinRiskClosePlan/50) / $(gb "$log" BM_MinRiskClosePlan/500), load $l" \
      "< 2 ms / < 50 ms" "build/tests/bench/bench_close"
    ;;
  store)
    run_benchmark bench_store
    row "store: one position update per transaction" \
      "$(gb_real "$log" BM_PositionUpdateSingleTransaction), load $l" ">= 5,000 tx/s" \
      "build/tests/bench/bench_store"
    row "store: batched, 100 rows per transaction" \
      "$(gb_items "$log" BM_PositionUpdateBatched/100) rows/s, load $l" "" "bench_store"
    row "\`kellyctl size\`, whole process" "$(gb_real "$log" BM_KellyctlSizeProcess), load $l" \
      "< 20 ms" "bench_store"
    ;;
  csv)
    run_benchmark bench_csv
    row "CSV reader: a 1,500-row Yahoo price file / a 15,000-row forecast file (CPU)" \
      "$(gb "$log" BM_PriceFile1500Rows) / $(gb "$log" BM_ForecastFile15000Rows), load $l" "" \
      "build/tests/bench/bench_csv"
    ;;
  corr)
    build_targets kellyctl corrbuild &&
      KELLY_BUILD_DIR=$build_dir bash "$root/tests/bench/bench_correlation_vs_pandas.sh" > "$log" 2>&1
    for mode in nogaps gaps; do
      figure=$(awk -v m="$mode" '$1 == m { on = 1 } on && /kellyctl correlation build:/ { k = $5 }
        on && /pandas:/ { p = $3 } on && /ratio/ { r = $6 " best, " $8 " mean, " $10 " CPU" }
        on && /same matrix|MISMATCH/ { print k " s vs pandas " p " s: " r; exit }' "$log" | tr -d ',' |
        sed 's/ best / best, /; s/ mean / mean, /')
      row "\`kellyctl correlation build\` vs pandas, 500 x 1,500, $mode" \
        "$figure; load $(awk '/^machine:/ {print $6}' "$log" | tr -d ,)" ">= 20x" \
        "tests/bench/bench_correlation_vs_pandas.sh"
    done
    row "correlation kernels that ran" "$(grep -m1 -o 'kernels: .*' "$log")" "" "corrbuild"
    ;;
  lab)
    build_targets kellyctl && bash "$root/tests/bench/bench_lab_vs_python.sh" > "$log" 2>&1
    l=$(awk '/^machine:/ {print $6}' "$log" | tr -d ,)
    row "\`kellyctl backtest\` 100 x 1,500, 3 methods, vs the Python model" \
      "$(awk '/kellyctl backtest/ && !k { k = $3 " s" } /python reference/ { p = $3 " s" }
        /speed-up/ { s = $2 " wall, " $4 " CPU" } END { print k " vs " p ": " s }' "$log"), load $l" \
      ">= 100x" "tests/bench/bench_lab_vs_python.sh"
    row "\`kellyctl backtest\` 500 x 1,500, 4 methods" \
      "$(awk '/kellyctl backtest/ { k = $3 " s wall, " $6 " s CPU, peak " $10 " MB" } END { print k }' "$log" | tr -d '()'), load $l" \
      "< 1 s, < 500 MB" "bench_lab_vs_python.sh"
    row "\`kellyctl backtest --kelly-fractions\` 100 x 1,500, 5 fractions (SPEC 18)" \
      "$(awk '/kellyctl sweep/ { k = $3 " s wall, " $6 " s CPU, peak " $10 " MB" } END { print k }' "$log" | tr -d '()'), load $l" \
      "< 1 s" "bench_lab_vs_python.sh"
    ;;
  serve)
    build_targets kellyctl &&
      python3 "$root/tests/bench/bench_serve.py" --kellyctl "$build/app/kellyctl/kellyctl" \
        --rate 1000 --clients 4 > "$log" 2>&1
    l=$(awk '/^load average:/ {print $3}' "$log")
    for kind in "dry run" recorded; do
      row "\`kellyctl serve\` (SQLite), 4 clients, 1,000 requests/s, $kind" \
        "$(grep "$kind:" "$log" | sed 's/.*: p50/p50/; s/  (/ (/'), load $l" "p99 < 1 ms" \
        "python3 tests/bench/bench_serve.py --rate 1000 --clients 4"
    done
    ;;
  ui | soak)
    target=$([ "$name" = ui ] && echo bench_ui || echo kelly_soak)
    if ! have_target "$target"; then
      row "$name" "skipped: no UI in this build" "" "KELLY_BUILD_UI=ON"
      continue
    fi
    if [ "$name" = ui ]; then
      run_benchmark bench_ui
      row "dashboard: apply one changed store (2,000 positions)" \
        "$(gb "$log" BM_ApplyOneChangeToModel), load $l" "< 16 ms" "build/tests/bench/bench_ui"
      row "dashboard: full reload (2,000 positions, 500-symbol build)" \
        "$(gb "$log" BM_FullReloadFromStore), load $l" "< 100 ms" "bench_ui"
      row "paint the 500 x 500 heatmap (new / repaint)" \
        "$(gb "$log" BM_PaintHeatmap500) / $(gb "$log" BM_RepaintHeatmap500), load $l" "< 16 ms" \
        "bench_ui"
      row "startup to first painted window" "$(gb_real "$log" BM_StartupToFirstPaint), load $l" \
        "< 1 s" "bench_ui"
    else
      l=$(load)
      bash "$root/tests/soak/run-soak.sh" "$build" > "$log" 2>&1
      row "peak memory at scale; worst GUI-thread stall in the 60 s soak" "$(sed -n \
        -e 's/^max RSS:.* = \([0-9.]* MB\).*/\1 peak (2,000 positions, 500-symbol build, 9 tabs)/p' \
        -e 's/^peak RSS of the dashboard process: \(.*\)/soak peak \1/p' \
        -e 's/.*max GUI stall \([0-9.]* ms\).*/stall \1/p' \
        -e 's/^last tick [0-9]* shown \([0-9]* ms\) after.*/last tick shown \1 after its commit/p' \
        "$log" | paste -sd ';' | sed 's/;/; /g'), load $l" "< 250 MB, stall < 50 ms" \
        "tests/soak/run-soak.sh"
    fi
    ;;
  storeload)
    build_targets bench_store_load && l=$(load) &&
      "$build/tests/bench/bench_store_load" 10 > "$log" 2>&1
    row "\`size\` on a year of snapshots (issue 12)" \
      "$(grep -m1 'kellyctl size process' "$log" | sed 's/.*: //'), load $l" "< 20 ms" \
      "build/tests/bench/bench_store_load 10"
    ;;
  postgres)
    if ! command -v pg_virtualenv > /dev/null || ! have_target bench_postgres; then
      row "PostgreSQL figures" "skipped: no pg_virtualenv or no UI build" "" \
        "bash tests/bench/bench_postgres.sh build 1000"
      continue
    fi
    build_targets bench_postgres kellyctl &&
      bash "$root/tests/bench/bench_postgres.sh" "$build" 1000 > "$log" 2>&1
    l=$(load)
    # The row: store, notify p50, notify p99, size (process), tx/s with 4 writers.
    pg=$(awk '$1 == "postgresql" { print $2 " / " $4 " ms; " $6 " ms; " $8 }' "$log")
    sq=$(awk '$1 == "sqlite" { print $6 " ms" }' "$log")
    row "PostgreSQL (fsync on, over TCP with a password): notify p50 / p99; \`kellyctl size\` process; tx/s, 4 writers" \
      "${pg:-failed, see the log} tx/s (SQLite's size in the same run: ${sq:-?}), load $l" \
      "p99 < 100 ms; < 30 ms; >= 2,000/s" "bash tests/bench/bench_postgres.sh build 1000"
    # serve on a local server, one client, as the SQLite row above.
    pg_virtualenv -t sh -c "createdb -E UTF8 -T template0 kd_serve &&
      python3 '$root/tests/bench/bench_serve.py' --kellyctl '$build/app/kellyctl/kellyctl' \
        --db postgresql:///kd_serve --requests 2000 --processes 20" > "$logs/pgserve.log" 2>&1
    row "PostgreSQL: \`kellyctl serve\`, one request, dry run / recorded (median, p99)" \
      "$(awk '/serve, size --dry-run/ { d = $10 " / " $13 } /serve, size recorded/ { r = $11 " / " $14 }
        END { print d " ms; " r " ms" }' "$logs/pgserve.log"), load $(load)" "< 1.5 ms" \
      "pg_virtualenv -t sh -c 'createdb kd && python3 tests/bench/bench_serve.py --db postgresql:///kd'"
    ;;
  *)
    echo "unknown benchmark: $name" >&2
    exit 2
    ;;
  esac
done

for log in "$logs"/*.log; do
  [ "$(basename "$log")" = build.log ] && continue
  echo "---- $(basename "$log" .log)"
  cat "$log"
done
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average now $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| what | figure (this machine) | target | how to reproduce |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
rm -rf "$logs"
