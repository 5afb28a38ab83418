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



def student_t():
    cases = []
    for df in [1, 2, 2.5, 5, 10, 30, 100, 1000, 1e5, 1e6]:
        d = stats.t(df)
        pts = []
        for x in [-1e4, -50, -8, -3, -1.5, -0.7, -1e-6, 0, 0.2, 1, 2.1, 4, 12, 300]:
            pts.append({"x": x, "cdf": d.cdf(x), "sf": d.sf(x), "pdf": d.pdf(x)})
        qs = [{"p": p, "x": d.ppf(p)} for p in [1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.9999]]
        cases.append({"df": df, "points": pts, "quantiles": qs})
    chi = []
    for df in [1, 2, 3, 7.5, 20, 100, 1000]:
        d = stats.chi2(df)
        pts = [{"x": x, "cdf": d.cdf(x), "sf": d.sf(x)} for x in [1e-6, 0.01, 0.5, 1, 3.84, 10, 50, 120, 900, 1200, 2000]]
        chi.append({"df": df, "points": pts})
    ks = []
    for n, d in [(5, 0.05), (5, 0.15), (5, 0.3), (10, 0.2), (10, 0.45), (50, 0.1), (50, 0.25), (100, 0.15), (140, 0.08),
                 (150, 0.05), (150, 0.2), (500, 0.04), (1000, 0.03), (1000, 0.05), (5000, 0.01), (5000, 0.03), (120000, 0.002),
                 (120000, 0.005), (30, 0.6), (20, 0.97), (20, 0.02)]:
        ks.append({"n": n, "d": d, "sf": stats.kstwo.sf(d, n)})
    write("tdist", {"t": cases, "chi2": chi, "kstwo": ks})


def samples():
    """Named samples shared by several sections: ties, small n, zero variance, offsets, large n."""
    rng = np.random.default_rng(7)
    return {
        "normal30": rounded(rng.normal(10, 2, 30)),
        "normal40": rounded(rng.normal(11, 3, 40)),
        "small5": rounded(rng.normal(0, 1, 5)),
        "small7": rounded(rng.normal(1.5, 1, 7)),
        "ties": [1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7],
        "ties2": [2, 3, 3, 4, 5, 5, 5, 6, 8, 8, 9, 10, 11],
        "two": [1.5, 4.0],
        "one": [3.25],
        "constant": [4.0] * 6,
        "offset": [1e9 + v for v in [1, 2, 3, 4.5, 6]],
        "large": rounded(rng.lognormal(3, 0.8, 2000), 4),
        "large2": rounded(rng.lognormal(3.05, 0.8, 1500), 4),
    }


def descriptive(S):
    qs = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]
    out = []
    for name in ["normal30", "ties", "two", "one", "constant", "offset", "large"]:
        x = np.array(S[name], dtype=float)
        entry = {"name": name, "mean": np.mean(x), "median": np.median(x), "quantiles": np.quantile(x, qs),
                 "madNormal": stats.median_abs_deviation(x, scale="normal"), "mad": stats.median_abs_deviation(x)}
        if len(x) > 1:
            entry["variance"] = np.var(x, ddof=1)
            entry["std"] = np.std(x, ddof=1)
        entry["populationVariance"] = np.var(x)
        out.append(entry)

    def prom_quantile(q, values):
        # Prometheus promql/quantile.go semantics, from its documentation and source.
        if len(values) == 0 or math.isnan(q):
            return float("nan")
        if q < 0:
            return float("-inf")
        if q > 1:
            return float("inf")
        v = sorted(values, key=lambda a: (not math.isnan(a), a if not math.isnan(a) else 0))
        n = len(v)
        rank = q * (n - 1)
        lo = max(0, math.floor(rank))
        hi = min(n - 1, lo + 1)
        w = rank - math.floor(rank)
        return v[int(lo)] * (1 - w) + v[int(hi)] * w

    prom = []
    for values in [S["normal30"], S["ties"], [5.0], [], [1.0, float("nan"), 3.0, 2.0]]:
        for q in [-0.5, 0, 0.3, 0.5, 0.9, 1, 1.5, float("nan")]:
            prom.append({"values": values, "q": q, "value": prom_quantile(q, values)})
    return {"samples": S, "quantileLevels": qs, "descriptive": out, "prometheus": prom}


