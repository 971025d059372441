#!/usr/bin/env python3
"""Handbook's benchmark: Handbook against Hugo and mdBook on the same pages,
the real model with many authority editions, and a one-page edit under
`handbook serve`. Run it through `bench/run.sh`.

Every case is timed with /usr/bin/time (wall clock and peak resident memory)
over several rounds; within a round the tools run one after the other
(alternating), so a busy machine slows them alike. Before each run the
output folder is removed and the disk synced. Output goes to memory
(/dev/shm) by default: on a disk, creating thousands of files where
thousands were just deleted costs the file system more than the build, and
that cost varies from round to round (use --out-dir to measure a disk).
Medians are printed, with the ratio Handbook / other tool. A tool that is
not installed is skipped with a message. Results are also written as JSON to
WORK/results.json.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TODAY = "2026-11-24"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def timed(cmd, cwd=None, env=None, out=None):
    """Runs `cmd` under /usr/bin/time; returns (wall seconds, peak RSS KiB, stderr)."""
    if out:
        shutil.rmtree(out, ignore_errors=True)
    subprocess.run(["sync"], check=False)
    full = ["/usr/bin/time", "-f", "@@time %e %M"] + cmd
    run = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True)
    m = re.search(r"@@time ([\d.]+) (\d+)", run.stderr)
    if run.returncode != 0 or not m:
        log(run.stdout[-2000:], run.stderr[-2000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return float(m.group(1)), int(m.group(2)), run.stderr


def handbook_env(timings=False):
    env = dict(os.environ, NO_COLOR="1", HANDBOOK_TODAY=TODAY)
    if timings:
        env["HANDBOOK_TIMINGS"] = "1"
    return env


def median(xs):
    return statistics.median(xs) if xs else None


class Case:
    def __init__(self, name, tools):
        self.name = name
        self.tools = tools  # [(label, cmd, cwd, env, out)]
        self.results = {label: [] for label, *_ in tools}

    def round(self):
        for label, cmd, cwd, env, out in self.tools:
            wall, rss, _ = timed(cmd, cwd=cwd, env=env, out=out)
            self.results[label].append((wall, rss))
            log(f"  {self.name}: {label}: {wall:.2f} s, {rss / 1024:.0f} MiB")

    def medians(self):
        return {
            label: (median([w for w, _ in runs]), median([r for _, r in runs]))
            for label, runs in self.results.items()
        }


def corpus(work, pages, authorities, hugo, mdbook):
    base = os.path.join(work, f"c{pages}" + (f"-k{authorities}" if authorities else ""))
    stamp = os.path.join(base, ".made")
    want = f"{pages} {authorities} {hugo} {mdbook}"
    if os.path.exists(stamp) and open(stamp).read() == want:
        return base
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    args = [sys.executable, os.path.join(HERE, "corpus.py"), "--pages", str(pages),
            "--authorities", str(authorities), "--handbook", os.path.join(base, "hb")]
    if hugo:
        args += ["--hugo", os.path.join(base, "hugo")]
    if mdbook:
        args += ["--mdbook", os.path.join(base, "mdbook"),
                 "--mdbook-no-search", os.path.join(base, "mdbook-no-search")]
    log(f"making the {pages}-page corpus in {base}")
    subprocess.run(args, check=True)
    with open(stamp, "w") as f:
        f.write(want)
    return base


def real_model(work, authorities):
    """The shipped model with `authorities` copies of the shipped authorities, each renamed."""
    base = os.path.join(work, f"model-{authorities}")
    stamp = os.path.join(base, ".made")
    if os.path.exists(stamp):
        return base
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "local-overrides"))
    shutil.copytree(os.path.join(REPO, "content"), os.path.join(base, "content"))
    shutil.copytree(os.path.join(REPO, "themes"), os.path.join(base, "themes"))
    shipped = sorted(
        d for d in os.listdir(os.path.join(REPO, "local-overrides"))
        if os.path.isfile(os.path.join(REPO, "local-overrides", d, "authority.yaml")))
    for n in range(authorities):
        source = shipped[n % len(shipped)]
        slug = f"{source}-{n + 1:03d}"
        target = os.path.join(base, "local-overrides", slug)
        shutil.copytree(os.path.join(REPO, "local-overrides", source), target)
        config = os.path.join(target, "authority.yaml")
        text = open(config).read()
        # Every copy is its own council: a different name on every page.
        text = re.sub(r"^name: (.*)$", lambda m: f"name: {m.group(1).strip()} {n + 1}",
                      text, count=1, flags=re.M)
        open(config, "w").write(text)
    open(stamp, "w").write("made")
    return base


def search_time(handbook, root, out):
    """Pagefind's share of a build: the summed 'search index' stage times."""
    _, _, err = timed([handbook, "build", "--root", root, "--out", out],
                      env=handbook_env(timings=True), out=out)
    times = [float(m) for m in re.findall(r"search index ([\d.]+) ms", err)]
    return sum(times) / 1000 if times else None


