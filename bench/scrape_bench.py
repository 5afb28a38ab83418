#!/usr/bin/env python3
"""Scrape cost at scale: Sextant scraping N targets of M series each, served by a local generator.

Usage: scrape_bench.py [--targets 1000] [--series 1000] [--interval 15] [--measure 60] [--bin .build/release/sextant]
                       [--mode scrape|remote-write]

A generator process (this script with --serve) answers /metrics/0 ... /metrics/N-1 on one loopback
port, each with M series in the Prometheus text format (counters that grow and gauges that move,
node_exporter-like label sets). Sextant gets them through file_sd (one target per path, its own
`instance`), scrapes for one warm-up round, then the server's CPU time (user + system, from
/proc) is measured over --measure seconds while the samples stored in that window are counted
with PromQL (`count_over_time(up[...])` times M + 5 report series). Prints CPU seconds per
million samples. Only loopback is used; everything stops at the end.

With --mode remote-write the same series (same names, labels, values and interval, plus the
`job` and `instance` a scrape would add) are pushed instead, one snappy protobuf request per
target per interval over two keep-alive connections, and the samples acknowledged with 2xx in
the window are counted: the same measure for the push path. Needs `pip install cramjam`.
"""
import argparse
import asyncio
import http.client
import struct
import threading
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def families(series):
    """(name, kind, [label dicts]) per metric family: `series` series in families of 100."""
    count = max(1, series // 100)
    per = series // count
    out = []
    for f in range(count):
        kind = "counter" if f % 2 == 0 else "gauge"
        name = f"bench_family_{f}_total" if kind == "counter" else f"bench_family_{f}_value"
        out.append((name, kind, [{"handler": f"/api/v1/item{i % 20}", "code": str(200 + i % 5), "method": "get",
                                  "shard": str(i)} for i in range(per)]))
    return out


def value(kind, i, target, t):
    if kind == "counter":
        return int(t * (1 + (i + target) % 7))
    return ((i * 7919 + target * 31 + int(t)) % 1000) / 10


def serve(port, series):
    prefixes = []
    for name, kind, label_sets in families(series):
        lines = [f"# HELP {name} Family of the scrape benchmark.\n# TYPE {name} {kind}\n"]
        for ls in label_sets:
            lines.append(name + "{" + ",".join(f'{k}="{v}"' for k, v in ls.items()) + "} ")
        prefixes.append((kind, lines))

    def body(target):
        t = time.time()
        out = []
        for f, (kind, lines) in enumerate(prefixes):
            out.append(lines[0])
            for i, p in enumerate(lines[1:]):
                out.append(f"{p}{value(kind, i, target, t)}\n")
        return "".join(out).encode()

    async def handle(reader, writer):
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                path = request.split(b" ", 2)[1].decode()
                try:
                    target = int(path.rsplit("/", 1)[1])
                except ValueError:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                data = body(target)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                             + str(len(data)).encode() + b"\r\n\r\n" + data)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, payload):
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


