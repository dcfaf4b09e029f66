#!/usr/bin/env python3
"""params_loss.py rebuilds the training loss of a model that hw1 exported.

Usage: params_loss.py PARAMS_DIR [REPO_DIR]

PARAMS_DIR is one folder <out>/<problem>/params/<run>--<model>/ holding the model's
.npy files and its sidecar model.json (see docs/records.md). The script rebuilds the
model's forward pass and its training data with numpy alone, evaluates the loss in
float64 and prints one JSON object: {"loss": ..., "metrics": <the sidecar's metrics>}.
REPO_DIR (default: this script's repository) is where the embedded digits live
(problems/data/digits). Only fully connected models (dense layers) are rebuilt.
"""
import gzip
import json
import math
import os
import sys

import numpy as np

ACTIVATIONS = {
    "": lambda z: z,
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}


def function_data(name, n, lo, hi):
    """The n evenly spaced points of data.Function: float64, rounded to float32."""
    i = np.arange(n, dtype=np.float64)
    x = lo + (hi - lo) * i / (n - 1) if n > 1 else np.full(1, lo)
    s = np.sin(5 * math.pi * x)
    if name == "sin":
        y = s
    elif name == "sign":
        y = np.sign(s)
    elif name == "sinc":
        with np.errstate(invalid="ignore", divide="ignore"):
            y = np.where(x == 0, 1.0, s / (5 * math.pi * x))
    else:
        raise SystemExit(f"params_loss: unknown function {name!r}")
    return x.astype(np.float32).reshape(n, 1), y.astype(np.float32).reshape(n, 1)


def idx(path):
    """Reads an IDX file (raw or gzip) as a uint8 array of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        b = f.read()
    dims = b[3]
    shape = [int.from_bytes(b[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def image_data(d, repo):
    folder = os.path.join(repo, "problems", "data", "digits") if d["source"] == "embedded" else d["source"]
    prefix = "train" if d["split"] == "train" else "t10k"
    def find(base):
        for name in (base + ".gz", base):
            p = os.path.join(folder, name)
            if os.path.exists(p):
                return p
        raise SystemExit(f"params_loss: no {base} in {folder}")
    x = idx(find(prefix + "-images-idx3-ubyte"))
    y = idx(find(prefix + "-labels-idx1-ubyte"))
    n = d["examples"]
    # hw1 scales pixels to [0, 1] as float32(v) / 255 in float32.
    x = (x[:n].reshape(n, -1).astype(np.float32) / np.float32(255)).astype(np.float32)
    return x, y[:n].astype(np.int64)


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    folder = sys.argv[1]
    repo = sys.argv[2] if len(sys.argv) == 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    with open(os.path.join(folder, "model.json")) as f:
        info = json.load(f)
    d = info["data"]
    if d["source"].startswith("data.Function"):
        x, y = function_data(d["name"], d["examples"], d.get("lo", 0.0), d.get("hi", 0.0))
    else:
        x, y = image_data(d, repo)
    h = x.astype(np.float64)
    for layer in info["layers"]:
        if layer["kind"] == "flatten":
            h = h.reshape(h.shape[0], -1)
            continue
        if layer["kind"] != "dense":
            raise SystemExit(f"params_loss: layer kind {layer['kind']!r} is not rebuilt")
        w, b = (np.load(os.path.join(folder, p["file"])).reshape(p["shape"]) for p in layer["params"])
        h = ACTIVATIONS[layer["config"].get("Activation", "")](h @ w + b)
    if info["loss"] == "mse":
        loss = float(np.mean((h - y.astype(np.float64)) ** 2))
    else:
        z = h - h.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = float(-np.mean(logp[np.arange(len(y)), y]))
    print(json.dumps({"loss": loss, "metrics": info["metrics"]}))


if __name__ == "__main__":
    main()
