#!/usr/bin/env python3
"""What published versions cost a build, with and without the build cache.

Makes a git repository of the shipped handbook root (this checkout's
committed files) for each count of releases (0, 5 and 20 by default), each
release changing one model page and tagged for the model and every shipped
authority, one day apart. Then times `handbook build --no-search` of every
edition, round-robin over the cases, with /usr/bin/time:

  * without history (`--no-history`): the base;
  * with history and no cache (`--no-cache`): every release built each time;
  * with history and a cold cache (the cache folder deleted before each run);
  * with history and a warm cache (a run that follows one that filled it).

Prints the median wall time and peak memory of each, the ratio to the base,
the size of the output and of the cache.

    python3 bench/history.py --handbook target/release/handbook --rounds 3
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TODAY = "2026-11-24"


def run(cmd, cwd=None, env=None):
    subprocess.run(cmd, cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def timed(cmd, cwd):
    """Runs `cmd` under /usr/bin/time -v; returns (wall seconds, peak RSS MiB)."""
    env = dict(os.environ, HANDBOOK_TODAY=TODAY)
    done = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    wall = rss = None
    for line in done.stderr.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            clock = line.rsplit(" ", 1)[1].split(":")
            wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(clock)))
        if line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1]) / 1024
    return wall, rss


def size_mib(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(folder, name))
    return total / (1024 * 1024)


def git(root, *args, date=None):
    env = dict(os.environ)
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    run(["git", *args], cwd=root, env=env)


def make_root(root, releases):
    """A git repository of the shipped root with `releases` releases."""
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=REPO, check=True,
                             stdout=subprocess.PIPE).stdout
    subprocess.run(["tar", "-x"], cwd=root, input=archive, check=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Policy Lead")
    git(root, "config", "user.email", "policy@council.example")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The shipped handbook", date="2026-01-01T09:00:00+00:00")
    editions = ["model"] + sorted(os.listdir(os.path.join(root, "local-overrides")))
    page = os.path.join(root, "content", "step-2.md")
    for n in range(1, releases + 1):
        date = f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}T10:00:00+00:00"
        with open(page, "a", encoding="utf-8") as f:
            f.write(f"\nRelease {n} adds this sentence.\n")
        git(root, "commit", "-q", "-am", f"Release {n}", date=date)
        for edition in editions:
            git(root, "tag", "-a", f"handbook/{edition}/{n}.0", "-m", f"Release {n}.", date=date)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handbook", default=os.path.join(REPO, "target/release/handbook"))
    parser.add_argument("--releases", default="0,5,20")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", default="/dev/shm/handbook-history-bench")
    args = parser.parse_args()
    handbook = os.path.abspath(args.handbook)
    counts = [int(n) for n in args.releases.split(",")]
    cases = {}
    for count in counts:
        root = os.path.join(args.work, f"root-{count}")
        make_root(root, count)
        out = os.path.join(args.work, f"out-{count}")
        cache = os.path.join(args.work, f"cache-{count}")
        build = [handbook, "build", "--no-search", "--out", out]
        cases[count] = {
            "without history": (build + ["--no-history", "--no-cache"], None),
            "no cache": (build + ["--no-cache"], None),
            "cold cache": (build + ["--cache", cache], cache),
            "warm cache": (build + ["--cache", cache], None),
        }
    times = {(c, k): [] for c in counts for k in cases[c]}
    for _ in range(args.rounds):
        for count in counts:
            root = os.path.join(args.work, f"root-{count}")
            for name, (cmd, clear) in cases[count].items():
                if clear:
                    shutil.rmtree(clear, ignore_errors=True)
                times[(count, name)].append(timed(cmd, root))
    print(f"{'releases':>8}  {'case':<16} {'wall s':>7} {'ratio':>6} {'peak MiB':>9} {'out MiB':>8} {'cache MiB':>9}")
    for count in counts:
        base = statistics.median(w for w, _ in times[(count, "without history")])
        root = os.path.join(args.work, f"root-{count}")
        for name, (cmd, _) in cases[count].items():
            wall = statistics.median(w for w, _ in times[(count, name)])
            rss = statistics.median(r for _, r in times[(count, name)])
            timed(cmd, root)
            out = size_mib(os.path.join(args.work, f"out-{count}"))
            cache = size_mib(os.path.join(args.work, f"cache-{count}"))
            print(f"{count:>8}  {name:<16} {wall:>7.2f} {wall / base:>6.2f} {rss:>9.0f} {out:>8.1f} {cache:>9.1f}")


if __name__ == "__main__":
    main()
