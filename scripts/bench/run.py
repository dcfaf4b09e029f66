"""Runs hw1's engine benchmarks against Keras, PyTorch and JAX, alternating, and
writes BENCHMARKS.md. scripts/bench.sh sets up the peers and calls this; see its header.

Each round runs every workload in every implementation, one process per run. Within a
round the implementations of one workload run back to back, hw1 and each peer in turn
(an order that rotates from round to round), so load from other processes falls on
all of them alike; the report gives the median over rounds. For each run it also
records how much CPU other processes used meanwhile (from /proc/stat, less this run's
own CPU time), so a loaded machine shows in the report. Waiting for a quiet machine is
bounded (--wait-max): when the time runs out the runs go ahead, and the output and the
report say that the machine was busy.

The report is generated from the raw results alone (--report-only rewrites it), so a
rerun of `make bench` after a change to the engine simply rewrites BENCHMARKS.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# Units of work per timed run (epochs, Hessians, Jacobian passes, products) and the
# headline metric of each workload.
UNITS = {"tiny": 30, "cnn": 3, "dnn": 3, "hessian": 30, "jacobian": 5, "matmul": 20, "lanczos": 2, "surface": 2}
METRIC = {"tiny": "steps/s", "cnn": "examples/s", "dnn": "examples/s", "hessian": "hessians/s",
          "jacobian": "examples/s", "matmul": "GFLOP/s", "lanczos": "runs/s", "surface": "points/s"}
TITLE = {
    "tiny": ("(a) 1-1 tiny DNN, 1-9x7-1 tanh (568 params), batch 64, Adam", "steps/s"),
    "cnn": ("(b) seed CNN, conv 1-16-32 k5 + max-pool, dense 512-50-10 (39,408 params), batch 128, Adam", "images/s"),
    "dnn": ("(c) DNN 784-1024-256-10 ReLU (1,068,810 params), batch 128, Adam", "images/s"),
    "hessian": ("(d) full Hessian, 2-2 model 1-10-10-1 tanh (141 params, float64), 128 points", "Hessians/s"),
    "jacobian": ("(d) input Jacobian norm, 3-3 model 784-256-256-10 ReLU, 2,000 test digits", "examples/s"),
    "matmul": ("machine limit: fp32 matmul 2048x2048x2048", "GFLOP/s"),
    "lanczos": ("(e) 20 Lanczos iterations (20 exact HVPs, full reorthogonalisation), 3-3 model 784-256-256-10 ReLU "
                "(269,322 params), 8,000 training digits; peer: PyHessian's algorithm", "runs/s"),
    "surface": ("(f) 21x21 loss surface (train and test loss and accuracy), 2-1 model 784-15-30-10 ReLU, 8,000 + 2,000 "
                "digits; peer: loss-landscape's point-by-point evaluation", "points/s"),
}


def mlp_macs(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def train_flops(macs, first):
    """FLOPs of one training example: forward 2·MACs, gradient w.r.t. the weights
    2·MACs and w.r.t. each layer's input 2·MACs, less the first layer's (its input
    needs no gradient). Multiply-adds of matmuls and convolutions only."""
    return 6 * macs - 2 * first


_TINY = mlp_macs([1] + common.TINY_HIDDEN + [1])
_CNN_CONV1 = 24 * 24 * 16 * 5 * 5 * 1
_CNN = _CNN_CONV1 + 8 * 8 * 32 * 5 * 5 * 16 + 512 * 50 + 50 * 10
_DNN = mlp_macs([784] + common.DNN_HIDDEN + [10])
_HESS = mlp_macs([1] + common.HESSIAN_HIDDEN + [1])
_JAC = mlp_macs([784] + common.JACOBIAN_HIDDEN + [10])
_LANCZOS = mlp_macs([784] + common.LANCZOS_HIDDEN + [10])
_LANCZOS_FIRST = 784 * common.LANCZOS_HIDDEN[0]


def hvp_flops(macs, first):
    """FLOPs of one example's Hessian-vector product by forward-over-reverse: per layer
    the forward product, its tangent (two products), the weight and input gradients
    and their tangents (four): 9·MACs; the first layer, whose input has no tangent and
    needs no gradient, does four (forward, tangent, weight gradient and its tangent)."""
    return 2 * (9 * macs - 5 * first)


_SURFACE = mlp_macs([784] + common.SURFACE_HIDDEN + [10])
_HESS_PARAMS = sum(a * b + b for a, b in zip([1] + common.HESSIAN_HIDDEN, common.HESSIAN_HIDDEN + [1]))

UNIT_WORD = {"tiny": "epochs of 100 steps", "cnn": "epochs of 8,000 images", "dnn": "epochs of 8,000 images",
             "hessian": "Hessians", "jacobian": "passes over 2,000 examples", "matmul": "products",
             "lanczos": "runs of 20 iterations", "surface": "surfaces of 441 points"}

# FLOPs per unit of the headline metric (per step, image, Hessian, example, product).
FLOPS = {
    "tiny": common.TINY_BATCH * train_flops(_TINY, 1 * 9),
    "cnn": train_flops(_CNN, _CNN_CONV1),
    "dnn": train_flops(_DNN, 784 * 1024),
    # n Hessian-vector products over 128 points; one HVP ≈ 3 gradients (≈ 18·MACs).
    "hessian": _HESS_PARAMS * common.HESSIAN_POINTS * 18 * _HESS,
    # forward (2·MACs) and one input gradient (2·MACs) per class.
    "jacobian": 2 * _JAC * (1 + 10),
    "matmul": 1e9,  # the metric is GFLOP/s already
    "lanczos": common.LANCZOS_ITERS * 8000 * hvp_flops(_LANCZOS, _LANCZOS_FIRST),
    "surface": 10000 * 2 * _SURFACE,
}
FLOPS_NOTE = {
    "tiny": "6·MACs per example (forward, weight and input gradients)",
    "cnn": "6·MACs per image less the first layer's input gradient",
    "dnn": "6·MACs per image less the first layer's input gradient",
    "hessian": "≈ 141 HVPs x 128 points x 18·MACs (rough)",
    "jacobian": "2·MACs x (1 forward + 10 class gradients) per example",
    "matmul": "2·n³",
    "lanczos": "20 HVPs x 8,000 images x 2·(9·MACs less 5·MACs of the first layer, whose input has no tangent and needs no gradient)",
    "surface": "2·MACs x 10,000 images per point",
}

SHORT = {"tiny": "(a) tiny DNN", "cnn": "(b) seed CNN", "dnn": "(c) 1M DNN", "hessian": "(d) Hessian",
         "jacobian": "(d) input Jacobian", "matmul": "fp32 matmul", "lanczos": "(e) Lanczos", "surface": "(f) loss surface"}

# The targets of issue 15 (earlier ones in brackets): (a) at least 1x JAX's compiled
# step (and 2x Keras); (b) at least 1.5x Keras with oneDNN on and 50% of the matmul
# rate; (c) at least 1x Keras and PyTorch; (d) the Hessian at least 2x JAX and Keras.
# The Keras column that counts is the one with oneDNN on.
TARGETS = {
    "tiny": ("≥ 1x JAX jit step, ≥ 2x Keras", lambda r, s: r.get("jax", 0) >= 1 and r.get("keras-onednn", 0) >= 2),
    "cnn": ("≥ 1.5x Keras, ≥ 50% of matmul", lambda r, s: r.get("keras-onednn", 0) >= 1.5 and (s or 0) >= 0.5),
    "dnn": ("≥ 1x Keras and PyTorch", lambda r, s: r.get("keras-onednn", 0) >= 1 and r.get("torch", 0) >= 1),
    "hessian": ("≥ 2x JAX and Keras", lambda r, s: r.get("jax", 0) >= 2 and r.get("keras-onednn", 0) >= 2),
}

# The columns, in order: the fair Keras column (oneDNN on) leads the peers.
IMPLS = ("hw1", "hw1-auto", "hw1-eigen", "keras-onednn", "keras", "torch", "jax", "jax-scan")
DEFAULT_IMPLS = IMPLS
IMPL_NAME = {
    "hw1": "hw1 (Go, TF C API)",
    "hw1-auto": "hw1, auto threads",
    "hw1-eigen": "hw1, oneDNN off",
    "keras": "Keras, TF default",
    "keras-onednn": "Keras, oneDNN on",
    "torch": "PyTorch (CPU)",
    "jax": "JAX (jit step)",
    "jax-scan": "JAX (100-step lax.scan)",
}
# Implementations that run only some workloads, and workloads that only some
# implementations run (the spectrum and landscape peers are written in PyTorch only).
ONLY = {"jax-scan": ("tiny",)}
RUN_BY = {"lanczos": ("hw1", "hw1-auto", "hw1-eigen", "torch"), "surface": ("hw1", "hw1-auto", "hw1-eigen", "torch")}
# The oneDNN setting of each implementation: hw1 keeps the caller's (the engine turns
# oneDNN on unless TF_ENABLE_ONEDNN_OPTS is set), Keras runs TensorFlow's default.
ONEDNN = {"hw1-eigen": "0", "keras-onednn": "1", "keras": None}
# The extensions of /proc/cpuinfo that decide which kernels run: TensorFlow's x86
# wheels turn oneDNN on by default only on CPUs with AVX-512 (VNNI, BF16 or AMX).
CPU_FLAGS = (("avx", "AVX"), ("avx2", "AVX2"), ("fma", "FMA"), ("avx512f", "AVX-512F"),
             ("avx512_vnni", "AVX-512 VNNI"), ("avx512_bf16", "AVX-512 BF16"),
             ("amx_tile", "AMX-TILE"), ("amx_bf16", "AMX-BF16"), ("amx_int8", "AMX-INT8"))


def cpu_busy():
    """Busy and total jiffies of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v[:8]) - idle


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


