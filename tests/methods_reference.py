"""Every method of eos-sweep against an independent implementation: PyTorch's torch.optim (SGD with
momentum and nesterov, RMSprop, Adam) in float64 on the same fc net, data and init_params, and
small PyTorch loops of our own where torch.optim has no such option (Adam without bias
correction, a frozen preconditioner). The loss at every step and the final parameters must agree
to 1e-10 (relative) over 200 steps; for the adaptive methods, the preconditioned sharpness
λ₁(P^{-1/2} H P^{-1/2}) at the samples to 1e-6, from SciPy's eigsh over PyTorch's double-backward
Hessian-vector products.

  /usr/bin/python3 tests/methods_reference.py EOS_SWEEP SCRATCH_DIR
"""
import csv, json, os, subprocess, sys

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator, eigsh

from torch_digits_mlp import digits, flat, loss_of
from torch_digits_mlp import unflatten as unflatten_sizes

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

N, WIDTH, STEPS, EVERY = 300, 16, 200, 50
SIZES = [64, WIDTH, WIDTH, 10]
# name, eos-sweep keys, eta
CASES = [
    ("polyak", {"method": "polyak", "momentum": "0.9"}, 0.05),
    ("nesterov", {"method": "nesterov", "momentum": "0.9"}, 0.05),
    ("rmsprop", {"method": "rmsprop", "beta2": "0.99", "eps": "1e-8"}, 2e-4),
    ("adam", {"method": "adam", "beta1": "0.9", "beta2": "0.999", "eps": "1e-8"}, 1e-3),
    ("adam-no-bias-correction", {"method": "adam", "bias_correction": "off"}, 1e-3),
    ("rmsprop-frozen", {"method": "rmsprop", "beta2": "0.99", "frozen": "100"}, 2e-4),
    ("adam-frozen", {"method": "adam", "frozen": "100"}, 1e-3),
]


def data():
    return digits(N)


def unflatten(theta):
    """PyTorch's layout: per layer W (out × in, row-major), then b."""
    return unflatten_sizes(theta, SIZES)


def hvp(params, x, t, v):
    loss = loss_of(params, x, t)
    g = torch.autograd.grad(loss, params, create_graph=True)
    gv = sum((gi * vi).sum() for gi, vi in zip(g, unflatten(v)))
    return flat(torch.autograd.grad(gv, params))


def psharpness(params, x, t, d):
    """λ₁ of D H D, D = diag(d), by eigsh over double-backward HVPs."""
    d = torch.tensor(d)
    op = LinearOperator((len(d), len(d)), dtype=np.float64,
                        matvec=lambda v: (d * hvp(params, x, t, d * torch.tensor(np.ravel(v)))).numpy())
    return float(eigsh(op, k=1, which="LA", tol=1e-12, return_eigenvectors=False)[0])


class Manual:
    """Adam or RMSprop by hand (for what torch.optim cannot do): bias correction off, and P frozen
    from a given update on (θ ← θ − ηP⁻¹m with the P of the update before; ν no longer updated)."""

    def __init__(self, params, kind, eta, b1=0.9, b2=0.999, eps=1e-8, bias=True, frozen=0):
        self.params, self.kind, self.eta, self.b1, self.b2, self.eps = params, kind, eta, b1, b2, eps
        self.bias, self.frozen, self.t = bias, frozen, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.P = None

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        frozen = self.frozen > 0 and self.t >= self.frozen
        self.t += 1
        newP = []
        with torch.no_grad():
            for k, p in enumerate(self.params):
                g = p.grad
                if self.kind == "adam":
                    self.m[k] = self.b1 * self.m[k] + (1 - self.b1) * g
                m = self.m[k] if self.kind == "adam" else g
                if frozen:
                    p -= self.eta * (m / self.P[k])
                    continue
                self.v[k] = self.b2 * self.v[k] + (1 - self.b2) * g * g
                bc1 = 1 - self.b1 ** self.t if (self.kind == "adam" and self.bias) else 1.0
                bc2 = 1 - self.b2 ** self.t if (self.kind == "adam" and self.bias) else 1.0
                denom = self.v[k].sqrt() / np.sqrt(bc2) + self.eps
                p -= (self.eta / bc1) * (m / denom)
                newP.append(bc1 * denom)
        if not frozen:
            self.P = newP

    def precondition(self):
        return torch.cat([p.reshape(-1) for p in self.P]).numpy()


