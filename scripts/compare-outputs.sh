#!/usr/bin/env bash
# Byte-for-byte equality of two wagecheck binaries' outputs (issue 13's "golden equality").
#
#   scripts/compare-outputs.sh OLD_BINARY NEW_BINARY [ROWS]
#
# For every sample (check, check --trace, explain) and for samples/batch-2024.csv, the samples
# directory and a generated ROWS-row CSV (default 200000, scripts/make-batch-sample.py), in every
# text format and in zh and en, it runs both binaries with the same fixed date and compares
# exit code, stdout and stderr. Prints one line per difference and a count; exit 1 on any.
# (xlsx output is binary with a creation time inside; it is left out.)
set -uo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2 ROWS=${3:-200000}
DATA=${DATA:-target/bench-data}
mkdir -p "$DATA"
csv="$DATA/batch-$ROWS.csv"
if [ ! -s "$csv" ] || [ "$(($(wc -l <"$csv") - 1))" -ne "$ROWS" ]; then
    python3 scripts/make-batch-sample.py "$ROWS" "$csv" >/dev/null
fi
export WAGECHECK_TODAY=2026-01-15 WAGECHECK_JUNIT_TIME=0.001 NO_COLOR=1
runs=0 diffs=0
one() {
    local a b
    a=$({ "$OLD" "$@" 2>&1 1>&3 3>&-; echo "exit=$?"; } 3>&1 | sha256sum)
    b=$({ "$NEW" "$@" 2>&1 1>&3 3>&-; echo "exit=$?"; } 3>&1 | sha256sum)
    runs=$((runs + 1))
    if [ "$a" != "$b" ]; then diffs=$((diffs + 1)); echo "DIFFERS: $*"; fi
}
for lang in zh en; do
    for f in samples/*.toml; do
        for fmt in table json markdown junit html; do
            one check "$f" --format "$fmt" --lang "$lang"
            one check "$f" --format "$fmt" --lang "$lang" --trace
        done
        one explain "$f" --lang "$lang"
    done
    for input in samples/batch-2024.csv samples "$csv"; do
        for fmt in table json jsonl markdown junit html; do
            one batch "$input" --format "$fmt" --lang "$lang"
        done
    done
done
echo "$runs runs compared, $diffs differ"
[ "$diffs" -eq 0 ]