def tests(S):
    pairs = [("normal30", "normal40"), ("small5", "small7"), ("ties", "ties2"), ("large", "large2"), ("two", "small5"),
             ("offset", "small5")]
    ttests = []
    for a, b in pairs:
        for alt in ["two-sided", "less", "greater"]:
            w = stats.ttest_ind(S[a], S[b], equal_var=False, alternative=alt)
            st = stats.ttest_ind(S[a], S[b], equal_var=True, alternative=alt)
            wci = w.confidence_interval(0.95)
            ttests.append({"a": a, "b": b, "alternative": alt, "welch": {"t": w.statistic, "df": w.df, "p": w.pvalue,
                           "ciLower": wci.low, "ciUpper": wci.high},
                           "student": {"t": st.statistic, "df": st.df, "p": st.pvalue}})
    mwu = []
    mw_pairs = pairs + [("small5", "normal30"), ("one", "small7"), ("small7", "large")]
    for a, b in mw_pairs:
        for alt in ["two-sided", "less", "greater"]:
            r = stats.mannwhitneyu(S[a], S[b], alternative=alt)
            x, y = np.array(S[a]), np.array(S[b])
            ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
            method = "exact" if (min(len(x), len(y)) <= 8 and not ties) else "asymptotic"
            mwu.append({"a": a, "b": b, "alternative": alt, "u": r.statistic, "p": r.pvalue, "method": method})
    effect = []
    for a, b in pairs:
        x, y = np.array(S[a]), np.array(S[b])
        n1, n2 = len(x), len(y)
        if n1 < 2 or n2 < 2:
            continue
        sp = math.sqrt(((n1 - 1) * np.var(x, ddof=1) + (n2 - 1) * np.var(y, ddof=1)) / (n1 + n2 - 2))
        d = (np.mean(x) - np.mean(y)) / sp
        v = n1 + n2 - 2
        j = math.exp(special.gammaln(v / 2) - special.gammaln((v - 1) / 2) - 0.5 * math.log(v / 2))
        effect.append({"a": a, "b": b, "d": d, "g": d * j})
    chi = []
    for table in [[[12, 5], [7, 15]], [[120, 80], [95, 105]], [[3, 1], [1, 3]], [[10, 20, 30], [15, 25, 5], [7, 9, 30]],
                  [[1, 0, 2, 5], [3, 4, 0, 1]], [[1000, 1100], [1050, 980]]]:
        r = stats.chi2_contingency(table)
        chi.append({"table": table, "statistic": r.statistic, "p": r.pvalue, "dof": r.dof, "expected": r.expected_freq})
    rng = np.random.default_rng(11)
    xs = rounded(rng.normal(0, 1, 60))
    corr_cases = [
        ("noise", xs, rounded(rng.normal(0, 1, 60))),
        ("linear", xs, rounded(0.6 * np.array(xs) + rng.normal(0, 1, 60))),
        ("strong", xs, rounded(3 * np.array(xs) + rng.normal(0, 0.05, 60))),
        ("ties", S["ties"], [2, 1, 4, 3, 3, 6, 5, 5, 9, 8, 8, 7]),
        ("three", [1, 2, 3.5], [2, 1, 5]),
        ("two", [1, 2], [3, 1]),
        ("monotone", [1, 2, 3, 4, 5, 6], [1, 4, 9, 16, 25, 36]),
    ]
    corr = []
    for name, x, y in corr_cases:
        p = stats.pearsonr(x, y)
        entry = {"name": name, "x": x, "y": y, "pearson": p.statistic, "pearsonP": p.pvalue}
        if len(x) >= 3:
            s = stats.spearmanr(x, y)
            entry["spearman"] = s.statistic
            entry["spearmanP"] = s.pvalue
        corr.append(entry)
    ks = []
    for a, b in pairs + [("small5", "normal30"), ("ties", "ties"), ("large", "normal30")]:
        r = stats.ks_2samp(S[a], S[b])
        ks.append({"a": a, "b": b, "statistic": r.statistic, "p": r.pvalue})
    # Large samples from integer formulas both sides can generate: the asymptotic branch.
    big = []
    for n1, mul1, mod1, n2, mul2, mod2, scale2 in [(10500, 7919, 10007, 400, 31, 997, 10.0), (12000, 613, 12011, 11000, 877, 11003, 1.0),
                                                   (10001, 7919, 10007, 60, 13, 61, 150.0)]:
        x = [float((i * mul1) % mod1) for i in range(n1)]
        y = [float((j * mul2) % mod2) * scale2 + 0.5 for j in range(n2)]
        r = stats.ks_2samp(x, y)
        big.append({"n1": n1, "mul1": mul1, "mod1": mod1, "n2": n2, "mul2": mul2, "mod2": mod2, "scale2": scale2,
                    "statistic": r.statistic, "p": r.pvalue})
    write("tests", {"samples": S, "ttests": ttests, "mannWhitney": mwu, "effectSizes": effect, "chiSquare": chi,
                    "correlation": corr, "ks": ks, "ksLarge": big})


