#!/bin/sh
# Runs every fuzz target for a while, one after another (two at a time with
# JOBS=2). Usage: ./run-all.sh [SECONDS_PER_TARGET]
#
# Each run starts from the committed seeds (corpus/TARGET) and keeps what it
# finds in runs/TARGET, so the committed corpus changes only when you copy a
# finding into it. A finding's input is saved in artifacts/TARGET/.
set -e
cd "$(dirname "$0")"
secs=${1:-300}
jobs=${JOBS:-1}
mkdir -p logs
run() {
  mkdir -p "runs/$1"
  cargo +nightly fuzz run -s none -a "$1" "runs/$1" "corpus/$1" -- -max_total_time="$secs" \
    -timeout=10 -rss_limit_mb=2048 -max_len=16384 -dict=dictionary.txt -print_final_stats=1 \
    > "logs/$1.log" 2>&1 || echo "$1: finding, see logs/$1.log"
}
running=0
for t in sanitize differential page_pipeline front_matter override_parse; do
  run "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait
grep -H -E '^stat::number_of_executed_units|^Done|SUMMARY' logs/*.log || true
