"""PyTorch (CPU) peer of hw1's engine benchmarks.

Trains with the usual PyTorch loop (shuffled index batches, zero_grad, backward, step,
loss.item()) on the same models, data, batch size and optimizer as BenchmarkCompare;
the Hessian and the input Jacobian use torch.autograd.functional; the Lanczos and
loss-surface workloads follow PyHessian and loss-landscape. Prints one JSON line.

    python3 torch_bench.py cnn --units 3 --threads 2
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

args = common.parse_args("torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)
torch.manual_seed(1)


def train(model, x, y, batch, loss_fn, classify):
    """One untimed epoch, then args.units timed epochs."""
    opt = torch.optim.Adam(model.parameters(), lr=common.LEARNING_RATE)
    n = len(x)

    def epoch():
        perm = torch.randperm(n)
        total, correct = 0.0, 0
        for lo in range(0, n, batch):
            idx = perm[lo : lo + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            if classify:
                correct += int((out.argmax(1) == yb).sum())
        return total / n, correct / n

    sec = common.timed(epoch, args.units)
    return sec, common.epoch_rates(sec, args.units, n, batch)


def mlp(inputs, hidden, out, act):
    mods, prev = [], inputs
    for h in hidden:
        mods += [nn.Linear(prev, h), act()]
        prev = h
    return nn.Sequential(*mods, nn.Linear(prev, out))


def tiny():
    x, y = common.sinc(common.TINY_POINTS)
    model = mlp(1, common.TINY_HIDDEN, 1, nn.Tanh)
    return train(model, torch.from_numpy(x), torch.from_numpy(y), common.TINY_BATCH, F.mse_loss, False)


def digits_train(flat):
    x, y = common.digits("train")
    x = x.reshape(len(x), -1) if flat else np.ascontiguousarray(x.transpose(0, 3, 1, 2))  # NCHW
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


def cnn():
    x, y = digits_train(False)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(512, 50), nn.ReLU(), nn.Linear(50, 10),
    )
    return train(model, x, y, common.DIGITS_BATCH, F.cross_entropy, True)


def dnn():
    x, y = digits_train(True)
    return train(mlp(784, common.DNN_HIDDEN, 10, nn.ReLU), x, y, common.DIGITS_BATCH, F.cross_entropy, True)


def hessian():
    """The full Hessian of the 2-2 model's MSE over its 128 points, in float64, by
    torch.autograd.functional.hessian (vectorised when this PyTorch can)."""
    x, y, shapes, theta = common.hessian_problem()
    n = len(theta)
    x, y, theta = torch.from_numpy(x).double(), torch.from_numpy(y).double(), torch.from_numpy(theta)

    def loss(t):
        return ((common.flat_mlp(t, x, shapes, torch.tanh) - y) ** 2).mean()

    vec = True
    try:
        torch.autograd.functional.hessian(loss, theta, vectorize=True)
    except Exception:  # a PyTorch without batched gradients for some op
        vec = False
    assert torch.autograd.functional.hessian(loss, theta, vectorize=vec).shape == (n, n)
    sec = common.timed(lambda: torch.autograd.functional.hessian(loss, theta, vectorize=vec), args.units)
    return sec, {"hessians/s": args.units / sec}, f"autograd.functional.hessian(vectorize={vec})"


def jacobian():
    """Mean Frobenius norm of d softmax / d x of the 3-3 model over the 2,000 test
    digits, in chunks of 1,024, by torch.autograd.functional.jacobian of the softmax
    summed over the chunk (examples are independent, so this is every example's
    Jacobian at once)."""
    x, _ = common.digits("test")
    x = torch.from_numpy(x.reshape(len(x), -1))
    model = mlp(784, common.JACOBIAN_HIDDEN, 10, nn.ReLU)
    for p in model.parameters():
        p.requires_grad_(False)

    def f(xb):
        return torch.softmax(model(xb), dim=1).sum(0)

    def once():
        s = 0.0
        for lo in range(0, len(x), common.JACOBIAN_CHUNK):
            j = torch.autograd.functional.jacobian(f, x[lo : lo + common.JACOBIAN_CHUNK], vectorize=True)  # [10, B, 784]
            s += float(j.square().sum(dim=(0, 2)).sqrt().sum())
        return s / len(x)

    sec = common.timed(once, args.units)
    return sec, {"examples/s": args.units * len(x) / sec}


def lanczos():
    """PyHessian's density() written out: Lanczos with full reorthogonalisation from a
    normalised Rademacher vector, common.LANCZOS_ITERS iterations on the full-profile
    3-3 MLP over the 8,000 training digits, each iteration one Hessian-vector product
    torch.autograd.grad(gradsH, params, grad_outputs=v) through the gradient graph
    built once per run (PyHessian's loss.backward(create_graph=True), here
    autograd.grad(create_graph=True), which keeps no reference cycle), as PyHessian
    does for one batch. The tridiagonal matrix is diagonalised at the end."""
    x, y = digits_train(True)
    model = mlp(784, common.LANCZOS_HIDDEN, 10, nn.ReLU)
    params = [p for p in model.parameters()]

    def dot(a, b):
        return sum(torch.sum(u * v) for u, v in zip(a, b))

    def add(a, b, alpha):
        return [u + alpha * v for u, v in zip(a, b)]

    def normalize(a):
        n = torch.sqrt(dot(a, a))
        return [u / (n + 1e-6) for u in a]

    def run():
        loss = F.cross_entropy(model(x), y)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        v = [torch.randint_like(p, high=2) * 2 - 1 for p in params]
        v = normalize(v)
        vs, alphas, betas = [v], [], []
        w = None
        for i in range(common.LANCZOS_ITERS):
            if i > 0:
                beta = torch.sqrt(dot(w, w))
                betas.append(float(beta))
                for u in vs:  # full reorthogonalisation, as PyHessian's orthnormal
                    w = add(w, u, -dot(w, u))
                v = normalize(w)
                vs.append(v)
            hv = torch.autograd.grad(grads, params, grad_outputs=v, only_inputs=True, retain_graph=True)
            alpha = dot(hv, v)
            alphas.append(float(alpha))
            w = add(hv, v, -alpha)
            if i > 0:
                w = add(w, vs[-2], -betas[-1])
        t = torch.diag(torch.tensor(alphas)) + torch.diag(torch.tensor(betas), 1) + torch.diag(torch.tensor(betas), -1)
        return torch.linalg.eigvalsh(t)

    sec = common.timed(run, args.units)
    return sec, {"runs/s": args.units / sec, "HVP/s": args.units * common.LANCZOS_ITERS / sec}


def surface():
    """loss-landscape's plot_surface written out: for each of the common.SURFACE_SIDE²
    points of a plane, the 2-1 MLP's weights are set to w + a·d1 + b·d2 and the loss
    and accuracy evaluated on the 8,000 training and 2,000 test digits (no_grad, one
    batch per split)."""
    x, y = digits_train(True)
    xt, yt = common.digits("test")
    xt, yt = torch.from_numpy(xt.reshape(len(xt), -1)), torch.from_numpy(yt.astype(np.int64))
    model = mlp(784, common.SURFACE_HIDDEN, 10, nn.ReLU)
    params = [p for p in model.parameters()]
    w = [p.detach().clone() for p in params]
    g = torch.Generator().manual_seed(1)
    d1 = [0.1 * torch.randn(p.shape, generator=g) for p in params]
    d2 = [0.1 * torch.randn(p.shape, generator=g) for p in params]
    grid = np.linspace(-1, 1, common.SURFACE_SIDE)

    @torch.no_grad()
    def run():
        out = []
        for b in grid:
            for a in grid:
                for p, w0, u, v in zip(params, w, d1, d2):
                    p.copy_(w0 + float(a) * u + float(b) * v)
                for xs, ys in ((x, y), (xt, yt)):
                    logits = model(xs)
                    out.append((float(F.cross_entropy(logits, ys)), float((logits.argmax(1) == ys).float().mean())))
        return out

    sec = common.timed(run, args.units)
    points = common.SURFACE_SIDE**2
    return sec, {"surfaces/s": args.units / sec, "points/s": args.units * points / sec}


def matmul():
    n = common.MATMUL_N
    vals = torch.from_numpy((np.arange(n * n) % 17 / 17 - 0.5).astype(np.float32).reshape(n, n))
    a, b, c = vals.clone(), vals.clone(), torch.empty(n, n)
    sec = common.timed(lambda: torch.mm(a, b, out=c), args.units)
    return sec, {"GFLOP/s": 2 * n**3 * args.units / sec / 1e9}


if __name__ == "__main__":
    res = globals()[args.workload]()
    info = {"version": f"PyTorch {torch.__version__}"}
    if len(res) > 2:
        info["method"] = res[2]
    common.emit("torch", args, res[0], res[1], **info)
