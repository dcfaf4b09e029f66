"""Traces where a seed-CNN training step's time goes in hw1's engine.

Runs BenchmarkCompare/cnn/threadsN of the compiled tfgraph test binary (one warm-up
epoch and one epoch, 63 steps each at batch 128) with trace_shim.so preloaded, so every
TF_SessionRun gets RunOptions{trace_level: FULL_TRACE} and leaves its RunMetadata in a
folder. The engine is not changed: the shim wraps the C API call. Then it sums the step
statistics (each kernel's time from its start to its end) by op over the training
steps of the second epoch and writes a JSON summary that run.py puts into
BENCHMARKS.md. Needs TensorFlow's Python protos (the bench venv).

    python trace_cnn.py --test-binary tfgraph.test --shim trace_shim.so --out trace.json
"""

import argparse
import collections
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BATCH = 128
# Multiply-adds per image of the seed CNN's convolutions (VALID 5x5): the forward
# pass, the filter gradient and the input gradient each do as many.
CONV_MACS = {"conv 1": 24 * 24 * 16 * 25 * 1, "conv 2": 8 * 8 * 32 * 25 * 16}

LABEL = re.compile(r"^(?:\[[^\]]*\]\s*)?\S+ = ([\w.]+)\((.*)\)")


def kind(node, label):
    """The row a kernel is summed into."""
    m = LABEL.match(label)
    op, inputs = (m.group(1), m.group(2)) if m else (label.split("(")[0], "")
    first = inputs.split(",")[0].strip()
    if "Conv2DBackpropFilter" in op:
        return ("conv 1" if "model/Reshape" in first else "conv 2") + " filter gradient", op
    if "Conv2DBackpropInput" in op:
        return "conv 2 input gradient", op
    if "Conv2D" in op:
        return ("conv 1" if "conv2d_0" in node else "conv 2") + " forward", op
    if "MaxPoolGrad" in op:
        return "max-pool gradient", op
    if "MaxPool" in op:
        return "max-pool", op
    if op in ("BiasAdd", "Relu", "ReluGrad", "BiasAddGrad", "AddV2", "Add"):
        return "bias, ReLU and their gradients", op
    if "MatMul" in op:
        return "dense layers (matmuls, forward and gradients)", op
    if op == "ResourceApplyAdam":
        return "Adam updates", op
    if op == "L2Loss":
        return "gradient norm (L2Loss)", op
    if op == "ResourceGather":
        return "batch gather from resident data", op
    if op in ("VarHandleOp", "ReadVariableOp", "Const", "_Arg", "_Retval", "NoOp", "Identity", "Shape", "Reshape"):
        return "variable handles, reads, constants, shapes", op
    return "loss, accuracy and other small ops", op


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--test-binary", required=True)
    p.add_argument("--shim", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    from tensorflow.core.protobuf import config_pb2

    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, HW1_TRACE_DIR=d, HW1_TRACE_COUNT="100000", LD_PRELOAD=os.path.abspath(a.shim))
        cmd = [a.test_binary, "-test.run", "^$", "-test.bench", f"^BenchmarkCompare$/^cnn$/^threads{a.threads}$",
               "-test.benchtime", "1x", "-bench.threads", str(a.threads)]
        pr = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if pr.returncode != 0:
            sys.exit(f"trace_cnn: {' '.join(cmd)} failed:\n{pr.stdout[-2000:]}\n{pr.stderr[-2000:]}")
        runs = []
        for f in sorted(glob.glob(os.path.join(d, "run-*.pb"))):
            with open(f, "rb") as fh:
                runs.append(config_pb2.RunMetadata.FromString(fh.read()))
    if not runs:
        sys.exit("trace_cnn: no run was traced (is the shim preloaded?)")

    # The training steps are the runs with the most common set of node names; the
    # second half of them is the timed epoch (the first is the warm-up).
    sig = [frozenset(n.node_name for ds in r.step_stats.dev_stats for n in ds.node_stats) for r in runs]
    common_sig, _ = collections.Counter(s for s in sig if any("ResourceApplyAdam" in x for x in s)).most_common(1)[0]
    steps = [r for r, s in zip(runs, sig) if s == common_sig]
    steps = steps[len(steps) // 2:]

    per_kind = collections.defaultdict(list)
    per_op = collections.defaultdict(list)
    walls, sums, kernels = [], [], []
    for r in steps:
        nodes = [n for ds in r.step_stats.dev_stats for n in ds.node_stats]
        t0 = min(n.all_start_micros for n in nodes)
        t1 = max(n.all_start_micros + n.all_end_rel_micros for n in nodes)
        walls.append((t1 - t0) / 1e3)
        k_ms, o_ms = collections.Counter(), collections.Counter()
        for n in nodes:
            k, op = kind(n.node_name, n.timeline_label)
            k_ms[k] += n.all_end_rel_micros / 1e3
            o_ms[op] += n.all_end_rel_micros / 1e3
        for k, v in k_ms.items():
            per_kind[k].append(v)
        for k, v in o_ms.items():
            per_op[k].append(v)
        sums.append(sum(k_ms.values()))
        kernels.append(len(nodes))
    total = statistics.median(sums)
    rows = []
    for k, v in per_kind.items():
        ms = statistics.median(v)
        row = {"kind": k, "ms": ms, "share": ms / total}
        for layer, macs in CONV_MACS.items():
            if k.startswith(layer + " "):
                row["gflops"] = 2 * macs * BATCH / (ms / 1e3) / 1e9
        rows.append(row)
    rows.sort(key=lambda r: -r["ms"])
    ops = sorted(((k, statistics.median(v)) for k, v in per_op.items()), key=lambda kv: -kv[1])
    out = {
        "steps": len(steps), "threads": a.threads, "batch": BATCH,
        "step_ms": statistics.median(walls), "kernel_ms": total, "kernels": statistics.median(kernels),
        "rows": rows, "top_ops": [{"op": k, "ms": v} for k, v in ops[:12]],
        "conv_flops_per_step": 2 * 3 * sum(CONV_MACS.values()) * BATCH - 2 * CONV_MACS["conv 1"] * BATCH,
        "bench_line": next((l.strip() for l in pr.stdout.splitlines() if l.startswith("BenchmarkCompare/cnn/")), ""),
    }
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"trace_cnn: {len(steps)} steps traced, median step {out['step_ms']:.2f} ms, kernel time {total:.2f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