def psi(S):
    def psi_numpy(expected, actual, bins, floor=1e-4):
        e = np.array(expected)
        edges = []
        for k in range(1, bins):
            q = float(np.quantile(e, k / bins))
            if not edges or edges[-1] != q:
                edges.append(q)
        ie = np.searchsorted(edges, e, side="left")
        ia = np.searchsorted(edges, np.array(actual), side="left")
        es = np.bincount(ie, minlength=len(edges) + 1) / len(e)
        as_ = np.bincount(ia, minlength=len(edges) + 1) / len(actual)
        ef, af = np.maximum(es, floor), np.maximum(as_, floor)
        return float(np.sum((af - ef) * np.log(af / ef))), edges, es, as_

    rng = np.random.default_rng(5)
    base = rounded(rng.normal(100, 15, 800), 3)
    cases = [("same", base, rounded(rng.normal(100, 15, 700), 3), 10),
             ("shifted", base, rounded(rng.normal(108, 15, 700), 3), 10),
             ("wider", base, rounded(rng.normal(100, 25, 700), 3), 5),
             ("ties", S["ties"] * 10, S["ties2"] * 5, 4),
             ("empty-bin", base, rounded(rng.normal(160, 5, 100), 3), 10)]
    out = []
    for name, e, a, bins in cases:
        v, edges, es, as_ = psi_numpy(e, a, bins)
        out.append({"name": name, "expected": e, "actual": a, "bins": bins, "value": v, "edges": edges,
                    "expectedShares": es, "actualShares": as_})
    counts = {"expected": [10, 20, 30, 40], "actual": [15, 15, 30, 0]}
    ce, ca = np.array(counts["expected"]) / 100, np.array(counts["actual"]) / 60
    ce, ca = np.maximum(ce, 1e-4), np.maximum(ca, 1e-4)
    counts["value"] = float(np.sum((ca - ce) * np.log(ca / ce)))
    write("psi", {"cases": out, "counts": counts})


def ols():
    import statsmodels.api as sm
    rng = np.random.default_rng(3)
    out = []
    n = 40
    x1 = rounded(rng.uniform(0, 10, n))
    y1 = rounded(2.5 + 0.8 * np.array(x1) + rng.normal(0, 1.2, n))
    X = np.column_stack([x1, rounded(rng.normal(0, 1, n)), rounded(rng.uniform(-5, 5, n))])
    y3 = rounded(1.0 + X @ np.array([0.5, -2.0, 0.3]) + rng.normal(0, 0.7, n))
    cases = [("simple", [[v] for v in x1], y1, True, [[0.0], [5.5], [12.0]]),
             ("multiple", X.tolist(), y3, True, [[1.0, 0.0, 0.0], [5.0, -1.0, 2.0]]),
             ("noIntercept", [[v] for v in x1], y1, False, [[3.0]]),
             ("small", [[1.0], [2.0], [4.0]], [1.1, 1.9, 4.2], True, [[3.0]])]
    for name, x, y, intercept, new in cases:
        Xd = np.array(x, dtype=float)
        if intercept:
            Xd = sm.add_constant(Xd, has_constant="add")
        r = sm.OLS(np.array(y), Xd).fit()
        ci = r.conf_int(0.05)
        ci90 = r.conf_int(0.10)
        newX = np.array(new, dtype=float)
        if intercept:
            newX = np.column_stack([np.ones(len(new)), newX])
        pred = r.get_prediction(newX).summary_frame(alpha=0.05)
        out.append({"name": name, "x": x, "y": y, "intercept": intercept, "params": r.params, "bse": r.bse,
                    "tvalues": r.tvalues, "pvalues": r.pvalues, "ciLower": ci[:, 0], "ciUpper": ci[:, 1],
                    "ci90Lower": ci90[:, 0], "ci90Upper": ci90[:, 1], "rsquared": r.rsquared,
                    "rsquaredAdj": r.rsquared_adj, "scale": r.scale, "dfResid": r.df_resid, "new": new,
                    "predicted": pred["mean"].values, "meanLower": pred["mean_ci_lower"].values,
                    "meanUpper": pred["mean_ci_upper"].values, "obsLower": pred["obs_ci_lower"].values,
                    "obsUpper": pred["obs_ci_upper"].values})
    write("ols", {"cases": out})


