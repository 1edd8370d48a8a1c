#!/usr/bin/python3
"""The PyTorch baseline of the mlp model (Cohen et al.'s code, full batch, float64): fc net on
digits, GD for STEPS steps with the top-2 Hessian eigenvalues every EVERY steps by scipy's eigsh
(which='LA', tol 1e-8, warm-started from the last top eigenvector), Hessian-vector products by
double backward. One thread. Prints one line of JSON: wall time, losses, sharpness samples, HVPs
per solve; with --init FILE starts from those parameters (the eos-sweep layout), with --save FILE
writes the final ones.

  /usr/bin/python3 bench/mlp_torch.py [--n 1797] [--width 200] [--depth 2] [--eta 0.2] [--steps 300]
      [--every 50] [--activation tanh] [--loss mse] [--init params.npy] [--save final.npy]
"""
import argparse, gzip, json, os, time

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator, eigsh

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
ACT = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "elu": torch.nn.ELU, "softplus": lambda: torch.nn.Softplus(threshold=1e9),
       "gelu": torch.nn.GELU, "identity": torch.nn.Identity}


def digits(n):
    with gzip.open(DIGITS, "rt") as f:
        a = np.loadtxt(f, delimiter=",")
    x, y = a[:n, :-1] / 16.0, a[:n, -1].astype(np.int64)
    sd = x.std(0)
    x = np.where(sd > 0, (x - x.mean(0)) / np.where(sd > 0, sd, 1), 0.0)
    return torch.tensor(x), torch.tensor(y)


def network(d, width, depth, classes, act):
    mods, prev = [], d
    for _ in range(depth):
        mods += [torch.nn.Linear(prev, width), ACT[act]()]
        prev = width
    mods.append(torch.nn.Linear(prev, classes))
    return torch.nn.Sequential(*mods).double()


def main():
    ap = argparse.ArgumentParser()
    for k, v in [("n", 1797), ("width", 200), ("depth", 2), ("steps", 300), ("every", 50)]:
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--eta", type=float, default=0.2)
    ap.add_argument("--activation", default="tanh")
    ap.add_argument("--loss", default="mse")
    ap.add_argument("--init")
    ap.add_argument("--save")
    a = ap.parse_args()
    torch.set_num_threads(1)
    x, y = digits(a.n)
    net = network(x.shape[1], a.width, a.depth, 10, a.activation)
    params = list(net.parameters())
    if a.init:
        torch.nn.utils.vector_to_parameters(torch.tensor(np.load(a.init)), params)
    onehot = torch.nn.functional.one_hot(y, 10).double()

    def loss_fn():
        f = net(x)
        if a.loss == "mse":
            return 0.5 * ((f - onehot) ** 2).sum() / a.n
        return torch.nn.functional.cross_entropy(f, y)

    hvps = [0]

    def hvp(v):
        hvps[0] += 1
        g = torch.autograd.grad(loss_fn(), params, create_graph=True)
        dot = torch.nn.utils.parameters_to_vector(g) @ torch.tensor(v)
        return torch.nn.utils.parameters_to_vector(torch.autograd.grad(dot, params)).detach().numpy()

    dim = sum(p.numel() for p in params)
    start, losses, sharp = None, [], []
    t0 = time.perf_counter()
    for t in range(a.steps + 1):
        loss = loss_fn()
        losses.append(loss.item())
        if t % a.every == 0 or t == a.steps:
            op = LinearOperator((dim, dim), matvec=hvp, dtype=np.float64)
            vals, vecs = eigsh(op, k=2, which="LA", tol=1e-8, v0=start)
            order = np.argsort(vals)[::-1]
            sharp.append([t] + [float(v) for v in vals[order]])
            start = vecs[:, order[0]]
        if t == a.steps:
            break
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= a.eta * g
    wall = time.perf_counter() - t0
    if a.save:
        np.save(a.save, torch.nn.utils.parameters_to_vector(params).detach().numpy())
    print(json.dumps({"wall_s": wall, "loss": losses, "sharpness": sharp, "hvps_per_solve": hvps[0] / len(sharp),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
