#!/usr/bin/env python3
"""Reference values for the drift measures of @edgewise/stats (src/drift/), from scipy and numpy.

Run from the repository root:  /usr/bin/python3 packages/stats/reference/make_drift_reference.py
Writes packages/stats/reference/drift_reference.json, which packages/stats/test/drift.test.ts reads.
Needs numpy and scipy (Debian: apt-get install python3-scipy).

- KS: scipy.stats.ks_2samp(a, b).statistic.
- Wasserstein-1: scipy.stats.wasserstein_distance(a, b, u_weights, v_weights).
- PSI over the baseline's deciles: inner edges np.quantile(baseline, k/10, method='inverted_cdf')
  for k = 1..9, made distinct, those at or above the baseline's maximum dropped; a value v falls in
  the first bin whose edge is >= v (np.searchsorted(edges, v, side='left')); shares floored at 1e-4;
  PSI = sum((a - e) * ln(a / e)).
"""

import json
import os
import platform

import numpy as np
import scipy
from scipy import stats

FLOOR = 1e-4


def decile_edges(baseline, bins=10):
    edges = np.unique([np.quantile(baseline, k / bins, method="inverted_cdf") for k in range(1, bins)])
    return [float(e) for e in edges if e < np.max(baseline)]


def psi(baseline, actual, bins=10):
    edges = decile_edges(baseline, bins)
    if not edges:
        edges = [float(np.min(baseline))]
    e = np.bincount(np.searchsorted(edges, baseline, side="left"), minlength=len(edges) + 1) / len(baseline)
    a = np.bincount(np.searchsorted(edges, actual, side="left"), minlength=len(edges) + 1) / len(actual)
    e = np.maximum(e, FLOOR)
    a = np.maximum(a, FLOOR)
    return float(np.sum((a - e) * np.log(a / e))), edges


def case(name, a, b, wa=None, wb=None):
    a = [float(x) for x in a]
    b = [float(x) for x in b]
    out = {"name": name, "a": a, "b": b}
    if wa is not None:
        out["weightsA"] = [float(x) for x in wa]
        out["weightsB"] = [float(x) for x in wb]
        out["wasserstein"] = float(stats.wasserstein_distance(a, b, wa, wb))
        return out
    out["ks"] = float(stats.ks_2samp(a, b).statistic)
    out["wasserstein"] = float(stats.wasserstein_distance(a, b))
    value, edges = psi(np.array(a), np.array(b))
    out["psi"] = value
    out["edges"] = edges
    return out


rng = np.random.default_rng(20261204)
cases = [
    case("normal vs same normal", rng.normal(0, 1, 400), rng.normal(0, 1, 300)),
    case("normal vs shifted by 0.5 sd", rng.normal(0, 1, 400), rng.normal(0.5, 1, 300)),
    case("normal vs wider", rng.normal(0, 1, 400), rng.normal(0, 2, 300)),
    case("uniform pixels vs inverted", rng.beta(0.3, 2, 500), 1 - rng.beta(0.3, 2, 500)),
    case("ties: few distinct values", rng.integers(0, 5, 300), rng.integers(1, 6, 200)),
    case("scores near 1 vs near 0.9", rng.beta(20, 1, 300), rng.beta(9, 1, 300)),
    case(
        "weighted buckets",
        [0.1, 0.2, 0.4, 0.8],
        [0.15, 0.2, 0.5, 0.9, 1.2],
        [3, 1, 4, 2],
        [1, 5, 2, 2, 1],
    ),
]

path = os.path.join(os.path.dirname(__file__), "drift_reference.json")
with open(path, "w") as f:
    json.dump(
        {
            "generator": "packages/stats/reference/make_drift_reference.py",
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "cases": cases,
        },
        f,
        indent=1,
    )
    f.write("\n")
print(f"wrote {path}: {len(cases)} cases")
