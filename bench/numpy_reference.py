#!/usr/bin/python3
"""The sparse-coding ReLU network (docs/science.md §3, the paper's eq. 2) in plain NumPy, written
the way a researcher would: the reference that bench/numpy_speedup.sh times against eos-sweep's
fast step.

    f(x) = a- * sum_k ReLU(-x_k + b) + a+ * sum_k ReLU(x_k + b),  theta = (a-, a+, b)
    L(theta) = mean_i log(1 + exp(-y_i f(x_i))),  full-batch GD  theta <- theta - eta * grad L

Data as in the paper: x = lambda * y * e_j + xi, y = +-1, j uniform, xi ~ N(0, I_d); a+- ~ N(0, 1/(2d)),
b0 = 0. Prints the CPU time per GD step (best of the repetitions) and, with --check, verifies the
gradient against central finite differences first.

Run: /usr/bin/python3 bench/numpy_reference.py --d 200 --n 300 [--steps 2000] [--repeats 5] [--check]
"""
import argparse
import math
import time

import numpy as np


def make_data(rng, n, d, lam):
    y = rng.choice([-1.0, 1.0], size=n)
    j = rng.integers(0, d, size=n)
    X = rng.standard_normal((n, d))
    X[np.arange(n), j] += lam * y
    return X, y


def loss_and_grad(theta, X, y):
    a_minus, a_plus, b = theta
    zp = X + b  # x_k + b
    zn = -X + b  # -x_k + b
    P = np.maximum(zp, 0.0).sum(axis=1)
    N = np.maximum(zn, 0.0).sum(axis=1)
    cP = (zp > 0).sum(axis=1)
    cN = (zn > 0).sum(axis=1)
    f = a_minus * N + a_plus * P
    m = y * f
    loss = np.mean(np.logaddexp(0.0, -m))
    dl_df = -y * np.exp(-np.logaddexp(0.0, m))  # l'(m) * y, l'(m) = -sigmoid(-m)
    grad = np.array([
        np.mean(dl_df * N),
        np.mean(dl_df * P),
        np.mean(dl_df * (a_minus * cN + a_plus * cP)),
    ])
    return loss, grad


def check_gradient(theta, X, y):
    _, g = loss_and_grad(theta, X, y)
    for k in range(3):
        h = 1e-6 * max(1.0, abs(theta[k]))
        tp, tm = theta.copy(), theta.copy()
        tp[k] += h
        tm[k] -= h
        fd = (loss_and_grad(tp, X, y)[0] - loss_and_grad(tm, X, y)[0]) / (2 * h)
        if abs(fd - g[k]) > 1e-5 * max(abs(fd), 1e-3 * np.abs(g).max()):
            raise SystemExit(f"numpy_reference: gradient {k} is {g[k]}, finite differences {fd}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--d", type=int, default=200)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--lam", type=float, default=3.0)
    ap.add_argument("--eta-rel", type=float, default=2.0, help="eta in units of eta* = 8 pi / d^2")
    ap.add_argument("--steps", type=int, default=2000, help="GD steps per repetition")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", action="store_true", help="check the gradient by finite differences first")
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    X, y = make_data(rng, args.n, args.d, args.lam)
    theta0 = np.array([rng.normal(0, math.sqrt(1 / (2 * args.d))), rng.normal(0, math.sqrt(1 / (2 * args.d))), 0.0])
    eta = args.eta_rel * 8 * math.pi / args.d**2
    if args.check:
        check_gradient(theta0, X, y)
        check_gradient(np.array([theta0[0], theta0[1], -0.3]), X, y)

    best = math.inf
    for _ in range(args.repeats):
        theta = theta0.copy()
        t0 = time.process_time()
        for _ in range(args.steps):
            _, g = loss_and_grad(theta, X, y)
            theta -= eta * g
        best = min(best, (time.process_time() - t0) / args.steps)
    print(f"numpy step: d = {args.d}, n = {args.n}, {best * 1e9:.0f} ns/step "
          f"(best CPU time of {args.repeats} x {args.steps} steps; final b = {theta[2]:.4g}; numpy {np.__version__})")


if __name__ == "__main__":
    main()
