"""Torch module and skorch net behind :class:`skmml.neural.RMLCClassifier`.

The module follows Zhang et al., "Rethinking Modal-oriented Label Correlations
for Multi-modal Multi-label Learning" (eq. 1-6, Algorithm 1).
"""

from collections.abc import Mapping

import numpy as np
import torch
from skorch import NeuralNet
from skorch.dataset import Dataset
from skorch.utils import multi_indexing
from torch import nn
from torch.nn import functional as F
from torch.utils.data import default_collate

from ..losses import LossWeightsMixin, WeightedBCELoss, pop_loss_weights


class RMLCModule(nn.Module):
    """RMLC network: a peephole LSTM over modalities plus label correlations.

    Step ``t`` reads modality ``t`` only, updates a peephole LSTM cell
    (eq. 2), predicts the labels from the stacked outputs
    ``H^t = [h^1, ..., h^t]`` with its own dense layer ``U^t, b^t`` (eq. 3) and
    adds the previous step's prediction through the shared label-correlation
    matrix ``S`` (eq. 4).

    Parameters
    ----------
    modality_sizes : sequence of int
        Number of columns of each modality, in step order. The input ``X`` of
        :meth:`forward` holds the modalities side by side in that order.
    n_labels : int
        Number of labels ``L``.
    hidden_size : int, default=64
        Width ``h`` of the LSTM state.
    use_label_correlation : bool, default=True
        If False the term ``Z^{t-1} S`` is dropped from eq. 4 and ``S`` does
        not exist: the paper's RMLC_NS ablation, whose prediction is
        ``sigmoid(f_spec^M)``.

    Attributes
    ----------
    input_weights : torch.nn.ModuleList of torch.nn.Linear
        ``input_weights[t]`` maps modality ``t`` (``d_t`` columns) to the four
        gate pre-activations (input, forget, candidate, output; ``4h`` rows).
        Side by side they form the ``x`` block of ``W_i, W_f, W_c, W_o``
        in eq. 2 (see :meth:`full_input_weight`).
    recurrent : torch.nn.Linear
        The ``h^{t-1}`` block of the four gates, with the gate biases.
    peephole_if : torch.nn.Linear
        The ``c^{t-1}`` block of the input and forget gates.
    peephole_o : torch.nn.Linear
        The ``c^t`` block of the output gate.
    dense : torch.nn.ModuleList of torch.nn.Linear
        ``dense[t]`` holds ``U^{t+1}`` (shape ``(L, (t+1) h)``) and ``b^{t+1}``.
    label_correlation : torch.nn.Parameter of shape (L, L) or None
        ``S``; ``s_jk`` is the contribution of label ``j`` at the previous step
        to label ``k``. Initialised to zero, so training starts from RMLC_NS.

    Notes
    -----
    Eq. 1 feeds ``X^t = [0, ..., x^t, ..., 0]`` to the cell. Multiplying a
    weight matrix by that zero-padded vector only uses the columns of
    modality ``t``, so each step multiplies ``x^t`` by its own column block
    instead of building ``M`` padded copies of the input.

    The gates of eq. 2 (with ``[.]`` a concatenation)::

        i^t = sigmoid(W_i [X^t, h^{t-1}, c^{t-1}] + b_i)
        f^t = sigmoid(W_f [X^t, h^{t-1}, c^{t-1}] + b_f)
        c^t = f^t * c^{t-1} + i^t * tanh(W_c [X^t, h^{t-1}] + b_c)
        o^t = sigmoid(W_o [X^t, h^{t-1}, c^t] + b_o)
        h^t = o^t * tanh(c^t)

    The peephole blocks are full ``h x h`` matrices, as written in the
    paper. The initial states ``h^0, c^0`` and ``Z^0`` are zero.

    :meth:`forward` returns logits: the prediction of step ``t`` is
    ``F^t = sigmoid(logits^t)`` with
    ``logits^t = U^t H^t + b^t + Z^{t-1} S`` and ``Z^{t-1} = F^{t-1}``.

    Examples
    --------
    >>> import torch
    >>> from skmml.neural import RMLCModule
    >>> _ = torch.manual_seed(0)
    >>> module = RMLCModule([3, 2], n_labels=4, hidden_size=5)
    >>> final, steps = module(torch.randn(8, 5))
    >>> final.shape, steps.shape
    (torch.Size([8, 4]), torch.Size([8, 2, 4]))
    """

    def __init__(
        self, modality_sizes, n_labels, *, hidden_size=64, use_label_correlation=True
    ):
        super().__init__()
        self.modality_sizes = [int(d) for d in modality_sizes]
        self.n_labels = int(n_labels)
        self.hidden_size = int(hidden_size)
        self.use_label_correlation = bool(use_label_correlation)
        h = self.hidden_size
        self.input_weights = nn.ModuleList(
            nn.Linear(d, 4 * h, bias=False) for d in self.modality_sizes
        )
        self.recurrent = nn.Linear(h, 4 * h)
        self.peephole_if = nn.Linear(h, 2 * h, bias=False)
        self.peephole_o = nn.Linear(h, h, bias=False)
        self.dense = nn.ModuleList(
            nn.Linear((t + 1) * h, self.n_labels)
            for t in range(len(self.modality_sizes))
        )
        if self.use_label_correlation:
            self.label_correlation = nn.Parameter(
                torch.zeros(self.n_labels, self.n_labels)
            )
        else:
            self.register_parameter("label_correlation", None)

    def full_input_weight(self):
        """Return the ``x`` block of eq. 2 as one ``(4h, sum d_m)`` matrix.

        Multiplying it by the zero-padded input of eq. 1 equals multiplying
        ``input_weights[t]`` by modality ``t`` alone.

        Returns
        -------
        torch.Tensor of shape (4 * hidden_size, n_features)
        """
        return torch.cat([lin.weight for lin in self.input_weights], dim=1)

    def forward(self, X):
        """Run the ``M`` steps.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, sum(modality_sizes))
            The modalities side by side, in step order.

        Returns
        -------
        final_logits : torch.Tensor of shape (n_samples, n_labels)
            Logits of the last step, ``F^M`` before the sigmoid.
        step_logits : torch.Tensor of shape (n_samples, n_modalities, n_labels)
            Logits of every step; the loss of eq. 5-6 sums over them.
        """
        h_size = self.hidden_size
        w_rec, b_rec = self.recurrent.weight, self.recurrent.bias
        w_if, w_o = self.peephole_if.weight, self.peephole_o.weight
        s_mat = self.label_correlation
        h = c = None  # h^0 = c^0 = 0; Z^0 = 0 drops S at step 1
        outputs = []
        step_logits = []
        blocks = torch.split(X, self.modality_sizes, dim=1)
        # few, fused torch calls per step: a batch is small, so the time goes
        # to per-op overhead rather than to arithmetic
        for x_t, w_x, dense in zip(blocks, self.input_weights, self.dense, strict=True):
            # eq. 1-2: W [X^t, h, c] with X^t zero outside modality t
            gates = F.linear(x_t, w_x.weight, b_rec)
            if h is None:
                # h^0 = c^0 = 0: the h and c blocks add nothing, f^1 c^0 = 0
                g_if, g_c, g_o = gates.split([2 * h_size, h_size, h_size], dim=1)
                i_gate = torch.sigmoid(g_if[:, :h_size])
                c = i_gate * torch.tanh(g_c)
            else:
                gates = torch.addmm(gates, h, w_rec.t())
                g_if, g_c, g_o = gates.split([2 * h_size, h_size, h_size], dim=1)
                i_gate, f_gate = torch.sigmoid(torch.addmm(g_if, c, w_if.t())).split(
                    h_size, dim=1
                )
                c = f_gate * c + i_gate * torch.tanh(g_c)
            o_gate = torch.sigmoid(torch.addmm(g_o, c, w_o.t()))
            h = o_gate * torch.tanh(c)
            outputs.append(h)
            # eq. 3: f_spec^t = U^t [h^1..h^t] + b^t
            stacked = h if len(outputs) == 1 else torch.cat(outputs, dim=1)
            logits = F.linear(stacked, dense.weight, dense.bias)
            # eq. 4: F^t = sigmoid(f_spec^t + Z^{t-1} S), Z^{t-1} = F^{t-1}
            if s_mat is not None and step_logits:
                logits = torch.addmm(logits, torch.sigmoid(step_logits[-1]), s_mat)
            step_logits.append(logits)
        return step_logits[-1], torch.stack(step_logits, dim=1)

    def dense_penalty(self):
        """Return ``sum_t ||U^t||_2^2`` (squared Frobenius norms, eq. 6)."""
        penalty = self.dense[0].weight.pow(2).sum()
        for lin in self.dense[1:]:
            penalty = penalty + lin.weight.pow(2).sum()
        return penalty


