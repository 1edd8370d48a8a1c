"""The initial parameters of the EoSS code's MLP (arseniqum/edge-of-stochastic-stability,
utils/nets.py: initialize_net → initialize_mlp), for eos-sweep's init_params (jobs/eoss-fashion.ini).

Their initialisation, step for step: torch.manual_seed(init_seed), then for every nn.Linear in
order, the weight Kaiming-normal (fan_in, ReLU gain: N(0, 2/fan_in)) times init_scale and the bias
zero. Drawn with the same PyTorch calls, so the draws are theirs (float32, as their network holds
them, written as float64). The file is flat float64: per layer W (out × in, row-major), then b.
Their paper MLP: 784 inputs, 2 hidden layers of 512 ReLU units, 10 outputs, init_scale 0.2,
init_seed 1312.

  /usr/bin/python3 scripts/eoss_init.py OUT.npy [--inputs 784] [--width 512] [--depth 2]
      [--classes 10] [--scale 0.2] [--seed 1312]
"""
import argparse

import numpy as np
import torch

a = argparse.ArgumentParser(description=__doc__.split("\n")[0])
a.add_argument("out")
a.add_argument("--inputs", type=int, default=784)
a.add_argument("--width", type=int, default=512)
a.add_argument("--depth", type=int, default=2)
a.add_argument("--classes", type=int, default=10)
a.add_argument("--scale", type=float, default=0.2)
a.add_argument("--seed", type=int, default=1312)
args = a.parse_args()
sizes = [args.inputs] + [args.width] * args.depth + [args.classes]
layers = [torch.nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:])]
torch.manual_seed(args.seed)
parts = []
with torch.no_grad():
    for layer in layers:
        torch.nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
        layer.weight.mul_(args.scale)
        torch.nn.init.zeros_(layer.bias)
        parts += [layer.weight.double().numpy().ravel(), layer.bias.double().numpy()]
theta = np.concatenate(parts)
np.save(args.out, theta)
print(f"{args.out}: {theta.size} parameters ({' → '.join(map(str, sizes))}), "
      f"Kaiming normal × {args.scale}, seed {args.seed}")
