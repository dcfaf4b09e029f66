#!/usr/bin/env python3
"""Writes fixtures.json: reference values for the tests of hw1/problems/analysis,
computed with numpy and scipy independently of the Go code.

Usage: python3 gen_fixtures.py > fixtures.json (needs numpy and scipy).
"""
import itertools
import json
import warnings

import numpy as np
import scipy
from scipy import optimize, stats

warnings.simplefilter("ignore", stats.ConstantInputWarning)
rng = np.random.default_rng(20261203)


def pca_case(name, x):
    xc = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    var = s**2 / (x.shape[0] - 1)
    return {
        "name": name,
        "x": x.tolist(),
        "explained": (var / var.sum()).tolist(),
        "projection": (xc @ vt[:2].T).tolist(),
    }


def spectrum_case(name, ev):
    n = len(ev)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    h = q @ np.diag(ev) @ q.T
    h = (h + h.T) / 2
    w = np.linalg.eigvalsh(h)
    tols = [0.0, 1e-8, 1e-6, 1e-4, 1e-2, 1.0]
    rels = [1e-6, 1e-3, 1e-1]
    top = np.abs(w).max()

    def counts(t):
        return {"positive": int((w > t).sum()), "negative": int((w < -t).sum()),
                "zero": int((np.abs(w) <= t).sum())}

    return {
        "name": name,
        "h": h.tolist(),
        "eigenvalues": w.tolist(),
        "tolerances": tols,
        "counts": [counts(t) for t in tols],
        "ratios": [float((w > t).sum() / n) for t in tols],
        "relative": rels,
        "relative_counts": [counts(r * top) for r in rels],
        "relative_ratios": [float((w > r * top).sum() / n) for r in rels],
    }


# Sharpness of L(x) = 0.5 * x^T Q x + b^T x with Q positive semi-definite: L is convex,
# so its maximum over a box is at a vertex; enumerating the vertices gives it exactly.
def quad(q, b, x):
    return 0.5 * x @ q @ x + b @ x


def sharpness_case(name, n, eps, p=None, coupling=0.05):
    d = rng.uniform(0.5, 2.0, size=n)
    c = rng.normal(size=(n, n)) * coupling
    q = np.diag(d) + c @ c.T
    b = rng.normal(size=n)
    theta = rng.normal(size=n)
    l0 = quad(q, b, theta)
    case = {"name": name, "q": q.tolist(), "b": b.tolist(), "theta": theta.tolist(), "eps": eps, "loss": l0}
    if p is None:
        box = eps * (np.abs(theta) + 1)
        best = max(quad(q, b, theta + np.array(s) * box) for s in itertools.product([-1, 1], repeat=n))
    else:
        a = rng.normal(size=(n, p))
        box = eps * (np.abs(np.linalg.pinv(a) @ theta) + 1)
        best = max(quad(q, b, theta + a @ (np.array(s) * box)) for s in itertools.product([-1, 1], repeat=p))
        case["a"] = a.tolist()
    case["sharpness"] = float((best - l0) / (1 + l0) * 100)
    return case


def gradnorm_case(name, fun, grad, hvp, x0):
    f = lambda x: grad(x) @ grad(x)
    g = lambda x: 2 * hvp(x, grad(x))
    r = optimize.minimize(f, np.array(x0), jac=g, method="L-BFGS-B",
                          options={"ftol": 0, "gtol": 1e-14, "maxiter": 10000})
    return {"name": name, "x0": x0, "grad_x0": grad(np.array(x0)).tolist(),
            "loss_x0": float(fun(np.array(x0))), "x": r.x.tolist(),
            "grad_norm": float(np.linalg.norm(grad(r.x)))}


def saddle(x):
    return 0.5 * (x[0] ** 2 - x[1] ** 2) + 0.25 * x[1] ** 4


def saddle_grad(x):
    return np.array([x[0], -x[1] + x[1] ** 3])


def saddle_hvp(x, v):
    return np.array([v[0], (-1 + 3 * x[1] ** 2) * v[1]])


def rank_case(name, x, y):
    rho = stats.spearmanr(x, y).statistic
    return {"name": name, "x": x, "y": y, "rank_x": stats.rankdata(x).tolist(),
            "rank_y": stats.rankdata(y).tolist(), "rho": None if np.isnan(rho) else float(rho)}


def summary_case(name, x, level):
    x = np.asarray(x, dtype=float)
    n = len(x)
    m, sd = x.mean(), x.std(ddof=1)
    lo, hi = stats.t.interval(level, n - 1, loc=m, scale=sd / np.sqrt(n))
    boot = stats.bootstrap((x,), np.mean, n_resamples=200000, confidence_level=level,
                           method="percentile", random_state=np.random.default_rng(1))
    return {"name": name, "x": x.tolist(), "level": level, "mean": m, "sd": sd,
            "t_quantile": stats.t.ppf((1 + level) / 2, n - 1), "t_lo": lo, "t_hi": hi,
            "boot_lo": boot.confidence_interval.low, "boot_hi": boot.confidence_interval.high,
            "se": sd / np.sqrt(n)}


