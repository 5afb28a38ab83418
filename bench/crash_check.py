#!/usr/bin/env python3
"""Durability check: stream a gen_dataset.py workload into Sextant at full speed, kill the server
with SIGKILL, restart it, and check that every acknowledged sample is still there.

Usage: crash_check.py --data DATASET_DIR [--kill-after SECONDS | --kill-after all] [--bin .build/release/sextant]
  --kill-after N    kill N seconds into the ingest (default 4), while requests are in flight
  --kill-after all  send everything, then kill: measures recovery time with the whole dataset in the WAL
Prints acknowledged/lost sample counts and the time from restart to ready. Exits 1 if anything was lost.
Needs: pip install cramjam
"""
import argparse
import glob
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import cramjam


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message (only the types used here)."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 1:
            v = buf[i:i + 8]
            i += 8
        elif wt == 2:
            n, i = varint(buf, i)
            v = buf[i:i + n]
            i += n
        else:
            raise ValueError(f"wire type {wt}")
        yield num, wt, v


def request_series(body):
    """(labels tuple, [timestamps]) for each series in a snappy WriteRequest body."""
    out = []
    for num, _, ts in fields(bytes(cramjam.snappy.decompress_raw(body))):
        if num != 1:
            continue
        labels, times = [], []
        for n2, _, v in fields(ts):
            if n2 == 1:
                d = {a: b for a, _, b in fields(v)}
                labels.append((d[1].decode(), d[2].decode()))
            elif n2 == 2:
                d = {a: b for a, _, b in fields(v)}
                t = d.get(2, 0)
                times.append(t - (1 << 64) if t >= 1 << 63 else t)
        out.append((tuple(sorted(labels)), times))
    return out


def wait_ready(port, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=2) as r:
                if r.status == 200:
                    return time.time() - t0
        except Exception:
            time.sleep(0.05)
    raise RuntimeError("not ready")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--kill-after", default="4")
    ap.add_argument("--bin", default=".build/release/sextant")
    ap.add_argument("--port", type=int, default=19191)
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.data, "req-*.bin")))
    with open(os.path.join(a.data, "meta.json")) as f:
        per_step = json.load(f)["requests_per_step"]
    work = tempfile.mkdtemp(prefix="crash-")
    cmd = [a.bin, "serve", "--data", os.path.join(work, "data"), "--listen", f"127.0.0.1:{a.port}", "--log-level", "warning"]
    proc = subprocess.Popen(cmd)
    wait_ready(a.port)
    acked = []
    lock = threading.Lock()
    headers = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"}
    chunks = [[fn for j, fn in enumerate(files) if (j % per_step) % 2 == i] for i in range(2)]

    def worker(chunk):
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60)
        for fn in chunk:
            with open(fn, "rb") as f:
                body = f.read()
            try:
                c.request("POST", "/api/v1/write", body=body, headers=headers)
                r = c.getresponse()
                r.read()
            except Exception:
                return
            if r.status // 100 == 2:
                with lock:
                    acked.append(fn)

    threads = [threading.Thread(target=worker, args=(ch,)) for ch in chunks]
    t0 = time.time()
    for t in threads:
        t.start()
    if a.kill_after == "all":
        for t in threads:
            t.join()
    else:
        time.sleep(float(a.kill_after))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for t in threads:
        t.join()
    sent_s = time.time() - t0
    proc = subprocess.Popen(cmd)
    ready_s = wait_ready(a.port)
    expected = {}
    for fn in acked:
        with open(fn, "rb") as f:
            for labels, times in request_series(f.read()):
                expected.setdefault(labels, set()).update(times)
    q = urllib.parse.urlencode({"match[]": '{__name__=~".+"}'})
    found = {}
    with urllib.request.urlopen(f"http://127.0.0.1:{a.port}/api/v1/export?{q}", timeout=600) as r:
        for line in r:
            doc = json.loads(line)
            found[tuple(sorted(doc["metric"].items()))] = set(doc["timestamps"])
    total = sum(len(v) for v in expected.values())
    lost = sum(len(v - found.get(k, set())) for k, v in expected.items())
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"killed_after_s": round(sent_s, 2), "acknowledged_requests": len(acked), "of_requests": len(files),
                      "acknowledged_samples": total, "lost_samples": lost, "restart_to_ready_s": round(ready_s, 2)}))
    return 1 if lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
