"""Time one training epoch of RMLC against a same-width skorch MLP (CPU or GPU).

Data: 10000 samples, 3 modalities of 700, 650 and 650 columns (2000
features), 10 labels. Every net uses Adam at the given batch size (64 by
default, the paper's) and hidden width ``--hidden``; the MLP is
``Linear(2000, h) -> ReLU -> Linear(h, L)`` on the concatenated modalities,
trained by a plain skorch ``NeuralNet`` (what a user would write). A second
MLP of width ``4 h`` matches RMLC's input projection (the four LSTM gates),
i.e. the same number of multiply-adds on the 2000 input features.

Rows, for each device and batch size:

- ``mlp_h``, ``mlp_4h``: the two MLPs.
- ``rmlc``: :class:`skmml.neural.RMLCClassifier` at its defaults (on CUDA
  with ``cuda_graphs=True``); ``rmlc_eager`` (``--variants eager``, CUDA only)
  without them; ``rmlc_diagonal`` (``--variants diagonal``) with diagonal
  peepholes; ``rmlc_paper`` (``--variants paper``) with the paper's loss
  (``WeightedBCELoss``) and without the linear skip.
- ``floor``: for every batch, the input projection's products (forward and
  weight gradient) and one fused Adam step over RMLC's parameters, without
  skorch and without the recurrence. No float32 implementation of eq. 2
  beats it, so ``floor / mlp_h`` bounds the ratio from below.
- ``floor_products``: ``floor`` plus every other matrix product of the
  forward and backward pass of eq. 2-4 (recurrent, peephole, dense and
  label-correlation products): all the arithmetic of an epoch that is not
  element-wise, with no per-operation overhead.

Runs are interleaved: ``--rounds`` rounds, each fitting every net (in a
rotated order) for ``--epochs`` epochs; the first epoch of each fit is
dropped (warm-up, CUDA graph capture) and the medians of the remaining
epochs are reported, with the wall time (the target) and the process CPU
time (steadier on a busy machine). The ratio RMLC / MLP(h) is the target
(<= 2 on the CPU); on CUDA the speedup over the CPU at the default batch
size is reported when both devices run (target >= 3).

RMLCClassifier trains with torch's fused Adam kernel by default (same
update, one kernel per step); the MLPs use skorch's plain
``torch.optim.Adam`` unless ``--mlp-fused-adam`` is given.

Run: ``python benchmarks/bench_rmlc_epoch.py [--threads 1] [--devices cpu cuda]
[--batch-sizes 64 256 1024] [--variants diagonal eager] [--json PATH]``
"""

import argparse
import time

import numpy as np
import torch
from _common import add_json_argument, write_results
from skorch import NeuralNet
from skorch.callbacks import Callback
from torch import nn

from skmml.losses import WeightedBCELoss
from skmml.neural import RMLCClassifier

SIZES = [700, 650, 650]
N_LABELS = 10


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


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


class EpochClock(Callback):
    """Records each epoch's wall and process CPU time in the history."""

    def __init__(self, device="cpu"):
        self.device = device

    def on_epoch_begin(self, net, **kwargs):
        _sync(self.device)
        self.start_ = (time.perf_counter(), time.process_time())

    def on_epoch_end(self, net, **kwargs):
        _sync(self.device)
        wall, cpu = time.perf_counter(), time.process_time()
        net.history.record("epoch_wall", wall - self.start_[0])
        net.history.record("epoch_cpu", cpu - self.start_[1])


def _times(history):
    wall = np.asarray(history[:, "epoch_wall"], dtype=float)
    cpu = np.asarray(history[:, "epoch_cpu"], dtype=float)
    keep = slice(1, None) if wall.size > 1 else slice(None)
    return wall[keep], cpu[keep]


def run_mlp(X, Y, width, device, args):
    torch.manual_seed(0)
    net = NeuralNet(
        MLP,
        module__n_features=X.shape[1],
        module__n_labels=N_LABELS,
        module__hidden_size=width,
        criterion=nn.BCEWithLogitsLoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        train_split=None,
        iterator_train__shuffle=True,
        callbacks=[("epoch_clock", EpochClock(device))],
        device=device,
        verbose=0,
        **({"optimizer__fused": True} if args.mlp_fused_adam else {}),
    )
    net.fit(X, Y)
    return _times(net.history)


def run_rmlc(X, Y, device, args, **params):
    # the "rmlc" row replays CUDA graphs on a GPU (opt-in in the estimator)
    params.setdefault("cuda_graphs", device != "cpu")
    clf = RMLCClassifier(
        SIZES,
        hidden_size=args.hidden,
        lr=1e-3,
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        callbacks=[("epoch_clock", EpochClock(device))],
        device=device,
        random_state=0,
        **params,
    ).fit(X, Y)
    return _times(clf.net_.history)