MASK = (1 << 64) - 1


class Xoshiro:
    """xoshiro256** seeded by SplitMix64: the same generator as Statistics.SeededGenerator."""

    def __init__(self, seed):
        state = seed & MASK
        words = []
        for _ in range(4):
            state = (state + 0x9E3779B97F4A7C15) & MASK
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            words.append(z ^ (z >> 31))
        self.s = words

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def below(self, bound):
        m = self.next() * bound
        if (m & MASK) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (m & MASK) < threshold:
                m = self.next() * bound
        return m >> 64

    def double(self):
        return (self.next() >> 11) * 2.0 ** -53


def bootstrap(S):
    rng_values = {}
    for seed in [0, 1, 42, 2**64 - 1]:
        g = Xoshiro(seed)
        rng_values[str(seed)] = {"next": [str(g.next()) for _ in range(5)], "below10": [g.below(10) for _ in range(10)],
                                 "double": [g.double() for _ in range(3)]}
    out = []
    for name, stat, seed, resamples in [("normal30", "mean", 1, 2000), ("ties", "median", 2, 1500), ("small7", "mean", 3, 999)]:
        x = np.array(S[name])
        g = Xoshiro(seed)
        values = []
        for _ in range(resamples):
            idx = [g.below(len(x)) for _ in range(len(x))]
            r = x[idx]
            values.append(np.mean(r) if stat == "mean" else np.median(r))
        values = np.array(values)
        # scipy.stats.bootstrap(method='percentile') takes these percentiles of the resampled statistics.
        out.append({"sample": name, "statistic": stat, "seed": seed, "resamples": resamples,
                    "lower": np.percentile(values, 2.5), "upper": np.percentile(values, 97.5),
                    "lower90": np.percentile(values, 5), "upper90": np.percentile(values, 95)})
    g = Xoshiro(9)
    a, b = np.array(S["normal30"]), np.array(S["normal40"])
    diffs = []
    for _ in range(1000):
        ra = a[[g.below(len(a)) for _ in range(len(a))]]
        rb = b[[g.below(len(b)) for _ in range(len(b))]]
        diffs.append(np.mean(ra) - np.mean(rb))
    two = {"seed": 9, "resamples": 1000, "lower": np.percentile(diffs, 2.5), "upper": np.percentile(diffs, 97.5)}
    # scipy itself, on the same sample, for the order of magnitude (different resamples).
    sc = stats.bootstrap((S["normal30"],), np.mean, method="percentile", n_resamples=9999, random_state=0).confidence_interval
    write("bootstrap", {"rng": rng_values, "oneSample": out, "twoSample": two, "scipyMean": {"lower": sc.low, "upper": sc.high}})



