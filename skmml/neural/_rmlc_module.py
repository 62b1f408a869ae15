"""Torch module and skorch net behind :class:`skmml.neural.RMLCClassifier`.

The module follows Zhang et al., "Rethinking Modal-oriented Label Correlations
for Multi-modal Multi-label Learning" (eq. 1-6, Algorithm 1).
"""

import torch
from skorch import NeuralNet
from torch import nn
from torch.autograd.function import once_differentiable

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

    The steps run as one autograd node with a hand-written backward pass
    (back-propagation through the ``M`` steps, checked against autograd in
    the tests), which makes a training epoch faster than with about 60
    small autograd nodes per batch; second derivatives are not supported.

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
        step_logits = _RMLCSteps.apply(
            self.modality_sizes,
            X,
            self.recurrent.bias,
            self.recurrent.weight,
            self.peephole_if.weight,
            self.peephole_o.weight,
            self.label_correlation,
            *(lin.weight for lin in self.input_weights),
            *(lin.weight for lin in self.dense),
            *(lin.bias for lin in self.dense),
        )
        return step_logits[:, -1], step_logits

    def dense_penalty(self):
        """Return ``sum_t ||U^t||_2^2`` (squared Frobenius norms, eq. 6)."""
        return torch.cat([lin.weight.reshape(-1) for lin in self.dense]).square().sum()


_sigmoid_backward = torch.ops.aten.sigmoid_backward  # grad * y * (1 - y)
_tanh_backward = torch.ops.aten.tanh_backward  # grad * (1 - y ** 2)


