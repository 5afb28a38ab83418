#!/usr/bin/env python3
"""Accuracy of Sextant's Insights on labelled synthetic data, beside statsmodels.

    pip install numpy statsmodels
    swift build -c release --product sextant-bench
    python3 bench/insights_accuracy.py --seed 2              # the run BENCHMARKS.md reports
    python3 bench/insights_accuracy.py --seed 1 --tune       # how the defaults were chosen

Writes the cases (values only, no labels) to JSON, runs `sextant-bench insights-accuracy` on
them for Sextant's answers, fits statsmodels' ExponentialSmoothing to the capacity series, and
prints Markdown tables scored against the labels it kept:

- regression: baseline and current windows of n points (30, 60, 120, 240), the current one
  shifted by k standard deviations (0.5, 1, 2) up (a regression: lower is better) or down (an
  improvement), or not at all; Gaussian, log-normal (latency-like) and, as a stress row outside
  the target, AR(1) noise with phi 0.5. Precision, recall and F1 of the verdict "regressed".
- anomaly: 3 days of 5-minute points (flat, trend, daily cycle, level shift, heavy-tailed noise)
  with 8 spikes of 5 to 10 noise sigma each, and 5 weeks of hourly points with daily and weekly
  cycles (4 weeks history, spikes in the last) for the seasonal method. Point-level F1.
- capacity: 60 days of hourly history, 30 days (720 steps) forecast: growth with a small daily
  cycle, growth with a large one, a daily cycle without growth. MAPE against the simulated
  future, ours (auto method) and statsmodels ExponentialSmoothing(trend="add", seasonal="add",
  seasonal_periods=24).

--tune (on a seed other than the reported one) sweeps the verdict rule's alpha and minimum
effect and each anomaly method's threshold and prints the F1 of each setting; the defaults in
Sources/Insights were set from it.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BENCH = os.environ.get("SEXTANT_BENCH", os.path.join(ROOT, ".build", "release", "sextant-bench"))
HOUR = 3_600_000
FIVE_MIN = 300_000
MONDAY = 1_767_571_200_000  # 2026-01-05T00:00:00Z


# ---------------------------------------------------------------- regression

def regression_cases(rng, reps):
    cases, labels = [], {}
    for dist in ("gaussian", "lognormal", "ar1"):
        for n in (30, 60, 120, 240):
            plan = [("unchanged", 0.0)] * (3 * reps)
            for k in (0.5, 1.0, 2.0):
                plan += [("regressed", k)] * reps + [("improved", k)] * reps
            for i, (label, k) in enumerate(plan):
                base, cur, sd = draw(rng, dist, n)
                shift = k * sd * (1 if label == "regressed" else -1 if label == "improved" else 0)
                cid = f"{dist}/{n}/{label}/{k}/{i}"
                cases.append({"id": cid, "baseline": base.tolist(), "current": (cur + shift).tolist()})
                labels[cid] = {"dist": dist, "n": n, "label": label, "k": k}
    return cases, labels


def draw(rng, dist, n):
    """Two windows of n values from the same distribution, and its standard deviation."""
    if dist == "gaussian":
        return rng.normal(100, 10, n), rng.normal(100, 10, n), 10.0
    if dist == "lognormal":
        s = 0.4
        sd = 0.2 * np.sqrt((np.exp(s * s) - 1) * np.exp(s * s))
        return rng.lognormal(np.log(0.2), s, n), rng.lognormal(np.log(0.2), s, n), sd
    # AR(1) with phi 0.5, marginal sd 10, one continuous run across both windows.
    phi, sd = 0.5, 10.0
    e = rng.normal(0, sd * np.sqrt(1 - phi * phi), 2 * n + 50)
    x = np.zeros_like(e)
    for t in range(1, len(e)):
        x[t] = phi * x[t - 1] + e[t]
    x = 100 + x[50:]
    return x[:n], x[n:], sd


def score_regression(answers, labels, cells):
    tp = fp = fn = 0
    for a in answers:
        lab = labels[a["id"]]
        if not cells(lab):
            continue
        predicted = a["verdict"] == "regressed"
        actual = lab["label"] == "regressed"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def regression_table(answers, labels):
    by_id = {a["id"]: a for a in answers}
    rows = ["| noise | n per window | recall k=0.5 | recall k=1 | recall k=2 | false 'regressed' (no shift) | false 'regressed' (improvement) |",
            "|---|---|---|---|---|---|---|"]
    for dist in ("gaussian", "lognormal", "ar1"):
        for n in (30, 60, 120, 240):
            def rate(label, k=None):
                ids = [i for i, l in labels.items() if l["dist"] == dist and l["n"] == n and l["label"] == label
                       and (k is None or l["k"] == k)]
                return sum(by_id[i]["verdict"] == "regressed" for i in ids) / len(ids)
            rows.append(f"| {dist} | {n} | {rate('regressed', 0.5):.2f} | {rate('regressed', 1.0):.2f} | "
                        f"{rate('regressed', 2.0):.2f} | {rate('unchanged'):.3f} | {rate('improved'):.3f} |")
    target = score_regression(answers, labels, lambda l: l["dist"] != "ar1")
    ar1 = score_regression(answers, labels, lambda l: l["dist"] == "ar1")
    gauss30 = score_regression(answers, labels, lambda l: l["dist"] == "gaussian" and l["n"] == 30
                               and l["k"] in (0.0, 0.5))
    big = score_regression(answers, labels, lambda l: l["dist"] != "ar1" and (l["n"] >= 60 or l["k"] >= 1 or l["k"] == 0))
    summary = ["| cases | precision | recall | F1 |", "|---|---|---|---|",
               "| target: Gaussian and log-normal, n >= 30, k >= 0.5 | %.3f | %.3f | **%.3f** |" % target,
               "| ... without the n = 30, k = 0.5 corner | %.3f | %.3f | %.3f |" % big,
               "| Gaussian, n = 30, k = 0.5 only | %.3f | %.3f | %.3f |" % gauss30,
               "| stress: AR(1) phi = 0.5 | %.3f | %.3f | %.3f |" % ar1]
    # Change-point location on the detected regressions (the shift starts at index n).
    errors = [abs(by_id[i].get("changePoint") - l["n"]) for i, l in labels.items()
              if l["label"] == "regressed" and l["dist"] != "ar1" and by_id[i]["verdict"] == "regressed"
              and by_id[i].get("changePoint") is not None]
    found = sum(1 for i, l in labels.items() if l["label"] == "regressed" and l["dist"] != "ar1"
                and by_id[i]["verdict"] == "regressed" and by_id[i].get("changePoint") is not None)
    detected = sum(1 for i, l in labels.items() if l["label"] == "regressed" and l["dist"] != "ar1"
                   and by_id[i]["verdict"] == "regressed")
    spurious = sum(1 for i, l in labels.items() if l["label"] == "unchanged" and l["dist"] != "ar1"
                   and by_id[i].get("changePoint") is not None)
    nulls = sum(1 for l in labels.values() if l["label"] == "unchanged" and l["dist"] != "ar1")
    cp = (f"Change point on detected regressions: found in {found}/{detected}, median distance from the true "
          f"start {np.median(errors):.0f} points (90th percentile {np.percentile(errors, 90):.0f}); reported on "
          f"{spurious}/{nulls} series without a shift.")
    return "\n".join(summary), "\n".join(rows), cp


# ---------------------------------------------------------------- anomalies

def anomaly_cases(rng, reps):
    cases, truth = [], {}
    n, sigma = 864, 2.0
    for kind in ("flat", "trend", "daily", "levelshift", "heavytail"):
        for r in range(reps):
            t = np.arange(n)
            if kind == "heavytail":
                noise = rng.standard_t(4, n) * sigma / np.sqrt(2)  # t(4) has sd sqrt(2)
            else:
                noise = rng.normal(0, sigma, n)
            y = 100 + noise
            if kind == "trend":
                y += 0.05 * t
            if kind == "daily":
                y += 15 * sigma * np.sin(2 * np.pi * (t % 288 - 72) / 288)
            if kind == "levelshift":
                y += np.where(t >= n // 2, 8 * sigma, 0)
            spikes = spike_positions(rng, n, 8)
            y[spikes] += rng.uniform(5, 10, len(spikes)) * sigma * rng.choice([-1, 1], len(spikes))
            times = (MONDAY + t * FIVE_MIN).tolist()
            for method in ("robust", "zscore", "isolation_forest"):
                cid = f"{kind}/{r}/{method}"
                cases.append({"id": cid, "method": method, "times": times, "values": y.tolist()})
                truth[cid] = {"kind": kind, "method": method, "spikes": set(int(s) for s in spikes)}
    # Hourly, daily and weekly cycles; history 4 weeks, the fifth week analysed.
    for r in range(reps):
        t = np.arange(5 * 168)
        weekday = ((t // 24) % 7) < 5
        y = 100 + np.where(weekday, 30, 5) * np.sin(2 * np.pi * (t % 24 - 6) / 24).clip(0) + rng.normal(0, sigma, len(t))
        spikes = spike_positions(rng, 168, 4) + 4 * 168
        y[spikes] += rng.uniform(5, 10, len(spikes)) * sigma * rng.choice([-1, 1], len(spikes))
        times = MONDAY - 28 * 86_400_000 + t * HOUR
        for method in ("seasonal", "robust"):
            cid = f"weekly/{r}/{method}"
            case = {"id": cid, "method": method, "times": times[4 * 168:].tolist(), "values": y[4 * 168:].tolist()}
            if method == "seasonal":
                case["historyTimes"] = times[:4 * 168].tolist()
                case["historyValues"] = y[:4 * 168].tolist()
            cases.append(case)
            truth[cid] = {"kind": "weekly", "method": method, "spikes": set(int(s) - 4 * 168 for s in spikes)}
    return cases, truth


def spike_positions(rng, n, k):
    """k positions at least 20 apart, away from the ends."""
    while True:
        p = np.sort(rng.choice(np.arange(10, n - 10), k, replace=False))
        if np.all(np.diff(p) >= 20):
            return p


def score_points(flagged_by_case, truth, select):
    tp = fp = fn = 0
    for cid, flagged in flagged_by_case.items():
        t = truth[cid]
        if not select(t):
            continue
        f = set(flagged)
        tp += len(f & t["spikes"])
        fp += len(f - t["spikes"])
        fn += len(t["spikes"] - f)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def anomaly_table(answers, truth):
    flagged = {a["id"]: a["flagged"] for a in answers}
    thresholds = {a["method"]: a["threshold"] for a in answers}
    rows = ["| series | method (threshold) | precision | recall | F1 |", "|---|---|---|---|---|"]
    for kind in ("flat", "trend", "daily", "levelshift", "heavytail", "weekly"):
        methods = ("seasonal", "robust") if kind == "weekly" else ("robust", "zscore", "isolation_forest")
        for m in methods:
            p, r, f = score_points(flagged, truth, lambda t: t["kind"] == kind and t["method"] == m)
            rows.append(f"| {kind} | {m} ({thresholds[m]:g}) | {p:.3f} | {r:.3f} | {f:.3f} |")
    target = score_points(flagged, truth, lambda t: t["method"] == "robust" and t["kind"] != "weekly")
    seasonal = score_points(flagged, truth, lambda t: t["method"] == "seasonal")
    summary = ["| cases | precision | recall | F1 |", "|---|---|---|---|",
               "| robust (default) on the five 5-minute kinds | %.3f | %.3f | **%.3f** |" % target,
               "| seasonal on the weekly kind | %.3f | %.3f | %.3f |" % seasonal]
    return "\n".join(summary), "\n".join(rows)


def tune_anomalies(answers, truth):
    lines = []
    for m in ("robust", "zscore", "isolation_forest", "seasonal"):
        best = None
        results = []
        grid = np.arange(0.55, 0.96, 0.025) if m == "isolation_forest" else np.arange(2.0, 8.01, 0.25)
        for th in grid:
            flagged = {a["id"]: [i for i, s in enumerate(a["scores"]) if s is not None and abs(s) >= th]
                       for a in answers if a["method"] == m}
            sel = (lambda t: t["method"] == m and t["kind"] != "weekly") if m != "seasonal" else (lambda t: t["method"] == m)
            f = score_points(flagged, truth, sel)[2]
            results.append((th, f))
            if best is None or f > best[1]:
                best = (th, f)
        lines.append(f"{m}: best threshold {best[0]:.3g} (F1 {best[1]:.3f}); "
                     + ", ".join(f"{th:.3g}:{f:.3f}" for th, f in results))
    return "\n".join(lines)


# ---------------------------------------------------------------- capacity

def capacity_cases(rng, reps):
    cases, futures = [], {}
    history, horizon = 60 * 24, 30 * 24
    for kind in ("growth", "seasonal_growth", "seasonal_flat"):
        for r in range(reps):
            t = np.arange(history + horizon)
            level = rng.uniform(100, 1000)
            slope = 0 if kind == "seasonal_flat" else level * rng.uniform(0.002, 0.01) / 24  # per hour
            amplitude = level * (rng.uniform(0.01, 0.05) if kind == "growth" else rng.uniform(0.1, 0.3))
            noise = level * rng.uniform(0.01, 0.04)
            y = level + slope * t + amplitude * np.sin(2 * np.pi * (t % 24 - 6) / 24) + rng.normal(0, noise, len(t))
            cid = f"{kind}/{r}"
            cases.append({"id": cid, "values": y[:history].tolist(), "horizon": horizon, "step": HOUR})
            futures[cid] = {"kind": kind, "future": y[history:], "history": y[:history]}
    return cases, futures


def statsmodels_forecasts(futures):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    out, seconds = {}, {}
    for cid, f in futures.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ExponentialSmoothing(f["history"], trend="add", seasonal="add", seasonal_periods=24,
                                         initialization_method="estimated").fit()
        out[cid] = model.forecast(len(f["future"]))
        seconds[cid] = time.perf_counter() - start
    return out, seconds


def mape(actual, predicted):
    return float(np.mean(np.abs((actual - predicted) / actual)) * 100)


def capacity_table(answers, futures, theirs, their_seconds):
    ours = {a["id"]: a for a in answers}
    rows = ["| series (10 each) | ours: MAPE mean | median | statsmodels: MAPE mean | median | ours no worse (0.5%) on | our methods | ours s/series | statsmodels s/series |",
            "|---|---|---|---|---|---|---|---|---|"]
    all_ours, all_theirs = [], []
    for kind in ("growth", "seasonal_growth", "seasonal_flat"):
        ids = [i for i, f in futures.items() if f["kind"] == kind]
        o = [mape(futures[i]["future"], np.array(ours[i]["forecast"])) for i in ids]
        s = [mape(futures[i]["future"], theirs[i]) for i in ids]
        all_ours += o
        all_theirs += s
        wins = sum(a <= b * 1.005 for a, b in zip(o, s))
        methods = {}
        for i in ids:
            methods[ours[i]["method"]] = methods.get(ours[i]["method"], 0) + 1
        m = ", ".join(f"{k} {v}" for k, v in sorted(methods.items()))
        rows.append(f"| {kind} | {np.mean(o):.2f}% | {np.median(o):.2f}% | {np.mean(s):.2f}% | {np.median(s):.2f}% | "
                    f"{wins}/{len(ids)} | {m} | {np.mean([ours[i]['seconds'] for i in ids]):.2f} | "
                    f"{np.mean([their_seconds[i] for i in ids]):.2f} |")
    rows.append(f"| all | {np.mean(all_ours):.2f}% | {np.median(all_ours):.2f}% | {np.mean(all_theirs):.2f}% | "
                f"{np.median(all_theirs):.2f}% | {sum(a <= b * 1.005 for a, b in zip(all_ours, all_theirs))}/{len(all_ours)} | | | |")
    return "\n".join(rows)


# ---------------------------------------------------------------- driver

def run_bench(cases, extra=()):
    with tempfile.TemporaryDirectory() as d:
        inp, out = os.path.join(d, "cases.json"), os.path.join(d, "answers.json")
        with open(inp, "w") as f:
            json.dump(cases, f)
        subprocess.run([BENCH, "insights-accuracy", "--input", inp, "--output", out, *extra], check=True)
        with open(out) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--tune", action="store_true", help="sweep the rule and thresholds instead of reporting")
    ap.add_argument("--reps", type=int, default=50, help="cases per regression cell")
    ap.add_argument("--anomaly-reps", type=int, default=20)
    ap.add_argument("--capacity-reps", type=int, default=10)
    ap.add_argument("--skip-capacity", action="store_true")
    a = ap.parse_args()
    if not os.access(BENCH, os.X_OK):
        sys.exit(f"{BENCH} not found: run `swift build -c release --product sextant-bench` first")
    rng = np.random.default_rng(a.seed)
    reg, reg_labels = regression_cases(rng, a.reps)
    ano, ano_truth = anomaly_cases(rng, a.anomaly_reps)
    if a.tune:
        print(f"## Tuning on seed {a.seed}\n")
        for alpha in ("0.01", "0.02", "0.05", "0.1"):
            for effect in ("0", "0.1", "0.2", "0.3", "0.4", "0.5"):
                answers = run_bench({"regression": reg}, ["--alpha", alpha, "--min-effect", effect])["regression"]
                p, r, f = score_regression(answers, reg_labels, lambda l: l["dist"] != "ar1")
                print(f"alpha {alpha} min effect {effect}: precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
        print()
        print(tune_anomalies(run_bench({"anomaly": ano})["anomaly"], ano_truth))
        return
    print(f"## Insights accuracy, seed {a.seed}\n")
    answers = run_bench({"regression": reg, "anomaly": ano})
    summary, cells, cp = regression_table(answers["regression"], reg_labels)
    print("### Regression detection (verdict \"regressed\")\n")
    print(summary + "\n\n" + cells + "\n\n" + cp + "\n")
    summary, rows = anomaly_table(answers["anomaly"], ano_truth)
    print("### Anomaly detection on injected spikes (point level)\n")
    print(summary + "\n\n" + rows + "\n")
    if a.skip_capacity:
        return
    cap, futures = capacity_cases(rng, a.capacity_reps)
    ours = run_bench({"capacity": cap})
    theirs, their_seconds = statsmodels_forecasts(futures)
    print("### Capacity forecasts, 60 days hourly history, 30 days ahead\n")
    print(capacity_table(ours["capacity"], futures, theirs, their_seconds) + "\n")
    print(f"Sextant's run times (release build): {len(reg)} comparisons {answers['seconds']['regression']:.2f} s, "
          f"{len(ano)} anomaly scorings {answers['seconds']['anomaly']:.2f} s, {len(cap)} forecasts "
          f"{ours['seconds']['capacity']:.2f} s; statsmodels' {len(cap)} fits {sum(their_seconds.values()):.2f} s.")


if __name__ == "__main__":
    main()
