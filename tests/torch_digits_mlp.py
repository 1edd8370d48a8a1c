"""The PyTorch side of the mlp references (methods_reference.py, minibatch_reference.py): the first
n digits as eos-sweep reads them (pixels / 16, standardised per pixel, constant pixels 0; one-hot
targets), a fully connected tanh net with θ in eos-sweep's layout (per layer W out × in, row-major,
then b) and Cohen et al.'s MSE, (1/n) Σ ½‖f(x) − e_y‖². Written from the conventions in README.md,
not from eos-sweep's code."""
import gzip

import numpy as np
import torch

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def digits(n):
    with gzip.open(DIGITS, "rt") as f:
        a = np.loadtxt(f, delimiter=",")
    x, y = a[:n, :-1] / 16.0, a[:n, -1].astype(int)
    mu, sd = x.mean(0), x.std(0)
    x = np.where(sd > 0, (x - mu) / np.where(sd > 0, sd, 1), 0.0)
    return torch.tensor(x), torch.nn.functional.one_hot(torch.tensor(y), 10).double()


def unflatten(theta, sizes):
    """θ as tensors, per layer W (out × in) then b, for layer sizes [inputs, hidden..., outputs]."""
    out, off = [], 0
    for i, o in zip(sizes[:-1], sizes[1:]):
        out.append(theta[off:off + o * i].reshape(o, i))
        off += o * i
        out.append(theta[off:off + o])
        off += o
    return out


def flat(params):
    return torch.cat([p.detach().reshape(-1) for p in params])


def loss_of(params, x, t):
    h = x
    for k in range(0, len(params), 2):
        h = h @ params[k].T + params[k + 1]
        if k + 2 < len(params):
            h = torch.tanh(h)
    return 0.5 * ((h - t) ** 2).sum() / x.shape[0]  # Cohen's MSE: (1/n) Σ ½‖f − e_y‖²
