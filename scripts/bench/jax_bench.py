"""JAX (CPU, XLA) peer of hw1's engine benchmarks.

Trains the same models on the same data, batch size and optimizer as BenchmarkCompare
with a jit-compiled train step: the data stay on the device, each step gathers its
batch by index inside the compiled function, and every step's loss (and, for the
classifiers, its hits) is fetched to the host, as hw1 records every step. With --scan
the tiny DNN instead runs each epoch's 100 steps in one lax.scan, one call per epoch,
returning the 100 losses. The Adam is TensorFlow's (ResourceApplyAdam, epsilon 1e-7),
written out below. The Hessian is jax.hessian of the flat-parameter loss in float64
(x64 on), the input Jacobian jax.vmap(jax.jacrev) of the softmax, the matmul jnp.dot,
each under jax.jit. Prints one JSON line.

    python jax_bench.py cnn --units 3 --threads 2
    python jax_bench.py tiny --units 30 --threads 2 --scan

Threads: XLA_FLAGS asks for an intra-op pool of --threads threads
(intra_op_parallelism_threads, multi-threaded Eigen), and the process is pinned to
--threads CPUs when the machine has more, so JAX uses no more cores than the others.
"""

import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

scan = "--scan" in sys.argv
if scan:
    sys.argv.remove("--scan")
args = common.parse_args("jax")

os.environ["JAX_PLATFORMS"] = "cpu"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           f" --xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={args.threads}").strip()
pinned = None
if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > args.threads:
    pinned = sorted(os.sched_getaffinity(0))[: args.threads]
    os.sched_setaffinity(0, pinned)

import numpy as np  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", args.workload == "hessian")
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-7


def adam_init(params):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    return (params, zeros, zeros, jnp.zeros((), jnp.float32))


def adam_update(state, grads):
    """TensorFlow's ResourceApplyAdam: lr_t = lr·sqrt(1-β2^t)/(1-β1^t),
    p -= lr_t·m/(sqrt(v)+ε)."""
    params, m, v, t = state
    t = t + 1
    lr_t = common.LEARNING_RATE * jnp.sqrt(1 - BETA2**t) / (1 - BETA1**t)
    m = jax.tree_util.tree_map(lambda m, g: BETA1 * m + (1 - BETA1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: BETA2 * v + (1 - BETA2) * g * g, v, grads)
    params = jax.tree_util.tree_map(lambda p, m, v: p - lr_t * m / (jnp.sqrt(v) + EPSILON), params, m, v)
    return (params, m, v, t)


def glorot(key, fan_in, fan_out, shape):
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return jax.random.uniform(key, shape, jnp.float32, -lim, lim)


def dense_params(key, sizes):
    keys = jax.random.split(key, len(sizes) - 1)
    return [(glorot(k, a, b, (a, b)), jnp.zeros((b,), jnp.float32)) for k, a, b in zip(keys, sizes[:-1], sizes[1:])]


def mlp_apply(params, x, act):
    for i, (w, b) in enumerate(params):
        x = x @ w + b
        if i + 1 < len(params):
            x = act(x)
    return x


def xent(logits, y):
    """Mean sparse softmax cross-entropy and the number of hits."""
    logp = jax.nn.log_softmax(logits)
    loss = -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))
    return loss, jnp.sum(jnp.argmax(logits, axis=1) == y)


def mse(out, y):
    return jnp.mean(jnp.square(out - y)), jnp.zeros((), jnp.int32)


def train(params, apply, lossf, x, y, batch):
    """One untimed epoch (compiling both batch shapes), then args.units timed epochs.
    Each step is one call of the jit-compiled step; its loss and hits are fetched."""
    x, y = jnp.asarray(x), jnp.asarray(y)
    n = x.shape[0]

    def loss_of(p, idx):
        return lossf(apply(p, x[idx]), y[idx])

    @jax.jit
    def step(state, idx):
        (loss, hits), g = jax.value_and_grad(loss_of, has_aux=True)(state[0], idx)
        return adam_update(state, g), loss, hits

    rng = np.random.default_rng(1)
    state = adam_init(params)

    def epoch(state):
        perm = rng.permutation(n).astype(np.int32)
        total, correct = 0.0, 0
        for lo in range(0, n, batch):
            idx = perm[lo : lo + batch]
            state, loss, hits = step(state, idx)
            total += float(loss) * len(idx)
            correct += int(hits)
        return state, total / n, correct / n

    state, _, _ = epoch(state)
    t0 = time.perf_counter()
    for _ in range(args.units):
        state, _, _ = epoch(state)
    sec = time.perf_counter() - t0
    return sec, common.epoch_rates(sec, args.units, n, batch)


