#!/usr/bin/env bash
# Batch throughput against the floor of merely reading the CSV, peak memory, and cold start.
#
#   scripts/bench.sh                 # 10k, 100k and 1M rows
#   SIZES="10000 100000" scripts/bench.sh
#   RUNS=5 JOBS=2 scripts/bench.sh
#
# For each size it (re)generates target/bench-data/batch-N.csv with scripts/make-batch-sample.py,
# then times, best of RUNS (1M rows: best of RUNS_1M):
#   baseline   examples/csv_baseline: the csv crate reads every row into a StringRecord and
#              touches every cell; no tree, no filing, no evaluation, no output. The floor.
#   jsonl      wagecheck batch --format jsonl > /dev/null: every filing decoded, evaluated and
#              printed as one JSON report a line.
#   table      wagecheck batch (summary + one line per filing that is not `pass`).
# and prints filings/second, the ratio to the baseline (wall clock, same run of this script) and
# the peak RSS (/usr/bin/time -f %M). Then the cold start of `check` on one filing (hyperfine
# when installed, otherwise the mean of 50 runs).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000 1000000"}
RUNS=${RUNS:-3}
RUNS_1M=${RUNS_1M:-1}
JOBS=${JOBS:-}
DATA=${DATA:-target/bench-data}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet --bin wagecheck --example csv_baseline
BIN=target/release/wagecheck
BASE=target/release/examples/csv_baseline
mkdir -p "$DATA"
jobs_arg=()
[ -n "$JOBS" ] && jobs_arg=(--jobs "$JOBS")

# best WALL_SECONDS (the shortest) and PEAK_KB (the largest) over $runs runs of the command;
# its output goes to /dev/null. Exit codes are ignored: the sample rows include failures.
best() {
    local runs=$1; shift
    local best_t="" best_m="" t m
    local start end
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        "$TIME" -f "%M" -o "$DATA/time.txt" "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        t=$(awk "BEGIN{printf \"%.3f\", ($end - $start) / 1e9}")
        m=$(tail -n 1 "$DATA/time.txt")
        if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
        if [ -z "$best_m" ] || [ "$m" -gt "$best_m" ]; then best_m=$m; fi
    done
    echo "$best_t $best_m"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "wagecheck: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), jobs: ${JOBS:-all cores}"
printf '\n%-9s %-9s %9s %12s %8s %10s\n' rows run seconds filings/s ratio "peak RSS"
for n in $SIZES; do
    csv="$DATA/batch-$n.csv"
    if [ ! -s "$csv" ] || [ "$(($(wc -l <"$csv") - 1))" -ne "$n" ]; then
        python3 scripts/make-batch-sample.py "$n" "$csv" >/dev/null
    fi
    runs=$RUNS
    [ "$n" -ge 1000000 ] && runs=$RUNS_1M
    read -r bt bm < <(best "$runs" "$BASE" "$csv")
    printf '%-9s %-9s %9s %12s %8s %7s MB\n' "$n" baseline "$bt" \
        "$(awk "BEGIN{printf \"%.0f\", $n / ($bt > 0 ? $bt : 0.01)}")" 1.0 "$((bm / 1024))"
    for fmt in jsonl table; do
        read -r t m < <(best "$runs" "$BIN" batch "$csv" --format "$fmt" "${jobs_arg[@]}")
        printf '%-9s %-9s %9s %12s %8s %7s MB\n' "$n" "$fmt" "$t" \
            "$(awk "BEGIN{printf \"%.0f\", $n / ($t > 0 ? $t : 0.01)}")" \
            "$(awk "BEGIN{printf \"%.1f\", $t / ($bt > 0 ? $bt : 0.01)}")" "$((m / 1024))"
    done
done

echo
one=samples/01-pass-competitive.toml
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 10 --runs 200 "$BIN check $one" "$BIN check $one --format json" \
        2>/dev/null | grep -E 'Benchmark|Time|Range'
else
    start=$(date +%s%N)
    for _ in $(seq 50); do "$BIN" check "$one" >/dev/null; done
    end=$(date +%s%N)
    echo "cold check: $(((end - start) / 50000)) µs mean of 50 runs"
fi
"$TIME" -f "cold check peak RSS: %M KB" "$BIN" check "$one" >/dev/null
