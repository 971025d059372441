#!/usr/bin/env python3
"""Time a one-page edit under `handbook serve`, from save to rebuilt output.

Starts `handbook serve --root ROOT --port 0`, waits for the first build and
its background work (search index, link check), then saves an edit to one
page N times. Each time it measures, from outside, the time from the save
(the file written and closed) until the server answers that page's address
with the new text, polling over HTTP every millisecond. Between edits it
waits for the background work of the last save to finish, so each edit is
measured on a quiet server (or, with --gap, saves every few seconds while
it is still busy). Prints one JSON object: the times in
milliseconds, their median, and the server's peak memory (VmHWM).

    python3 bench/serve_edit.py --handbook target/release/handbook --root /tmp/hb \
        --page content/section-01/page-00001.md --url /page-00001.html --edits 15
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time


def get(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def peak_memory_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--handbook", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--page", required=True, help="the page file to edit, relative to the root")
    ap.add_argument("--url", required=True, help="the page's address on the server")
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--settle", type=float, default=600.0,
                    help="seconds to wait at most for background work between edits")
    ap.add_argument("--gap", type=float, default=None,
                    help="save every GAP seconds instead of waiting for the background work "
                         "(a policy lead saving often, with the search index still being renewed)")
    args = ap.parse_args()

    env = dict(os.environ, NO_COLOR="1")
    server = subprocess.Popen(
        [args.handbook, "serve", "--root", args.root, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    followups = threading.Semaphore(0)
    rebuilt = []

    def read_stderr():
        for line in server.stderr:
            if line.startswith("Search index and link check updated"):
                followups.release()
            m = re.match(r"Rebuilt in (\d+) ms", line)
            if m:
                rebuilt.append(int(m.group(1)))

    threading.Thread(target=read_stderr, daemon=True).start()
    try:
        first = server.stdout.readline()
        m = re.search(r"http://([\d.]+):(\d+)/", first)
        if not m:
            sys.exit(f"serve did not start: {first!r}")
        host, port = m.group(1), int(m.group(2))
        if not followups.acquire(timeout=args.settle):
            sys.exit("the first build's background work did not finish")
        path = os.path.join(args.root, args.page)
        with open(path, encoding="utf-8") as f:
            original = f.read()
        times = []
        try:
            for n in range(args.edits):
                marker = f"Benchmark edit number {n} at {time.time_ns()}"
                text = original.rstrip("\n") + f"\n\n{marker}\n"
                started = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                while True:
                    if marker in get(host, port, args.url):
                        break
                    if time.perf_counter() - started > 120:
                        sys.exit(f"edit {n} never showed")
                    time.sleep(0.001)
                times.append((time.perf_counter() - started) * 1000)
                if args.gap is None:
                    followups.acquire(timeout=args.settle)
                else:
                    time.sleep(max(0.0, args.gap - (time.perf_counter() - started)))
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        memory = peak_memory_kb(server.pid)
        print(json.dumps({
            "edits_ms": [round(t, 1) for t in times],
            "median_ms": round(statistics.median(times), 1),
            "server_rebuild_ms": rebuilt[1:],
            "peak_rss_kb": memory,
        }))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