class _RMLCSteps(torch.autograd.Function):
    """Eq. 1-4 over all steps, with a hand-written backward pass.

    One autograd node for the whole recurrence instead of about 60: at the
    usual batch sizes the time of an epoch went to per-node bookkeeping.
    The backward pass is back-propagation through the ``M`` steps of the
    same equations; tests compare it with torch's autograd and gradcheck.
    """

    @staticmethod
    def forward(ctx, sizes, X, b, w_h, w_if, w_o, s_mat, *layers):
        m = len(sizes)
        w_x, u, b_u = layers[:m], layers[m : 2 * m], layers[2 * m :]
        n, h = X.shape[0], w_h.shape[1]
        blocks = X.split(sizes, dim=1)
        H = X.new_empty(n, m * h)  # H^M = [h^1, ..., h^M]
        logits = X.new_empty(n, m, b_u[0].shape[0])
        saved = []
        c_prev = None
        for t in range(m):
            x_t, w_t = blocks[t], w_x[t]
            if t == 0:
                # h^0 = c^0 = 0: no W h^0, no peephole on c^0, f^1 c^0 = 0
                i = torch.sigmoid(torch.addmm(b[:h], x_t, w_t[:h].t()))
                a = torch.addmm(b[2 * h :], x_t, w_t[2 * h :].t())
                g = torch.tanh(a[:, :h])
                f = None
                c = i * g
                a_o = a[:, h:]
            else:
                # eq. 2: W [X^t, h^{t-1}, c^{t-1}] + b, X^t zero off modality t
                a = torch.addmm(b, x_t, w_t.t())
                a.addmm_(H[:, (t - 1) * h : t * h], w_h.t())
                i_f = torch.sigmoid(torch.addmm(a[:, : 2 * h], c_prev, w_if.t()))
                i, f = i_f[:, :h], i_f[:, h:]
                g = torch.tanh(a[:, 2 * h : 3 * h])
                c = torch.addcmul(i * g, f, c_prev)  # f c^{t-1} + i g
                a_o = a[:, 3 * h :]
            o = torch.sigmoid(torch.addmm(a_o, c, w_o.t()))  # peephole on c^t
            tanh_c = torch.tanh(c)
            torch.mul(o, tanh_c, out=H[:, t * h : (t + 1) * h])  # h^t
            # eq. 3-4: U^t H^t + b^t + Z^{t-1} S, with Z^{t-1} = F^{t-1}
            out = torch.addmm(b_u[t], H[:, : (t + 1) * h], u[t].t())
            z = None
            if s_mat is not None and t > 0:
                z = torch.sigmoid(logits[:, t - 1])
                out.addmm_(z, s_mat)
            logits[:, t] = out
            saved.append((i, f, g, o, c_prev, c, tanh_c, z))
            c_prev = c
        ctx.sizes, ctx.states, ctx.H = sizes, saved, H
        ctx.save_for_backward(X, w_h, w_if, w_o, s_mat, *w_x, *u)
        return logits

    @staticmethod
    @once_differentiable
    def backward(ctx, d_logits):
        X, w_h, w_if, w_o, s_mat, *layers = ctx.saved_tensors
        sizes, saved, H = ctx.sizes, ctx.states, ctx.H
        m = len(sizes)
        w_x, u = layers[:m], layers[m:]
        n, h = X.shape[0], w_h.shape[1]
        # eq. 4 backwards: logits^t feeds logits^{t+1} through sigmoid and S
        d_logits = d_logits.clone(memory_format=torch.contiguous_format)
        d_s = None if s_mat is None else torch.zeros_like(s_mat)
        d_u, d_bu = [None] * m, [None] * m
        d_H = H.new_zeros(n, m * h)
        for t in range(m - 1, -1, -1):
            d_out = d_logits[:, t]
            z = saved[t][7]
            if z is not None:
                d_s.addmm_(z.t(), d_out)
                d_logits[:, t - 1] += _sigmoid_backward(d_out.mm(s_mat.t()), z)
            d_u[t] = d_out.t().mm(H[:, : (t + 1) * h])
            d_bu[t] = d_out.sum(0)
            d_H[:, : (t + 1) * h].addmm_(d_out, u[t])
        # eq. 2 backwards through the steps (d_h, d_c: from step t + 1)
        blocks = X.split(sizes, dim=1)
        d_b = X.new_zeros(4 * h)
        d_wh = torch.zeros_like(w_h) if m > 1 else None
        d_wif = torch.zeros_like(w_if) if m > 1 else None
        d_wo = torch.zeros_like(w_o)
        d_wx, d_X = [None] * m, [None] * m
        d_h = d_c = None
        for t in range(m - 1, -1, -1):
            i, f, g, o, c_prev, c, tanh_c, _ = saved[t]
            d_ht = d_H[:, t * h : (t + 1) * h]
            if d_h is not None:
                d_ht = d_ht + d_h
            d_ao = _sigmoid_backward(d_ht * tanh_c, o)
            d_ct = _tanh_backward(d_ht * o, tanh_c).addmm_(d_ao, w_o)
            if d_c is not None:
                d_ct += d_c
            d_wo.addmm_(d_ao.t(), c)
            d_ai = _sigmoid_backward(d_ct * g, i)
            d_ag = _tanh_backward(d_ct * i, g)
            if t == 0:
                d_af = torch.zeros_like(d_ai)  # f^1 multiplies c^0 = 0
            else:
                d_af = _sigmoid_backward(d_ct * c_prev, f)
            d_a = torch.cat([d_ai, d_af, d_ag, d_ao], dim=1)
            d_wx[t] = d_a.t().mm(blocks[t])
            d_b += d_a.sum(0)
            if t > 0:
                d_if = d_a[:, : 2 * h]
                d_wif.addmm_(d_if.t(), c_prev)
                d_wh.addmm_(d_a.t(), H[:, (t - 1) * h : t * h])
                d_c = (d_ct * f).addmm_(d_if, w_if)
                d_h = d_a.mm(w_h)
            if ctx.needs_input_grad[1]:
                d_X[t] = d_a.mm(w_x[t])
        d_X = torch.cat(d_X, dim=1) if ctx.needs_input_grad[1] else None
        return (None, d_X, d_b, d_wh, d_wif, d_wo, d_s, *d_wx, *d_u, *d_bu)


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
        y_true, weights = self._mask_unknown_targets(y_true, weights)
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