def changepoints():
    rng = np.random.default_rng(21)

    def brute(x, pen, min_size):
        """Optimal partitioning, O(n^2): the exact minimiser PELT must reproduce."""
        n = len(x)
        c1 = np.concatenate([[0], np.cumsum(x)])
        c2 = np.concatenate([[0], np.cumsum(np.square(x))])
        cost = lambda s, e: c2[e] - c2[s] - (c1[e] - c1[s]) ** 2 / (e - s)
        F = [math.inf] * (n + 1)
        last = [0] * (n + 1)
        F[0] = -pen
        for t in range(min_size, n + 1):
            for s in range(0, t - min_size + 1):
                if s != 0 and s < min_size:
                    continue
                if F[s] == math.inf:
                    continue
                v = F[s] + cost(s, t) + pen
                if v < F[t] - 1e-9:
                    F[t], last[t] = v, s
        cps, t = [], n
        while t > 0:
            if last[t] > 0:
                cps.append(last[t])
            t = last[t]
        return sorted(cps), F[n]

    signals = [
        ("steps", rounded(np.concatenate([rng.normal(0, 1, 60), rng.normal(5, 1, 40), rng.normal(2, 1, 50)]), 4), 2 * math.log(150), 2),
        ("noise", rounded(rng.normal(0, 1, 120), 4), 3 * math.log(120), 2),
        ("small", [0, 0.1, -0.1, 5, 5.2, 4.9, 5.1, 0.2], 1.0, 1),
        ("latency", rounded(np.concatenate([rng.normal(120, 8, 80), rng.normal(160, 8, 30), rng.normal(118, 8, 90)]), 3),
         2 * 64 * math.log(200), 5),
        ("many", rounded(np.repeat([0, 3, -2, 4, 1, 6], 25) + rng.normal(0, 0.8, 150), 4), 10.0, 3),
    ]
    pelt = []
    try:
        import ruptures as rpt
        have_ruptures = True
    except ImportError:
        have_ruptures = False
    for name, x, pen, min_size in signals:
        cps, total = brute(np.array(x, dtype=float), pen, min_size)
        entry = {"name": name, "values": x, "penalty": pen, "minSegmentLength": min_size, "bruteForce": cps, "bruteForceCost": total}
        if have_ruptures:
            bkps = rpt.Pelt(model="l2", min_size=min_size, jump=1).fit(np.array(x, dtype=float).reshape(-1, 1)).predict(pen=pen)
            entry["ruptures"] = [int(b) for b in bkps[:-1]]
        pelt.append(entry)

    def cusum_ref(x, target, sigma, k, h):
        sp = sm = 0.0
        zp = zm = -1
        up, lo, alarms = [], [], []
        for t, v in enumerate(x):
            z = (v - target) / sigma
            sp = max(0.0, sp + z - k)
            sm = max(0.0, sm - z - k)
            if sp == 0:
                zp = t
            if sm == 0:
                zm = t
            if sp > h or sm > h:
                d = "up" if sp > h else "down"
                alarms.append({"index": t, "start": (zp if d == "up" else zm) + 1, "direction": d})
                sp = sm = 0.0
                zp = zm = t
            up.append(sp)
            lo.append(sm)
        return up, lo, alarms

    cus = []
    x = rounded(np.concatenate([rng.normal(10, 1, 50), rng.normal(11.5, 1, 40), rng.normal(8, 1, 30)]), 4)
    base = np.array(x[:30])
    for k, h in [(0.5, 5), (0.25, 8), (1.0, 3)]:
        target, sigma = float(np.mean(base)), float(np.std(base, ddof=1))
        up, lo, alarms = cusum_ref(x, target, sigma, k, h)
        cus.append({"values": x, "baseline": 30, "slack": k, "threshold": h, "target": target, "sigma": sigma,
                    "upper": up, "lower": lo, "alarms": alarms})
    write("changepoints", {"pelt": pelt, "cusum": cus, "ruptures": have_ruptures})


