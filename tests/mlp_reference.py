"""An independent NumPy implementation of model = mlp (forward, backpropagation, GD, and the top
Hessian eigenvalue from central differences of its own gradient) against eos-sweep from the same
init_params: the loss every K steps, the final parameters and the top Hessian eigenvalue every K
steps must agree to 1e-8, 1e-8 and 1e-6 (relative) over a few hundred steps on digits.

  /usr/bin/python3 tests/mlp_reference.py EOS_SWEEP SCRATCH_DIR
"""
import csv, gzip, json, os, subprocess, sys

import numpy as np

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
CASES = [  # activation, loss, width, depth, n, eta, steps, every
    ("tanh", "mse", 16, 2, 400, 0.1, 300, 50),
    ("gelu", "ce", 12, 2, 300, 0.2, 200, 50),
    ("tanh", "ce", 700, 1, 300, 0.5, 100, 50),  # wide: eos-sweep goes through these samples in several blocks
]


def act(name, z):
    if name == "tanh":
        return np.tanh(z)
    if name == "gelu":
        from math import erf
        return z * 0.5 * (1 + np.vectorize(erf)(z / np.sqrt(2)))
    raise ValueError(name)


def dact(name, z):
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    from math import erf
    cdf = 0.5 * (1 + np.vectorize(erf)(z / np.sqrt(2)))
    return cdf + z * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


def data(n):
    with gzip.open(DIGITS, "rt") as f:
        a = np.loadtxt(f, delimiter=",")
    x, y = a[:n, :-1] / 16.0, a[:n, -1].astype(int)
    mu, sd = x.mean(0), x.std(0)
    return np.where(sd > 0, (x - mu) / np.where(sd > 0, sd, 1), 0.0), y


def layers(theta, sizes):
    out, off = [], 0
    for i, o in zip(sizes[:-1], sizes[1:]):
        W = theta[off:off + o * i].reshape(o, i)  # row-major out × in, as PyTorch
        off += o * i
        out.append((W, theta[off:off + o]))
        off += o
    return out


def loss_grad(theta, sizes, x, y, a_name, loss):
    n = len(y)
    hs, zs = [x], []
    L = layers(theta, sizes)
    for k, (W, b) in enumerate(L):
        z = hs[-1] @ W.T + b
        zs.append(z)
        if k < len(L) - 1:
            hs.append(act(a_name, z))
    f = zs[-1]
    onehot = np.eye(sizes[-1])[y]
    if loss == "mse":
        value = 0.5 * ((f - onehot) ** 2).sum() / n
        d = (f - onehot) / n
    else:
        m = f.max(1, keepdims=True)
        e = np.exp(f - m)
        p = e / e.sum(1, keepdims=True)
        value = (np.log(e.sum(1)) + m[:, 0] - f[np.arange(n), y]).mean()
        d = (p - onehot) / n
    grads = []
    for k in range(len(L) - 1, -1, -1):
        W, _ = L[k]
        grads.append(np.concatenate([(d.T @ hs[k]).ravel(), d.sum(0)]))
        if k > 0:
            d = (d @ W) * dact(a_name, zs[k - 1])
    return value, np.concatenate(grads[::-1])


def sharpness(theta, f, h=1e-5, m=60):
    """The top eigenvalue of the Hessian projected on an m-dimensional Krylov space of its own
    central-difference HVPs (fully reorthogonalised; Rayleigh-Ritz), not eos-sweep's R-operator
    and Spectra: 2m gradients instead of the 2P of a dense difference Hessian."""
    P = len(theta)
    m = min(m, P)
    Q, HQ = np.zeros((m, P)), np.zeros((m, P))
    q = np.random.default_rng(0).standard_normal(P)
    for j in range(m):
        for _ in range(2):
            q = q - Q[:j].T @ (Q[:j] @ q)
        Q[j] = q / np.linalg.norm(q)
        HQ[j] = (f(theta + h * Q[j])[1] - f(theta - h * Q[j])[1]) / (2 * h)
        q = HQ[j]
    T = Q @ HQ.T
    return np.linalg.eigvalsh(0.5 * (T + T.T))[-1]


def check(case, eos, tmp):
    a_name, loss, width, depth, n, eta, steps, every = case
    sizes = [64] + [width] * depth + [10]
    rng = np.random.default_rng(5)
    theta0 = np.concatenate([np.concatenate([rng.uniform(-1, 1, o * i), rng.uniform(-1, 1, o)]) / np.sqrt(i)
                             for i, o in zip(sizes[:-1], sizes[1:])])
    name = f"{a_name}-{loss}"
    init = os.path.join(tmp, name + "-init.npy")
    np.save(init, theta0)
    job = os.path.join(tmp, name + ".ini")
    with open(job, "w") as fh:
        fh.write(f"model = mlp\ndataset = digits\nn = {n}\nn_test = 0\nwidth = {width}\ndepth = {depth}\n"
                 f"activation = {a_name}\nloss = {loss}\neta = {eta}\nsteps = {steps}\nsharpness_every = {every}\n"
                 f"trace_every = {every}\ninit_params = {init}\nsave_params = final\nsolver = lanczos\n")
    out = os.path.join(tmp, name)
    subprocess.run([eos, "run", job, "--out", out, "--progress", "none"], check=True)
    row = list(csv.DictReader(open(os.path.join(out, "results.csv"))))[0]
    trace = list(csv.DictReader(open(os.path.join(out, "traces", row["id"] + ".csv"))))
    final = np.load(os.path.join(out, "params", row["id"] + ".npy"))
    x, y = data(n)
    f = lambda th: loss_grad(th, sizes, x, y, a_name, loss)
    theta, worst = theta0.copy(), {"loss": 0.0, "sharpness": 0.0}
    for t in range(steps + 1):
        value, g = f(theta)
        if t % every == 0:
            r = trace[t // every]
            assert int(r["step"]) == t
            worst["loss"] = max(worst["loss"], abs(float(r["loss"]) - value) / value)
            s = sharpness(theta, f)
            worst["sharpness"] = max(worst["sharpness"], abs(float(r["sharpness"]) - s) / abs(s))
        if t < steps:
            theta = theta - eta * g
    worst["params"] = float(np.linalg.norm(final - theta) / np.linalg.norm(theta))
    print(name, json.dumps(worst))
    bad = [k for k, tol in [("loss", 1e-8), ("params", 1e-8), ("sharpness", 1e-6)] if not worst[k] <= tol]
    return bad


def main():
    eos, tmp = sys.argv[1], sys.argv[2]
    os.makedirs(tmp, exist_ok=True)
    failures = [(c[0], c[1], b) for c in CASES for b in [check(c, eos, tmp)] if b]
    if failures:
        print("FAIL: eos-sweep and the NumPy reference differ:", failures)
        sys.exit(1)
    print("mlp reference: ok")


if __name__ == "__main__":
    main()