def _recurrent_products(n, h, n_labels, sizes):
    """``(a, b)`` shapes of the matrix products of eq. 2-4 of one batch,
    forward and backward, other than the input projection."""
    pairs = []
    for t in range(len(sizes)):
        width = (t + 1) * h
        pairs += [((n, h), (h, h)), ((h, n), (n, h)), ((n, h), (h, h))]  # W_o
        pairs += [((n, width), (width, n_labels)), ((n_labels, n), (n, width))]
        pairs += [((n, n_labels), (n_labels, width))]  # d H from U^t
        if t > 0:
            pairs += [((n, h), (h, 4 * h)), ((4 * h, n), (n, h))]  # W_h
            pairs += [((n, 4 * h), (4 * h, h))]  # d h^{t-1}
            pairs += [((n, h), (h, 2 * h)), ((2 * h, n), (n, h))]  # W_if
            pairs += [((n, 2 * h), (2 * h, h))]  # d c^{t-1}
            pairs += [((n, n_labels), (n_labels, n_labels))] * 3  # S
    return pairs


def run_floor(X, device, args, recurrent):
    """Epoch times of the matrix products and fused Adam alone (no skorch)."""
    from skmml.neural import RMLCModule

    module = RMLCModule(SIZES, N_LABELS, hidden_size=args.hidden).to(device)
    params = list(module.parameters())
    for p in params:
        p.grad = torch.randn_like(p)
    optimizer = torch.optim.Adam(params, lr=1e-3, fused=True)
    weights = [lin.weight.detach() for lin in module.input_weights]
    X = torch.from_numpy(X).to(device)
    n = args.batch_size
    d_gates = torch.randn(n, weights[0].shape[0], device=device)
    operands = []
    if recurrent:
        for (m, k), (k2, p) in _recurrent_products(n, args.hidden, N_LABELS, SIZES):
            a = torch.randn(m, k, device=device)
            b = torch.randn(k2, p, device=device)
            operands.append((a, b, torch.empty(m, p, device=device)))
    walls, cpus = [], []
    for epoch in range(args.epochs):
        order = torch.randperm(
            X.shape[0], generator=torch.Generator().manual_seed(epoch)
        ).to(device)
        _sync(device)
        start, start_cpu = time.perf_counter(), time.process_time()
        for begin in range(0, X.shape[0], n):
            batch = X[order[begin : begin + n]]
            for x_t, w_t in zip(batch.split(SIZES, dim=1), weights, strict=True):
                torch.mm(x_t, w_t.t())  # forward
                torch.mm(d_gates[: x_t.shape[0]].t(), x_t)  # weight gradient
            for a, b, out in operands:
                torch.mm(a, b, out=out)
            optimizer.step()
        _sync(device)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    keep = slice(1, None) if len(walls) > 1 else slice(None)
    return np.asarray(walls)[keep], np.asarray(cpus)[keep]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=10000)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=2, help="per fit")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64])
    parser.add_argument("--devices", nargs="+", default=["cpu"])
    parser.add_argument(
        "--variants",
        nargs="*",
        default=[],
        choices=["diagonal", "eager", "paper"],
        help="extra RMLC rows: diagonal peepholes; eager (CUDA without graphs); "
        "paper (eq. 5 loss, no linear skip)",
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--mlp-fused-adam",
        action="store_true",
        help="train the MLPs with fused Adam too (RMLC's default)",
    )
    add_json_argument(parser, "bench_rmlc_epoch")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    devices = [d for d in args.devices if d == "cpu" or torch.cuda.is_available()]
    if devices != args.devices:
        print(f"no CUDA device here: running on {devices} only")

    rng = np.random.RandomState(0)
    X = rng.normal(size=(args.n_samples, sum(SIZES))).astype(np.float32)
    W = rng.normal(size=(sum(SIZES), N_LABELS)) / np.sqrt(sum(SIZES))
    noise = 0.5 * rng.normal(size=(args.n_samples, N_LABELS))
    Y = (X @ W + noise > 0.5).astype(np.float32)

    runs = {
        "mlp_h": lambda dev: run_mlp(X, Y, args.hidden, dev, args),
        "mlp_4h": lambda dev: run_mlp(X, Y, 4 * args.hidden, dev, args),
        "rmlc": lambda dev: run_rmlc(X, Y, dev, args),
        "floor": lambda dev: run_floor(X, dev, args, recurrent=False),
        "floor_products": lambda dev: run_floor(X, dev, args, recurrent=True),
    }
    if "diagonal" in args.variants:
        runs["rmlc_diagonal"] = lambda dev: run_rmlc(
            X, Y, dev, args, peephole="diagonal"
        )
    if "paper" in args.variants:
        runs["rmlc_paper"] = lambda dev: run_rmlc(
            X, Y, dev, args, criterion=WeightedBCELoss, linear_skip=False
        )
    eager = "eager" in args.variants

    configs = [(dev, bs) for dev in devices for bs in args.batch_sizes]
    samples = {}  # (device, batch, net) -> list of (wall, cpu) arrays per round
    for r in range(args.rounds):
        for dev, bs in configs:
            args.batch_size = bs
            names = list(runs) + (["rmlc_eager"] if eager and dev != "cpu" else [])
            names = names[r % len(names) :] + names[: r % len(names)]
            for name in names:
                if name == "rmlc_eager":
                    wall, cpu = run_rmlc(X, Y, dev, args, cuda_graphs=False)
                else:
                    wall, cpu = runs[name](dev)
                samples.setdefault((dev, bs, name), []).append((wall, cpu))
        print(f"round {r + 1}/{args.rounds} done")
    batch_default = 64 if 64 in args.batch_sizes else args.batch_sizes[0]

    print(
        f"\n{args.n_samples} samples x {len(SIZES)} modalities ({sum(SIZES)} "
        f"features), {N_LABELS} labels, hidden={args.hidden}, torch threads="
        f"{torch.get_num_threads()}, {args.rounds} interleaved rounds x "
        f"{args.epochs - 1} timed epoch(s), MLP Adam "
        f"{'fused' if args.mlp_fused_adam else 'default (not fused)'}"
    )
    rows, medians = [], {}
    header = f"{'device':6s} {'batch':>5s} {'net':15s} {'wall s':>8s} {'cpu s':>8s}"
    print(header)
    for (dev, bs, name), values in samples.items():
        wall = np.concatenate([w for w, _ in values])
        cpu = np.concatenate([c for _, c in values])
        medians[dev, bs, name] = (np.median(wall), np.median(cpu))
        rows.append(
            {
                "device": dev,
                "batch_size": bs,
                "net": name,
                "epoch_wall_median_s": float(np.median(wall)),
                "epoch_cpu_median_s": float(np.median(cpu)),
                "epoch_wall_s": wall,
                "epoch_cpu_s": cpu,
            }
        )
        print(
            f"{dev:6s} {bs:5d} {name:15s} {np.median(wall):8.3f} {np.median(cpu):8.3f}"
        )

    ratios = []
    print("\nratios of wall medians [median of per-round ratios], and of CPU time")
    for dev, bs in configs:

        def paired(a, b, dev=dev, bs=bs):
            x = [np.median(w) for w, _ in samples[dev, bs, a]]
            y = [np.median(w) for w, _ in samples[dev, bs, b]]
            return float(np.median(np.asarray(x) / np.asarray(y)))

        entry = {"device": dev, "batch_size": bs}
        for num in (
            "rmlc",
            "rmlc_diagonal",
            "rmlc_paper",
            "rmlc_eager",
            "floor",
            "floor_products",
        ):
            for den in ("mlp_h", "mlp_4h"):
                if (dev, bs, num) not in medians:
                    continue
                value = medians[dev, bs, num][0] / medians[dev, bs, den][0]
                on_cpu = medians[dev, bs, num][1] / medians[dev, bs, den][1]
                entry[f"{num}/{den}"] = float(value)
                entry[f"{num}/{den}_paired"] = paired(num, den)
                entry[f"{num}/{den}_cpu_time"] = float(on_cpu)
                print(
                    f"{dev:6s} {bs:5d} {num + ' / ' + den:26s} {value:6.2f} "
                    f"[{paired(num, den):.2f}]  cpu time {on_cpu:.2f}"
                )
        if dev != "cpu" and ("cpu", batch_default, "rmlc") in medians:
            cpu_default = medians["cpu", batch_default, "rmlc"][0]
            speedup = cpu_default / medians[dev, bs, "rmlc"][0]
            entry[f"rmlc_speedup_vs_cpu_batch{batch_default}"] = float(speedup)
            print(
                f"{dev:6s} {bs:5d} rmlc speedup over the CPU at batch "
                f"{batch_default}: {speedup:.2f}x"
            )
            if ("cpu", bs, "rmlc") in medians:
                same = medians["cpu", bs, "rmlc"][0] / medians[dev, bs, "rmlc"][0]
                entry["rmlc_speedup_vs_cpu_same_batch"] = float(same)
        ratios.append(entry)

    write_results(
        "bench_rmlc_epoch",
        {
            "settings": {
                "n_samples": args.n_samples,
                "modality_sizes": SIZES,
                "n_labels": N_LABELS,
                "hidden": args.hidden,
                "epochs_per_fit": args.epochs,
                "rounds": args.rounds,
                "batch_sizes": args.batch_sizes,
                "devices": devices,
                "torch_threads": torch.get_num_threads(),
                "mlp_fused_adam": args.mlp_fused_adam,
                "cuda_device": (
                    torch.cuda.get_device_name(0) if "cuda" in devices else None
                ),
            },
            "rows": rows,
            "ratios": ratios,
        },
        path=args.json,
    )


if __name__ == "__main__":
    main()
