#!/usr/bin/env python3
"""Profile Sextant's PromQL evaluation on peers.py's dashboard queries.

Starts the release server on a fresh data folder, loads a gen_dataset.py dataset through
remote-write (with peers.py's sender), then runs each of peers.py's 12 queries `--runs` times
under `perf record` (software cpu-clock sampling, so it works where hardware counters do not)
and prints each query's median latency. Afterwards `perf report -i OUT --no-children` shows where
query time goes; ingest is not in the profile.

Usage: bench/query_profile.py --data DATASET_DIR [--perf-out /tmp/query.perf] [--runs 5] [--query N ...]
Needs: apt-get install -y linux-perf; pip install cramjam; swift build -c release
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench"))
import peers  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--perf-out", default="/tmp/query.perf")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--step", default="60")
    ap.add_argument("--port", type=int, default=19291)
    ap.add_argument("--query", type=int, action="append", help="profile only these queries (0-11)")
    a = ap.parse_args()
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    files = sorted(f for f in (os.path.join(a.data, n) for n in os.listdir(a.data)) if f.endswith(".bin"))
    work = tempfile.mkdtemp(prefix="query-profile-")
    server = subprocess.Popen([".build/release/sextant", "serve", "--data", work, "--listen", f"127.0.0.1:{a.port}",
                               "--log-level", "warning"])
    base = f"http://127.0.0.1:{a.port}"
    try:
        peers.wait_ready(base, "/-/ready", server)
        peers.send_all("127.0.0.1", a.port, "/api/v1/write", files, meta["requests_per_step"])
        peers.run_query(base, peers.QUERIES[0], meta, a.step)  # warm up
        perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-p", str(server.pid),
                                 "-o", a.perf_out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        for q in [peers.QUERIES[i] for i in a.query] if a.query else peers.QUERIES:
            times = [peers.run_query(base, q, meta, a.step)[0] for _ in range(a.runs)]
            print(f"{statistics.median(times) * 1000:8.1f} ms  {q}")
        perf.send_signal(signal.SIGINT)
        perf.wait()
    finally:
        server.terminate()
        server.wait()
    print(f"profile: perf report -i {a.perf_out} --no-children --percent-limit 1")


if __name__ == "__main__":
    main()
