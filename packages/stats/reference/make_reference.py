#!/usr/bin/env python3
"""Reference values for @edgewise/stats, computed with scipy and statsmodels.

Run from the repository root:  python3 packages/stats/reference/make_reference.py
Writes packages/stats/reference/reference.json, which packages/stats/test/*.test.ts read.
Needs scipy, statsmodels and mpmath (pip install scipy statsmodels mpmath).

Conventions mapped to ours:
- z-test: statsmodels proportions_ztest(count=[sB, sA], nobs=[nB, nA]) so diff = pB - pA;
  'larger' is our 'greater', 'smaller' our 'less'. CI: confint_proportions_2indep(method='wald').
- two-proportion sample size: samplesize_proportions_2indep_onetail with sample 1 = control A,
  prop2 = pB, diff = pA - pB, ratio = nB / nA.
- t-test sample size: TTestIndPower().solve_power (ratio = nobs2 / nobs1).
- Welch: scipy ttest_ind_from_stats(treatment, control, equal_var=False), so t > 0 when treatment is
  higher; also ttest_ind on seeded raw data for its confidence_interval().
- confidence sequence: the normal-mixture martingale integrated with mpmath, its boundary solved by
  findroot (not the closed form).
- mSPRT: the mixture likelihood ratio is integrated numerically (scipy.integrate.quad) rather
  than taken from the closed form, and the confidence-sequence ends are solved with brentq.
"""

import json
import math
import os
import platform
import subprocess

import mpmath as mp
import numpy as np
import scipy
import statsmodels
from scipy import integrate, optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

ALT = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}
out = {
    "generator": "packages/stats/reference/make_reference.py",
    "versions": {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "mpmath": mp.__version__,
    },
}

# ---------------------------------------------------------------- special functions
xs = [-38, -20, -8.5, -5.7, -3, -1.96, -0.7, -0.3, 0, 1e-9, 0.2, 0.67, 1, 1.959963984540054, 3, 5.5, 8, 12, 30]
out["normal"] = {
    "cdf": [[x, float(stats.norm.cdf(x))] for x in xs],
    "sf": [[x, float(stats.norm.sf(x))] for x in xs],
    "ppf": [[p, float(stats.norm.ppf(p))] for p in [1e-300, 1e-50, 1e-12, 1e-6, 0.001, 0.025, 0.05, 0.2, 0.5, 0.7, 0.975, 0.999, 1 - 1e-12]],
}
t_pts = [(-40, 3), (-3.5, 1), (-2.5, 12), (-0.5, 5), (0.1, 2), (0.001, 1000), (1.5, 4.5), (2.0, 10), (2.228, 10), (4, 30), (6, 200), (12, 7), (1.96, 12560), (50, 3)]
t_p = [(1.1168297206031136e-10, 21492.441360761608), (1e-10, 5), (1e-6, 1), (0.001, 3.5), (0.025, 10), (0.05, 1), (0.3, 20), (0.5, 7), (0.6, 2), (0.95, 30), (0.975, 10), (0.975, 12560), (0.999, 4), (0.99999, 100)]
out["t"] = {
    "cdf": [[t, df, float(stats.t.cdf(t, df))] for t, df in t_pts],
    "sf": [[t, df, float(stats.t.sf(t, df))] for t, df in t_pts],
    "ppf": [[p, df, float(stats.t.ppf(p, df))] for p, df in t_p],
    "isf": [[q, df, float(stats.t.isf(q, df))] for q, df in [(1e-12, 10), (1e-5, 3), (0.025, 12560), (0.05, 30)]],
}
c_pts = [(0.001, 1), (0.5, 1), (3.841458820694124, 1), (1, 2), (10, 3), (0.2, 5), (25, 4), (60, 2), (100, 50), (9000, 10000), (10500, 10000), (300, 200)]
c_p = [(1e-8, 1), (0.001, 2), (0.05, 3), (0.5, 1), (0.5, 10), (0.95, 1), (0.95, 4), (0.999, 2), (0.999, 300), (0.01, 1000)]
out["chi2"] = {
    "cdf": [[x, df, float(stats.chi2.cdf(x, df))] for x, df in c_pts],
    "sf": [[x, df, float(stats.chi2.sf(x, df))] for x, df in c_pts],
    "ppf": [[p, df, float(stats.chi2.ppf(p, df))] for p, df in c_p],
    "isf": [[q, df, float(stats.chi2.isf(q, df))] for q, df in [(1e-10, 1), (0.001, 2), (1e-6, 20)]],
}
b_pts = [(0.3, 2, 5), (0.5, 0.5, 0.5), (0.01, 0.5, 20), (0.999, 3, 0.7), (0.11, 101, 901), (0.13, 131, 871), (0.0001, 1, 10000), (0.5, 5000, 5000), (0.49, 5000, 5001), (0.9, 2, 2), (0.2, 10, 1)]
b_p = [(7.763924182441533e-8, 2441.2775964062157, 10.958893118585364), (0.5, 2, 2), (0.001, 2, 5), (0.975, 0.5, 0.5), (0.3, 101, 901), (1e-8, 1, 3), (0.99, 20, 0.3), (0.05, 0.2, 0.2), (0.6, 5000, 4000)]
out["beta"] = {
    "cdf": [[x, a, b, float(stats.beta.cdf(x, a, b))] for x, a, b in b_pts],
    "sf": [[x, a, b, float(stats.beta.sf(x, a, b))] for x, a, b in b_pts],
    "ppf": [[p, a, b, float(stats.beta.ppf(p, a, b))] for p, a, b in b_p],
}
nct_pts = [(2, 20, 1), (0.5, 5, 0.5), (-1, 10, 1), (-2, 8, -1.5), (1.96, 12558, 2.8), (1.9602, 12560.1, 2.80227), (3, 40, 5), (0, 10, 2), (10, 50, 8), (25, 30, 20), (-1.96, 12558, 2.8), (1, 3, -2), (40, 100, 35), (4, 15, 1), (-15.593276874687096, 26391.213534761362, -7.315565424556096)]
out["nct"] = {
    "cdf": [[t, df, nc, float(stats.nct.cdf(t, df, nc))] for t, df, nc in nct_pts],
    "sf": [[t, df, nc, float(stats.nct.sf(t, df, nc))] for t, df, nc in nct_pts],
    "ppf": [[p, df, nc, float(stats.nct.ppf(p, df, nc))] for p, df, nc in [(0.5, 20, 1), (0.05, 10, 2), (0.9, 40, 3)]],
}

