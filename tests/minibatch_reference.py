"""Minibatch runs of eos-sweep against an independent implementation (docs/minibatch.md):

- the documented sampling, reimplemented here from its description: the Rng stream (FNV-1a over
  the purpose and the keys' float64 bytes, splitmix64 seeding, xoshiro256**, below() by
  rejection), epoch e's Fisher–Yates permutation from Rng("batches", {batch_seed, n, e}), step t
  the batch t mod m of epoch t div m (m = n div B, the last n mod B samples dropped);
- each step: from the saved state θ_t (and the momentum buffer) a PyTorch step on that batch gives
  θ_{t+1} of the saved state to 1e-12 (relative), for gd and polyak;
- the trajectory: the batch loss of every step (the trace's loss) and the final parameters to
  1e-10 over several epochs, from the same init_params;
- the batch sharpness: the Monte Carlo estimate at step 0 reproduced from its stream
  Rng("batch-sharpness", {batch_seed, n, B, t}) and its stopping rule with PyTorch's
  double-backward HVPs (value to 1e-9, the same number of batches), and compared with the exact
  expectation E_B[g_BᵀH_Bg_B/‖g_B‖²] over all C(n, B) batches of a tiny set (within 3 standard
  errors); with B = n it is gᵀHg/‖g‖² of the full set.

  /usr/bin/python3 tests/minibatch_reference.py EOS_SWEEP SCRATCH_DIR
"""
import csv, itertools, json, os, struct, subprocess, sys

import numpy as np
import torch

from torch_digits_mlp import digits as data, flat, loss_of, unflatten

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

M64 = (1 << 64) - 1


class Rng:
    """eos-sweep's named stream (src: include/eos/util/rng.h), from its description."""

    def __init__(self, purpose, keys):
        h = 0xcbf29ce484222325
        for b in purpose.encode() + b"".join(struct.pack("<d", float(k) + 0.0) for k in keys):
            h = ((h ^ b) * 0x100000001b3) & M64
        self.s = []
        for _ in range(4):
            h = (h + 0x9e3779b97f4a7c15) & M64
            z = h
            z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
            z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M64

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def below(self, n):
        limit = ((1 << 64) - n) % n
        while True:
            r = self.next()
            if r >= limit:
                return r % n


def epoch_permutation(n, seed, epoch):
    p = list(range(n))
    rng = Rng("batches", [seed, n, epoch])
    for i in range(n - 1, 0, -1):
        j = rng.below(i + 1)
        p[i], p[j] = p[j], p[i]
    return p


def batch_of_step(n, B, seed, t):
    m = n // B
    e, k = divmod(t, m)
    return epoch_permutation(n, seed, e)[k * B:(k + 1) * B]


def random_batches(n, B, seed, t):
    """The estimator's batches at step t: a partial Fisher–Yates shuffle, the pool kept."""
    rng, pool = Rng("batch-sharpness", [seed, n, B, t]), list(range(n))
    while True:
        for i in range(B):
            j = i + rng.below(n - i)
            pool[i], pool[j] = pool[j], pool[i]
        yield list(pool[:B])


def grad_at(theta, sizes, x, t):
    params = [p.clone().requires_grad_(True) for p in unflatten(torch.tensor(theta), sizes)]
    loss = loss_of(params, x, t)
    return loss.item(), flat(torch.autograd.grad(loss, params)).numpy()


def ratio(theta, sizes, x, t):
    """g_BᵀH_Bg_B/‖g_B‖² on the rows given, by a double-backward HVP."""
    params = [p.clone().requires_grad_(True) for p in unflatten(torch.tensor(theta), sizes)]
    g = torch.autograd.grad(loss_of(params, x, t), params, create_graph=True)
    gf = flat(g)
    gv = sum((gi * vi).sum() for gi, vi in zip(g, unflatten(gf.clone(), sizes)))
    hg = flat(torch.autograd.grad(gv, params))
    return float(gf @ hg / (gf @ gf))


def init(sizes, seed=7):
    rng = np.random.default_rng(seed)
    return np.concatenate([np.concatenate([rng.uniform(-1, 1, o * i), rng.uniform(-1, 1, o)]) / np.sqrt(i)
                           for i, o in zip(sizes[:-1], sizes[1:])])


def run(eos, tmp, name, keys):
    job = os.path.join(tmp, name + ".ini")
    with open(job, "w") as fh:
        fh.write("model = mlp\ndataset = digits\nn_test = 0\ndepth = 2\nactivation = tanh\nloss = mse\n"
                 "trace_every = 1\nsave_params = final\n" + "".join(f"{k} = {v}\n" for k, v in keys.items()))
    out = os.path.join(tmp, name)
    subprocess.run([eos, "run", job, "--out", out, "--progress", "none"], check=True)
    row = list(csv.DictReader(open(os.path.join(out, "results.csv"))))[0]
    trace = list(csv.DictReader(open(os.path.join(out, "traces", row["id"] + ".csv"))))
    return out, row, trace


def rel(a, b):
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / max(np.linalg.norm(np.asarray(b)), 1e-300))