class RemoteWriter:
    """Pushes every target's series once per interval as remote-write 1.0; counts acknowledged samples."""

    def __init__(self, port, targets, series, interval):
        import cramjam
        self.compress = lambda b: bytes(cramjam.snappy.compress_raw(b))
        self.port, self.interval = port, interval
        self.acked = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        # Per target: (kind, index, encoded labels) of each series; labels sorted by name.
        self.targets = []
        for target in range(targets):
            out = []
            for name, kind, label_sets in families(series):
                for i, ls in enumerate(label_sets):
                    labels = dict(ls, __name__=name, job="bench", instance=f"gen-{target}")
                    enc = b"".join(field(1, field(1, k.encode()) + field(2, v.encode())) for k, v in sorted(labels.items()))
                    out.append((kind, i, enc))
            self.targets.append(out)

    def body(self, target):
        t = time.time()
        ms = int(t * 1000)
        parts = []
        for kind, i, labels in self.targets[target]:
            sample = b"\x09" + struct.pack("<d", float(value(kind, i, target, t))) + b"\x10" + varint(ms)
            parts.append(field(1, labels + field(2, sample)))
        return self.compress(b"".join(parts)), len(parts)

    def worker(self, offset):
        headers = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
                   "X-Prometheus-Remote-Write-Version": "0.1.0"}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        next_round = time.time()
        while not self.stop.is_set():
            for target in range(offset, len(self.targets), 2):
                data, n = self.body(target)
                conn.request("POST", "/api/v1/write", body=data, headers=headers)
                r = conn.getresponse()
                r.read()
                if r.status // 100 == 2:
                    with self.lock:
                        self.acked += n
                else:
                    print(f"remote-write answered HTTP {r.status}", file=sys.stderr)
            next_round += self.interval
            self.stop.wait(max(0, next_round - time.time()))
        conn.close()

    def start(self):
        self.threads = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(2)]
        for th in self.threads:
            th.start()

    def samples(self):
        with self.lock:
            return self.acked


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def query(base, q, t):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": q, "time": f"{t:.3f}"})
    with urllib.request.urlopen(url, timeout=60) as r:
        doc = json.load(r)
    result = doc["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--targets", type=int, default=1000)
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--interval", type=int, default=15, help="scrape interval, seconds")
    ap.add_argument("--measure", type=int, default=60, help="measured window, seconds")
    ap.add_argument("--bin", default=".build/release/sextant")
    ap.add_argument("--mode", choices=["scrape", "remote-write"], default="scrape")
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.series)
        return

    work = tempfile.mkdtemp(prefix="sextant-scrape-bench-")
    gen_port, port = free_port(), free_port()
    pushing = args.mode == "remote-write"
    gen = None if pushing else subprocess.Popen([sys.executable, __file__, "--serve", str(gen_port), "--series", str(args.series)])
    server = None
    writer = None
    try:
        groups = [{"targets": [f"127.0.0.1:{gen_port}"],
                   "labels": {"__metrics_path__": f"/metrics/{i}", "instance": f"gen-{i}"}} for i in range(args.targets)]
        with open(os.path.join(work, "targets.json"), "w") as f:
            json.dump(groups, f)
        with open(os.path.join(work, "sextant.yml"), "w") as f:
            f.write(f"""global:
  scrape_interval: {args.interval}s
  scrape_timeout: {min(10, args.interval)}s
scrape_configs:
  - job_name: bench
    file_sd_configs: [{{files: [targets.json]}}]
""")
        command = [args.bin, "serve", "--data", os.path.join(work, "data"), "--listen", f"127.0.0.1:{port}",
                   "--collect.host=false", "--collect.self=false", "--log-level", "warning"]
        if not pushing:
            command += ["--config", os.path.join(work, "sextant.yml")]
        server = subprocess.Popen(command)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/ready", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        if pushing:
            writer = RemoteWriter(port, args.targets, args.series, args.interval)
            writer.start()
        # One full round creates the series; the window after it is the steady state.
        time.sleep(args.interval * 1.5)
        c0, t0 = cpu_seconds(server.pid), time.time()
        g0 = cpu_seconds(gen.pid if gen else os.getpid())
        s0 = writer.samples() if writer else 0
        time.sleep(args.measure)
        c1, t1 = cpu_seconds(server.pid), time.time()
        g1 = cpu_seconds(gen.pid if gen else os.getpid())
        s1 = writer.samples() if writer else 0
        time.sleep(1)
        window = int(t1 - t0)
        if pushing:
            scrapes, up = None, None
            samples = s1 - s0
        else:
            scrapes = query(base, f'sum(count_over_time(up{{job="bench"}}[{window}s]))', t1)
            up = query(base, 'sum(up{job="bench"})', t1)
            samples = scrapes * (args.series + 5)
        print(json.dumps({
            "mode": args.mode, "targets": args.targets, "series_per_target": args.series, "interval_s": args.interval,
            "window_s": round(t1 - t0, 1), "scrapes_in_window": scrapes, "targets_up": up,
            "samples_in_window": samples, "server_cpu_s": round(c1 - c0, 2),
            "cpu_s_per_million_samples": round((c1 - c0) / (samples / 1e6), 3) if samples else None,
            "server_cpu_share_of_one_core": round((c1 - c0) / (t1 - t0), 3),
            "generator_cpu_s": round(g1 - g0, 2),
        }, indent=1))
    finally:
        if writer:
            writer.stop.set()
        for p in (server, gen):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