# Far tails on the opposite side of the noncentrality (t < 0 < δ, or δ < 0 < t), where scipy's
# nct (Boost) loses digits (relative errors 1e-6 to 2e-2 seen at 1e-10 to 1e-16): 40-digit
# mpmath quadrature of P(T ≤ t) = ∫ Φ(t √(v/ν) − δ) f_χ²ν(v) dv instead.
def nct_lower_mp(t, df, nc):
    mp.mp.dps = 40
    df, t, nc = mp.mpf(df), mp.mpf(t), mp.mpf(nc)
    k = df / 2
    dens = lambda v: mp.exp((k - 1) * mp.log(v) - v / 2 - k * mp.log(2) - mp.loggamma(k))
    sd = mp.sqrt(2 * df)
    pts = sorted({mp.mpf(0), df + 60 * sd + 100, *[df + j * sd for j in range(-40, 41, 2) if df + j * sd > 0]})
    return float(mp.quad(lambda v: dens(v) * mp.ncdf(t * mp.sqrt(v / df) - nc), pts))


far = [(-2.5956189661074216, 19.970662563418315, 6.102816800274466), (-4.0742435112255215, 339.7453287397078, 2.2491782707967967),
       (-3.243639618760289, 13.74632449609216, 4.260456232896726), (-1.96, 12558, 2.8)]
far_sf = [(5.098724914006369, 24188.276958834707, -2.8513144139493125), (4.165928952360332, 6102.755448401523, -2.3432720661319375),
          (3.019821612209382, 132.20135893078714, -3.6726382679269225), (5.400174860899121, 55.24576711305273, -3.0259717149462086)]
out["nctFarTails"] = {
    "source": "mpmath " + mp.__version__ + ", 40 digits",
    "cdf": [[t, df, nc, nct_lower_mp(t, df, nc)] for t, df, nc in far],
    "sf": [[t, df, nc, nct_lower_mp(-t, df, -nc)] for t, df, nc in far_sf],
}
from scipy.special import gammaln  # noqa: E402

