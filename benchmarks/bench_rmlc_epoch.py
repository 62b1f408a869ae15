"""Time one training epoch of RMLC against a same-width skorch MLP.

Data: 10000 samples, 3 modalities of 700, 650 and 650 columns (2000
features), 10 labels. Both nets use Adam, batch size 64 and hidden width
``--hidden``; the MLP is ``Linear(2000, h) -> ReLU -> Linear(h, L)`` on the
concatenated modalities. A second MLP of width ``4 h`` matches RMLC's input
projection (the four LSTM gates), i.e. the same number of multiply-adds on
the 2000 input features.

Each net is trained for ``--epochs`` epochs (no validation split); the
median epoch time (skorch's ``dur`` column, first epoch dropped as warm-up)
is reported with the ratio RMLC / MLP (target: <= 2).

RMLCClassifier trains with torch's fused Adam kernel by default (same
update, one kernel per step); the MLPs use skorch's plain
``torch.optim.Adam`` unless ``--mlp-fused-adam`` is given, which makes the
optimizer side identical.

At batch 64 an RMLC epoch is mostly matrix products. Its input projection
has the multiply-adds of ``mlp_4h``'s first layer (four gates per
modality), and Adam updates four times as many weights. The ``floor`` row
times only that work, in the same run: for every batch the products of the
input projection (forward and weight gradient) and one fused Adam step over
RMLC's parameters, without skorch and without the recurrence. No
implementation of eq. 2 in float32 can beat it, so ``floor / mlp_h`` bounds
the ratio from below.

Run: ``python benchmarks/bench_rmlc_epoch.py [--threads 1] [--epochs 4]
[--mlp-fused-adam]``
"""

import argparse
import copy
import time

import numpy as np
import torch
from skorch import NeuralNet
from torch import nn

from skmml.neural import RMLCClassifier


class MLP(nn.Module):
    def __init__(self, n_features, n_labels, hidden_size):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_features, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, n_labels),
        )

    def forward(self, X):
        return self.layers(X)


def floor_epoch(rmlc, X, batch_size, n_epochs):
    """Median time of the input-projection products and Adam alone."""
    module = copy.deepcopy(rmlc.net_.module_)
    params = list(module.parameters())
    for p in params:
        p.grad = torch.randn_like(p)
    optimizer = torch.optim.Adam(params, lr=1e-3, fused=True)
    weights = [lin.weight.detach() for lin in module.input_weights]
    X = torch.from_numpy(X)
    d_gates = torch.randn(batch_size, weights[0].shape[0])
    times = []
    for epoch in range(n_epochs):
        order = torch.randperm(
            X.shape[0], generator=torch.Generator().manual_seed(epoch)
        )
        start = time.perf_counter()
        for begin in range(0, X.shape[0], batch_size):
            batch = X[order[begin : begin + batch_size]]
            blocks = batch.split(module.modality_sizes, dim=1)
            for x_t, w_t in zip(blocks, weights, strict=True):
                torch.mm(x_t, w_t.t())  # forward
                torch.mm(d_gates[: x_t.shape[0]].t(), x_t)  # weight gradient
            optimizer.step()
        times.append(time.perf_counter() - start)
    return np.asarray(times[1:] if len(times) > 1 else times)


def epoch_times(history):
    durations = np.asarray(history[:, "dur"], dtype=float)
    return durations[1:] if durations.size > 1 else durations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=10000)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--mlp-fused-adam",
        action="store_true",
        help="train the MLPs with fused Adam too (RMLC's default)",
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    rng = np.random.RandomState(0)
    sizes = [700, 650, 650]
    n_labels = 10
    X = rng.normal(size=(args.n_samples, sum(sizes))).astype(np.float32)
    W = rng.normal(size=(sum(sizes), n_labels)) / np.sqrt(sum(sizes))
    Y = (X @ W + 0.5 * rng.normal(size=(args.n_samples, n_labels)) > 0.5).astype(
        np.float32
    )
    common = dict(lr=1e-3, batch_size=args.batch_size, max_epochs=args.epochs)

    results = {}
    for name, width in (("mlp_h", args.hidden), ("mlp_4h", 4 * args.hidden)):
        torch.manual_seed(0)
        net = NeuralNet(
            MLP,
            module__n_features=sum(sizes),
            module__n_labels=n_labels,
            module__hidden_size=width,
            criterion=nn.BCEWithLogitsLoss,
            optimizer=torch.optim.Adam,
            train_split=None,
            iterator_train__shuffle=True,
            verbose=0,
            **({"optimizer__fused": True} if args.mlp_fused_adam else {}),
            **common,
        )
        net.fit(X, Y)
        results[name] = epoch_times(net.history)

    start = time.perf_counter()
    rmlc = RMLCClassifier(sizes, hidden_size=args.hidden, random_state=0, **common).fit(
        X, Y
    )
    total = time.perf_counter() - start
    results["rmlc"] = epoch_times(rmlc.net_.history)
    results["floor"] = floor_epoch(rmlc, X, args.batch_size, args.epochs)

    print(
        f"{args.n_samples} samples x {len(sizes)} modalities ({sum(sizes)} "
        f"features), {n_labels} labels, hidden={args.hidden}, batch="
        f"{args.batch_size}, torch threads={torch.get_num_threads()}, MLP "
        f"Adam {'fused' if args.mlp_fused_adam else 'default (not fused)'}"
    )
    for name, times in results.items():
        print(f"{name:8s} median epoch {np.median(times):.3f} s  ({times.round(3)})")
    print(f"rmlc total fit incl. set-up: {total:.2f} s")
    rmlc_t = np.median(results["rmlc"])
    print(f"ratio RMLC / MLP(h)  = {rmlc_t / np.median(results['mlp_h']):.2f}")
    print(f"ratio RMLC / MLP(4h) = {rmlc_t / np.median(results['mlp_4h']):.2f}")
    print(
        "floor / MLP(h) (lower bound of the ratio) = "
        f"{np.median(results['floor']) / np.median(results['mlp_h']):.2f}"
    )


if __name__ == "__main__":
    main()