def fmt_s(x):
    return "—" if x is None else f"{x:.2f} s"


def fmt_mib(x):
    return "—" if x is None else f"{x / 1024:.0f} MiB"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.environ.get("HANDBOOK_BENCH_DIR", "/tmp/handbook-bench"))
    ap.add_argument("--rounds", type=int, default=5, help="rounds for the small cases")
    ap.add_argument("--rounds-large", type=int, default=3, help="rounds for 10,000 pages and 200 editions")
    ap.add_argument("--skip-large", action="store_true", help="leave out 10,000 pages")
    ap.add_argument("--mdbook-large", action="store_true", help="also run mdBook on 10,000 pages")
    ap.add_argument("--edits", type=int, default=15, help="saves timed under serve")
    ap.add_argument("--no-build", action="store_true", help="use target/release/handbook as it is")
    ap.add_argument("--out-dir", default="/dev/shm/handbook-bench-out" if os.path.isdir("/dev/shm") else None,
                    help="where the tools write (default: /dev/shm, in memory; else WORK/out)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    if not args.no_build:
        log("building Handbook (cargo build --release)")
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    handbook = os.path.join(REPO, "target", "release", "handbook")
    hugo = shutil.which("hugo")
    mdbook = shutil.which("mdbook") or (
        os.path.expanduser("~/.cargo/bin/mdbook") if os.path.exists(os.path.expanduser("~/.cargo/bin/mdbook")) else None)
    if not hugo:
        log("skipped: Hugo is not installed (apt-get install -y hugo); its cases are left out")
    if not mdbook:
        log("skipped: mdBook is not installed (cargo install mdbook --locked); its cases are left out")

    sizes = [1000] if args.skip_large else [1000, 10000]
    out = args.out_dir or os.path.join(args.work, "out")
    rows = []  # (case, handbook (wall, rss), other label, other (wall, rss))
    extra = {}

    machine = {
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_before": os.getloadavg(),
        "hugo": subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip() if hugo else None,
        "mdbook": subprocess.run([mdbook, "--version"], capture_output=True, text=True).stdout.strip() if mdbook else None,
    }
    log(f"machine: {machine}")

    for pages in sizes:
        large = pages >= 10000
        rounds = args.rounds_large if large else args.rounds
        base = corpus(args.work, pages, 0, bool(hugo), bool(mdbook))
        hb_root = os.path.join(base, "hb")
        hb = lambda search: ([handbook, "build", "--root", hb_root, "--out", out]
                             + ([] if search else ["--no-search"]))
        tools = [("Handbook, search off", hb(False), None, handbook_env(), out),
                 ("Handbook, search on", hb(True), None, handbook_env(), out),
                 ("Handbook check", [handbook, "check", "--root", hb_root], None, handbook_env(), None)]
        if hugo:
            tools.append(("Hugo", [hugo, "--quiet", "-d", out], os.path.join(base, "hugo"), None, out))
        if mdbook and (not large or args.mdbook_large):
            tools.append(("mdBook, search off", [mdbook, "build", "-d", out],
                          os.path.join(base, "mdbook-no-search"), None, out))
            tools.append(("mdBook, search on", [mdbook, "build", "-d", out],
                          os.path.join(base, "mdbook"), None, out))
        case = Case(f"{pages:,} pages", tools)
        log(f"{case.name}: {rounds} rounds")
        for _ in range(rounds):
            case.round()
        m = case.medians()
        off, on = m["Handbook, search off"], m["Handbook, search on"]
        if hugo:
            rows.append((f"{pages:,} pages, search off vs Hugo", off, "Hugo", m["Hugo"]))
            rows.append((f"{pages:,} pages, search on vs Hugo (no search)", on, "Hugo", m["Hugo"]))
        else:
            rows.append((f"{pages:,} pages, search off", off, None, None))
            rows.append((f"{pages:,} pages, search on", on, None, None))
        rows.append((f"{pages:,} pages, handbook check (no output)", m["Handbook check"], None, None))
        if "mdBook, search off" in m:
            rows.append((f"{pages:,} pages, search off vs mdBook (search off)", off, "mdBook", m["mdBook, search off"]))
            rows.append((f"{pages:,} pages, search on vs mdBook (search on)", on, "mdBook", m["mdBook, search on"]))
        extra[f"pagefind_{pages}"] = search_time(handbook, hb_root, out)

    # The real model with many authority editions.
    for n in [1, 50, 200]:
        root = real_model(args.work, n)
        rounds = args.rounds_large if n >= 200 else args.rounds
        case = Case(f"real model + {n} authorities", [
            ("search off", [handbook, "build", "--root", root, "--out", out, "--no-search"], None, handbook_env(), out),
            ("search on", [handbook, "build", "--root", root, "--out", out], None, handbook_env(), out),
        ])
        log(f"{case.name}: {rounds} rounds")
        for _ in range(rounds):
            case.round()
        m = case.medians()
        rows.append((f"real model, {n + 1} editions, search off", m["search off"], None, None))
        rows.append((f"real model, {n + 1} editions, search on", m["search on"], None, None))
        extra[f"pagefind_model_{n}"] = search_time(handbook, root, out)

    # A one-page edit under serve.
    edits = {}
    for pages in sizes:
        base = corpus(args.work, pages, 0, bool(hugo), bool(mdbook))
        log(f"serve: one-page edits at {pages:,} pages")
        run = subprocess.run(
            [sys.executable, os.path.join(HERE, "serve_edit.py"), "--handbook", handbook,
             "--root", os.path.join(base, "hb"), "--page", "content/section-01/page-00001.md",
             "--url", "/page-00001.html", "--edits", str(args.edits)],
            capture_output=True, text=True, env=handbook_env())
        if run.returncode != 0:
            log(run.stdout, run.stderr)
            raise SystemExit("the serve benchmark failed")
        edits[pages] = json.loads(run.stdout.strip().splitlines()[-1])
    machine["load_after"] = os.getloadavg()

    print()
    print(f"Machine: {machine['cpus']} CPUs ({machine['cpu']}); load average before "
          f"{machine['load_before'][0]:.1f}, after {machine['load_after'][0]:.1f}.")
    print(f"Tools: {machine['hugo'] or 'Hugo not installed'}; {machine['mdbook'] or 'mdBook not installed'}.")
    print(f"Output written to {out}.")
    print()
    header = f"| {'case':<52} | {'Handbook':>9} | {'other':>16} | {'ratio':>6} | {'peak RSS Handbook':>17} | {'peak RSS other':>14} | {'RSS ratio':>9} |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for name, (hw, hr), label, other in rows:
        if other:
            ow, orr = other
            print(f"| {name:<52} | {fmt_s(hw):>9} | {label + ' ' + fmt_s(ow):>16} | {hw / ow:>6.2f} | "
                  f"{fmt_mib(hr):>17} | {fmt_mib(orr):>14} | {hr / orr:>9.2f} |")
        else:
            print(f"| {name:<52} | {fmt_s(hw):>9} | {'':>16} | {'':>6} | {fmt_mib(hr):>17} | {'':>14} | {'':>9} |")
    print()
    for key, value in extra.items():
        print(f"{key.replace('_', ' ')}: Pagefind indexing {fmt_s(value)} of CPU time (summed over editions)")
    for pages, result in edits.items():
        print(f"serve, one-page edit at {pages:,} pages: median {result['median_ms']} ms from save to "
              f"rebuilt page over HTTP (each: {result['edits_ms']}); server peak RSS {fmt_mib(result['peak_rss_kb'])}")
    shutil.rmtree(out, ignore_errors=True)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"machine": machine, "rows": rows, "pagefind": extra, "serve_edits": edits,
                   "when": time.strftime("%Y-%m-%d %H:%M:%S")}, f, indent=1)


if __name__ == "__main__":
    main()