out["logGamma"] = [[x, float(gammaln(x))] for x in [1e-8, 0.1, 0.5, 1, 1.5, 2, 3.3, 9.99, 10, 10.5, 100, 6279.5, 1e6]]

# ---------------------------------------------------------------- z-tests
z_cases = [
    (100, 1000, 130, 1000, "two-sided", 0.05),
    (100, 1000, 130, 1000, "greater", 0.05),
    (100, 1000, 130, 1000, "less", 0.05),
    (480, 5000, 560, 5000, "two-sided", 0.05),
    (50, 400, 41, 380, "two-sided", 0.1),
    (1200, 10000, 1150, 9800, "greater", 0.01),
    (3, 20, 9, 25, "two-sided", 0.05),
    (0, 50, 4, 50, "two-sided", 0.05),
    (12000, 100000, 12400, 100000, "two-sided", 0.001),
]
out["zTest"] = []
for sA, nA, sB, nB, alt, alpha in z_cases:
    z, p = proportions_ztest(count=[sB, sA], nobs=[nB, nA], alternative=ALT[alt])
    lo, hi = confint_proportions_2indep(sB, nB, sA, nA, method="wald", compare="diff", alpha=alpha)
    out["zTest"].append({
        "input": {"successesA": sA, "totalA": nA, "successesB": sB, "totalB": nB},
        "options": {"alternative": alt, "alpha": alpha},
        "z": float(z), "pValue": float(p), "diff": sB / nB - sA / nA, "ci": [float(lo), float(hi)],
    })

# ---------------------------------------------------------------- sample sizes
d_cases = [
    (0.05, 0.05, 0.8, 1, "two-sided"),
    (0.2, 0.05, 0.8, 1, "two-sided"),
    (0.5, 0.05, 0.9, 1, "two-sided"),
    (0.3, 0.01, 0.8, 2, "two-sided"),
    (0.1, 0.05, 0.8, 0.5, "greater"),
    (-0.25, 0.05, 0.95, 1, "less"),
    (1.2, 0.05, 0.8, 1, "two-sided"),
]
out["sampleSizeCohensD"] = []
for d, alpha, power, ratio, alt in d_cases:
    n = TTestIndPower().solve_power(effect_size=d, nobs1=None, alpha=alpha, power=power, ratio=ratio, alternative=ALT[alt])
    out["sampleSizeCohensD"].append({
        "input": {"effectSize": d, "alpha": alpha, "power": power, "ratio": ratio, "alternative": alt},
        "nobs1": float(np.asarray(n).item()),
    })
out["powerTTestInd"] = [
    {"input": {"effectSize": d, "nobs1": n, "alpha": a, "ratio": r, "alternative": alt},
     "power": float(TTestIndPower().power(d, n, a, ratio=r, alternative=ALT[alt]))}
    for d, n, a, r, alt in [(0.05, 6281, 0.05, 1, "two-sided"), (0.3, 50, 0.05, 1.5, "two-sided"), (0.4, 30, 0.1, 1, "greater"), (-0.4, 30, 0.1, 1, "less"), (0.01, 100, 0.05, 1, "two-sided")]
]
p_cases = [
    (0.10, 0.05, True, 0.05, 0.8, 1, "two-sided"),
    (0.10, 0.01, False, 0.05, 0.8, 1, "two-sided"),
    (0.03, 0.10, True, 0.05, 0.9, 1, "two-sided"),
    (0.5, -0.02, False, 0.01, 0.8, 1, "two-sided"),
    (0.2, 0.1, True, 0.05, 0.8, 2, "two-sided"),
    (0.2, 0.1, True, 0.05, 0.8, 0.25, "greater"),
    (0.6, -0.05, True, 0.1, 0.8, 1, "less"),
]
out["sampleSizeTwoProportions"] = []
for base, mde, rel, alpha, power, ratio, alt in p_cases:
    pA = base
    pB = base * (1 + mde) if rel else base + mde
    n = samplesize_proportions_2indep_onetail(diff=pA - pB, prop2=pB, power=power, ratio=ratio, alpha=alpha, alternative=ALT[alt])
    out["sampleSizeTwoProportions"].append({
        "input": {"baseline": base, "mde": mde, "relative": rel, "alpha": alpha, "power": power, "ratio": ratio, "alternative": alt},
        "n": float(n),
    })
