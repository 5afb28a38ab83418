#!/usr/bin/env python3
"""Reference values for the Statistics module's tests, from scipy, statsmodels, numpy,
scikit-learn and ruptures.

    pip install scipy statsmodels numpy mpmath scikit-learn ruptures
    python3 scripts/statistics_fixtures.py

writes Tests/StatisticsTests/Fixtures/*.json. Every input is generated from a fixed seed, so a
re-run writes the same files (up to the libraries' own versions, recorded in meta.json).
Non-finite floats are written as the strings "nan", "inf" and "-inf".
"""

import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import integrate, special, stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "StatisticsTests", "Fixtures")


def clean(value):
    """Turn numpy values into JSON-ready Python ones, non-finite floats into strings."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    return value


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(clean(payload), f, separators=(",", ":"))
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    print(f"{name}.json: {os.path.getsize(path)} bytes")


def rounded(values, digits=6):
    """Inputs rounded to a few decimals, so the JSON stays small and both sides read the same doubles."""
    return [round(float(v), digits) for v in values]


# ---------------------------------------------------------------- distributions


def distributions():
    normal = []
    for x in [-40, -38.5, -30, -10, -5, -3, -1.96, -1, -0.5, -1e-8, 0, 1e-8, 0.3, 1, 2.5, 5, 8.2, 10, 30]:
        normal.append({"x": x, "cdf": stats.norm.cdf(x), "sf": stats.norm.sf(x)})
    normalQuantile = []
    for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.6, 0.9, 0.975, 0.999, 1 - 1e-10]:
        normalQuantile.append({"p": p, "x": stats.norm.ppf(p)})

    beta = []
    rng = np.random.default_rng(101)
    params = [(0.5, 0.5), (1, 1), (2, 3), (3, 5), (0.1, 10), (10, 0.1), (50, 50), (1, 2000), (5.5, 1e5),
              (1e4, 2e4), (3e5, 7e5), (120, 40000), (0.5, 3e6), (2e6, 0.5)]
    for a, b in params:
        d = stats.beta(a, b)
        xs = sorted(set([float(d.ppf(q)) for q in [1e-12, 1e-4, 0.02, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9]]
                        + [float(x) for x in rng.uniform(0, 1, 2)]))
        points = [{"x": x, "cdf": d.cdf(x), "sf": d.sf(x), "pdf": d.pdf(x)} for x in xs if 0 < x < 1]
        quantiles = [{"p": p, "x": d.ppf(p)} for p in [1e-10, 0.001, 0.025, 0.5, 0.975, 0.999, 1 - 1e-8]]
        beta.append({"alpha": a, "beta": b, "points": points, "quantiles": quantiles})
    write("distributions", {"normal": normal, "normalQuantile": normalQuantile, "beta": beta})


# ---------------------------------------------------------------- proportions


def proportions():
    from statsmodels.stats.proportion import proportions_ztest

    cases = [(10, 100, 15, 100), (0, 50, 3, 50), (200, 1000, 180, 1000), (1, 2, 2, 3), (5000, 100000, 5300, 100000),
             (7, 7, 3, 9), (45, 120, 45, 120), (1, 1_000_000, 30, 1_000_000)]
    ztest = []
    for sa, na, sb, nb in cases:
        z, p = proportions_ztest([sb, sa], [nb, na])
        ztest.append({"successesA": sa, "trialsA": na, "successesB": sb, "trialsB": nb, "z": z, "p": p})
    undefined = [(0, 0, 1, 10), (0, 10, 0, 10), (10, 10, 5, 5), (-1, 10, 2, 10), (11, 10, 2, 10)]

    import mpmath
    mpmath.mp.dps = 40

    def two_variant(aa, ba, ab, bb):
        """Closed form P(p_B > p_A) for integer alpha_B (Evan Miller), in 40-digit arithmetic."""
        total = mpmath.mpf(0)
        for i in range(int(ab)):
            total += mpmath.exp(mpmath.log(mpmath.beta(aa + i, ba + bb)) - mpmath.log(bb + i)
                                - mpmath.log(mpmath.beta(1 + i, bb)) - mpmath.log(mpmath.beta(aa, ba)))
        return float(total)

    def k_variant(posteriors, j):
        own = stats.beta(*posteriors[j])
        others = [stats.beta(*p) for k, p in enumerate(posteriors) if k != j]
        f = lambda x: own.pdf(x) * np.prod([o.cdf(x) for o in others])
        lo, hi = own.ppf(1e-15), own.ppf(1 - 1e-15)
        pts = sorted(set([own.ppf(q) for q in [1e-6, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-6]] + [o.ppf(0.5) for o in others]))
        pts = [p for p in pts if lo < p < hi]
        value, _ = integrate.quad(f, lo, hi, points=pts, epsabs=1e-14, epsrel=1e-13, limit=2000)
        return value

    bayes = []
    bayesCases = [
        ([10, 15], [100, 100], 1, 1),
        ([0, 0], [10, 20], 1, 1),
        ([120, 135], [1000, 1000], 1, 1),
        ([3, 7], [9, 12], 2, 5),
        ([500, 540], [10000, 10000], 1, 1),
        ([5200, 5000], [100000, 100000], 1, 1),
        ([10, 12, 9], [100, 100, 100], 1, 1),
        ([30, 45, 38, 41], [400, 410, 395, 405], 1, 1),
        ([2, 0, 1], [5, 5, 5], 0.5, 0.5),
    ]
    for succ, trials, pa, pb in bayesCases:
        posts = [(pa + s, pb + n - s) for s, n in zip(succ, trials)]
        variants = []
        for j, (a, b) in enumerate(posts):
            if len(posts) == 2:
                o = posts[1 - j]
                chance = two_variant(o[0], o[1], a, b)  # P(this > other)
            else:
                chance = k_variant(posts, j)
            d = stats.beta(a, b)
            variants.append({"mean": d.mean(), "lower": d.ppf(0.025), "upper": d.ppf(0.975),
                             "lower90": d.ppf(0.05), "upper90": d.ppf(0.95), "chanceToBeBest": chance})
        bayes.append({"successes": succ, "trials": trials, "priorAlpha": pa, "priorBeta": pb, "variants": variants})
    write("proportions", {"ztest": ztest, "undefined": undefined, "bayes": bayes})


def meta():
    import statsmodels
    write("meta", {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                   "statsmodels": statsmodels.__version__})


if __name__ == "__main__":
    distributions()
    proportions()
    meta()
