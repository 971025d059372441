#!/usr/bin/env python3
"""Handbook's benchmark: Handbook against Zola, Hugo and mdBook on the same
pages, the real model with many authority editions, and a one-page edit
under `handbook serve`. Run it through `bench/run.sh`.

The corpus's navigation lists the 20 sections and the previous and next
page wherever a tool lets the site choose (see corpus.py); Handbook is
measured as it is (its contents list shows the reader's section) and with
a theme that lists the 20 sections only. The table compares each with
Zola, built from its source when a source folder is given (--zola).

Every case is timed with /usr/bin/time (wall clock and peak resident memory)
over several rounds; within a round the tools run one after the other
(round-robin), so a busy machine slows them alike. Before each run the
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


def corpus(work, pages, authorities, tools):
    """The corpus of `pages` pages for Handbook and for each of `tools`
    (names of corpus.py's options: zola, hugo, mdbook), made once."""
    base = os.path.join(work, f"c{pages}" + (f"-k{authorities}" if authorities else ""))
    stamp = os.path.join(base, ".made")
    want = f"{pages} {authorities} {' '.join(sorted(tools))} sections-nav"
    if os.path.exists(stamp) and open(stamp).read() == want:
        return base
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    args = [sys.executable, os.path.join(HERE, "corpus.py"), "--pages", str(pages),
            "--authorities", str(authorities), "--handbook", os.path.join(base, "hb"),
            "--handbook-sections", os.path.join(base, "hb-sections")]
    for tool in sorted(tools):
        args += [f"--{tool}", os.path.join(base, tool)]
        if tool == "mdbook":
            args += ["--mdbook-no-search", os.path.join(base, "mdbook-no-search")]
    log(f"making the {pages}-page corpus in {base}")
    subprocess.run(args, check=True)
    with open(stamp, "w") as f:
        f.write(want)
    return base


def find_zola(given):
    """The Zola binary to compare with: `given` itself, or built from
    `given` when it is Zola's source folder (`cargo build --release`, at
    low priority). `None`, with a message, when there is none."""
    if not given:
        log("skipped: Zola (give a Zola binary or its source folder with --zola PATH)")
        return None
    if os.path.isdir(given):
        if not os.path.isfile(os.path.join(given, "Cargo.toml")):
            log(f"skipped: Zola: {given} has no Cargo.toml, so it is not Zola's source folder")
            return None
        log(f"building Zola in {given} (cargo build --release; about 15 minutes on 2 CPUs the first time)")
        built = subprocess.run(["nice", "-n", "19", "cargo", "build", "--release", "--locked", "--quiet"],
                               cwd=given)
        binary = os.path.join(given, "target", "release", "zola")
        if built.returncode != 0 or not os.path.isfile(binary):
            log("skipped: Zola did not build (see cargo's messages above)")
            return None
        return binary
    if os.path.isfile(given) and os.access(given, os.X_OK):
        return given
    log(f"skipped: Zola: {given} is neither an executable nor a source folder")
    return None


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
    _, _, err = timed([handbook, "build", "--root", root, "--out", out, "--no-cache"],
                      env=handbook_env(timings=True), out=out)
    times = [float(m) for m in re.findall(r"search index ([\d.]+) ms", err)]
    return sum(times) / 1000 if times else None


def fmt_s(x):
    return "—" if x is None else f"{x:.2f} s"


def fmt_mib(x):
    return "—" if x is None else f"{x / 1024:,.0f} MiB"


def cell(m):
    """`1.23 s, 456 MiB` for a tool's medians (wall seconds, peak KiB)."""
    return "–" if m is None else f"{fmt_s(m[0])}, {fmt_mib(m[1])}"


def ratio(m, to):
    return "–" if m is None or to is None else f"{m[0] / to[0]:.2f} × time, {m[1] / to[1]:.2f} × memory"


def print_table(table, zola_version):
    """The table of issue 20: each size with and without a search index,
    medians of each tool, and Handbook's ratios to Zola."""
    columns = ["work", "Handbook", "Handbook, 20-section list", zola_version or "Zola",
               "Hugo", "Handbook / Zola", "Handbook, 20-section list / Zola"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for work, m in table:
        z = m.get("Zola")
        print("| " + " | ".join([
            work, cell(m.get("Handbook")), cell(m.get("Handbook, 20 sections")), cell(z),
            cell(m.get("Hugo")), ratio(m.get("Handbook"), z), ratio(m.get("Handbook, 20 sections"), z),
        ]) + " |")


def size_tools(base, out, handbook, zola, hugo, mdbook, mdbook_large, large):
    """The runs of one corpus size, by label."""
    def hb(root, search):
        # Every build is a cold one, as Zola's are: without --no-cache, the
        # search index would come from the build cache after the first round.
        return [handbook, "build", "--root", os.path.join(base, root), "--out", out, "--no-cache"] + (
            [] if search else ["--no-search"])

    tools = [("Handbook", False, hb("hb", False), None, handbook_env(), out),
             ("Handbook", True, hb("hb", True), None, handbook_env(), out),
             ("Handbook, 20 sections", False, hb("hb-sections", False), None, handbook_env(), out),
             ("Handbook, 20 sections", True, hb("hb-sections", True), None, handbook_env(), out),
             ("Handbook check", False, [handbook, "check", "--root", os.path.join(base, "hb")],
              None, handbook_env(), None)]
    if zola:
        site = os.path.join(base, "zola")
        for search, config in [(False, "config.toml"), (True, "search.toml")]:
            tools.append(("Zola", search, [zola, "--root", site, "--config", config,
                                           "build", "--output-dir", out], None, None, out))
    if hugo:
        tools.append(("Hugo", False, [hugo, "--quiet", "-d", out], os.path.join(base, "hugo"), None, out))
    if mdbook and (not large or mdbook_large):
        for search, folder in [(False, "mdbook-no-search"), (True, "mdbook")]:
            tools.append(("mdBook", search, [mdbook, "build", "-d", out], os.path.join(base, folder), None, out))
    return [(f"{label}, search {'on' if search else 'off'}", cmd, cwd, env, o)
            for label, search, cmd, cwd, env, o in tools]


def main():
    ap = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.environ.get("HANDBOOK_BENCH_DIR", "/tmp/handbook-bench"))
    ap.add_argument("--rounds", type=int, default=5, help="rounds for the small cases")
    ap.add_argument("--rounds-large", type=int, default=3, help="rounds for 10,000 pages and 200 editions")
    ap.add_argument("--skip-large", action="store_true", help="leave out 10,000 pages")
    ap.add_argument("--skip-model", action="store_true", help="leave out the real model's editions")
    ap.add_argument("--skip-serve", action="store_true", help="leave out the one-page edit under serve")
    ap.add_argument("--mdbook-large", action="store_true", help="also run mdBook on 10,000 pages")
    ap.add_argument("--zola", help="a Zola binary, or Zola's source folder to build it from; "
                                   "without it, Zola is skipped (even when installed)")
    ap.add_argument("--edits", type=int, default=15, help="saves timed under serve")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run cargo build; time the release binary as it is")
    ap.add_argument("--handbook", help="the handbook binary to time (default: the release build in "
                                       "$CARGO_TARGET_DIR, else target/; implies --no-build)")
    ap.add_argument("--out-dir", default="/dev/shm/handbook-bench-out" if os.path.isdir("/dev/shm") else None,
                    help="where the tools write (default: /dev/shm, in memory; else WORK/out)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    if not args.no_build and not args.handbook:
        log("building Handbook (cargo build --release, at low priority)")
        subprocess.run(["nice", "cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    handbook = args.handbook or os.path.join(target, "release", "handbook")
    if not os.access(handbook, os.X_OK):
        sys.exit(f"no handbook binary at {handbook}: build it with `cargo build --release`, "
                 "or give one with --handbook PATH")
    zola = find_zola(args.zola)
    hugo = shutil.which("hugo")
    mdbook = shutil.which("mdbook") or (
        os.path.expanduser("~/.cargo/bin/mdbook") if os.path.exists(os.path.expanduser("~/.cargo/bin/mdbook")) else None)
    if not hugo:
        log("skipped: Hugo is not installed (apt-get install -y hugo); its cases are left out")
    if not mdbook:
        log("skipped: mdBook is not installed (cargo install mdbook --locked); its cases are left out")
    corpus_tools = [name for name, there in [("zola", zola), ("hugo", hugo), ("mdbook", mdbook)] if there]

    sizes = [1000] if args.skip_large else [1000, 10000]
    out = args.out_dir or os.path.join(args.work, "out")
    table = []  # (work, {tool: (wall, rss)})
    rows = []  # (case, handbook (wall, rss), other label, other (wall, rss))
    extra = {}

    version = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    machine = {
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_before": os.getloadavg(),
        "handbook": version([handbook, "--version"]),
        "zola": version([zola, "--version"]) if zola else None,
        "hugo": version([hugo, "version"]) if hugo else None,
        "mdbook": version([mdbook, "--version"]) if mdbook else None,
    }
    log(f"machine: {machine}")

    for pages in sizes:
        large = pages >= 10000
        rounds = args.rounds_large if large else args.rounds
        base = corpus(args.work, pages, 0, corpus_tools)
        case = Case(f"{pages:,} pages", size_tools(base, out, handbook, zola, hugo, mdbook,
                                                     args.mdbook_large, large))
        log(f"{case.name}: {rounds} rounds, round-robin")
        for _ in range(rounds):
            case.round()
        m = case.medians()
        for search in ["off", "on"]:
            found = {label.rsplit(", search ", 1)[0]: v for label, v in m.items()
                     if label.endswith(f"search {search}")}
            found.pop("Handbook check", None)
            if search == "on":
                found.pop("Hugo", None)
            table.append((f"{pages:,} pages, {'with' if search == 'on' else 'no'} search index", found))
        rows.append((f"{pages:,} pages, handbook check (no output)", m["Handbook check, search off"], None, None))
        if "mdBook, search off" in m:
            for search in ["off", "on"]:
                rows.append((f"{pages:,} pages, search {search} vs mdBook (search {search})",
                             m[f"Handbook, search {search}"], "mdBook", m[f"mdBook, search {search}"]))
        extra[f"pagefind_{pages}"] = search_time(handbook, os.path.join(base, "hb"), out)

    if not args.skip_model:
        model_cases(args, handbook, out, rows, extra)
    edits = {}
    if not args.skip_serve:
        for pages in sizes:
            edits[pages] = serve_edits(args, handbook, corpus(args.work, pages, 0, corpus_tools), pages)
    machine["load_after"] = os.getloadavg()

    print()
    print(f"Machine: {machine['cpus']} CPUs ({machine['cpu']}); load average before "
          f"{machine['load_before'][0]:.1f}, after {machine['load_after'][0]:.1f}.")
    print(f"Tools: {machine['handbook']}; {machine['zola'] or 'Zola not given'}; "
          f"{machine['hugo'] or 'Hugo not installed'}; {machine['mdbook'] or 'mdBook not installed'}.")
    print(f"Output written to {out}. Medians of {args.rounds} rounds (1,000 pages) and "
          f"{args.rounds_large} (10,000 pages), wall time and peak memory.")
    print()
    print_table(table, machine["zola"])
    print()
    print_rows(rows)
    print()
    for key, value in extra.items():
        print(f"{key.replace('_', ' ')}: Pagefind indexing {fmt_s(value)} of CPU time (summed over editions)")
    for pages, result in edits.items():
        print(f"serve, one-page edit at {pages:,} pages: median {result['median_ms']} ms from save to "
              f"rebuilt page over HTTP (each: {result['edits_ms']}); server peak RSS {fmt_mib(result['peak_rss_kb'])}")
    shutil.rmtree(out, ignore_errors=True)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"machine": machine, "table": table, "rows": rows, "pagefind": extra, "serve_edits": edits,
                   "when": time.strftime("%Y-%m-%d %H:%M:%S")}, f, indent=1)


def model_cases(args, handbook, out, rows, extra):
    """The real model with 1, 50 and 200 authority editions, with and without search."""
    for n in [1, 50, 200]:
        root = real_model(args.work, n)
        rounds = args.rounds_large if n >= 200 else args.rounds
        case = Case(f"real model + {n} authorities", [
            ("search off", [handbook, "build", "--root", root, "--out", out, "--no-search", "--no-cache"],
             None, handbook_env(), out),
            ("search on", [handbook, "build", "--root", root, "--out", out, "--no-cache"], None, handbook_env(), out),
        ])
        log(f"{case.name}: {rounds} rounds")
        for _ in range(rounds):
            case.round()
        m = case.medians()
        rows.append((f"real model, {n + 1} editions, search off", m["search off"], None, None))
        rows.append((f"real model, {n + 1} editions, search on", m["search on"], None, None))
        extra[f"pagefind_model_{n}"] = search_time(handbook, root, out)


def serve_edits(args, handbook, base, pages):
    """A one-page edit under `handbook serve`, timed from save to served page."""
    log(f"serve: one-page edits at {pages:,} pages")
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "serve_edit.py"), "--handbook", handbook,
         "--root", os.path.join(base, "hb"), "--page", "content/section-01/page-00001.md",
         "--url", "/page-00001.html", "--edits", str(args.edits)],
        capture_output=True, text=True, env=handbook_env())
    if run.returncode != 0:
        log(run.stdout, run.stderr)
        raise SystemExit("the serve benchmark failed")
    return json.loads(run.stdout.strip().splitlines()[-1])


def print_rows(rows):
    header = (f"| {'case':<52} | {'Handbook':>9} | {'other':>16} | {'ratio':>6} | {'peak RSS Handbook':>17} "
              f"| {'peak RSS other':>14} | {'RSS ratio':>9} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for name, (hw, hr), label, other in rows:
        if other:
            ow, orr = other
            print(f"| {name:<52} | {fmt_s(hw):>9} | {label + ' ' + fmt_s(ow):>16} | {hw / ow:>6.2f} | "
                  f"{fmt_mib(hr):>17} | {fmt_mib(orr):>14} | {hr / orr:>9.2f} |")
        else:
            print(f"| {name:<52} | {fmt_s(hw):>9} | {'':>16} | {'':>6} | {fmt_mib(hr):>17} | {'':>14} | {'':>9} |")


if __name__ == "__main__":
    main()
