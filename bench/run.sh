#!/usr/bin/env bash
# Handbook's benchmark, in one run: Handbook against Zola, Hugo and mdBook on
# the same generated pages (1,000 and 10,000, with and without a search
# index), the real model with 1, 50 and 200 authority editions, and a
# one-page edit under `handbook serve`. Prints the table of wall times and
# peak memory (medians, round-robin, output in memory) with Handbook's
# ratios to Zola.
#
#   bench/run.sh --zola ~/src/zola           # everything (about an hour on 2 CPUs)
#   bench/run.sh --zola ~/bin/zola --skip-large --skip-serve
#   bench/run.sh --help                      # rounds, work folder, mdBook at 10,000 pages
#
# Needs Python 3 and /usr/bin/time (Debian package `time`). Zola is compared
# when --zola gives its binary, or its source folder (a clone of
# getzola/zola: it is built there with `cargo build --release`, at low
# priority); without it Zola is skipped with a message. Hugo
# (`apt-get install -y hugo`) and mdBook (`cargo install mdbook --locked`)
# are compared when installed and skipped with a message when not.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x /usr/bin/time ]; then
  echo "bench/run.sh needs /usr/bin/time: apt-get install -y time" >&2
  exit 1
fi
exec python3 "$here/run.py" "$@"
