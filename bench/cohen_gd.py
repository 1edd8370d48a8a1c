#!/usr/bin/python3
"""Runs Cohen et al.'s own gd.py (a checkout of locuslab/edge-of-stability, unmodified, not part of
this repository) on the CPU on the digits, as its README runs it: fc-tanh, float32, eigsh's
defaults, the top NEIGS Hessian eigenvalues every EIG_FREQ steps. The driver only supplies what
their code would fetch or put on a GPU: a data set in their format (the first N digits for
training, the next N_TEST for testing, centred and standardised by the training statistics as
their cifar.py does, one-hot targets for mse), the digits' sizes to their architecture builder,
and .cuda() made a no-op. Their code has no licence, so it is imported from the checkout, never
copied. Writes the initial parameters (their seed, in eos-sweep's init_params layout, float64)
before the run, and prints one JSON line: wall and CPU time of their main(), eigenvalues, final
loss.

  /usr/bin/python3 bench/cohen_gd.py CHECKOUT --init init.npy [--n 1000] [--n-test 200] [--lr 0.2]
      [--steps 1000] [--eig-freq 50] [--neigs 2] [--loss mse]
"""
import argparse, gzip, json, os, sys, tempfile, time, types

import numpy as np
import torch

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def digits(n, n_test, loss):
    with gzip.open(DIGITS, "rt") as f:
        a = np.loadtxt(f, delimiter=",")
    x, y = a[:, :-1] / 16.0, a[:, -1].astype(np.int64)
    train, test = x[:n], x[n:n + n_test]
    mean, sd = train.mean(0), train.std(0)
    scale = np.where(sd > 0, sd, 1)
    norm = lambda v: np.where(sd > 0, (v - mean) / scale, 0.0)

    def labels(v):
        t = torch.tensor(v)
        return t if loss == "ce" else torch.nn.functional.one_hot(t, 10).float()

    from torch.utils.data import TensorDataset
    return (TensorDataset(torch.tensor(norm(train)).float(), labels(y[:n])),
            TensorDataset(torch.tensor(norm(test)).float(), labels(y[n:n + n_test])))


def cpu_only():
    """Their .cuda() calls and device='cuda' tensors, on the CPU."""
    torch.Tensor.cuda = lambda self, *a, **k: self
    torch.nn.Module.cuda = lambda self, *a, **k: self
    zeros = torch.zeros

    def zeros_cpu(*a, **k):
        if k.get("device") == "cuda":
            k["device"] = "cpu"
        return zeros(*a, **k)
    torch.zeros = zeros_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkout")
    ap.add_argument("--init", required=True)
    for k, v in [("n", 1000), ("n-test", 200), ("steps", 1000), ("eig-freq", 50), ("neigs", 2)]:
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--loss", default="mse")
    a = ap.parse_args()
    torch.set_num_threads(1)
    cpu_only()
    sys.path.insert(0, os.path.join(a.checkout, "src"))
    sys.modules["cifar"] = types.SimpleNamespace(load_cifar=None)  # their cifar.py needs torchvision
    os.environ.setdefault("DATASETS", tempfile.mkdtemp())
    results = tempfile.mkdtemp()
    os.environ["RESULTS"] = results
    import archs, data, gd  # noqa: E402  (their modules)
    train, test = digits(a.n, a.n_test, a.loss)
    gd.load_dataset = lambda name, loss: (train, test)
    archs.num_pixels = lambda name: 64
    archs.num_classes = lambda name: 10
    torch.manual_seed(0)  # gd.main's seed 0: the same network as the one it builds
    net = archs.load_architecture("fc-tanh", "digits")
    np.save(a.init, torch.nn.utils.parameters_to_vector(net.parameters()).detach().double().numpy())
    import io, contextlib
    out = io.StringIO()
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        gd.main(dataset="digits", arch_id="fc-tanh", loss=a.loss, opt="gd", lr=a.lr, max_steps=a.steps,
                neigs=a.neigs, eig_freq=a.eig_freq)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    eigs = [l.split(":", 1)[1].strip() for l in out.getvalue().splitlines() if l.startswith("eigenvalues")]
    last = [l for l in out.getvalue().splitlines() if l[:1].isdigit()][-1].split()
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "eigenvalues": eigs, "final_train_loss": float(last[1]),
                      "final_train_acc": float(last[2]), "steps": int(last[0]) + 1, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