def train_scan(params, apply, lossf, x, y, batch):
    """As train, but each epoch (n/batch steps, which must divide) is one call of a
    jit-compiled lax.scan over the epoch's index batches; the losses come back together."""
    x, y = jnp.asarray(x), jnp.asarray(y)
    n = x.shape[0]
    assert n % batch == 0

    def loss_of(p, idx):
        return lossf(apply(p, x[idx]), y[idx])

    def step(state, idx):
        (loss, _), g = jax.value_and_grad(loss_of, has_aux=True)(state[0], idx)
        return adam_update(state, g), loss

    @jax.jit
    def epoch_scan(state, idxs):
        return lax.scan(step, state, idxs)

    rng = np.random.default_rng(1)
    state = adam_init(params)

    def epoch(state):
        idxs = rng.permutation(n).astype(np.int32).reshape(n // batch, batch)
        state, losses = epoch_scan(state, idxs)
        return state, float(np.mean(np.asarray(losses)))

    state, _ = epoch(state)
    t0 = time.perf_counter()
    for _ in range(args.units):
        state, _ = epoch(state)
    sec = time.perf_counter() - t0
    return sec, common.epoch_rates(sec, args.units, n, batch)


def tiny():
    x, y = common.sinc(common.TINY_POINTS)
    params = dense_params(jax.random.PRNGKey(1), [1] + common.TINY_HIDDEN + [1])
    run = train_scan if scan else train
    return run(params, lambda p, xb: mlp_apply(p, xb, jnp.tanh), mse, x, y, common.TINY_BATCH)


def cnn_apply(params, x):
    """NHWC: conv 5x5 VALID + ReLU + 2x2 max-pool, twice, then dense 512-50-10."""
    (k1, b1), (k2, b2), dense = params[0], params[1], params[2:]
    dn = ("NHWC", "HWIO", "NHWC")
    for k, b in ((k1, b1), (k2, b2)):
        x = lax.conv_general_dilated(x, k, (1, 1), "VALID", dimension_numbers=dn) + b
        x = jax.nn.relu(x)
        x = lax.reduce_window(x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    x = x.reshape(x.shape[0], -1)
    return mlp_apply(dense, x, jax.nn.relu)


def cnn():
    x, y = common.digits("train")
    k = jax.random.split(jax.random.PRNGKey(1), 3)
    params = [
        (glorot(k[0], 25 * 1, 25 * 16, (5, 5, 1, 16)), jnp.zeros((16,), jnp.float32)),
        (glorot(k[1], 25 * 16, 25 * 32, (5, 5, 16, 32)), jnp.zeros((32,), jnp.float32)),
    ] + dense_params(k[2], [512, 50, 10])
    return train(params, cnn_apply, xent, x, y, common.DIGITS_BATCH)


def dnn():
    x, y = common.digits("train")
    params = dense_params(jax.random.PRNGKey(1), [784] + common.DNN_HIDDEN + [10])
    return train(params, lambda p, xb: mlp_apply(p, xb, jax.nn.relu), xent, x.reshape(len(x), -1), y, common.DIGITS_BATCH)


def hessian():
    """The full Hessian of the 2-2 model's MSE over its 128 points, in float64, by
    jax.hessian (forward over reverse) under jax.jit."""
    x, y, shapes, theta = common.hessian_problem()
    n = len(theta)
    x, y, theta = jnp.asarray(x, jnp.float64), jnp.asarray(y, jnp.float64), jnp.asarray(theta, jnp.float64)

    def loss(t):
        return jnp.mean(jnp.square(common.flat_mlp(t, x, shapes, jnp.tanh) - y))

    full = jax.jit(jax.hessian(loss))
    h = full(theta)
    assert h.shape == (n, n) and h.dtype == jnp.float64
    sec = common.timed(lambda: full(theta).block_until_ready(), args.units)
    return sec, {"hessians/s": args.units / sec}, "jax.jit(jax.hessian)"


def jacobian():
    """Mean Frobenius norm of d softmax / d x of the 3-3 model over the 2,000 test
    digits, in chunks of 1,024, by jax.vmap(jax.jacrev) of each example's softmax."""
    x, _ = common.digits("test")
    x = x.reshape(len(x), -1)
    params = dense_params(jax.random.PRNGKey(1), [784] + common.JACOBIAN_HIDDEN + [10])

    def f(xi):
        return jax.nn.softmax(mlp_apply(params, xi, jax.nn.relu))

    @jax.jit
    def norms(xb):
        j = jax.vmap(jax.jacrev(f))(xb)  # [B, 10, 784]
        return jnp.sum(jnp.sqrt(jnp.sum(jnp.square(j), axis=(1, 2))))

    chunks = [jnp.asarray(x[lo : lo + common.JACOBIAN_CHUNK]) for lo in range(0, len(x), common.JACOBIAN_CHUNK)]

    def once():
        return sum(float(norms(c)) for c in chunks) / len(x)

    sec = common.timed(once, args.units)
    return sec, {"examples/s": args.units * len(x) / sec}


def matmul():
    n = common.MATMUL_N
    vals = jnp.asarray((np.arange(n * n) % 17 / 17 - 0.5).astype(np.float32).reshape(n, n))
    a, b = vals, vals + 0
    dot = jax.jit(jnp.dot)
    sec = common.timed(lambda: dot(a, b).block_until_ready(), args.units)
    return sec, {"GFLOP/s": 2 * n**3 * args.units / sec / 1e9}


if __name__ == "__main__":
    if scan and args.workload != "tiny":
        sys.exit("jax_bench: --scan applies to the tiny workload only")
    res = globals()[args.workload]()
    import jaxlib

    info = {"version": f"JAX {jax.__version__}, jaxlib {jaxlib.__version__}, XLA_FLAGS={os.environ['XLA_FLAGS']}"
                       + (f", pinned to CPUs {pinned}" if pinned else "")}
    if len(res) > 2:
        info["method"] = res[2]
    common.emit("jax-scan" if scan else "jax", args, res[0], res[1], **info)