def anomaly():
    rng = np.random.default_rng(31)
    series = [rounded(rng.normal(50, 5, 80)) + [95.0, 3.0], [1.0, 1.0, 1.0, 1.0, 1.0, 9.0, 1.0], [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]]
    z = [{"values": v, "z": stats.zscore(v), "robust": (np.array(v) - np.median(v)) / stats.median_abs_deviation(v, scale="normal")
          if stats.median_abs_deviation(v) > 0 else None} for v in series]
    # Seasonal baseline: four weeks of hourly data with a daily and weekly shape, plus a few gaps.
    start = 1_700_000_000  # 2023-11-14 22:13:20 UTC, a Tuesday
    ts = [start + 3600 * i + 17 for i in range(24 * 7 * 4) if i % 97 != 5]
    hours = [((t // 3600) + 72) % 168 for t in ts]
    vals = rounded([100 + 30 * math.sin(2 * math.pi * (h % 24) / 24) + (20 if h // 24 < 5 else -10) + rng.normal(0, 4) for h in hours], 3)
    offset = -5 * 3600
    buckets = {}
    for t, v in zip(ts, vals):
        h = int(((t + offset) // 3600 + 72) % 168)
        buckets.setdefault(h, []).append(v)
    expected = []
    for h in range(168):
        vs = np.array(buckets.get(h, []))
        if len(vs) == 0:
            expected.append(None)
            continue
        mad = stats.median_abs_deviation(vs, scale="normal")
        if mad == 0:
            mad = np.mean(np.abs(vs - np.median(vs))) * math.sqrt(math.pi / 2)
        expected.append({"count": len(vs), "median": np.median(vs), "scale": mad})
    probes = [(start + 3600 * 24 * 30 + 3600 * k, 100 + 10 * k) for k in range(0, 48, 7)]
    scored = []
    for t, v in probes:
        b = expected[int(((t + offset) // 3600 + 72) % 168)]
        scored.append({"timestamp": t, "value": v, "score": (v - b["median"]) / b["scale"] if b and b["count"] >= 3 else None})
    write("anomaly", {"zscores": z, "madScale": 1 / stats.norm.ppf(0.75),
                      "seasonal": {"timestamps": ts, "values": vals, "utcOffsetSeconds": offset, "buckets": expected, "probes": scored}})


def isolation_forest():
    from sklearn.ensemble import IsolationForest
    from sklearn.ensemble._iforest import _average_path_length
    rng = np.random.default_rng(41)
    inliers = rng.normal(0, 1, (400, 2))
    outliers = np.array([[6, 6], [-7, 5], [8, -6], [-6, -7], [0, 9], [9, 0], [-9, 1], [5, -9]])
    data = np.round(np.vstack([inliers, outliers]), 4)
    forest = IsolationForest(random_state=0).fit(data)
    scores = -forest.score_samples(data)
    top = sorted(np.argsort(-scores)[:8].tolist())
    ns = [1, 2, 3, 5, 10, 100, 256, 1000]
    write("iforest", {"data": data, "sklearnScores": scores, "top8": top,
                      "averagePathLength": {"n": ns, "c": _average_path_length(np.array(ns))}})


def forecasting():
    import warnings
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(51)
    n = 96
    t = np.arange(n)
    def simulate(n, a, b, g, m, l0, b0, season, sigma, mul=False):
        """A path of the additive-error model itself, so the optimum is interior, not at a bound."""
        l, bb = l0, b0
        ring = list(season) if m else []
        out = []
        for i in range(n):
            s = ring[i % m] if m else (1.0 if mul else 0.0)
            mean = (l + bb) * s if mul else l + bb + s
            v = mean + rng.normal(0, sigma)
            base = l + bb
            nl = a * v / s + (1 - a) * base if mul else a * (v - s) + (1 - a) * base
            if m:
                ring[i % m] = g * v / base + (1 - g) * s if mul else g * (v - base) + (1 - g) * s
            bb = b * (nl - l) + (1 - b) * bb
            l = nl
            out.append(v)
        return rounded(out, 4)

    walk = np.random.default_rng(52)
    season12 = [12 * math.sin(2 * math.pi * i / 12) for i in range(12)]
    factors12 = [1 + 0.2 * math.sin(2 * math.pi * i / 12) for i in range(12)]
    series = {
        "level": rounded(20 + np.cumsum(walk.normal(0, 1, 60)) + walk.normal(0, 0.5, 60), 4),
        "trend": simulate(60, 0.5, 0.15, 0, 0, 50, 0.8, [], 2.0),
        "seasonalAdd": simulate(96, 0.3, 0.1, 0.25, 12, 100, 0.5, season12, 2.0),
        "seasonalMul": simulate(96, 0.3, 0.05, 0.2, 12, 100, 0.7, factors12, 2.0, mul=True),
        "seasonalNoTrend": simulate(72, 0.25, 0, 0.3, 6, 40, 0, [8 * math.cos(2 * math.pi * i / 6) for i in range(6)], 1.0),
    }
    configs = [("level", None, None, None), ("trend", "add", None, None), ("seasonalAdd", "add", "add", 12),
               ("seasonalMul", "add", "mul", 12), ("seasonalNoTrend", None, "add", 6), ("seasonalAdd", None, "add", 12)]
    fits = []
    H = 24
    for name, trend, seasonal, m in configs:
        y = np.array(series[name])
        r = ExponentialSmoothing(y, trend=trend, seasonal=seasonal, seasonal_periods=m).fit()
        p = r.params
        fits.append({"series": name, "trend": trend, "seasonal": seasonal, "period": m, "sse": r.sse,
                     "alpha": p["smoothing_level"], "beta": p.get("smoothing_trend", 0) if trend else 0,
                     "gamma": p.get("smoothing_seasonal", 0) if seasonal else 0, "forecast": r.forecast(H),
                     "initialLevel": p["initial_level"], "initialTrend": p["initial_trend"] if trend else 0.0,
                     "initialSeasons": list(p["initial_seasons"]) if seasonal else []})

    def hw_run(y, trend, seasonal, m, a, b, g, l0, b0, s0):
        """The statsmodels Holt-Winters recursion, to validate the ETSModel conversion below."""
        l, bb, ring, fitted = l0, b0, list(s0), []
        for i, v in enumerate(y):
            base = l + bb
            s = ring[i % m] if seasonal else (1.0 if seasonal == "mul" else 0.0)
            if seasonal == "mul":
                fitted.append(base * s)
                nl = a * v / s + (1 - a) * base
                ring[i % m] = g * v / base + (1 - g) * s
            else:
                fitted.append(base + (s if seasonal else 0))
                nl = a * (v - (s if seasonal else 0)) + (1 - a) * base
                if seasonal:
                    ring[i % m] = g * (v - base) + (1 - g) * s
            if trend:
                bb = b * (nl - l) + (1 - b) * bb
            l = nl
        return np.array(fitted)

    intervals = []
    for name, trend, seasonal, m in [("level", None, None, None), ("trend", "add", None, None), ("seasonalAdd", "add", "add", 12),
                                     ("seasonalNoTrend", None, "add", 6), ("seasonalMul", "add", "mul", 12)]:
        import pandas as pd
        y = np.array(series[name])
        model = ETSModel(pd.Series(y), error="add", trend=trend, seasonal=seasonal, seasonal_periods=m)
        r = model.fit(disp=False)
        prm = dict(zip(r.param_names, r.params))
        a = prm["smoothing_level"]
        b_ets = prm.get("smoothing_trend", 0.0)
        g = prm.get("smoothing_seasonal", 0.0)
        l0 = prm["initial_level"]
        b0 = prm.get("initial_trend", 0.0)
        raw = [prm[f"initial_seasonal.{i}"] for i in range(m)] if seasonal else []
        # ETSModel stores beta in ETS form (b += beta * e) and the seasonals from lag m down
        # to lag 1; find the ordering that reproduces its fitted values with our recursion.
        chosen = None
        for order in ([raw[::-1], raw, raw[1:] + raw[:1], (raw[::-1])[1:] + (raw[::-1])[:1]] if seasonal else [[]]):
            for beta in ([b_ets / a if a > 0 else 0.0, b_ets] if trend else [0.0]):
                fitted = hw_run(y, trend, seasonal, m or 1, a, beta, g, l0, b0, order)
                # ETSModel's multiplicative recursion rounds differently (about 5e-8 relative).
                tol = 1e-6 if seasonal == "mul" else 1e-9
                if np.allclose(fitted, np.asarray(r.fittedvalues), rtol=tol, atol=tol):
                    chosen = (order, beta)
        assert chosen is not None, f"could not map ETSModel states for {name}"
        seasonals, beta = chosen
        method = "simulated" if seasonal == "mul" else None
        kw = {"method": "simulated", "simulate_repetitions": 40000, "rng": np.random.default_rng(0)} if method else {}
        pred = r.get_prediction(start=len(y), end=len(y) + H - 1, **kw).summary_frame(alpha=0.05)
        fitted_values = np.asarray(r.fittedvalues)
        intervals.append({"series": name, "trend": trend, "seasonal": seasonal, "period": m, "alpha": a, "beta": beta, "gamma": g,
                          "level": l0, "slope": b0, "seasonals": seasonals, "mse": r.mse, "forecast": pred["mean"].values,
                          "lower": pred["pi_lower"].values, "upper": pred["pi_upper"].values, "simulated": bool(method)})
    hourly = rounded(200 + 40 * np.sin(2 * np.pi * np.arange(24 * 14) / 24) + rng.normal(0, 6, 24 * 14), 3)
    write("forecasting", {"series": series, "fits": fits, "intervals": intervals, "horizon": H, "hourly": hourly})


def meta():
    import statsmodels
    write("meta", {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                   "statsmodels": statsmodels.__version__})


if __name__ == "__main__":
    distributions()
    proportions()
    student_t()
    S = samples()
    write("descriptive", descriptive(S))
    tests(S)
    psi(S)
    ols()
    bootstrap(S)
    changepoints()
    anomaly()
    isolation_forest()
    forecasting()
    meta()
