#!/usr/bin/env bash
# Handbook's benchmark, in one run: Handbook against Hugo and mdBook on the
# same generated pages (1,000 and 10,000), the real model with 1, 50 and 200
# authority editions, and a one-page edit under `handbook serve`.
#
#   bench/run.sh                 # everything (about half an hour on 2 CPUs)
#   bench/run.sh --skip-large    # 1,000 pages and the real model only
#   bench/run.sh --help          # rounds, work folder, mdBook at 10,000 pages
#
# Needs Python 3 and /usr/bin/time (Debian package `time`). Hugo
# (`apt-get install -y hugo`) and mdBook (`cargo install mdbook --locked`)
# are compared when installed and skipped with a message when not.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x /usr/bin/time ]; then
  echo "bench/run.sh needs /usr/bin/time: apt-get install -y time" >&2
  exit 1
fi
exec python3 "$here/run.py" "$@"
