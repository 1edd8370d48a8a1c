#!/usr/bin/python3
"""The PyTorch baseline of the mlp model (Cohen et al.'s code, full batch, float64 or float32): fc
net on digits or Fashion-MNIST (the first N training images, prepared as eos-sweep prepares them), GD for STEPS steps with the top-2 Hessian eigenvalues every EVERY steps by scipy's
eigsh (which='LA', tol 1e-8 (float32: 1e-6), warm-started from the last top eigenvector), Hessian-vector products
by double backward. One thread. Prints one line of JSON: wall and CPU time of the loop, losses, sharpness samples,
HVPs per solve, the OpenBLAS kernel PyTorch's BLAS runs; with --init FILE starts from those
parameters (the eos-sweep layout), with --save FILE writes the final ones.

  /usr/bin/python3 bench/mlp_torch.py [--dataset digits|fashion-mnist] [--n 1500] [--width 200] [--depth 2] [--eta 0.2] [--steps 300]
      [--every 50] [--activation tanh] [--loss mse] [--dtype float64|float32] [--init params.npy]
      [--save final.npy]
"""
import argparse, ctypes, gzip, json, os, time

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator, eigsh

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
FASHION = "/usr/share/datasets/fashion-mnist/"
ACT = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "elu": torch.nn.ELU, "softplus": lambda: torch.nn.Softplus(threshold=1e9),
       "gelu": torch.nn.GELU, "identity": torch.nn.Identity}


def standardized(x, y):
    """Each feature centred and scaled to unit (population) deviation over the samples, as eos-sweep does."""
    sd = x.std(0)
    x = np.where(sd > 0, (x - x.mean(0)) / np.where(sd > 0, sd, 1), 0.0)
    return torch.tensor(x), torch.tensor(y)


def digits(n):
    with gzip.open(DIGITS, "rt") as f:
        a = np.loadtxt(f, delimiter=",")
    return standardized(a[:n, :-1] / 16.0, a[:n, -1].astype(np.int64))


def fashion(n):
    """The first n training images of Fashion-MNIST (idx files: 16- and 8-byte headers), pixels / 255."""
    with gzip.open(FASHION + "train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n].astype(np.float64) / 255.0
    with gzip.open(FASHION + "train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:n].astype(np.int64)
    return standardized(x, y)


def network(d, width, depth, classes, act, dtype):
    mods, prev = [], d
    for _ in range(depth):
        mods += [torch.nn.Linear(prev, width), ACT[act]()]
        prev = width
    mods.append(torch.nn.Linear(prev, classes))
    return torch.nn.Sequential(*mods).to(dtype)


def blas_core():
    """The kernel of the OpenBLAS loaded in this process (its own detection or OPENBLAS_CORETYPE)."""
    for path in sorted({l.split()[-1] for l in open("/proc/self/maps") if "openblas" in l and ".so" in l}):
        try:
            f = ctypes.CDLL(path).openblas_get_corename
            f.restype = ctypes.c_char_p
            return f().decode()
        except (OSError, AttributeError):
            continue
    return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default="digits", choices=["digits", "fashion-mnist"])
    for k, v in [("n", 1500), ("width", 200), ("depth", 2), ("steps", 300), ("every", 50)]:
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--eta", type=float, default=0.2)
    ap.add_argument("--activation", default="tanh")
    ap.add_argument("--loss", default="mse")
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument("--tol", type=float, help="eigsh's tol (default 1e-8; float32: 1e-6, above its rounding noise)")
    ap.add_argument("--init")
    ap.add_argument("--save")
    a = ap.parse_args()
    torch.set_num_threads(1)
    dtype = getattr(torch, a.dtype)
    x, y = (digits if a.dataset == "digits" else fashion)(a.n)
    x = x.to(dtype)
    net = network(x.shape[1], a.width, a.depth, 10, a.activation, dtype)
    params = list(net.parameters())
    if a.init:
        torch.nn.utils.vector_to_parameters(torch.tensor(np.load(a.init)).to(dtype), params)
    onehot = torch.nn.functional.one_hot(y, 10).to(dtype)

    def loss_fn():
        f = net(x)
        if a.loss == "mse":
            return 0.5 * ((f - onehot) ** 2).sum() / a.n
        return torch.nn.functional.cross_entropy(f, y)

    hvps = [0]

    def hvp(v):
        hvps[0] += 1
        g = torch.autograd.grad(loss_fn(), params, create_graph=True)
        dot = torch.nn.utils.parameters_to_vector(g) @ torch.tensor(v).to(dtype)
        return torch.nn.utils.parameters_to_vector(torch.autograd.grad(dot, params)).detach().double().numpy()

    dim = sum(p.numel() for p in params)
    start, losses, sharp = None, [], []
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(a.steps + 1):
        loss = loss_fn()
        losses.append(loss.item())
        if t % a.every == 0 or t == a.steps:
            op = LinearOperator((dim, dim), matvec=hvp, dtype=np.float64)
            tol = a.tol if a.tol is not None else (1e-8 if a.dtype == "float64" else 1e-6)
            vals, vecs = eigsh(op, k=2, which="LA", tol=tol, v0=start)
            order = np.argsort(vals)[::-1]
            sharp.append([t] + [float(v) for v in vals[order]])
            start = vecs[:, order[0]]
        if t == a.steps:
            break
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= a.eta * g
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if a.save:
        np.save(a.save, torch.nn.utils.parameters_to_vector(params).detach().double().numpy())
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "loss": losses, "sharpness": sharp, "hvps_per_solve": hvps[0] / len(sharp),
                      "torch": torch.__version__, "threads": torch.get_num_threads(), "dtype": a.dtype,
                      "blas": blas_core()}))


if __name__ == "__main__":
    main()