# The pitfall: a 5% relative lift is not Cohen's d = 0.05.
out["pitfall"] = {
    "wrongCohensD": float(TTestIndPower().solve_power(effect_size=0.05, alpha=0.05, power=0.8)),
    "rightProportions": float(samplesize_proportions_2indep_onetail(diff=0.1 - 0.105, prop2=0.105, power=0.8, alpha=0.05)),
}

# ---------------------------------------------------------------- SRM, multiple comparisons
srm_cases = [([5000, 5300], [0.5, 0.5]), ([5000, 5100], [1, 1]), ([1000, 2100, 3050], [1, 2, 3]), ([9000, 1100], [0.9, 0.1]), ([10, 12, 8, 30], [1, 1, 1, 1])]
out["srm"] = []
for counts, w in srm_cases:
    w = np.asarray(w, float)
    exp = np.asarray(counts).sum() * w / w.sum()
    chi2, p = stats.chisquare(counts, exp)
    out["srm"].append({"input": {"counts": counts, "weights": list(map(float, w))}, "chi2": float(chi2), "pValue": float(p), "mismatch": bool(p < 0.001)})
p_sets = [[0.01, 0.04, 0.03], [0.001, 0.2, 0.049, 0.5, 0.011, 0.03], [0.5], [0.04, 0.04, 0.04], [0.9, 0.8, 0.001, 0.002, 0.7, 0.03, 0.03]]
out["holm"] = [{"input": ps, "adjusted": list(map(float, multipletests(ps, method="holm")[1]))} for ps in p_sets]
out["benjaminiHochberg"] = [{"input": ps, "adjusted": list(map(float, multipletests(ps, method="fdr_bh")[1]))} for ps in p_sets]


# ---------------------------------------------------------------- Beta-Binomial
def prob_beat(aA, bA, aB, bB):
    # Independent of our formulation: integrate over A's posterior, P(B > x) = sf_B(x).
    lo, hi = stats.beta.ppf([1e-15, 1 - 1e-15], aA, bA)
    v, _ = integrate.quad(lambda x: stats.beta.pdf(x, aA, bA) * stats.beta.sf(x, aB, bB), lo, hi, epsabs=1e-13, epsrel=1e-12, limit=500)
    return v


def exp_loss(aX, bX, aY, bY):
    # E[(X - Y)+] = ∫ F_Y(t) (1 - F_X(t)) dt for independent X, Y on [0, 1].
    pts = [stats.beta.mean(aX, bX), stats.beta.mean(aY, bY)]
    v, _ = integrate.quad(lambda t: stats.beta.cdf(t, aY, bY) * stats.beta.sf(t, aX, bX), 0, 1, points=sorted(pts), epsabs=1e-15, epsrel=1e-12, limit=1000)
    return v


def miller_exact(aA, bA, aB, bB):
    # Evan Miller's closed form, integer aB only: P(pB > pA).
    total = 0.0
    for i in range(int(aB)):
        total += math.exp(gammaln(aA + i) + gammaln(bA + bB) - gammaln(aA + i + bA + bB) - math.log(bB + i)
                          - (gammaln(1 + i) + gammaln(bB) - gammaln(1 + i + bB)) - (gammaln(aA) + gammaln(bA) - gammaln(aA + bA)))
    return total


bayes_cases = [
    (100, 1000, 130, 1000, None),
    (480, 5000, 560, 5000, None),
    (10, 100, 10, 100, None),
    (0, 20, 2, 20, None),
    (3, 10, 1, 12, {"alpha": 0.5, "beta": 0.5}),
    (12000, 100000, 12150, 100000, None),
    (50, 1000, 45, 1000, {"alpha": 2, "beta": 40}),
    (0, 0, 0, 0, None),
]
out["bayes"] = []
for sA, nA, sB, nB, prior in bayes_cases:
    pa, pb = (prior["alpha"], prior["beta"]) if prior else (1.0, 1.0)
    aA, bA, aB, bB = pa + sA, pb + nA - sA, pa + sB, pb + nB - sB
    case = {
        "input": {"successesA": sA, "totalA": nA, "successesB": sB, "totalB": nB, **({"prior": prior} if prior else {})},
        "probabilityToBeatControl": prob_beat(aA, bA, aB, bB),
        "lossA": exp_loss(aB, bB, aA, bA),
        "lossB": exp_loss(aA, bA, aB, bB),
    }
    if float(aB).is_integer():
        case["millerExact"] = miller_exact(aA, bA, aB, bB)
    out["bayes"].append(case)


