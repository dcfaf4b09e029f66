"""Shared pieces of the Keras, PyTorch and JAX peers of hw1's engine benchmarks.

The workloads, data and units of work are those of BenchmarkCompare in
tfgraph/bench_compare_test.go; scripts/bench.sh runs all three implementations.
"""

import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIGITS = os.path.join(ROOT, "problems", "data", "digits")

WORKLOADS = ("tiny", "cnn", "dnn", "hessian", "jacobian", "matmul", "lanczos", "surface")

# Sizes shared with tfgraph/bench_compare_test.go.
TINY_POINTS, TINY_BATCH, TINY_HIDDEN = 6400, 64, [9] * 7
DIGITS_BATCH = 128
HESSIAN_POINTS, HESSIAN_HIDDEN = 128, [10, 10]
JACOBIAN_HIDDEN, JACOBIAN_CHUNK = [256, 256], 1024
DNN_HIDDEN = [1024, 256]
MATMUL_N = 2048
LANCZOS_ITERS, LANCZOS_HIDDEN = 20, [256, 256]
SURFACE_SIDE, SURFACE_HIDDEN = 21, [15, 30]
LEARNING_RATE = 1e-3


def parse_args(impl):
    p = argparse.ArgumentParser(description=f"{impl} peer of hw1's engine benchmarks")
    p.add_argument("workload", choices=WORKLOADS)
    p.add_argument("--units", type=int, required=True, help="units of work to time (epochs, Hessians, Jacobian passes or products)")
    p.add_argument("--threads", type=int, default=2, help="intra-op threads")
    return p.parse_args()


def _idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    magic = struct.unpack(">I", b[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, b[4 : 4 + 4 * ndim])
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def digits(split):
    """The embedded digits of hw1 (problems/data/digits): x float32 [N,28,28,1] in
    [0,1] (NHWC, pixel/255 as hw1 scales them) and int32 labels."""
    prefix = "train" if split == "train" else "t10k"
    x = _idx(os.path.join(DIGITS, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32) / np.float32(255)
    y = _idx(os.path.join(DIGITS, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int32)
    return x.reshape(-1, 28, 28, 1), y


def sinc(n, lo=-1.0, hi=1.0):
    """n evenly spaced points of sin(5πx)/(5πx) on [lo,hi], as data.Function("sinc")."""
    x = lo + (hi - lo) * np.arange(n, dtype=np.float64) / (n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(x == 0, 1.0, np.sin(5 * np.pi * x) / (5 * np.pi * x))
    return x.astype(np.float32).reshape(-1, 1), y.astype(np.float32).reshape(-1, 1)


def hessian_problem():
    """The Hessian workload of the 2-2 model: the sinc points (x, y as sinc gives them),
    the shapes of the flat parameter vector's pieces (weight [a, b], bias [b], layer by
    layer) and a float64 parameter vector drawn from U(-0.5, 0.5) with seed 1."""
    x, y = sinc(HESSIAN_POINTS)
    sizes = [1] + HESSIAN_HIDDEN + [1]
    shapes = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        shapes += [(a, b), (b,)]
    n = sum(int(np.prod(s)) for s in shapes)
    return x, y, shapes, np.random.default_rng(1).uniform(-0.5, 0.5, n)


def flat_mlp(t, x, shapes, tanh, reshape=lambda v, shape: v.reshape(shape)):
    """The output on x of the tanh MLP whose parameters are the flat vector t, laid out
    as hessian_problem's shapes; tanh and reshape are the framework's own."""
    h, off = x, 0
    for i in range(0, len(shapes), 2):
        a, b = shapes[i]
        w = reshape(t[off : off + a * b], (a, b))
        off += a * b
        bias = t[off : off + b]
        off += b
        h = h @ w + bias
        if i + 2 < len(shapes):
            h = tanh(h)
    return h


def timed(fn, units):
    """Seconds that units calls of fn take, after one untimed call (tracing, compiling,
    warming caches)."""
    fn()
    t0 = time.perf_counter()
    for _ in range(units):
        fn()
    return time.perf_counter() - t0


def steps_per_epoch(n, batch):
    return math.ceil(n / batch)


def epoch_rates(seconds, units, n, batch):
    """The rates of units timed epochs over n examples in batches of batch."""
    return {"steps/s": units * steps_per_epoch(n, batch) / seconds, "examples/s": units * n / seconds}


def emit(impl, args, seconds, metrics, **info):
    """Prints one JSON line with the run's rates."""
    out = {"impl": impl, "workload": args.workload, "units": args.units, "threads": args.threads,
           "seconds": seconds, "metrics": metrics}
    out.update(info)
    print(json.dumps(out), flush=True)


def loadavg():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")