def reference(name, keys, eta, theta0, x, t):
    params = [p.clone().requires_grad_(True) for p in unflatten(torch.tensor(theta0))]
    m = keys["method"]
    b1, b2 = float(keys.get("beta1", 0.9)), float(keys.get("beta2", 0.999))
    eps = float(keys.get("eps", 1e-8))
    manual = keys.get("bias_correction") == "off" or "frozen" in keys
    if manual:
        opt = Manual(params, m, eta, b1, b2, eps, keys.get("bias_correction", "on") == "on", int(keys.get("frozen", 0)))
    elif m in ("polyak", "nesterov"):
        opt = torch.optim.SGD(params, lr=eta, momentum=float(keys["momentum"]), nesterov=m == "nesterov")
    elif m == "rmsprop":
        opt = torch.optim.RMSprop(params, lr=eta, alpha=b2, eps=eps)
    else:
        opt = torch.optim.Adam(params, lr=eta, betas=(b1, b2), eps=eps)
    losses, psharp = [], {}
    for step in range(STEPS + 1):
        loss = loss_of(params, x, t)
        losses.append(loss.item())
        if m in ("rmsprop", "adam") and step % EVERY == 0 and step > 0:
            if manual:
                P = opt.precondition()
            else:
                st = [opt.state[p] for p in params]
                if m == "rmsprop":
                    P = torch.cat([(s["square_avg"].sqrt() + eps).reshape(-1) for s in st]).numpy()
                else:
                    n = step  # updates taken
                    bc1, bc2 = 1 - b1 ** n, 1 - b2 ** n
                    P = torch.cat([(bc1 * (s["exp_avg_sq"].sqrt() / np.sqrt(bc2) + eps)).reshape(-1) for s in st]).numpy()
            psharp[step] = psharpness(params, x, t, 1 / np.sqrt(P))
        if step == STEPS:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.array(losses), flat(params).numpy(), psharp


def check(case, eos, tmp, x, t):
    name, keys, eta = case
    rng = np.random.default_rng(7)
    theta0 = np.concatenate([np.concatenate([rng.uniform(-1, 1, o * i), rng.uniform(-1, 1, o)]) / np.sqrt(i)
                             for i, o in zip(SIZES[:-1], SIZES[1:])])
    init = os.path.join(tmp, name + "-init.npy")
    np.save(init, theta0)
    job = os.path.join(tmp, name + ".ini")
    extra = "".join(f"{k} = {v}\n" for k, v in keys.items())
    with open(job, "w") as fh:
        fh.write(f"model = mlp\ndataset = digits\nn = {N}\nn_test = 0\nwidth = {WIDTH}\ndepth = 2\n"
                 f"activation = tanh\nloss = mse\neta = {eta}\nsteps = {STEPS}\nsharpness_every = {EVERY}\n"
                 f"trace_every = 1\ninit_params = {init}\nsave_params = final\nsolver = lanczos\n" + extra)
    out = os.path.join(tmp, name)
    subprocess.run([eos, "run", job, "--out", out, "--progress", "none"], check=True)
    row = list(csv.DictReader(open(os.path.join(out, "results.csv"))))[0]
    trace = list(csv.DictReader(open(os.path.join(out, "traces", row["id"] + ".csv"))))
    final = np.load(os.path.join(out, "params", row["id"] + ".npy"))
    losses, theta, psharp = reference(name, keys, eta, theta0, x, t)
    got = np.array([float(r["loss"]) for r in trace])
    worst = {"loss": float(np.max(np.abs(got - losses) / losses)),
             "params": float(np.linalg.norm(final - theta) / np.linalg.norm(theta)),
             "psharpness": 0.0, "psharpness_samples": len(psharp)}
    for step, s in psharp.items():
        r = trace[step]
        worst["psharpness"] = max(worst["psharpness"], abs(float(r["psharpness"]) - s) / abs(s))
    if psharp:
        worst["psharpness_final"] = float(row["psharpness_final"])
        worst["edge_level"] = float(row["edge_level"])
    print(name, json.dumps(worst), flush=True)
    return [k for k, tol in [("loss", 1e-10), ("params", 1e-10), ("psharpness", 1e-6)] if not worst[k] <= tol]


def main():
    eos, tmp = sys.argv[1], sys.argv[2]
    os.makedirs(tmp, exist_ok=True)
    x, t = data()
    failures = [(c[0], b) for c in CASES for b in [check(c, eos, tmp, x, t)] if b]
    if failures:
        print("FAIL: eos-sweep and PyTorch differ:", failures)
        sys.exit(1)
    print("methods reference: ok")


if __name__ == "__main__":
    main()