class RMLCNet(LossWeightsMixin, NeuralNet):
    """skorch net training :class:`RMLCModule` with the loss of eq. 5-6.

    The loss of a batch is ``sum_t criterion(logits^t, Y) + reg_lambda *
    sum_t ||U^t||^2``: the per-step criterion applied to every step's logits
    plus the penalty on the dense layers.

    Loss weights follow the contract of :mod:`skmml.losses`: when ``X`` is a
    dict ``{"X": features, "sample_weight": w, "neg_weight": w_bar}`` (from
    :func:`skmml.losses.make_weighted_input`), the module only sees
    ``X["X"]`` and every step's criterion is called as
    ``criterion(logits, Y, weight=w, neg_weight=w_bar)`` on the rows of the
    batch.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`skorch.NeuralNet`.
    reg_lambda : float, default=0.0
        Weight of the dense-layer penalty.
    """

    def __init__(self, *args, reg_lambda=0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.reg_lambda = reg_lambda

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Sum the criterion over the steps and add the ``U^t`` penalty."""
        if isinstance(y_pred, tuple):
            _, step_logits = y_pred
        else:  # a plain tensor of final logits
            step_logits = y_pred.unsqueeze(1)
        device, dtype = step_logits.device, step_logits.dtype
        y_true = torch.as_tensor(y_true, device=device).to(dtype)
        _, weights = pop_loss_weights(X)
        weights = {
            key: torch.as_tensor(value, device=device).to(dtype)
            for key, value in weights.items()
        }
        loss = _stacked_bce(self.criterion_, step_logits, y_true, weights)
        if loss is None:
            steps = step_logits.unbind(dim=1)
            loss = self.criterion_(steps[0], y_true, **weights)
            for logits in steps[1:]:
                loss = loss + self.criterion_(logits, y_true, **weights)
        if self.reg_lambda:
            loss = loss + self.reg_lambda * self.module_.dense_penalty()
        return loss


def _stacked_bce(criterion, step_logits, y_true, weights):
    """``sum_t criterion(logits^t, Y)`` in one call for WeightedBCELoss, or None.

    The weighted cross-entropy is a sum (or a mean) of independent entries,
    so the sum over the ``M`` steps equals one call on the steps stacked as
    extra rows (times ``M`` for the mean); one call instead of ``M`` saves
    per-op overhead. Any other criterion (e.g. the batch-level F1
    surrogates), or inputs of other shapes, return None: loop over steps.
    """
    if type(criterion) is not WeightedBCELoss or criterion.reduction == "none":
        return None
    n, m, n_labels = step_logits.shape
    if m == 1 or y_true.shape != (n, n_labels):
        return None

    def repeat(value):  # (n, ...) -> rows in the order of step_logits
        return value.unsqueeze(1).expand(n, m, n_labels).reshape(n * m, n_labels)

    stacked = {}
    for key, value in weights.items():
        if value.ndim == 1 and value.shape[0] == n:
            value = value[:, None]
        if (
            value.ndim != 2
            or value.shape[0] != n
            or value.shape[1]
            not in (
                1,
                n_labels,
            )
        ):
            return None  # let the criterion report or broadcast it
        stacked[key] = repeat(value)
    loss = criterion(step_logits.reshape(n * m, n_labels), repeat(y_true), **stacked)
    return loss * m if criterion.reduction == "mean" else loss


class _RowBatch:
    """A whole mini-batch ``(X, y)`` returned by :class:`_RowBatchDataset`."""

    __slots__ = ("X", "y")

    def __init__(self, X, y):
        self.X = X
        self.y = y


class _RowBatchDataset(Dataset):
    """skorch dataset that hands torch's DataLoader a batch in one indexing.

    The DataLoader calls ``__getitems__`` with the sampler's indices of a
    batch (same order as row-wise fetching); indexing the arrays once
    replaces ``batch_size`` row lookups and the row-wise collation. Use with
    :func:`_collate_row_batch`.
    """

    def __getitems__(self, indices):
        indices = np.asarray(indices, dtype=np.intp)
        X = _take_rows(self.X, indices, self.X_indexing)
        if self.y is None:  # skorch's placeholder target, one per row
            y = torch.zeros(len(indices), 1)
        else:
            y = _take_rows(self.y, indices, self.y_indexing)
        return [_RowBatch(X, y)]


def _take_rows(data, indices, indexing):
    # numpy fancy indexing directly: skorch's generic path goes through a
    # Python list and scikit-learn's safe indexing
    if isinstance(data, np.ndarray):
        return data[indices]
    if isinstance(data, Mapping):
        return {key: _take_rows(value, indices, None) for key, value in data.items()}
    return multi_indexing(data, indices, indexing)


def _collate_row_batch(data):
    """Collate of :class:`_RowBatchDataset`, row-wise data as usual."""
    if len(data) == 1 and isinstance(data[0], _RowBatch):
        return data[0].X, data[0].y
    return default_collate(data)
