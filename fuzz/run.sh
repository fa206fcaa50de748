#!/bin/sh
# run.sh TARGET RUNS SECONDS [extra libFuzzer flags]: one fuzzing session; a crash stops it and
# is kept in artifacts/TARGET/. Logs go to logs/TARGET.log (appended).
t=$1; runs=$2; secs=$3; shift 3
mkdir -p corpus/$t artifacts/$t logs
echo "=== $(date) runs=$runs secs=$secs" >> logs/$t.log
nice ./target/x86_64-unknown-linux-gnu/release/$t corpus/$t -timeout=10 -rss_limit_mb=2048 \
  -runs=$runs -max_total_time=$secs -print_final_stats=1 -artifact_prefix=artifacts/$t/ "$@" >> logs/$t.log 2>&1