def diff_case(name, x, y, level):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    boot = stats.bootstrap((x, y), lambda a, b, axis=-1: a.mean(axis=axis) - b.mean(axis=axis),
                           n_resamples=200000, confidence_level=level, method="percentile",
                           random_state=np.random.default_rng(2))
    se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
    return {"name": name, "x": x.tolist(), "y": y.tolist(), "level": level,
            "diff": x.mean() - y.mean(), "boot_lo": boot.confidence_interval.low,
            "boot_hi": boot.confidence_interval.high, "se": se}


def curve_case(name, v, tail):
    v = np.asarray(v, dtype=float)
    return {"name": name, "v": v.tolist(), "tail": tail, "first": v[0], "peak": v.max(),
            "peak_index": int(np.argmax(v)), "tail_mean": v[-max(tail, 1):].mean()}


def grid_case(name, n, lo, hi, extra):
    g = np.linspace(lo, hi, n)
    on = [a for a in extra if lo <= a <= hi and not np.isclose(g, a, rtol=0, atol=1e-12).any()]
    return {"name": name, "n": n, "lo": lo, "hi": hi, "extra": extra, "grid": np.sort(np.concatenate([g, on])).tolist()}


rosen_x0 = [0.8, 0.7, 0.6, 0.5]
out = {
    "generator": f"numpy {np.__version__}, scipy {scipy.__version__}",
    "pca": [
        pca_case("gaussian 12x5", rng.normal(size=(12, 5)) * np.array([3, 2, 1, 0.5, 0.1])),
        pca_case("trajectory 9x4", np.cumsum(rng.normal(size=(9, 4)), axis=0)),
    ],
    "spectrum": [
        spectrum_case("mixed with near-zero", np.array([5.0, 1.0, 1e-3, 2e-5, 5e-7, 0.0, -3e-7, -4e-5, -0.2, 1e-9])),
        spectrum_case("positive definite", np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.125])),
        spectrum_case("saddle", np.array([3.0, -1.0, 1e-5, -1e-5, 0.5, 1e-7, 2.0])),
    ],
    "sharpness": [
        sharpness_case("full space eps 1e-1", 8, 1e-1),
        sharpness_case("full space eps 1e-3", 8, 1e-3),
        sharpness_case("subspace p=3", 8, 5e-2, p=3),
        sharpness_case("subspace p=5", 10, 1e-2, p=5),
    ],
    "gradnorm": [
        gradnorm_case("rosenbrock 4-D", optimize.rosen, optimize.rosen_der, optimize.rosen_hess_prod, rosen_x0),
        gradnorm_case("saddle", saddle, saddle_grad, saddle_hvp, [0.3, 0.2]),
    ],
    "rank": [
        rank_case("no ties", [3.1, 0.2, 5.5, 1.7, 4.4, 2.0], [10.0, 1.0, 30.0, 7.0, 12.0, 11.0]),
        rank_case("ties", [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0], [2.0, 1.0, 4.0, 4.0, 3.0, 6.0, 5.0, 5.0]),
        rank_case("reversed with ties", [16.0, 64.0, 256.0, 1024.0, 4096.0], [0.97, 0.96, 0.96, 0.95, 0.93]),
        rank_case("constant", [1.0, 2.0, 3.0, 4.0], [7.0, 7.0, 7.0, 7.0]),
    ],
    "summary": [
        summary_case("normal n=5", rng.normal(2.0, 0.5, size=5), 0.95),
        summary_case("normal n=30", rng.normal(-1.0, 2.0, size=30), 0.95),
        summary_case("skewed n=20 at 90%", rng.exponential(1.0, size=20), 0.90),
    ],
    "curve": [
        curve_case("rise and decay", np.concatenate([np.linspace(1, 5, 7), 5 * np.exp(-np.arange(1, 24) / 5)]), 3),
        curve_case("tied peaks", [1.0, 3.0, 2.0, 3.0, 0.5], 1),
        curve_case("short tail of all", [2.0, 1.0], 5),
    ],
    "grid": [
        grid_case("alpha -1..2 by 61", 61, -1.0, 2.0, [0.0, 1.0]),
        grid_case("alpha -1..2 by 50", 50, -1.0, 2.0, [0.0, 1.0]),
        grid_case("outside extras", 5, 0.5, 0.9, [0.0, 1.0]),
    ],
    "diff": [
        diff_case("shifted n=8 and 10", rng.normal(1.0, 1.0, size=8), rng.normal(0.0, 0.5, size=10), 0.95),
    ],
}


def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, list):
        return [clean(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


print(json.dumps(clean(out), indent=1))