# ---------------------------------------------------------------- mSPRT
def arm_var(arm, metric):
    n = arm["pulls"]
    if metric == "proportion":
        p = (arm["rewardSum"] + 0.5) / (n + 1)
        return p * (1 - p)
    sq = arm.get("rewardSumSquares", arm["rewardSum"])
    return (sq - arm["rewardSum"] ** 2 / n) / (n - 1)


def log_mixture_lr(diff, s2, tau2, theta0):
    # log Λ(θ0), Λ(θ0) = ∫ N(θ̂; θ, s²) / N(θ̂; θ0, s²) dN(θ; θ0, τ²), by quadrature. The
    # integrand is scaled by its peak (at θ*) so that far-off θ0 does not overflow.
    def e(th):
        return -((diff - th) ** 2 - (diff - theta0) ** 2) / (2 * s2) - (th - theta0) ** 2 / (2 * tau2)
    peak = (diff * tau2 + theta0 * s2) / (s2 + tau2)
    width = math.sqrt(s2 * tau2 / (s2 + tau2))
    m = e(peak)
    f = lambda th: math.exp(e(th) - m) / math.sqrt(2 * math.pi * tau2)
    v, _ = integrate.quad(f, peak - 15 * width, peak + 15 * width, points=[peak], epsabs=0, epsrel=1e-13, limit=500)
    return m + math.log(v)


seq_cases = [
    ("proportion", {"name": "A", "pulls": 5000, "rewardSum": 500}, {"name": "B", "pulls": 5000, "rewardSum": 590}, 0.05, 1e-4),
    ("proportion", {"name": "A", "pulls": 2000, "rewardSum": 210}, {"name": "B", "pulls": 2100, "rewardSum": 205}, 0.05, 2.5e-4),
    ("proportion", {"name": "A", "pulls": 20000, "rewardSum": 2400}, {"name": "B", "pulls": 20000, "rewardSum": 2650}, 0.01, 4e-5),
    ("mean", {"name": "A", "pulls": 400, "rewardSum": 812.5, "rewardSumSquares": 2210.3}, {"name": "B", "pulls": 380, "rewardSum": 860.1, "rewardSumSquares": 2391.7}, 0.05, 0.02),
]
out["sequential"] = []
for metric, ctl, trt, alpha, tau2 in seq_cases:
    diff = trt["rewardSum"] / trt["pulls"] - ctl["rewardSum"] / ctl["pulls"]
    s2 = arm_var(ctl, metric) / ctl["pulls"] + arm_var(trt, metric) / trt["pulls"]
    lr0 = math.exp(log_mixture_lr(diff, s2, tau2, 0.0))
    g = lambda th: log_mixture_lr(diff, s2, tau2, th) - math.log(1 / alpha)
    width = 50 * math.sqrt(s2 + tau2)
    lo = optimize.brentq(g, diff - width, diff, xtol=1e-14)
    hi = optimize.brentq(g, diff, diff + width, xtol=1e-14)
    out["sequential"].append({
        "input": {"metric": metric, "control": ctl, "treatment": trt, "alpha": alpha, "mixtureVariance": tau2},
        "likelihoodRatio": lr0, "pValue": min(1.0, 1 / lr0), "ci": [lo, hi], "diff": diff,
    })


# ---------------------------------------------------------------- Welch t-test (per-user sums)
def sums_from(mean, sd, n):
    # Sufficient statistics {n, Σx, Σx²} of a group with this mean and (n − 1) standard deviation.
    return {"n": n, "sum": n * mean, "sumSquares": (n - 1) * sd * sd + n * mean * mean}


def moments(sample):
    # Exact mean and standard deviation of the float sums, so the reference carries no cancellation.
    mp.mp.dps = 50
    n, s, q = mp.mpf(sample["n"]), mp.mpf(sample["sum"]), mp.mpf(sample["sumSquares"])
    mean = s / n
    return float(mean), float(mp.sqrt(max(mp.mpf(0), (q - s * s / n) / (n - 1))))


