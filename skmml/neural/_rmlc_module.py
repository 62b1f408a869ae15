"""Torch module and skorch net behind :class:`skmml.neural.RMLCClassifier`.

The module follows Zhang et al., "Rethinking Modal-oriented Label Correlations
for Multi-modal Multi-label Learning" (eq. 1-6, Algorithm 1).
"""

import warnings
from collections.abc import Mapping

import numpy as np
import torch
from skorch import NeuralNet
from torch import nn
from torch.autograd.function import once_differentiable
from torch.nn import functional as F

from ..losses import (
    ClassBalancedLoss,
    LossWeightsMixin,
    WeightedBCELoss,
    accepts_loss_weights,
    pop_loss_weights,
)


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
    peephole : {"full", "diagonal"}, default="full"
        ``"full"``: the peephole blocks of eq. 2 are ``h x h`` matrices, as
        written in the paper. ``"diagonal"``: they are diagonal (one weight
        per unit, the peephole LSTM of Gers and Schmidhuber), so the gates
        see ``p * c`` elementwise; a smaller model, not the paper's.
    cuda_graphs : bool, default=False
        On a CUDA device, run the steps of each training batch as two
        captured CUDA graphs (forward and backward, one pair per batch
        shape) instead of about a hundred kernel launches. Same kernels and
        results as without; if the capture fails the module warns once and
        runs eagerly. Ignored on the CPU, for inputs that need a gradient
        and without autograd (prediction). Off by default until it has been
        checked on a GPU.
    linear_skip : bool, default=False
        If True, add a linear term of the modalities read so far to the
        logits of every step, ``logits^t += sum_{s <= t} V^s x^s`` (no
        bias; ``V^s`` starts at zero, so training starts from the network
        without it). Not in the paper; see Notes.

    Attributes
    ----------
    input_weights : torch.nn.ModuleList of torch.nn.Linear
        ``input_weights[t]`` maps modality ``t`` (``d_t`` columns) to the four
        gate pre-activations (input, forget, candidate, output; ``4h`` rows).
        Side by side they form the ``x`` block of ``W_i, W_f, W_c, W_o``
        in eq. 2 (see :meth:`full_input_weight`).
    recurrent : torch.nn.Linear
        The ``h^{t-1}`` block of the four gates, with the gate biases.
    peephole_if : torch.nn.Module
        The ``c^{t-1}`` block of the input and forget gates: a
        :class:`torch.nn.Linear` whose ``weight`` has shape ``(2h, h)``, or
        with ``peephole="diagonal"`` a module whose ``weight`` has shape
        ``(2h,)``.
    peephole_o : torch.nn.Module
        The ``c^t`` block of the output gate (``weight`` of shape ``(h, h)``,
        or ``(h,)``).
    dense : torch.nn.ModuleList of torch.nn.Linear
        ``dense[t]`` holds ``U^{t+1}`` (shape ``(L, (t+1) h)``) and ``b^{t+1}``.
    label_correlation : torch.nn.Parameter of shape (L, L) or None
        ``S``; ``s_jk`` is the contribution of label ``j`` at the previous step
        to label ``k``. Initialised to zero, so training starts from RMLC_NS.
    linear_weights : torch.nn.ParameterList or None
        With ``linear_skip=True``, ``linear_weights[t]`` is ``V^{t+1}``
        (shape ``(L, d_t)``, starting at zero); None otherwise.

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
    paper (diagonal with ``peephole="diagonal"``). The initial states
    ``h^0, c^0`` and ``Z^0`` are zero.

    The steps run as one autograd node with a hand-written backward pass
    (back-propagation through the ``M`` steps, checked against autograd in
    the tests), which makes a training epoch faster than with about 60
    small autograd nodes per batch; second derivatives are not supported.
    The products that do not depend on the step order (the weight
    gradients of the biases, the peepholes and the output gate) are summed
    over the steps in one product each.

    :meth:`forward` returns logits: the prediction of step ``t`` is
    ``F^t = sigmoid(logits^t)`` with
    ``logits^t = U^t H^t + b^t + Z^{t-1} S`` and ``Z^{t-1} = F^{t-1}``.

    **Linear skip** (``linear_skip=True``, not in the paper). Every step's
    logits get a linear term of the modalities read up to that step::

        logits^t = U^t H^t + b^t + Z^{t-1} S + sum_{s <= t} V^s x^s

    a logistic-regression path beside the LSTM: a label that depends
    linearly on the features no longer has to be learned through the
    ``tanh`` bottleneck of width ``h``. The label correlation keeps the
    prediction of eq. 3-4 without this term, ``Z^t =
    sigmoid(U^t H^t + b^t + Z^{t-1} S)`` (the term is added after the
    recurrence, so the hand-written backward pass is unchanged). A missing
    modality contributes nothing (``m^s V^s x^s``). The penalty of eq. 6
    (:meth:`dense_penalty`) includes ``||V^s||^2``.

    **Missing modalities.** A row whose block of modality ``t`` is all NaN
    skips step ``t``: with ``m^t = 1`` if the modality is present and 0 if
    missing, and ``h~^t, c~^t, a^t`` the ``h^t, c^t`` of eq. 2 and the
    logits of eq. 3-4 computed from the carried state::

        h^t      = m^t h~^t + (1 - m^t) h^{t-1}
        c^t      = m^t c~^t + (1 - m^t) c^{t-1}
        Z^t      = m^t sigmoid(a^t) + (1 - m^t) Z^{t-1}
        logits^t = m^t a^t + (1 - m^t) logits^{t-1}

    so the state, the label prediction carried through ``S`` and the
    output of the last present step pass unchanged over a missing step
    (``H^t`` holds the carried ``h^t``; ``h^0 = c^0 = Z^0 = 0`` and
    ``logits^0 = a^1``, unused since a missing step has no loss). A row
    whose every modality is present computes eq. 1-4 exactly (the other
    rows of a batch do not change it); batches without a missing block run
    the original code (and CUDA graphs), batches with one an autograd
    version of the same equations. The loss of eq. 5 counts step ``t`` only for rows
    with ``m^t = 1`` (weight 0 otherwise). A row with every modality
    missing has no prediction: its ``final_logits`` are NaN. Missing
    blocks are found by a NaN in the block, so a block must be all NaN or
    have none (:class:`RMLCClassifier` checks it).

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
        self,
        modality_sizes,
        n_labels,
        *,
        hidden_size=64,
        use_label_correlation=True,
        peephole="full",
        cuda_graphs=False,
        linear_skip=False,
    ):
        super().__init__()
        if peephole not in ("full", "diagonal"):
            raise ValueError(
                f'peephole must be "full" or "diagonal"; got {peephole!r}.'
            )
        self.modality_sizes = [int(d) for d in modality_sizes]
        self.n_labels = int(n_labels)
        self.hidden_size = int(hidden_size)
        self.use_label_correlation = bool(use_label_correlation)
        self.peephole = peephole
        self.cuda_graphs = bool(cuda_graphs)
        h = self.hidden_size
        self.input_weights = nn.ModuleList(
            nn.Linear(d, 4 * h, bias=False) for d in self.modality_sizes
        )
        self.recurrent = nn.Linear(h, 4 * h)
        if peephole == "diagonal":
            self.peephole_if = _DiagonalPeephole(h, 2 * h)
            self.peephole_o = _DiagonalPeephole(h, h)
        else:
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
        self.linear_skip = bool(linear_skip)
        # zeros, without drawing from torch's generator: the other weights
        # and the batch order stay those of linear_skip=False
        self.linear_weights = (
            nn.ParameterList(
                nn.Parameter(torch.zeros(self.n_labels, d)) for d in self.modality_sizes
            )
            if self.linear_skip
            else None
        )
        self._step_graphs = _StepGraphs()

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

            A block all NaN marks a missing modality (see Notes).

        Returns
        -------
        final_logits : torch.Tensor of shape (n_samples, n_labels)
            Logits of the last step, ``F^M`` before the sigmoid (of the last
            present step; NaN for a row without any modality).
        step_logits : torch.Tensor of shape (n_samples, n_modalities, n_labels)
            Logits of every step; the loss of eq. 5-6 sums over them.
        """
        if not getattr(self, "_assume_complete", False):
            missing = missing_steps(X, self.modality_sizes)
            if bool(missing.any()):
                return self._forward_missing(X, ~missing)
        params = (
            self.recurrent.bias,
            self.recurrent.weight,
            self.peephole_if.weight,
            self.peephole_o.weight,
            self.label_correlation,
            *(lin.weight for lin in self.input_weights),
            *(lin.weight for lin in self.dense),
            *(lin.bias for lin in self.dense),
        )
        graphs = None
        if (
            self.cuda_graphs
            and torch.is_grad_enabled()
            and not X.requires_grad
            and _graphable(X)
        ):
            graphs = self._step_graphs
        step_logits = _RMLCSteps.apply(
            self.modality_sizes, self.peephole == "diagonal", graphs, X, *params
        )
        if self.linear_weights is not None:
            step_logits = step_logits + self._linear_terms(X)
        return step_logits[:, -1], step_logits

    def _linear_terms(self, X):
        """``(n, M, L)``: ``sum_{s <= t} V^s x^s`` for every step ``t``."""
        terms = [
            x.mm(w.t())
            for x, w in zip(
                X.split(self.modality_sizes, dim=1), self.linear_weights, strict=True
            )
        ]
        return torch.stack(terms, dim=1).cumsum(dim=1)

    def _forward_missing(self, X, present):
        """Eq. 1-4 with missing steps carried over (autograd, see Notes),
        plus the linear skip."""
        X = torch.nan_to_num(X, nan=0.0)
        n, h = X.shape[0], self.hidden_size
        s_mat = self.label_correlation
        h_prev = X.new_zeros(n, h)
        c_prev = X.new_zeros(n, h)
        z_prev = X.new_zeros(n, self.n_labels)
        hs, outs = [], []
        for t, x_t in enumerate(X.split(self.modality_sizes, dim=1)):
            p = present[:, t : t + 1]
            # eq. 2 from the carried h^{t-1}, c^{t-1}
            a = self.input_weights[t](x_t) + self.recurrent(h_prev)
            i, f = torch.sigmoid(a[:, : 2 * h] + self.peephole_if(c_prev)).split(h, 1)
            c = f * c_prev + i * torch.tanh(a[:, 2 * h : 3 * h])
            o = torch.sigmoid(a[:, 3 * h :] + self.peephole_o(c))
            h_prev = torch.where(p, o * torch.tanh(c), h_prev)
            c_prev = torch.where(p, c, c_prev)
            hs.append(h_prev)
            # eq. 3-4, then Z^t and logits^t carried over a missing step
            pred = self.dense[t](torch.cat(hs, dim=1))
            if s_mat is not None and t > 0:
                pred = pred + z_prev.mm(s_mat)
            if s_mat is not None:
                z_prev = torch.where(p, torch.sigmoid(pred), z_prev)
            outs.append(pred if t == 0 else torch.where(p, pred, outs[-1]))
        step_logits = torch.stack(outs, dim=1)
        if self.linear_weights is not None:  # a missing block is 0 here: no term
            step_logits = step_logits + self._linear_terms(X)
        final = torch.where(present.any(1, keepdim=True), step_logits[:, -1], torch.nan)
        return final, step_logits

    def dense_penalty(self):
        """Return ``sum_t ||U^t||_2^2`` (squared Frobenius norms, eq. 6).

        With ``linear_skip=True`` the sum also counts ``||V^t||_2^2``.
        """
        weights = [lin.weight for lin in self.dense]
        if self.linear_weights is not None:
            weights.extend(self.linear_weights)
        return _SquaredNorm.apply(*weights)

    def __getstate__(self):
        # captured CUDA graphs are neither picklable nor copyable
        state = self.__dict__.copy()
        state["_step_graphs"] = _StepGraphs()
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_step_graphs" not in self.__dict__:
            self._step_graphs = _StepGraphs()
        if "peephole" not in self.__dict__:  # pickled before the option
            self.peephole = "full"
            self.cuda_graphs = False
        if "linear_skip" not in self.__dict__:
            self.linear_skip = False
            self.linear_weights = None


def missing_steps(X, sizes):
    """``(n_samples, n_blocks)`` bool: whether each block of a row has a NaN."""
    nan = torch.isnan(X)
    return torch.stack([b.any(1) for b in nan.split(list(sizes), dim=1)], dim=1)


class _DiagonalPeephole(nn.Module):
    """Diagonal peephole block of :class:`RMLCModule` (``peephole="diagonal"``).

    Holds ``weight`` of shape ``(out_features,)``: each of the
    ``out_features / in_features`` gates sees ``weight * c`` elementwise
    instead of a full matrix product ``W c``. Initialised like
    :class:`torch.nn.Linear` (uniform in ``[-1/sqrt(h), 1/sqrt(h)]``).

    Parameters
    ----------
    in_features : int
        Width ``h`` of the cell state.
    out_features : int
        ``h`` times the number of gates fed (2 for the input and forget
        gates, 1 for the output gate).
    """

    def __init__(self, in_features, out_features):
        super().__init__()
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        bound = 1.0 / np.sqrt(self.in_features)
        self.weight = nn.Parameter(
            torch.empty(self.out_features).uniform_(-bound, bound)
        )

    def forward(self, c):
        """``weight * c`` for each gate, side by side."""
        gates = self.out_features // self.in_features
        return (c.unsqueeze(-2) * self.weight.view(gates, -1)).flatten(-2)


_sigmoid_backward = torch.ops.aten.sigmoid_backward  # grad * y * (1 - y)
_tanh_backward = torch.ops.aten.tanh_backward  # grad * (1 - y ** 2)
_sigmoid_backward_out = torch.ops.aten.sigmoid_backward.grad_input
_tanh_backward_out = torch.ops.aten.tanh_backward.grad_input


def _steps_forward(sizes, diagonal, X, b, w_h, w_if, w_o, s_mat, w_x, u, b_u):
    """Eq. 1-4 over the ``M`` steps: ``(logits, state)`` for the backward pass.

    Every step writes into buffers allocated once (gate activations, cell
    states, ``H``, logits), so a step is about a dozen kernels, no copies.
    """
    m = len(sizes)
    n, h = X.shape[0], w_h.shape[1]
    n_labels = b_u[0].shape[0]
    gates = X.new_empty(m, n, 4 * h)  # activations i, f, g, o of each step
    cells = X.new_empty(m, n, h)  # c^t
    tanh_cells = X.new_empty(m, n, h)
    H = X.new_empty(n, m * h)  # H^M = [h^1, ..., h^M]
    logits = X.new_empty(n, m, n_labels)
    with_s = s_mat is not None and m > 1
    Z = X.new_empty(n, m - 1, n_labels) if with_s else None  # Z^1..Z^{M-1}
    h_steps, out_steps = H.split(h, dim=1), logits.unbind(1)
    z_steps = Z.unbind(1) if with_s else None
    w_h_t = w_h.t()
    if diagonal:
        w_if = w_if.view(2, h)
    else:
        w_if, w_o = w_if.t(), w_o.t()
    c_prev = None
    for t, (x_t, w_t, a, c, tanh_c) in enumerate(
        zip(
            X.split(sizes, dim=1),
            w_x,
            gates.unbind(0),
            cells.unbind(0),
            tanh_cells.unbind(0),
            strict=True,
        )
    ):
        i, f, g, o = a.split(h, dim=1)
        if t == 0:
            # h^0 = c^0 = 0: no W h^0, no peephole on c^0, f^1 c^0 = 0
            w_i, _, w_go = w_t.split((h, h, 2 * h))
            b_i, _, b_go = b.split((h, h, 2 * h))
            torch.addmm(b_i, x_t, w_i.t(), out=i)
            torch.addmm(b_go, x_t, w_go.t(), out=a[:, 2 * h :])
            torch.mul(i.sigmoid_(), g.tanh_(), out=c)
        else:
            # eq. 2: W [X^t, h^{t-1}, c^{t-1}] + b, X^t zero off modality t
            torch.addmm(b, x_t, w_t.t(), out=a)
            a.addmm_(h_steps[t - 1], w_h_t)
            a_if = a[:, : 2 * h]
            if diagonal:
                a_if.view(n, 2, h).addcmul_(c_prev.unsqueeze(1), w_if)
            else:
                a_if.addmm_(c_prev, w_if)
            a_if.sigmoid_()
            torch.mul(i, g.tanh_(), out=c)
            c.addcmul_(f, c_prev)  # f c^{t-1} + i g
        if diagonal:  # peephole on c^t
            o.addcmul_(c, w_o)
        else:
            o.addmm_(c, w_o)
        torch.mul(o.sigmoid_(), torch.tanh(c, out=tanh_c), out=h_steps[t])
        # eq. 3-4: U^t H^t + b^t + Z^{t-1} S, with Z^{t-1} = F^{t-1}
        torch.addmm(b_u[t], H[:, : (t + 1) * h], u[t].t(), out=out_steps[t])
        if with_s and t > 0:
            z = torch.sigmoid(out_steps[t - 1], out=z_steps[t - 1])
            out_steps[t].addmm_(z, s_mat)
        c_prev = c
    return logits, (gates, cells, tanh_cells, H, Z)


def _steps_backward(
    sizes, diagonal, X, w_h, w_if, w_o, s_mat, w_x, u, state, d_logits, need_dX
):
    """Back-propagation through the ``M`` steps of :func:`_steps_forward`.

    Returns the gradients in the order of ``_RMLCSteps.forward``'s inputs
    ``X, b, w_h, w_if, w_o, s_mat, *w_x, *u, *b_u``.
    """
    gates, cells, tanh_cells, H, Z = state
    m = len(sizes)
    n, h = X.shape[0], w_h.shape[1]
    n_labels = d_logits.shape[2]
    # eq. 4 backwards: logits^t feeds logits^{t+1} through sigmoid and S
    d_logits = d_logits.clone(memory_format=torch.contiguous_format)
    d_out = d_logits.unbind(1)
    d_u = [None] * m
    d_H = torch.mm(d_out[m - 1], u[m - 1])  # (n, M h)
    s_t = None if Z is None else s_mat.t()
    for t in range(m - 1, -1, -1):
        if Z is not None and t > 0:
            d_out[t - 1].add_(_sigmoid_backward(d_out[t].mm(s_t), Z[:, t - 1]))
        d_u[t] = d_out[t].t().mm(H[:, : (t + 1) * h])
        if t < m - 1:
            d_H[:, : (t + 1) * h].addmm_(d_out[t], u[t])
    d_bu = d_logits.sum(0).unbind(0)
    d_s = None
    if s_mat is not None:
        if Z is None:
            d_s = torch.zeros_like(s_mat)
        else:  # sum_t (Z^{t-1})^T d logits^t in one product
            d_next = d_logits[:, 1:].reshape(-1, n_labels)
            d_s = Z.view(-1, n_labels).t().mm(d_next)
    # eq. 2 backwards through the steps; d_H gets d h^{t-1} from step t
    d_gates = X.new_empty(m, n, 4 * h)  # pre-activation gradients of each step
    d_wh = torch.zeros_like(w_h) if m > 1 else None
    if diagonal:
        w_if = w_if.view(2, h)
    d_wx, d_X = [None] * m, [None] * m
    blocks, act_steps = X.split(sizes, dim=1), gates.unbind(0)
    cell_steps, h_steps = cells.unbind(0), H.split(h, dim=1)
    d_h_steps, d_steps = d_H.split(h, dim=1), d_gates.unbind(0)
    d_c = None  # d c^t from step t + 1
    for t in range(m - 1, -1, -1):
        i, f, g, o = act_steps[t].split(h, dim=1)
        d_a = d_steps[t]
        d_i, d_f, d_g, d_o = d_a.split(h, dim=1)
        d_ht, tanh_c = d_h_steps[t], tanh_cells[t]
        _sigmoid_backward_out(d_ht * tanh_c, o, grad_input=d_o)
        d_ct = _tanh_backward(d_ht * o, tanh_c)
        if diagonal:
            d_ct.addcmul_(d_o, w_o)
        else:
            d_ct.addmm_(d_o, w_o)
        if d_c is not None:
            d_ct += d_c
        _sigmoid_backward_out(d_ct * g, i, grad_input=d_i)
        _tanh_backward_out(d_ct * i, g, grad_input=d_g)
        x_t = blocks[t]
        if t == 0:
            # f^1 multiplies c^0 = 0: its rows of W_f get no gradient
            d_f.zero_()
            d_wx[0] = d_w = x_t.new_empty(4 * h, x_t.shape[1])
            w_i, w_f, w_go = d_w.split((h, h, 2 * h))
            torch.mm(d_i.t(), x_t, out=w_i)
            w_f.zero_()
            torch.mm(d_a[:, 2 * h :].t(), x_t, out=w_go)
        else:
            c_prev = cell_steps[t - 1]
            _sigmoid_backward_out(d_ct * c_prev, f, grad_input=d_f)
            d_wx[t] = d_a.t().mm(x_t)
        if need_dX:
            d_X[t] = d_a.mm(w_x[t])
        if t > 0:
            d_if = d_a[:, : 2 * h]
            d_c = d_ct * f
            if diagonal:
                d_c.addcmul_(d_i, w_if[0]).addcmul_(d_f, w_if[1])
            else:
                d_c.addmm_(d_if, w_if)
            d_wh.addmm_(d_a.t(), h_steps[t - 1])
            d_h_steps[t - 1].addmm_(d_a, w_h)
    # the gradients of b, W_o and W_if summed over the steps in one go
    d_b = d_gates.sum((0, 1))
    d_o = d_gates[:, :, 3 * h :].reshape(m * n, h)
    if diagonal:
        d_wo = (d_o * cells.view(m * n, h)).sum(0)
    else:
        d_wo = d_o.t().mm(cells.view(m * n, h))
    d_wif = None
    if m > 1:
        d_if = d_gates[1:, :, : 2 * h].reshape((m - 1) * n, 2 * h)
        c_prev = cells[:-1].reshape((m - 1) * n, h)
        if diagonal:
            d_wif = (d_if.view(-1, 2, h) * c_prev.unsqueeze(1)).sum(0).view(2 * h)
        else:
            d_wif = d_if.t().mm(c_prev)
    d_X = torch.cat(d_X, dim=1) if need_dX else None
    return (d_X, d_b, d_wh, d_wif, d_wo, d_s, *d_wx, *d_u, *d_bu)


class _RMLCSteps(torch.autograd.Function):
    """Eq. 1-4 over all steps, with a hand-written backward pass.

    One autograd node for the whole recurrence instead of about 60: at the
    usual batch sizes the time of an epoch went to per-node bookkeeping.
    The backward pass is back-propagation through the ``M`` steps of the
    same equations; tests compare it with torch's autograd and gradcheck.
    With ``graphs`` (a :class:`_StepGraphs`), both passes replay captured
    CUDA graphs of the same functions.
    """

    @staticmethod
    def forward(ctx, sizes, diagonal, graphs, X, b, w_h, w_if, w_o, s_mat, *layers):
        params = (b, w_h, w_if, w_o, s_mat, *layers)
        ctx.sizes, ctx.diagonal, ctx.runner = sizes, diagonal, None
        ctx.save_for_backward(X, *params)
        if graphs is not None:
            runner = graphs.get(sizes, diagonal, X, params)
            if runner is not None:
                logits, ctx.token = runner.forward(X)
                ctx.runner = runner
                return logits
        m = len(sizes)
        logits, ctx.state = _steps_forward(
            sizes,
            diagonal,
            X,
            *params[:5],
            params[5 : 5 + m],
            params[5 + m : 5 + 2 * m],
            params[5 + 2 * m :],
        )
        return logits

    @staticmethod
    @once_differentiable
    def backward(ctx, d_logits):
        X, *params = ctx.saved_tensors
        sizes, diagonal = ctx.sizes, ctx.diagonal
        m = len(sizes)
        need_dX = ctx.needs_input_grad[3]
        grads = None
        if ctx.runner is not None:
            grads = ctx.runner.backward(ctx.token, d_logits)
        if grads is None:
            w_x, u = params[5 : 5 + m], params[5 + m : 5 + 2 * m]
            state = getattr(ctx, "state", None)
            if state is None:  # a later forward replaced the graph's state
                state = _steps_forward(
                    sizes, diagonal, X, *params[:5], w_x, u, params[5 + 2 * m :]
                )[1]
            grads = _steps_backward(
                sizes, diagonal, X, *params[1:5], w_x, u, state, d_logits, need_dX
            )
        return (None, None, None, *grads)


def _graphable(X):
    """Whether the steps on ``X`` may run as CUDA graphs."""
    return X.is_cuda


def _capture_cuda_graph(fn):
    """Capture ``fn()`` in a CUDA graph; return ``(replay, outputs, graph)``.

    ``fn`` runs twice on a side stream first (cuBLAS handles and
    workspaces are created outside the capture).
    """
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(2):
            fn()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        outputs = fn()
    return graph.replay, outputs, graph


class _StepGraphs:
    """Captured forward/backward graphs of :class:`RMLCModule`, by batch shape.

    A pair is captured on the first training batch of each shape (the full
    batches and the last, smaller one) and kept while the parameters keep
    their storage; at most ``max_shapes`` shapes are kept. A failed capture
    warns once and switches the module to eager runs.
    """

    max_shapes = 4
    capture = staticmethod(_capture_cuda_graph)

    def __init__(self):
        self.runners = {}
        self.failed = False

    def get(self, sizes, diagonal, X, params):
        if self.failed:
            return None
        key = (tuple(X.shape), X.dtype, X.device, diagonal)
        ptrs = tuple(0 if p is None else p.data_ptr() for p in params)
        runner = self.runners.get(key)
        if runner is not None and runner.ptrs == ptrs:
            return runner
        if runner is None and len(self.runners) >= self.max_shapes:
            self.runners.clear()
        try:
            runner = _GraphPair(sizes, diagonal, X, params, ptrs, self.capture)
        except Exception as exc:  # noqa: BLE001 - any capture failure
            self.failed = True
            self.runners.clear()
            warnings.warn(
                f"RMLCModule: capturing the CUDA graphs failed ({exc!r}); "
                "training goes on without them (cuda_graphs=False does the "
                "same without trying).",
                RuntimeWarning,
                stacklevel=4,
            )
            return None
        self.runners[key] = runner
        return runner


class _GraphPair:
    """Forward and backward graphs of the steps for one batch shape."""

    def __init__(self, sizes, diagonal, X, params, ptrs, capture):
        m = len(sizes)
        self.ptrs = ptrs
        self.X = X.detach().clone()
        params = [None if p is None else p.detach() for p in params]
        b, w_h, w_if, w_o, s_mat = params[:5]
        w_x, u = params[5 : 5 + m], params[5 + m : 5 + 2 * m]
        b_u = params[5 + 2 * m :]
        fixed = (sizes, diagonal, self.X)
        with torch.no_grad():
            self.forward_replay, (self.logits, state), self._fg = capture(
                lambda: _steps_forward(*fixed, b, w_h, w_if, w_o, s_mat, w_x, u, b_u)
            )
            self.d_logits = torch.zeros_like(self.logits)
            self.backward_replay, self.grads, self._bg = capture(
                lambda: _steps_backward(
                    *fixed, w_h, w_if, w_o, s_mat, w_x, u, state, self.d_logits, False
                )
            )
        self.generation = 0

    def forward(self, X):
        self.X.copy_(X)
        self.forward_replay()
        self.generation += 1
        return self.logits.clone(), self.generation

    def backward(self, token, d_logits):
        if token != self.generation:
            return None  # the state now belongs to a later forward
        self.d_logits.copy_(d_logits)
        self.backward_replay()
        # static outputs: autograd copies them into .grad (they stay referenced)
        return self.grads


class _SquaredNorm(torch.autograd.Function):
    """``sum_t ||U^t||^2`` as one autograd node (gradient ``2 U^t``)."""

    @staticmethod
    def forward(ctx, *weights):
        ctx.save_for_backward(*weights)
        return torch.cat([w.reshape(-1) for w in weights]).square().sum()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        grad = 2 * grad
        return tuple(w * grad for w in ctx.saved_tensors)


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
    batch. Losses with label priors need the callback
    :class:`skmml.losses.FitCriterionPriors` (``RMLCClassifier`` adds it).
    Unknown (NaN) entries of ``y`` are handled as by
    :class:`skmml.losses.LossWeightsMixin` (masked by default).

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

    def _present_steps(self, features, n_steps):
        """``(n, M)`` presence of each step's modality, or None if all present."""
        if getattr(self, "_complete_inputs", False):
            return None
        if isinstance(features, Mapping):
            features = features.get("X")
        sizes = getattr(self.module_, "modality_sizes", None)
        if isinstance(features, np.ndarray) and features.dtype.kind == "f":
            features = torch.from_numpy(features)
        if (
            not isinstance(features, torch.Tensor)
            or sizes is None
            or len(sizes) != n_steps
        ):
            return None
        missing = missing_steps(features, sizes)
        if not bool(missing.any()):
            return None
        return ~missing

    def _missing_step_loss(self, step_logits, y_true, weights, present):
        """``sum_t criterion(logits^t, Y)`` with weight 0 where ``m^t = 0``."""
        device, dtype = step_logits.device, step_logits.dtype
        criterion = self.criterion_
        if not accepts_loss_weights(criterion):
            raise ValueError(
                "X has missing modalities (blocks all NaN), which are left "
                "out of the loss of their step through its weight and "
                f"neg_weight arguments, but criterion {type(criterion).__name__} "
                "does not accept them. Use a loss of skmml.losses."
            )
        weights = {
            key: torch.as_tensor(value, device=device).to(dtype)
            for key, value in weights.items()
        }
        y_true, weights = self._mask_unknown_targets(y_true, weights)
        weight = weights.get("weight")
        neg_weight = weights.get("neg_weight", weight)
        ones = torch.ones_like(y_true)
        weight = ones if weight is None else weight * ones
        neg_weight = ones if neg_weight is None else neg_weight * ones
        present = present.to(device=device, dtype=dtype)
        loss = 0.0
        for t, logits in enumerate(step_logits.unbind(dim=1)):
            p = present[:, t : t + 1]
            loss = loss + criterion(
                logits, y_true, weight=weight * p, neg_weight=neg_weight * p
            )
        return loss

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """As skorch's, checking once that ``y`` has no NaN (unknown) entry.

        Without unknown entries, the batches skip the NaN check of
        :meth:`get_loss`.
        """
        self._complete_targets = _has_no_nan(y)
        features, _ = pop_loss_weights(X)
        if isinstance(features, Mapping) and "X" in features:
            features = features["X"]
        # without a missing block, neither the steps nor the loss look for one
        self.module_._assume_complete = self._complete_inputs = _has_no_nan(features)
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        finally:
            self._complete_targets = self._complete_inputs = False
            self.module_._assume_complete = False

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Sum the criterion over the steps and add the ``U^t`` penalty."""
        if isinstance(y_pred, tuple):
            _, step_logits = y_pred
        else:  # a plain tensor of final logits
            step_logits = y_pred.unsqueeze(1)
        device, dtype = step_logits.device, step_logits.dtype
        y_true = torch.as_tensor(y_true, device=device).to(dtype)
        features, weights = pop_loss_weights(X)
        criterion = self.criterion_
        present = self._present_steps(features, step_logits.shape[1])
        if present is not None:
            loss = self._missing_step_loss(step_logits, y_true, weights, present)
        elif (
            not weights
            and getattr(self, "_complete_targets", False)
            and y_true.shape == step_logits[:, 0].shape
            and (fused := _fused_bce_weights(criterion, step_logits)) is not None
            and criterion.reduction != "none"
        ):
            # eq. 5 or the default class-balanced loss: one fused kernel over
            # the steps, the target broadcast (not copied) along them
            n_steps = step_logits.shape[1]
            loss = F.binary_cross_entropy_with_logits(
                step_logits,
                y_true.unsqueeze(1).expand_as(step_logits),
                reduction=criterion.reduction,
                **fused,
            )
            if criterion.reduction == "mean" and n_steps > 1:
                loss = loss * n_steps
        else:
            weights = {
                key: torch.as_tensor(value, device=device).to(dtype)
                for key, value in weights.items()
            }
            y_true, weights = self._mask_unknown_targets(y_true, weights)
            loss = _stacked_bce(criterion, step_logits, y_true, weights)
            if loss is None:
                steps = step_logits.unbind(dim=1)
                loss = criterion(steps[0], y_true, **weights)
                for logits in steps[1:]:
                    loss = loss + criterion(logits, y_true, **weights)
        if self.reg_lambda:
            loss = loss + self.reg_lambda * self.module_.dense_penalty()
        return loss


def _has_no_nan(y):
    """True when ``y`` is an array or tensor without NaN (False if unsure)."""
    if isinstance(y, np.ndarray):
        return y.dtype.kind in "biu" or (y.dtype.kind == "f" and not np.isnan(y).any())
    if isinstance(y, torch.Tensor):
        return not (y.is_floating_point() and bool(torch.isnan(y).any()))
    return False


def _fused_bce_weights(criterion, step_logits):
    """Keyword arguments of ``binary_cross_entropy_with_logits`` computing
    ``criterion`` unweighted, or None when it cannot.

    ``WeightedBCELoss`` is the plain cross-entropy. ``ClassBalancedLoss``
    with ``gamma=0`` is ``w+_c y sp(-z) + w-_c (1 - y) sp(z)``, torch's
    ``weight=w-`` and ``pos_weight=w+ / w-`` (``w-_c > 0``).
    """
    if type(criterion) is WeightedBCELoss:
        return {}
    if type(criterion) is not ClassBalancedLoss or criterion.gamma != 0:
        return None
    if criterion.pos_weight_ is None:
        return None  # let the criterion report the missing priors
    pos_w, neg_w = criterion._priors(step_logits)
    if pos_w.ndim != 1 or not bool((neg_w > 0).all()):
        return None
    return {"weight": neg_w, "pos_weight": pos_w / neg_w}


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
        if key == "neg_weight" and "weight" in stacked and value is weights["weight"]:
            stacked[key] = stacked["weight"]  # one tensor: the fused kernel
            continue
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