HW1_LINE = re.compile(r"^BenchmarkCompare/(\w+)/(\w+)-\d+\s+(\d+)\s+([\d.]+) ns/op(.*)$")


def parse_hw1(out, workload, units, threads, setting):
    for line in out.splitlines():
        m = HW1_LINE.match(line.strip())
        if m and m.group(1) == workload and m.group(2) == setting:
            metrics = {}
            rest = m.group(5).split()
            for val, unit in zip(rest[0::2], rest[1::2]):
                metrics[unit] = float(val)
            sec = float(m.group(4)) * int(m.group(3)) / 1e9
            return {"impl": "hw1" if setting.startswith("threads") else "hw1-auto", "workload": workload,
                    "units": units, "threads": threads if setting.startswith("threads") else 0,
                    "seconds": sec, "metrics": metrics}
    raise RuntimeError(f"no result for {workload}/{setting} in:\n{out}")


def command(impl, workload, units, a):
    here = os.path.dirname(os.path.abspath(__file__))
    if impl.startswith("hw1"):
        setting = "auto" if impl == "hw1-auto" else f"threads{a.threads}"
        return [a.hw1_test, "-test.run", "^$", "-test.bench", f"^BenchmarkCompare$/^{workload}$/^{setting}$",
                "-test.benchtime", f"{units}x", "-bench.threads", str(a.threads)], setting
    if impl.startswith("jax"):
        cmd = [a.jax_python, os.path.join(here, "jax_bench.py"), workload, "--units", str(units), "--threads", str(a.threads)]
        return cmd + (["--scan"] if impl == "jax-scan" else []), None
    py = a.torch_python if impl == "torch" else a.keras_python
    script = os.path.join(here, "torch_bench.py" if impl == "torch" else "keras_bench.py")
    return [py, script, workload, "--units", str(units), "--threads", str(a.threads)], None