def welch_case(ctl, trt, alt, alpha):
    mA, sdA = moments(ctl)
    mB, sdB = moments(trt)
    # Sample 1 = treatment so that t > 0 when treatment is higher; 'greater' means treatment > control.
    res = stats.ttest_ind_from_stats(mB, sdB, trt["n"], mA, sdA, ctl["n"], equal_var=False, alternative=alt)
    vA, vB = sdA**2 / ctl["n"], sdB**2 / trt["n"]
    se = math.sqrt(vA + vB)
    df = (vA + vB) ** 2 / (vA**2 / (ctl["n"] - 1) + vB**2 / (trt["n"] - 1))
    diff = mB - mA
    # The Welch interval as scipy's TtestResult.confidence_interval builds it: one-sided for one-sided tests.
    if alt == "two-sided":
        q = stats.t.isf(alpha / 2, df)
        ci = [diff - q * se, diff + q * se]
    elif alt == "greater":
        ci = [diff - stats.t.isf(alpha, df) * se, None]
    else:
        ci = [None, diff + stats.t.isf(alpha, df) * se]
    return {"input": {"control": ctl, "treatment": trt}, "options": {"alternative": alt, "alpha": alpha},
            "t": float(res.statistic), "pValue": float(res.pvalue), "df": df, "diff": diff, "ci": ci,
            "meanControl": mA, "meanTreatment": mB, "standardError": se}


welch_cases = [
    (sums_from(10.0, 3.0, 50), sums_from(11.2, 4.5, 80), "two-sided", 0.05),
    (sums_from(10.0, 3.0, 50), sums_from(11.2, 4.5, 80), "greater", 0.05),
    (sums_from(10.0, 3.0, 50), sums_from(11.2, 4.5, 80), "less", 0.05),
    ({"n": 2, "sum": 4, "sumSquares": 10}, {"n": 2, "sum": 9, "sumSquares": 53}, "two-sided", 0.05),
    ({"n": 2, "sum": 4, "sumSquares": 10}, {"n": 3, "sum": 3.5, "sumSquares": 4.75}, "less", 0.1),
    (sums_from(2.5, 10.0, 2_000_000), sums_from(2.52, 11.0, 1_800_000), "two-sided", 0.01),
    (sums_from(5.0, 0.5, 12), sums_from(6.0, 6.0, 300), "two-sided", 0.05),
    ({"n": 10, "sum": 30, "sumSquares": 90}, sums_from(3.4, 1.2, 15), "two-sided", 0.05),
    (sums_from(0.31, 0.9, 1000), sums_from(0.29, 0.8, 900), "greater", 0.1),
    ({"n": 400, "sum": 812.5, "sumSquares": 2210.3}, {"n": 380, "sum": 860.1, "sumSquares": 2391.7}, "two-sided", 0.05),
]
out["welch"] = [welch_case(*c) for c in welch_cases]
# Raw per-user data as well, against scipy's own ttest_ind and its confidence_interval().
rng = np.random.default_rng(20260301)
out["welchRaw"] = []
for nA, nB, alt, alpha in [(37, 64, "two-sided", 0.05), (9, 25, "less", 0.05), (120, 45, "greater", 0.02)]:
    xA = rng.gamma(2.0, 1.5, nA)
    xB = rng.gamma(2.2, 2.0, nB)
    res = stats.ttest_ind(xB, xA, equal_var=False, alternative=alt)
    ci = res.confidence_interval(confidence_level=1 - alpha)
    fin = lambda v: float(v) if math.isfinite(v) else None
    out["welchRaw"].append({
        "input": {"control": {"n": nA, "sum": math.fsum(xA), "sumSquares": math.fsum(xA * xA)},
                  "treatment": {"n": nB, "sum": math.fsum(xB), "sumSquares": math.fsum(xB * xB)}},
        "options": {"alternative": alt, "alpha": alpha},
        "t": float(res.statistic), "pValue": float(res.pvalue), "df": float(res.df), "ci": [fin(ci.low), fin(ci.high)],
    })


