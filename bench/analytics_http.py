#!/usr/bin/env python3
"""Analytics over HTTP beside DuckDB: ingest gen_events.py's workload into a running Sextant
through POST /api/analytics/events (batches of 1,000, two keep-alive connections), record events
per second and the server's peak memory (VmHWM), then time each reference analysis over HTTP
(median of 7, after one warm-up call) next to events_reference.py's DuckDB times on the same
events in the same run.

DuckDB runs on the events as Sextant keeps them (canProfile=false events without userId and
sessionId; the script itself drops canTrack=false ones), so both answer over the same data.

Usage: analytics_http.py [--events EV.ndjson.gz] [--users 20000] [--bin .build/release/sextant] [--port 18686]
  Without --events, generates the default workload with ../shared/bench/gen_events.py.
Needs: pip install duckdb
"""
import argparse
import gzip
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "bench")

QUERIES = [
    ("funnel (4 steps, 7 days)", "funnel", ["funnel"],
     {"steps": [{"action": a} for a in ["signup", "onboarding_completed", "workout_completed", "subscription_started"]],
      "window": "7d", "mode": "sequential"}),
    ("retention (weekly, first event)", "retention", ["retention"], {"period": "week"}),
    ("dau (unique users by day and platform)", "trends", ["dau"],
     {"measure": "unique_users", "interval": "day", "breakdown": "platform"}),
    ("experiment (counts, z-test, Bayesian)", "experiment", ["experiment"],
     {"experiment": "rec_model", "conversion": {"action": "recommendation_accepted"}}),
    ("ai (outcomes and satisfaction per model)", "ai", ["ai"], {}),
    ("revenue (by day, total, ARPU; DuckDB: revenue + arpu)", "revenue", ["revenue", "arpu"], {"interval": "day"}),
]


def privacy_copy(src, dst):
    """The events as Sextant may keep them: no user or session id where canProfile is false."""
    with gzip.open(src, "rt") as f, open(dst, "w") as out:
        for line in f:
            e = json.loads(line)
            if (e.get("privacyFlags") or {}).get("canProfile") is False:
                e.pop("userId", None)
                e.pop("sessionId", None)
            out.write(json.dumps(e) + "\n")


def read_lines(path):
    with gzip.open(path, "rb") as f:
        return [l.rstrip(b"\n") for l in f if l.strip()]


def batch_body(lines, n, size, now):
    """Batch n (size events) in the native envelope; built when sent, so only the lines stay in memory."""
    events = b",".join(lines[n * size:(n + 1) * size])
    return b'{"batchId":"bench-%d","clientTimestamp":"%s","events":[' % (n, now) + events + b"]}"


def ingest(port, lines, size, connections):
    errors = []
    lock = threading.Lock()
    count = (len(lines) + size - 1) // size
    next_batch = [0]
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()).encode()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                n = next_batch[0]
                next_batch[0] += 1
            if n >= count:
                break
            conn.request("POST", "/api/analytics/events", batch_body(lines, n, size, now), {"Content-Type": "application/json"})
            r = conn.getresponse()
            answer = r.read()
            if r.status != 200 or json.loads(answer).get("rejected"):
                errors.append((r.status, answer[:300]))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, count, errors


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def post(conn, path, body):
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        raise SystemExit(f"{path} answered {r.status}: {data[:300]}")
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events")
    ap.add_argument("--users", default="20000")
    ap.add_argument("--bin", default=os.path.join(HERE, "..", ".build", "release", "sextant"))
    ap.add_argument("--port", type=int, default=18686)
    ap.add_argument("--connections", type=int, default=2)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="analytics-http-")
    server = None
    try:
        events = a.events
        if not events:
            events = os.path.join(work, "events.ndjson.gz")
            subprocess.run(["python3", os.path.join(SHARED, "gen_events.py"), events, "--users", a.users], check=True)
        kept = os.path.join(work, "kept.ndjson")
        privacy_copy(events, kept)
        lines = read_lines(events)
        count = len(lines)

        server = subprocess.Popen([a.bin, "serve", "--data", os.path.join(work, "data"), "--listen", f"127.0.0.1:{a.port}",
                                   "--collect.host=false", "--log-level", "warning"])
        for _ in range(600):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{a.port}/-/ready", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        rss_before = status_kib(server.pid, "VmRSS")
        seconds, batches, errors = ingest(a.port, lines, 1000, a.connections)
        if errors:
            raise SystemExit(f"{len(errors)} batches failed, first: {errors[0]}")
        hwm_ingest = status_kib(server.pid, "VmHWM")

        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=300)
        ours = {}
        for label, path, _, body in QUERIES:
            post(conn, f"/api/analytics/{path}", body)  # warm-up: the first read decodes columns
            times = []
            for _ in range(7):
                t0 = time.perf_counter()
                post(conn, f"/api/analytics/{path}", body)
                times.append(time.perf_counter() - t0)
            ours[label] = statistics.median(times) * 1000
        hwm_queries = status_kib(server.pid, "VmHWM")

        ref_json = os.path.join(work, "ref.json")
        subprocess.run(["python3", os.path.join(SHARED, "events_reference.py"), kept, "--json", ref_json], check=True,
                       stdout=subprocess.DEVNULL)
        with open(ref_json) as f:
            ref = json.load(f)

        print(f"events posted: {count:,} in {batches} batches of 1,000 over {a.connections} connections")
        print(f"ingest: {seconds:.2f} s, {count / seconds:,.0f} events/s")
        print(f"server memory: VmRSS {rss_before / 1024:.0f} MiB before ingest, VmHWM {hwm_ingest / 1024:.0f} MiB after ingest, "
              f"{hwm_queries / 1024:.0f} MiB after the queries")
        print(f"DuckDB: {ref['events_loaded']:,} events loaded in {ref['load_s'] * 1000:.0f} ms")
        print()
        print("| analysis | Sextant over HTTP ms | DuckDB ms | Sextant / DuckDB |")
        print("| --- | --- | --- | --- |")
        for label, _, names, _ in QUERIES:
            duck = sum(ref["timings_s"][n] for n in names) * 1000
            print(f"| {label} | {ours[label]:.1f} | {duck:.1f} | {ours[label] / duck:.2f} |")
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=120)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