def run_one(impl, workload, units, a):
    cmd, setting = command(impl, workload, units, a)
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if impl == "torch":
        env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = str(a.threads)
    if impl in ONEDNN:
        env.pop("TF_ENABLE_ONEDNN_OPTS", None)
        if ONEDNN[impl] is not None:
            env["TF_ENABLE_ONEDNN_OPTS"] = ONEDNN[impl]
    busy0, cpu0, t0 = cpu_busy(), children_cpu(), time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    busy = (cpu_busy() - busy0) / os.sysconf("SC_CLK_TCK")
    ours = children_cpu() - cpu0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    if setting is not None:
        res = parse_hw1(p.stdout, workload, units, a.threads, setting)
    else:
        lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
        if not lines:
            raise RuntimeError(f"{' '.join(cmd)} printed no result:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
        res = json.loads(lines[-1])
    res["impl"] = impl
    res["other_cores"] = max(0.0, (busy - ours) / wall)
    res["wall"] = wall
    return res


def wait_for_quiet(limit, max_wait):
    """Waits until the 1-minute load average is below limit, at most max_wait seconds.
    Returns (reached, load)."""
    t0 = time.monotonic()
    while True:
        load = os.getloadavg()[0]
        if load < limit:
            return True, load
        if time.monotonic() - t0 >= max_wait:
            return False, load
        print(f"bench: load average {load:.2f} >= {limit}; waiting (at most {max_wait - (time.monotonic() - t0):.0f} s more)",
              file=sys.stderr, flush=True)
        time.sleep(min(60, max(1, max_wait - (time.monotonic() - t0))))


def other_cores(seconds=2.0):
    """Cores kept busy by other processes while this one sleeps for seconds."""
    b0 = cpu_busy()
    time.sleep(seconds)
    return (cpu_busy() - b0) / os.sysconf("SC_CLK_TCK") / seconds


class Budget:
    """The time left for waiting for a quiet machine during the measurements."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds
        self.warned = False

    def left(self):
        return max(0.0, self.end - time.monotonic())


def wait_quiet_cores(limit, budget):
    """Waits until other processes use less than limit cores, while the budget lasts."""
    busy = other_cores()
    while busy >= limit and budget.left() > 0:
        print(f"bench: other processes use {busy:.2f} cores; waiting (budget left {budget.left():.0f} s)", file=sys.stderr, flush=True)
        time.sleep(min(20, budget.left()))
        busy = other_cores()
    if busy >= limit and not budget.warned:
        budget.warned = True
        print(f"bench: the machine is busy (other processes use {busy:.2f} cores) and the waiting budget is spent; "
              "running anyway, the report will say so", file=sys.stderr, flush=True)
    return busy


def measure(a):
    """Runs the rounds. Before each run it waits until other processes use less than
    a.quiet_cores cores, and a run during which they used more is recorded as
    disturbed and run again (at most a.retries times) while the waiting budget lasts."""
    results = []
    budget = Budget(a.wait_max)
    order = list(a.impls)
    for r in range(a.rounds):
        rot = order[r % len(order):] + order[: r % len(order)]
        for w in a.workloads:
            units = max(1, round(UNITS[w] * a.scale))
            for impl in rot:
                if w not in ONLY.get(impl, (w,)) or impl not in RUN_BY.get(w, (impl,)):
                    continue
                for attempt in range(a.retries + 1):
                    wait_quiet_cores(a.quiet_cores, budget)
                    res = run_one(impl, w, units, a)
                    res["round"] = r
                    res["disturbed"] = res["other_cores"] >= a.quiet_cores
                    with open(a.results, "a") as f:
                        f.write(json.dumps(res) + "\n")
                    print(f"bench: round {r + 1}/{a.rounds} {w:8s} {impl:12s} {res['metrics'][METRIC[w]]:10.4g} {METRIC[w]}"
                          f"  (other processes: {res['other_cores']:.2f} cores{', disturbed' if res['disturbed'] else ''})",
                          file=sys.stderr, flush=True)
                    if not res["disturbed"] or attempt == a.retries or budget.left() <= 0:
                        break
                results.append(res)
    return results, budget.warned


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:
        return ""


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    fl = []
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                fl = line.split(":", 1)[1].split()
                break
    have = [name for flag, name in CPU_FLAGS if flag in fl]
    lack = [name for flag, name in CPU_FLAGS if flag not in fl and flag in ("avx2", "fma", "avx512f", "amx_tile")]
    flags = "vector extensions " + (", ".join(have) or "none of AVX/AVX2/FMA") + ("; no " + ", no ".join(lack) if lack else "")
    short = model + (" with AVX-512" if "avx512f" in fl else " without AVX-512") + (" and AMX" if "amx_tile" in fl else "")
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "model": model, "flags": flags, "short": short, "memory": f"{mem:.0f} GiB",
            "os": sh(". /etc/os-release && echo $PRETTY_NAME") or platform.platform(),
            "blas": sh("readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3")}


def fmt(v):
    if v is None:
        return "—"
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def onednn_word(results, impl):
    vals = {r.get("onednn") for r in results if r["impl"] == impl}
    return "on" if vals == {True} else "off" if vals == {False} else "?"


def trace_section(path, m, peak, med):
    """The per-op breakdown of hw1's traced CNN step (from trace_cnn.py's JSON)."""
    with open(path) as f:
        t = json.load(f)
    conv = [r for r in t["rows"] if r["kind"].startswith("conv ")]
    conv_ms = sum(r["ms"] for r in conv)
    lines = [
        f"## Where hw1's CNN step goes (traced, on {m['short']})",
        "",
        f"One epoch of the seed CNN at batch {t['batch']} and {t['threads']} threads was traced through the C API: "
        "scripts/bench/trace_shim.c, preloaded into the tfgraph benchmark binary, wraps `TF_SessionRun` so that every run "
        "gets `RunOptions{trace_level: FULL_TRACE}` and keeps its `RunMetadata`; scripts/bench/trace_cnn.py sums the "
        f"step statistics by kind of kernel over the {t['steps']} steps of the timed epoch (medians per step). "
        f"A traced step spans {t['step_ms']:.1f} ms and runs {t['kernels']:.0f} kernels taking {t['kernel_ms']:.1f} ms "
        "in all (above the span where two kernels ran side by side; the tracing adds its own cost).",
        "",
        "| kernels | ms per step | share of kernel time | GFLOP/s |",
        "|---|---:|---:|---:|",
    ]
    for r in t["rows"]:
        lines.append(f"| {r['kind']} | {r['ms']:.2f} | {100 * r['share']:.1f}% | " + (f"{r['gflops']:.0f}" if "gflops" in r else "—") + " |")
    need = t["conv_flops_per_step"] / 1e9
    lines += [
        "",
        f"The five convolution kernels take {conv_ms:.1f} ms, {100 * conv_ms / t['kernel_ms']:.0f}% of the kernel time"
        + (f", at {need / (conv_ms / 1e3):.0f} GFLOP/s together against the {peak:.0f} GFLOP/s of the fp32 matmul in the table "
           f"({100 * need / (conv_ms / 1e3) / peak:.0f}%)" if peak and conv_ms else "")
        + ". Their shapes are small (1 and 16 input channels, 24x24 and 8x8 outputs), and the gradients with respect to "
        "the filters and the input run as separate kernels. Everything else (max-pooling and its gradient, bias and "
        "ReLU, the dense layers, Adam, the gradient norm, the loss) takes the rest.",
    ]
    hw1, keras = med.get(("cnn", "hw1")), med.get(("cnn", "keras-onednn"))
    if conv_ms and peak:
        conv_share = need / (conv_ms / 1e3) / peak
        hw1_ms = t["batch"] / hw1 * 1e3 if hw1 else None
        lines += ["", "What this means for the CNN's targets on this CPU:", ""]
        if hw1_ms and conv_ms > hw1_ms:
            # Tracing slows every kernel: the trace gives shares, not times.
            lines.append(
                f"- **The trace gives shares, not times.** The traced convolution kernels alone take {conv_ms:.1f} ms, "
                f"more than the whole untraced step ({hw1_ms:.1f} ms, from the table): tracing slows each kernel. "
                f"The shares hold: the convolutions take {100 * conv_ms / t['kernel_ms']:.0f}% of the kernel time.")
        untraced = t["conv_flops_per_step"] / (hw1_ms / 1e3) / 1e9 / peak if hw1_ms else None
        if untraced and untraced >= 0.5:
            lines.append(
                f"- **50% of the matmul rate: met.** Untraced, the whole step runs the counted FLOPs at {100 * untraced:.0f}% "
                "of the matmul rate.")
        else:
            lines.append(
                f"- **50% of the matmul rate.** Even a step that ran nothing but these convolution kernels, at their traced "
                f"speed, would reach {100 * conv_share:.0f}% of the matmul rate (the convolutions hold all the FLOPs counted), "
                + ("so the target is out of reach with TensorFlow's oneDNN convolution kernels at these shapes; it needs "
                   "faster kernels, not less overhead around them." if conv_share < 0.5 else
                   "so the target is within reach of the kernels; the gap is the time spent around them."))
        if hw1_ms and keras:
            keras_ms = t["batch"] / keras * 1e3
            if hw1_ms <= keras_ms / 1.5:
                lines.append(f"- **1.5x Keras with oneDNN on: met.** Keras's step takes {keras_ms:.1f} ms against hw1's {hw1_ms:.1f} ms.")
            else:
                cut = 1 - keras_ms / 1.5 / hw1_ms
                other = 1 - conv_ms / t["kernel_ms"]
                lines.append(
                    f"- **1.5x Keras with oneDNN on.** Keras runs the same oneDNN kernels: its step takes {keras_ms:.1f} ms "
                    f"against hw1's {hw1_ms:.1f} ms (untraced medians from the table), so 1.5x needs hw1's step "
                    f"{100 * cut:.0f}% shorter. The convolutions are oneDNN's own kernels, as fast in both; the cut would "
                    f"have to come from the {100 * other:.0f}% of kernel time around them (max-pooling, bias and ReLU, "
                    f"Adam, the dense layers), {100 * cut / other:.0f}% of it"
                    + (", more than all of it: out of reach without faster convolutions." if cut >= other else
                       ", or from running kernels side by side. The peers' ranges overlap on a busy machine, so "
                       "this margin is rough."))
    return lines


def report(results, a, info):
    by = {}
    for r in results:
        by.setdefault((r["workload"], r["impl"]), []).append(r["metrics"][METRIC[r["workload"]]])
    med = {k: statistics.median(v) for k, v in by.items()}
    spread = {k: (min(v), max(v)) for k, v in by.items()}
    peak = med.get(("matmul", "hw1"))
    versions = {}
    for r in results:
        if r.get("version"):
            versions[r["impl"]] = r["version"]
    methods = {r["impl"]: r["method"] for r in results if r.get("method")}
    others = [r["other_cores"] for r in results]
    redone = info.get("redone", 0)
    disturbed = sum(1 for r in results if r.get("disturbed"))
    m = machine()
    nrounds = len({r.get("round") for r in results})
    units = {}
    for r in results:
        units.setdefault(r["workload"], r["units"])
    loaded = info["loaded"] or disturbed > len(results) // 5
    lines = [
        "# Benchmarks: hw1's engine against Keras, PyTorch and JAX",
        "",
        f"Produced by `{info['command']}` on {info['date']}: {nrounds} round{'s' if nrounds != 1 else ''}; in each round every workload ran in every "
        "implementation, one fresh process per run, in an order that rotated from round to round. "
        "The numbers are medians over the rounds (the range over rounds is in brackets); "
        "each run timed its units of work after one untimed warm-up unit.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['model']}, {m['cores']} cores (nproc); {m['flags']} (from /proc/cpuinfo); {m['memory']} memory; {m['os']}. "
        "**Every ratio below holds on this CPU only**: which kernels TensorFlow, PyTorch and XLA pick depends on "
        "these extensions (TensorFlow's x86 wheel turns oneDNN on by default only on CPUs with AVX-512).",
        f"- Threads: {a.threads} intra-op threads in all four (TensorFlow inter-op {min(a.threads, 2)} as `hw1 --threads {a.threads}` sets it, PyTorch "
        f"set_num_threads({a.threads}), OMP/OPENBLAS_NUM_THREADS={a.threads}, JAX XLA_FLAGS intra_op_parallelism_threads={a.threads} "
        f"and at most {a.threads} CPUs by affinity); \"hw1, auto threads\" is the engine's "
        "own choice with no thread settings (one thread under 20,000 parameters, TensorFlow's default otherwise).",
        f"- hw1: {info['hw1_version']}.",
        f"- Keras: {versions.get('keras', '?')} in a virtual environment (tensorflow-cpu 2.15.1 from PyPI), model.fit.",
        f"- oneDNN, per TensorFlow peer: hw1 ran with TF_ENABLE_ONEDNN_OPTS={info['hw1_onednn']} (oneDNN on); "
        f"\"Keras, oneDNN on\" with TF_ENABLE_ONEDNN_OPTS=1 (TensorFlow reported oneDNN {onednn_word(results, 'keras-onednn')}); "
        f"\"Keras, TF default\" without the variable, which is oneDNN {onednn_word(results, 'keras')} on this CPU"
        + ("; \"hw1, oneDNN off\" with TF_ENABLE_ONEDNN_OPTS=0" if any(r["impl"] == "hw1-eigen" for r in results) else "")
        + ". The fair Keras column is the one with oneDNN on, as hw1 has it: it leads the peers below.",
        f"- PyTorch: {versions.get('torch', '?')} (Debian python3-torch), BLAS {m['blas'] or '?'}.",
        f"- JAX: {versions.get('jax', versions.get('jax-scan', '?'))}, CPU backend, the newest jax[cpu] from PyPI in a "
        "virtual environment of its own (current jaxlib needs an ml-dtypes that TensorFlow 2.15 refuses).",
    ]
    if info.get("env"):
        lines.append(f"- Environment: {info['env']}.")
    lines += [
        f"- Load: {info['load_note']} Other processes used a median {statistics.median(others):.2f} and at most "
        f"{max(others):.2f} cores during the runs (/proc/stat less the run's own CPU time); each run waited for "
        f"other processes to use less than {a.quiet_cores} cores, and {redone} runs disturbed by more were run again"
        + (f"; {disturbed} of the {len(results)} runs kept were still disturbed (the waiting budget ran out)" if disturbed else "")
        + "." + (" **The machine was busy (shared with other builds and tests, and the bounded wait for a quiet "
                 "machine ran out): treat the numbers as rough; the ratios, from runs that alternated back to back, "
                 "less so than the absolute rates.**" if loaded else ""),
        "",
        "## Results",
        "",
        "Medians over the rounds, the range in brackets.",
        "",
    ]
    present = [i for i in IMPLS if any(k[1] == i for k in med)]
    head = [IMPL_NAME[i] + (f", {a.threads} threads" if i != "hw1-auto" else "") for i in present]
    lines += ["| workload | unit | " + " | ".join(head) + " |", "|---|---|" + "---:|" * len(present)]
    for w in a.workloads:
        title, unit = TITLE[w]
        cells = []
        for impl in present:
            v = med.get((w, impl))
            if v is None:
                cells.append("—")
            else:
                lo, hi = spread[(w, impl)]
                cells.append(f"{fmt(v)} [{fmt(lo)}–{fmt(hi)}]")
        lines.append(f"| {title} | {unit} | " + " | ".join(cells) + " |")
    peers = [p for p in ("keras-onednn", "keras", "torch", "jax", "jax-scan") if p in present]
    lines += [
        "",
        f"## Ratios, machine share and targets (on {m['short']})",
        "",
        "| workload | " + " | ".join(f"hw1/{IMPL_NAME[p]}" for p in peers)
        + (" | hw1 auto threads/JAX (jit step)" if "hw1-auto" in present and "jax" in present else "")
        + " | hw1 GFLOP/s | hw1 share of matmul | target | met |",
        "|---|" + "---:|" * (len(peers) + 2 + ("hw1-auto" in present and "jax" in present)) + "---|---|",
    ]
    for w in a.workloads:
        h = med.get((w, "hw1"))
        ratios = {p: h / med[(w, p)] for p in peers if h and med.get((w, p))}
        gf = h * FLOPS[w] / 1e9 if h else None
        share = gf / peak if gf and peak else None
        target, met = TARGETS.get(w, ("—", None))
        ok = met(ratios, share) if met else None
        # The problems run the engine with automatic threads: a target it meets that
        # way counts, and the cell says so.
        ha = med.get((w, "hw1-auto"))
        auto_ok = False
        if met and not ok and ha:
            gfa = ha * FLOPS[w] / 1e9
            auto_ok = met({p: ha / med[(w, p)] for p in peers if med.get((w, p))}, gfa / peak if peak else None)
        auto_cell = ""
        if "hw1-auto" in present and "jax" in present:
            auto_cell = f" | {ha / med[(w, 'jax')]:.2f}x" if ha and med.get((w, "jax")) else " | —"
        lines.append(f"| {SHORT[w]} | " + " | ".join(f"{ratios[p]:.2f}x" if p in ratios else "—" for p in peers)
                     + auto_cell
                     + f" | {fmt(gf)} | " + (f"{100 * share:.1f}%" if share and w != "matmul" else "—")
                     + f" | {target} | " + ("—" if ok is None else ("yes" if ok else "yes, with auto threads" if auto_ok else "**no**")) + " |")
    lines += [
        "",
        f"Ratios are hw1 at {a.threads} threads over the peer at {a.threads} threads, measured on {m['short']} ({m['flags']}): "
        "above 1 means hw1 is faster. They need not hold on another CPU. "
        + ("The column \"hw1 auto threads/JAX\" is the engine with its own thread choice, as the problems run it, over JAX at "
           f"{a.threads} threads; a target met only that way says so. " if "hw1-auto" in present and "jax" in present else "")
        + "GFLOP/s counts the multiply-adds of the matrix products and convolutions only "
        "(" + "; ".join(f"{w}: {FLOPS_NOTE[w]}" for w in a.workloads if w != "matmul") + "), "
        "and the share is of hw1's own fp32 matmul rate through the same TensorFlow library (the last row).",
        "",
        "## What each implementation runs",
        "",
        "- hw1: `BenchmarkCompare` in tfgraph/bench_compare_test.go, `Model.TrainEpoch` (one session run per step, "
        "data resident in the graph, seeded shuffling), `Model.Hessian` (all 141 columns as exact HVPs, batched in one session run), "
        "`Model.JacobianNorm` (one gradient per class), and a MatMul graph on resource variables.",
        "- Keras: scripts/bench/keras_bench.py, `model.fit(x, y, batch_size, epochs, shuffle=True)` with "
        "Adam(1e-3); the Hessian by nested `tf.GradientTape` and `jacobian` (pfor), the input Jacobian by "
        "`batch_jacobian`, and the matmul, each in a `tf.function`.",
        "- PyTorch: scripts/bench/torch_bench.py, the usual loop over shuffled index batches "
        "(zero_grad, backward, Adam step, loss.item()); the Hessian by "
        f"`torch.{methods.get('torch', 'autograd.functional.hessian')}`, the input Jacobian by "
        "`torch.autograd.functional.jacobian(vectorize=True)` of the batch-summed softmax, `torch.mm` for the matmul; "
        "(e) PyHessian's `density` Lanczos written out (Rademacher start, full reorthogonalisation, one "
        "`autograd.grad(gradsH, params, grad_outputs=v)` per iteration through the gradient graph built once per run: "
        "the same 20 HVPs as hw1's `analysis.RunLanczos` on `Model.HVP`); (f) loss-landscape's evaluation written out "
        "(weights set to w + a·d1 + b·d2 point by point, one no_grad forward per split, against hw1's `Model.LossPlane`, "
        "which evaluates all 441 points in one session run).",
        "- JAX: scripts/bench/jax_bench.py, a `jax.jit` train step (the batch gathered by index from device-resident "
        "data inside the step, TensorFlow's Adam written out, every step's loss and hits fetched to the host) over "
        "the same seeded shuffled batches; \"100-step lax.scan\" runs an epoch's 100 steps of the tiny DNN in one "
        "jit-compiled `lax.scan` call; the Hessian by `jax.jit(jax.hessian)` in float64 (x64 on), the input "
        "Jacobian by `jax.vmap(jax.jacrev)` of the softmax under `jax.jit`, `jnp.dot` for the matmul.",
        "- Work timed per run: " + "; ".join(f"{w} {units.get(w, '?')} {UNIT_WORD[w]}" for w in a.workloads) + ".",
        "- Same data, batch sizes, dtypes and optimizer (Adam 1e-3, β 0.9/0.999, ε 1e-7 in hw1, Keras and JAX; "
        "PyTorch's default ε 1e-8) in all four: 6,400 sinc points on [-1, 1] (tiny), the 8,000 embedded training digits (CNN, DNN), "
        "128 sinc points (Hessian), the 2,000 embedded test digits (Jacobian).",
        "",
    ]
    if a.trace and os.path.exists(a.trace):
        lines += trace_section(a.trace, m, peak, med) + [""]
    if a.findings and os.path.exists(a.findings):
        with open(a.findings) as f:
            lines += [f.read().rstrip(), ""]
    with open(a.out, "w") as f:
        f.write("\n".join(lines))
    print(f"bench: wrote {a.out}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--hw1-test", required=True, help="the compiled tfgraph test binary")
    p.add_argument("--keras-python", required=True)
    p.add_argument("--torch-python", required=True)
    p.add_argument("--jax-python", required=True)
    p.add_argument("--trace", default="", help="JSON per-op breakdown of a traced CNN step (scripts/bench/trace_cnn.py)")
    p.add_argument("--trace-cmd", default="", help="command that writes --trace, run after the measurements")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies the units of work per run")
    p.add_argument("--workloads", default=",".join(UNITS))
    p.add_argument("--impls", default=",".join(DEFAULT_IMPLS), help="subset of " + ",".join(IMPLS))
    p.add_argument("--wait-load", type=float, default=1.5, help="wait until the 1-minute load average is below this")
    p.add_argument("--wait-max", type=float, default=2400, help="seconds to wait for it at most, and again for quiet runs")
    p.add_argument("--quiet-cores", type=float, default=0.3, help="a run is disturbed when other processes use this many cores")
    p.add_argument("--retries", type=int, default=3, help="times a disturbed run is run again")
    p.add_argument("--results", required=True, help="JSON lines file the runs are appended to")
    p.add_argument("--report-only", action="store_true", help="rewrite the report from --results")
    p.add_argument("--out", default=os.path.join(common.ROOT, "BENCHMARKS.md"))
    p.add_argument("--findings", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "findings.md"),
                   help="markdown appended to the report")
    p.add_argument("--command", default="make bench")
    p.add_argument("--hw1-version", default="")
    a = p.parse_args()
    a.workloads = [w for w in a.workloads.split(",") if w]
    a.impls = [i for i in a.impls.split(",") if i]
    info = {"hw1_onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1 (set by the engine)"), "command": a.command, "date": datetime.date.today().isoformat(), "hw1_version": a.hw1_version or "?",
            "env": ", ".join(f"{k}={shlex.quote(os.environ[k])}" for k in ("TF_ENABLE_ONEDNN_OPTS",) if k in os.environ)}
    meta = a.results + ".meta"
    if a.report_only:
        with open(a.results) as f:
            runs = [json.loads(l) for l in f if l.strip()]
        last = {}
        for r in runs:
            last[(r.get("round"), r["workload"], r["impl"])] = r
        results = list(last.values())
        info["redone"] = len(runs) - len(results)
        with open(meta) as f:
            info.update({k: v for k, v in json.load(f).items() if k in ("load_note", "loaded", "date", "hw1_onednn")})
    else:
        reached, load = wait_for_quiet(a.wait_load, a.wait_max)
        info["loaded"] = not reached
        info["load_note"] = (f"the 1-minute load average was {load:.2f} when the measurements started"
                             + ("." if reached else f", above the {a.wait_load} the script waited {a.wait_max:.0f} s for."))
        open(a.results, "w").close()
        results, busy = measure(a)
        if busy:
            info["loaded"] = True
            info["load_note"] += " The machine stayed busy, and the runs went ahead when the waiting budget ran out."
        if a.trace_cmd:
            wait_quiet_cores(a.quiet_cores, Budget(min(a.wait_max, 120)))
            t0 = time.monotonic()
            print(f"bench: tracing the CNN step: {a.trace_cmd}", file=sys.stderr, flush=True)
            subprocess.run(shlex.split(a.trace_cmd), check=True)
            info["trace_wall"] = time.monotonic() - t0
        with open(a.results) as f:
            info["redone"] = sum(1 for l in f if l.strip()) - len(results)
        with open(meta, "w") as f:
            json.dump({k: info[k] for k in ("load_note", "loaded", "date", "hw1_onednn") if k in info}, f)
    report(results, a, info)


if __name__ == "__main__":
    main()