# ---------------------------------------------------------------- confidence sequence for one mean
# Independent of the closed form: the mixture martingale M(h) = ∫ exp(λ n h − λ² σ² n / 2) dN(λ; 0, 1/ρ)
# is integrated with mpmath (40 digits), and the half-width h solves M(h) = 1/α by root finding; ρ is
# σ² · plannedN / u with u the root of u = 2 ln(1/α) + ln(1 + u) (the mixture tightest at plannedN).
def cs_half_width_mp(sigma, n, alpha, planned):
    mp.mp.dps = 40
    sigma, n, alpha, planned = mp.mpf(sigma), mp.mpf(n), mp.mpf(alpha), mp.mpf(planned)
    L = 2 * mp.log(1 / alpha)
    u = mp.findroot(lambda v: v - L - mp.log(1 + v), L + 1)
    rho = sigma**2 * planned / u
    V = sigma**2 * n

    def log_m(h):
        # Integrate around the integrand's peak λ* = n h / (V + ρ), scaled by its value there.
        peak = n * h / (V + rho)
        e = lambda lam: lam * n * h - lam**2 * V / 2 - lam**2 * rho / 2
        width = 1 / mp.sqrt(V + rho)
        top = e(peak)
        val = mp.quad(lambda lam: mp.exp(e(lam) - top), [peak - 40 * width, peak, peak + 40 * width])
        return top + mp.log(val * mp.sqrt(rho / (2 * mp.pi)))

    guess = sigma * mp.sqrt((1 + u) / n)
    return float(mp.findroot(lambda h: log_m(h) - mp.log(1 / alpha), guess))


cs_bounded = [
    ({"n": 1000, "sum": 312}, {"bounds": [0, 1], "plannedN": 5000}),
    ({"n": 50, "sum": 17}, {"bounds": [0, 1]}),
    ({"n": 10000, "sum": 2950}, {"bounds": [0, 1], "alpha": 0.01, "plannedN": 10000}),
    ({"n": 200, "sum": 1234.5}, {"bounds": [0, 10], "alpha": 0.1, "plannedN": 200}),
    ({"n": 8, "sum": 3}, {"bounds": [0, 1], "plannedN": 1000}),
    ({"n": 250000, "sum": 30100}, {"bounds": [-1, 1], "alpha": 0.001, "plannedN": 20000}),
]
cs_unbounded = [
    ({"n": 400, "sum": 812.5, "sumSquares": 2210.3}, {"plannedN": 400}),
    ({"n": 5000, "sum": 12510.0, "sumSquares": 51234.0}, {}),
    ({"n": 30, "sum": 61.2, "sumSquares": 180.5}, {"alpha": 0.2, "plannedN": 100}),
    ({"n": 1_000_000, "sum": 2_480_000.0, "sumSquares": 9_900_000.0}, {"alpha": 0.01, "plannedN": 50000}),
]
out["confidenceSequence"] = []
for sample, opts in cs_bounded + cs_unbounded:
    alpha, planned = opts.get("alpha", 0.05), opts.get("plannedN", 10000)
    mp.mp.dps = 40
    n, s = mp.mpf(sample["n"]), mp.mpf(sample["sum"])
    mean = s / n
    if "bounds" in opts:
        lo, hi = opts["bounds"]
        sigma = (hi - lo) / 2
    else:
        sigma = float(mp.sqrt((mp.mpf(sample["sumSquares"]) - s * s / n) / (n - 1)))
    h = cs_half_width_mp(sigma, sample["n"], alpha, planned)
    lower, upper = float(mean - h), float(mean + h)
    if "bounds" in opts:
        lower, upper = max(lower, lo), min(upper, hi)
    out["confidenceSequence"].append({"input": sample, "options": opts, "mean": float(mean), "halfWidth": h,
                                      "lower": lower, "upper": upper,
                                      "method": "sub-gaussian-normal-mixture" if "bounds" in opts else "asymptotic-normal-mixture"})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
# The repository lints JSON with Biome; format the file its way so regenerating leaves no diff.
root = os.path.abspath(os.path.join(os.path.dirname(path), "..", "..", ".."))
try:
    subprocess.run(["npx", "biome", "format", "--write", path], cwd=root, check=True, capture_output=True)
except (OSError, subprocess.CalledProcessError) as e:
    print(f"note: could not run biome format ({e}); run `npx biome format --write {path}`")
print(f"wrote {path}")
