#!/usr/bin/env python3
"""`handbook build` again after a one-page edit, against a cold build.

Copies a Handbook root (by default the 10,000-page corpus of
bench/corpus.py, made if missing), then, round-robin for each round:

  * cold: the build cache deleted, then `handbook build` (search index on);
  * edit: one sentence of one page changed (a different sentence each
    round), then `handbook build` again with the cache the cold build left;
  * the same edited root built with `--no-cache`, whose output the edit
    build's must equal byte for byte.

Each build is timed with /usr/bin/time -v. Prints the median wall time and
peak memory of each, and the edit build's share of the cold build's time
(issue 20 asks for 10 % or less).

    python3 bench/rebuild.py --handbook target/release/handbook --rounds 3
    python3 bench/rebuild.py --root path/to/root --no-search
"""

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from history import timed  # noqa: E402  (the same /usr/bin/time -v reading)
PAGE = os.path.join("content", "section-01", "page-00001.md")


def same_tree(a, b):
    """Whether folders `a` and `b` hold the same files with the same bytes."""
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(
        same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--handbook", default=os.path.join(REPO, "target", "release", "handbook"))
    ap.add_argument("--root", help="a Handbook root (default: the 10,000-page corpus, made in --work)")
    ap.add_argument("--page", default=PAGE, help=f"the page to edit, in the root (default {PAGE})")
    ap.add_argument("--work", default=os.environ.get("HANDBOOK_BENCH_DIR", "/tmp/handbook-bench"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-search", action="store_true", help="build without the search index")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    source = args.root
    if source is None:
        source = os.path.join(args.work, "rebuild-corpus")
        if not os.path.isdir(source):
            subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), "--pages", "10000",
                            "--authorities", "0", "--handbook", source], check=True)
    root = os.path.join(args.work, "rebuild-root")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(source, root)
    out, check = os.path.join(args.work, "rebuild-out"), os.path.join(args.work, "rebuild-check")
    cache = os.path.join(args.work, "rebuild-cache")
    flags = ["--no-search"] if args.no_search else []
    build = [args.handbook, "build", "--root", root] + flags
    page = os.path.join(root, args.page)

    cold, edit, nocache = [], [], []
    for n in range(args.rounds):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed(build + ["--out", out, "--cache", cache], None))
        with open(page, encoding="utf-8") as f:
            text = f.read()
        with open(page, "w", encoding="utf-8") as f:
            f.write(text.rstrip("\n") + f"\n\nA sentence added in round {n + 1}.\n")
        edit.append(timed(build + ["--out", out, "--cache", cache], None))
        nocache.append(timed(build + ["--out", check, "--no-cache"], None))
        if not same_tree(out, check):
            sys.exit(f"round {n + 1}: the build with the cache differs from one without")

    def median(runs, i):
        return statistics.median(r[i] for r in runs)

    print(f"{'build':<28} {'wall':>8} {'peak memory':>12}")
    print(f"{'cold (empty cache)':<28} {median(cold, 0):>7.2f}s {median(cold, 1):>9.0f} MiB")
    print(f"{'the same, --no-cache':<28} {median(nocache, 0):>7.2f}s {median(nocache, 1):>9.0f} MiB")
    print(f"{'after a one-page edit':<28} {median(edit, 0):>7.2f}s {median(edit, 1):>9.0f} MiB")
    print(f"edit build / cold build: {median(edit, 0) / median(cold, 0):.1%} "
          f"({args.rounds} rounds, {'no search index' if args.no_search else 'search index on'}); "
          "outputs byte-identical to builds without the cache")


if __name__ == "__main__":
    main()