def check_steps(eos, tmp, method, extra, eta):
    """Trajectory and single steps of a minibatch run (n = 100, B = 16: 6 batches an epoch, 4
    samples dropped) against PyTorch."""
    n, B, seed, width, steps = 100, 16, 5, 12, 40
    sizes = [64, width, width, 10]
    x, y = data(n)
    theta0 = init(sizes)
    path = os.path.join(tmp, f"{method}-init.npy")
    np.save(path, theta0)
    saves = [7, 8, 23, 24]
    out, row, trace = run(eos, tmp, method, {
        "n": n, "width": width, "eta": eta, "steps": steps, "sharpness_every": steps, "method": method,
        "batch_size": B, "batch_seed": seed, "init_params": path, "save_states": ", ".join(map(str, saves)),
        "solver": "lanczos", **extra})
    beta = float(extra.get("momentum", 0))
    # The trajectory: heavy ball as torch.optim.SGD (v ← βv + g, θ ← θ − ηv), plain GD at β = 0.
    params = [p.clone().requires_grad_(True) for p in unflatten(torch.tensor(theta0), sizes)]
    opt = torch.optim.SGD(params, lr=eta, momentum=beta)
    losses = []
    for t in range(steps + 1):
        rows = batch_of_step(n, B, seed, t)
        loss = loss_of(params, x[rows], y[rows])
        losses.append(loss.item())
        if t == steps:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    got = np.array([float(r["loss"]) for r in trace])
    final = np.load(os.path.join(out, "params", row["id"] + ".npy"))
    worst = {"trajectory_loss": float(np.max(np.abs(got - losses) / np.abs(losses))),
             "final_params": rel(final, flat(params).numpy())}
    # Single steps: θ_{t+1} from θ_t (and v_t) of the saved states.
    step_err = 0.0
    for t in saves[::2]:
        a = np.load(os.path.join(out, "states", f"{row['id']}-{t}.npz"))
        b = np.load(os.path.join(out, "states", f"{row['id']}-{t + 1}.npz"))
        rows = batch_of_step(n, B, seed, t)
        _, g = grad_at(a["theta"], sizes, x[rows], y[rows])
        if beta:
            v = beta * a["velocity"] + g
            step_err = max(step_err, rel(b["velocity"], v))
            want = a["theta"] - eta * v
        else:
            want = a["theta"] - eta * g
        step_err = max(step_err, rel(b["theta"], want))
    worst["single_step"] = step_err
    print(method, "B =", B, json.dumps(worst), flush=True)
    return [k for k, tol in [("trajectory_loss", 1e-10), ("final_params", 1e-10), ("single_step", 1e-12)]
            if not worst[k] <= tol]


def check_batch_sharpness(eos, tmp):
    """S_B at step 0 on n = 12 digits, B = 3 (220 batches): the estimate reproduced from its stream
    and rule, and the exact expectation over all batches within 3 standard errors; B = n exact."""
    n, B, seed, width, tol, kmin = 12, 3, 2, 5, 0.03, 10
    sizes = [64, width, width, 10]
    x, y = data(n)
    theta0 = init(sizes, 3)
    path = os.path.join(tmp, "bs-init.npy")
    np.save(path, theta0)
    failures = []
    exact = np.mean([ratio(theta0, sizes, x[list(c)], y[list(c)]) for c in itertools.combinations(range(n), B)])
    _, row, trace = run(eos, tmp, "bs", {"n": n, "width": width, "eta": 0.1, "steps": 1, "batch_size": B,
                                          "batch_seed": seed, "bs_tol": tol, "bs_min_batches": kmin,
                                          "init_params": path})
    est, err = float(trace[0]["batch_sharpness"]), float(trace[0]["batch_sharpness_err"])
    # The estimator by its description: Welford over the ratios, stop at SE ≤ tol·|mean| after kmin.
    rs = []
    for rows in random_batches(n, B, seed, 0):
        rs.append(ratio(theta0, sizes, x[rows], y[rows]))
        k = len(rs)
        if k >= kmin and np.std(rs, ddof=1) / np.sqrt(k) <= tol * abs(np.mean(rs)):
            break
        if k >= 1000:
            break
    mine, mine_err = float(np.mean(rs)), float(np.std(rs, ddof=1) / np.sqrt(len(rs)))
    print("batch sharpness: eos-sweep %.6f ± %.6f (row mean over 2 samples: %s batches), by its description %.6f ± %.6f (%d), exact %.6f "
          "over %d batches, |est − exact|/SE = %.2f" % (est, err, row["bs_batches_mean"], mine, mine_err, len(rs),
                                                         exact, len(list(itertools.combinations(range(n), B))),
                                                         abs(est - exact) / err), flush=True)
    # (the same mean of the ratios to 1e-9 is the same batches; the row's bs_batches_mean also
    # counts the final step's estimate)
    if not abs(est - mine) <= 1e-9 * abs(mine) or not abs(err - mine_err) <= 1e-6 * mine_err:
        failures.append("estimate vs its description")
    if not abs(est - exact) <= 3 * err:
        failures.append("estimate vs exact expectation")
    if not err <= tol * abs(est) * (1 + 1e-12):
        failures.append("stopping rule")
    _, row, trace = run(eos, tmp, "bs-full", {"n": n, "width": width, "eta": 0.1, "steps": 1, "batch_size": n,
                                               "init_params": path})
    full = ratio(theta0, sizes, x, y)
    print("batch sharpness at B = n: eos-sweep %.15g, gᵀHg/‖g‖² %.15g" % (float(trace[0]["batch_sharpness"]), full))
    if not abs(float(trace[0]["batch_sharpness"]) - full) <= 1e-10 * abs(full) or float(trace[0]["batch_sharpness_err"]) != 0:
        failures.append("B = n")
    return failures


def main():
    eos, tmp = sys.argv[1], sys.argv[2]
    os.makedirs(tmp, exist_ok=True)


    failures = []
    failures += [("gd", f) for f in check_steps(eos, tmp, "gd", {}, 0.1)]
    failures += [("polyak", f) for f in check_steps(eos, tmp, "polyak", {"momentum": "0.9"}, 0.02)]
    failures += [("batch sharpness", f) for f in check_batch_sharpness(eos, tmp)]
    if failures:
        print("FAIL: eos-sweep and the reference differ:", failures)
        sys.exit(1)
    print("minibatch reference: ok")


if __name__ == "__main__":
    main()
