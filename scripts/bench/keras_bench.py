"""Keras (TensorFlow 2.15, Python) peer of hw1's engine benchmarks.

Trains with model.fit, Keras's own loop, on the same models, data, batch size and
optimizer as BenchmarkCompare; the Hessian, the input Jacobian and the matrix product
use TensorFlow's Python API in a tf.function. Prints one JSON line.

    python keras_bench.py cnn --units 3 --threads 2
"""

import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

args = common.parse_args("keras")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(min(args.threads, 2))  # as hw1 --threads N
tf.keras.utils.set_random_seed(1)
keras = tf.keras
layers = keras.layers


def adam():
    return keras.optimizers.Adam(learning_rate=common.LEARNING_RATE)


def fit(model, x, y, batch):
    """One untimed epoch (tracing), then args.units timed epochs in one model.fit."""
    model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=args.units, shuffle=True, verbose=0)
    sec = time.perf_counter() - t0
    return sec, common.epoch_rates(sec, args.units, len(x), batch)


def tiny():
    x, y = common.sinc(common.TINY_POINTS)
    model = keras.Sequential([keras.Input((1,))] + [layers.Dense(h, activation="tanh") for h in common.TINY_HIDDEN] + [layers.Dense(1)])
    model.compile(optimizer=adam(), loss="mse")
    return fit(model, x, y, common.TINY_BATCH)


def classifier(model):
    model.compile(optimizer=adam(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def cnn():
    x, y = common.digits("train")
    model = classifier(keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(16, 5, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(32, 5, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dense(50, activation="relu"), layers.Dense(10),
    ]))
    return fit(model, x, y, common.DIGITS_BATCH)


def mlp(inputs, hidden, out, act):
    return keras.Sequential([keras.Input((inputs,))] + [layers.Dense(h, activation=act) for h in hidden] + [layers.Dense(out)])


def dnn():
    x, y = common.digits("train")
    model = classifier(mlp(784, common.DNN_HIDDEN, 10, "relu"))
    return fit(model, x.reshape(len(x), -1), y, common.DIGITS_BATCH)


def hessian():
    """The full Hessian of the 2-2 model's MSE over its 128 points, in float64, by
    GradientTape.jacobian of the gradient (vectorised with pfor)."""
    x, y, shapes, theta = common.hessian_problem()
    n = len(theta)
    x, y = tf.constant(x, tf.float64), tf.constant(y, tf.float64)
    theta = tf.Variable(theta, dtype=tf.float64)

    def loss(t):
        return tf.reduce_mean(tf.square(common.flat_mlp(t, x, shapes, tf.tanh, tf.reshape) - y))

    @tf.function
    def full_hessian():
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                l = loss(theta)
            g = inner.gradient(l, theta)
        return outer.jacobian(g, theta)

    h = full_hessian().numpy()
    assert h.shape == (n, n)
    sec = common.timed(full_hessian, args.units)
    return sec, {"hessians/s": args.units / sec}


def jacobian():
    """Mean Frobenius norm of d softmax / d x of the 3-3 model over the 2,000 test
    digits, in chunks of 1,024, by GradientTape.batch_jacobian."""
    x, _ = common.digits("test")
    x = x.reshape(len(x), -1)
    model = mlp(784, common.JACOBIAN_HIDDEN, 10, "relu")

    @tf.function(input_signature=[tf.TensorSpec([None, 784], tf.float32)])
    def norms(xb):
        with tf.GradientTape() as tape:
            tape.watch(xb)
            p = tf.nn.softmax(model(xb))
        j = tape.batch_jacobian(p, xb)
        return tf.reduce_sum(tf.sqrt(tf.reduce_sum(tf.square(j), axis=[1, 2])))

    def once():
        s = 0.0
        for lo in range(0, len(x), common.JACOBIAN_CHUNK):
            s += float(norms(tf.constant(x[lo : lo + common.JACOBIAN_CHUNK])))
        return s / len(x)

    sec = common.timed(once, args.units)
    return sec, {"examples/s": args.units * len(x) / sec}


def matmul():
    n = common.MATMUL_N
    vals = (np.arange(n * n) % 17 / 17 - 0.5).astype(np.float32).reshape(n, n)
    a, b = tf.Variable(vals), tf.Variable(vals)
    c = tf.Variable(tf.zeros((n, n)))

    @tf.function
    def step():
        c.assign(tf.matmul(a, b))

    sec = common.timed(step, args.units)
    return sec, {"GFLOP/s": 2 * n**3 * args.units / sec / 1e9}


def keras_version():
    try:
        import keras as k

        return k.__version__
    except (ImportError, AttributeError):
        return "?"


def onednn():
    """Whether TensorFlow's oneDNN kernels are on in this process."""
    try:
        from tensorflow.python.util import _pywrap_util_port

        return bool(_pywrap_util_port.IsMklEnabled())
    except (ImportError, AttributeError):
        return None


if __name__ == "__main__":
    sec, metrics = globals()[args.workload]()
    common.emit("keras", args, sec, metrics, version=f"TensorFlow {tf.__version__}, Keras {keras_version()}", onednn=onednn())
