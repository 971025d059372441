#!/bin/sh
# Runs every fuzz target for a while (not part of CI). Usage: ./run-all.sh [SECONDS_PER_TARGET]
set -e
cd "$(dirname "$0")"
secs=${1:-300}
mkdir -p logs
for t in page_pipeline sanitize front_matter override_parse; do
  cargo +nightly fuzz run -s none -a "$t" -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -dict=dictionary.txt -print_final_stats=1 > "logs/$t.log" 2>&1 || echo "$t: finding, see logs/$t.log"
done
