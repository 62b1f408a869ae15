"""RMLCClassifier: scikit-learn estimator around the RMLC network (skorch)."""

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassifierMixin, TransformerMixin
from sklearn.utils.validation import validate_data

from ..losses import ClassBalancedLoss, label_prior_log_odds
from ..utils import ModalityLayout, resolve_modalities
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ..utils._tags import with_missing_modalities
from ._base import (
    ABSENT_LABEL_DOC,
    UNKNOWN_LABELS_DOC,
    BaseNeuralEstimator,
    NeuralClassifierMixin,
)
from ._rmlc_module import RMLCModule, RMLCNet


class _MissingModalityMixin:
    """Lets ``fit`` and prediction take rows with missing modalities.

    A missing modality is a row whose whole block is NaN; a block partly
    NaN, or an infinite value, is an error. Put it left of
    :class:`BaseNeuralEstimator`: ``X`` is validated with NaN allowed and
    checked block by block in ``_reorder`` (where the layout is known).
    Rows without any modality are an error in ``fit``; classifiers predict
    the training label priors for them (the module returns NaN logits).
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, sample_weight=None, neg_weight=None):
        self._in_fit = True
        try:
            return super().fit(X, y, sample_weight=sample_weight, neg_weight=neg_weight)
        finally:
            del self._in_fit

    fit.__doc__ = BaseNeuralEstimator.fit.__doc__.replace(
        """            ``modalities``).
""",
        """            ``modalities``). A row whose whole block of a modality is
            NaN has that modality missing (see Notes); a block partly NaN
            is an error, and so is a row without any modality.
""",
    )

    def _validate_X(self, X, *, reset, dtype):
        # NaN and infinity are checked per block in _reorder
        return validate_data(self, X, reset=reset, dtype=dtype, ensure_all_finite=False)

    def _reorder(self, X):
        X = super()._reorder(X)
        if not X.flags.writeable:  # a view of a DataFrame; torch needs a copy
            X = X.copy()
        _check_modality_blocks(
            X,
            list(self.modalities_),
            [len(cols) for cols in self.modalities_.values()],
            fit=getattr(self, "_in_fit", False),
        )
        return X

    def _record_label_counts(self, Y):
        super()._record_label_counts(Y)
        self._prior_logits = label_prior_log_odds(Y)

    def _logits(self, X):
        logits = super()._logits(X)
        rows = np.isnan(logits).any(axis=1)  # no modality present
        if rows.any():
            logits[rows] = self._prior_logits
        return logits

    def __sklearn_tags__(self):
        return with_missing_modalities(
            super().__sklearn_tags__(), passes=isinstance(self, TransformerMixin)
        )


def _check_modality_blocks(X, names, sizes, *, fit):
    """Raise unless every block of every row is all NaN or has no NaN."""
    if np.isfinite(X).all():
        return
    if np.isinf(X).any():
        raise ValueError("Input X contains infinity; it must be finite.")
    nan = np.isnan(X)
    none_present = np.ones(X.shape[0], dtype=bool)
    blocks = np.split(nan, np.cumsum(sizes)[:-1], axis=1)
    for name, block in zip(names, blocks, strict=True):
        count = block.sum(axis=1)
        partly = np.flatnonzero((count > 0) & (count < block.shape[1]))
        if partly.size:
            raise ValueError(
                f"Modality {name!r} is partly NaN in {partly.size} row(s) "
                f"(rows {_first_rows(partly)}). A modality is either present "
                "(no NaN) or missing (all its columns NaN); impute missing "
                "features first, e.g. with a SimpleImputer in "
                "MultiModalConcatenator."
            )
        none_present &= count == block.shape[1]
    rows = np.flatnonzero(none_present)
    if fit and rows.size:
        raise ValueError(
            f"{rows.size} row(s) of X have every modality missing (all NaN; "
            f"rows {_first_rows(rows)}); there is nothing to learn from them. "
            "Remove them before fit."
        )


def _first_rows(rows):
    return ", ".join(map(str, rows[:5])) + (", ..." if rows.size > 5 else "")


class RMLCClassifier(
    _MissingModalityMixin, NeuralClassifierMixin, ClassifierMixin, BaseNeuralEstimator
):
    __doc__ = (
        """Rethinking Modal-oriented Label Correlations (RMLC) classifier.

    A multi-modal multi-label network (Zhang et al.): a peephole LSTM reads
    one modality per step, each step predicts all labels from the outputs of
    the steps so far, and a shared label-correlation matrix ``S`` passes the
    previous step's prediction on to the next (eq. 1-4). Trained with the
    per-step criterion summed over the steps plus an L2 penalty on the dense
    layers (eq. 5-6) by Adam, through :mod:`skorch`.

    Parameters
    ----------
    modalities : "auto", sequence of int, sequence of sequences, dict or \
            ModalityLayout, default="auto"
        How the columns of ``X`` split into modalities, resolved by
        :func:`skmml.utils.resolve_modalities`.

        - ``"auto"``: group the columns of a DataFrame by the
          ``"{modality}__"`` prefix of their names (the names written by
          :class:`skmml.compose.MultiModalConcatenator` and kept by selectors
          with ``set_output(transform="pandas")``), in order of first
          appearance. Columns without names (a NumPy array, e.g. from a
          Pipeline step without pandas output) or without the prefix raise
          an error: the modalities are never guessed.
        - sequence of int: sizes of consecutive column blocks.
        - sequence of sequences of int: column indices of each modality.
        - dict ``{name: columns}`` (as returned by
          ``skmml.datasets.make_multimodal_multilabel``); columns may be
          indices, names of DataFrame columns, a slice or a boolean mask.
          ``{"all": slice(None)}`` asks for a single modality (RMLC then
          reduces to a one-step network) whatever the number of columns.
        - a :class:`skmml.utils.ModalityLayout`.

        Every column must belong to exactly one modality.
    modality_order : sequence, default=None
        Order in which the modalities are read, as modality names (``"auto"``
        or dict) or positions. None keeps the order of ``modalities``.
    hidden_size : int, default=64
        Width of the LSTM state ``h``.
    use_label_correlation : bool or "auto", default="auto"
        If False drop ``Z^{t-1} S`` from eq. 4: the paper's RMLC_NS ablation,
        which predicts ``sigmoid(f_spec^M)``. True keeps it (the paper's
        RMLC). With a single modality there is no previous step (``Z^0 =
        0``), so the term has no effect: ``"auto"`` uses it when there are
        at least two modalities and says nothing otherwise, while True with
        one modality issues a ``UserWarning`` at :meth:`fit`.

        .. versionchanged:: 0.1.0
           Default changed from True to ``"auto"`` (the same network; only
           the warning differs).
    peephole : {"full", "diagonal"}, default="full"
        Peephole connections of the LSTM cell (eq. 2): ``"full"`` ``h x h``
        matrices as written in the paper, or ``"diagonal"`` (one weight per
        unit, the usual peephole LSTM; fewer parameters, not the paper's
        model).
    cuda_graphs : bool, default=False
        On a CUDA ``device``, replay the recurrence of each training batch
        as captured CUDA graphs (one forward and one backward graph per
        batch shape) instead of about a hundred small kernel launches: the
        same computation, several times faster at small batches. If the
        capture fails, a warning is issued and training runs without them.
        No effect on the CPU. Off by default until it has been checked on
        a GPU (``benchmarks/gpu_check.sh``; only a CPU stand-in of the
        capture is tested so far).
    linear_skip : bool, default=True
        Add a linear term of the modalities read so far to the logits of
        every step (``logits^t += sum_{s <= t} V^s x^s``, ``V`` starting at
        zero; see :class:`RMLCModule`): a logistic-regression path beside
        the LSTM. Not in the paper; False is the paper's network (see
        *Defaults* in Notes).

        .. versionadded:: 0.1.0
    reg_lambda : float, default=1e-4
        ``lambda`` of eq. 6, the weight of ``sum_t ||U^t||^2``. See Notes for
        its scale.
    criterion : torch loss class or instance, \
            default=skmml.losses.ClassBalancedLoss
        Per-step criterion ``criterion(logits, Y)`` on logits, for instance a
        loss of :mod:`skmml.losses`. The default is the class-balanced
        cross-entropy (Cui et al., ``beta=0.99``): the positive and the
        negative terms of each label are weighted by the inverse effective
        numbers of its positives and negatives, which lifts the rare labels;
        ``criterion=WeightedBCELoss`` is the cross-entropy of eq. 5 (see
        *Defaults* in Notes). Its parameters can be set with
        ``criterion__name=value``. Losses with label priors get
        their priors fitted on the labels of the training rows only (without
        the validation rows of ``train_split``): the estimator adds the
        callback :class:`skmml.losses.FitCriterionPriors` to its net.

        .. versionchanged:: 0.1.0
           Default changed from ``WeightedBCELoss`` (eq. 5) to
           ``ClassBalancedLoss``.
    missing_labels : {"ignore", "cooccurrence"}, default="ignore"
        How the loss treats labels that may be missing.

        - ``"ignore"``: the unknown (NaN) entries of ``y`` get weight 0 on
          both terms of the loss (IM-WCE of Ibrahim et al., 2020, with a
          known mask), so they have no influence on training; the known 0
          entries are trusted negatives. A complete ``y`` trains as before.
        - ``"cooccurrence"``: CB-WCE of Ibrahim et al. Every entry that is
          not a known positive (0 or NaN) may be a missing positive: it is
          trained as a negative (target 0) whose negative weight is
          multiplied by the confidence :math:`\\bar\\omega_{i,c} =
          P(y_{i,c} = 0 \\mid \\mathbf{y}_i)` of eq. 3, estimated as
          :func:`skmml.losses.cooccurrence_negative_weights` does from the
          known labels of the training rows only (the rows passed to ``fit``
          without the validation rows of ``train_split``, so each
          cross-validation split uses the statistics of its training fold);
          positive terms keep their weight (eq. 2 with
          :math:`\\omega = 1`). On a complete ``y`` it equals ``fit(X, y,
          neg_weight=cooccurrence_negative_weights(y))``. Needs a multi-label
          ``y``.

        These weights multiply the ``sample_weight`` and ``neg_weight`` of
        :meth:`fit`; the criterion must accept weights (every loss of
        :mod:`skmml.losses` does).
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimizer (Adam in the paper); parameters via ``optimizer__name``.
        ``torch.optim.Adam`` and ``AdamW`` run with ``fused=True`` (torch's
        one-kernel implementation of the same update; CPU needs torch >= 2.4)
        unless ``optimizer__fused`` or ``optimizer__foreach`` is given.
    lr : float, default=1e-3
        Learning rate.
    batch_size : int, default=64
        Mini-batch size ``N_b`` (64 in the paper).
    max_epochs : int or "auto", default="auto"
        Number of epochs. ``"auto"`` trains for about 500 mini-batch updates:
        ``round(500 / n_batches)`` epochs, ``n_batches`` being the number of
        mini-batches of the training rows, within [10, 100] (16 epochs for
        2,000 rows, 62 for 500 at ``batch_size=64``). The number used is
        ``n_epochs_``.

        .. versionchanged:: 0.1.0
           Default changed from 50 to ``"auto"`` (see *Defaults* in Notes).
    train_split : None, float, int or callable, default=None
        Validation split used by skorch (its ``valid_loss`` column and
        callbacks such as early stopping). None trains on all samples. A
        float in (0, 1) holds out that fraction and an int ``k >= 2`` one
        ``k``-th, both at random (seeded by ``random_state``) and **not**
        stratified, since skorch's stratified split rejects multi-label
        targets. A callable is used as skorch's ``train_split``.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (copied before training).
    threshold : float, default=0.4
        Probability from which a label is predicted (multi-label and binary
        targets); :meth:`decision_function` is shifted by its log-odds, so
        that a label is predicted where it is ``>= 0``.

        .. versionchanged:: 0.1.0
           Default changed from 0.5 to 0.4 (see *Defaults* in Notes).
    output_bias_init : {"prior", "uniform"}, default="uniform"
        Initial biases ``b^t`` of the output layers: ``"uniform"`` keeps
        torch's initialisation of :class:`torch.nn.Linear`; ``"prior"`` sets
        them to the log-odds of each label's frequency in the training rows
        (without the validation rows of ``train_split``), so that the
        untrained network predicts the label priors (Lin et al., 2017;
        :func:`skmml.losses.init_bias_with_priors`). It did not help on the
        development splits of *Defaults* (Notes), hence not the default.
    device : str or torch.device, default="cpu"
        Device of the module and the batches, e.g. ``"cuda:0"``; a CUDA
        device that this machine does not have is an error.
    verbose : int, default=0
        If positive, skorch prints its epoch table.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation and the batch order. Training runs in
        a forked torch RNG, so the global torch seed is left untouched.
    **kwargs
        Parameters routed to the skorch net, with one of the prefixes
        ``criterion__``, ``optimizer__``, ``iterator_train__``,
        ``iterator_valid__``, ``dataset__`` or ``callbacks__`` (for instance
        ``optimizer__weight_decay=1e-5``). They are ordinary parameters for
        :meth:`get_params`, :meth:`set_params`, ``clone`` and grid searches.

    Attributes
    ----------
    classes_ : ndarray
        ``np.arange(n_labels)`` for a multi-label target, else the classes.
    n_features_in_ : int
        Number of columns of ``X`` seen in :meth:`fit`.
    feature_names_in_ : ndarray of str
        Column names of ``X``, when they are all strings.
    modality_names_ : list of str
        Modalities in step order.
    modalities_ : dict
        ``{name: column indices}`` in step order.
    label_counts_ : ndarray of shape (n_labels,)
        Known positives of every label in the rows passed to :meth:`fit`
        (multi-label targets only); see Notes.
    observed_counts_ : ndarray of shape (n_labels,)
        Known (not NaN) entries of every label in the rows passed to
        :meth:`fit` (multi-label targets only).
    n_epochs_ : int
        Number of epochs trained (``max_epochs`` resolved).
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the :class:`RMLCModule` and
        ``net_.history`` the training history.

    See Also
    --------
    RMLCModule : the torch module, with the gate equations.

    Notes
    -----
    The prediction of step ``t`` is (eq. 3-4)

    .. math::

        F^t = \\sigma(U^t [h^1, \\dots, h^t] + b^t + Z^{t-1} S), \\quad
        Z^{t-1} = F^{t-1}, \\; Z^0 = 0,

    and the training loss of a batch is

    .. math::

        \\sum_{t=1}^M \\ell(F^t, Y) + \\lambda \\sum_{t=1}^M \\|U^t\\|_2^2 .

    The paper sums the cross-entropy over samples and labels (eq. 5) and
    uses ``lambda = 0.1`` with ``N_b = 64``; the default criterion averages
    instead, so the paper's setting corresponds to
    ``reg_lambda = 0.1 / (64 * n_labels)``, about ``1e-4`` for ten labels.
    The label-correlation matrix ``S`` starts at zero.

    **Defaults.** The paper's configuration, eq. 5 for 50 epochs predicted
    from 0.5, rarely predicts the rare labels of long-tailed data:
    ``RMLCClassifier(criterion=WeightedBCELoss, max_epochs=50,
    threshold=0.5, linear_skip=False)`` reproduces it. The defaults were
    chosen on development splits that no reported number uses (75% / 25%
    of the training part of the first of five iterative folds of emotions,
    yeast and scene with their views; generated long-tailed sets of 2,700
    rows, three modalities and 20 or 50 labels with 5 to 800 positives,
    drawn with another seed), micro-F1 / macro-F1:

    ==============================  ===========  ===========  ===========
    configuration                   emotions     yeast        scene
    ==============================  ===========  ===========  ===========
    eq. 5, 50 epochs, 0.5           .702 / .693  .615 / .430  .728 / .735
    class-balanced, "auto", 0.5     .706 / .700  .645 / .434  .762 / .768
    the same, threshold 0.4         .706 / .703  .665 / .467  .759 / .767
    the same + linear skip, 0.5     .705 / .702  .639 / .434  .747 / .753
    defaults (skip, 0.4)            .721 / .719  .656 / .458  .746 / .753
    one-vs-rest logistic reg.       .620 / .608  .624 / .394  .650 / .658
    ==============================  ===========  ===========  ===========

    ==============================  ===========  ===========
    configuration                   20 labels    50 labels
    ==============================  ===========  ===========
    eq. 5, 50 epochs, 0.5           .788 / .196  .666 / .090
    class-balanced, "auto", 0.5     .783 / .220  .653 / .117
    the same, threshold 0.4         .760 / .213  .628 / .143
    the same + linear skip, 0.5     .801 / .245  .686 / .155
    defaults (skip, 0.4)            .797 / .309  .687 / .176
    one-vs-rest logistic reg.       .812 / .268  .707 / .181
    ==============================  ===========  ===========

    With eq. 5 the rare labels are still learned too slowly after 50
    epochs; an output bias at the label priors did not change that and
    lowered micro-F1 on scene. Class-balanced weights (``beta=0.99``) do
    most of the work; ``beta=0.999`` and the logit-adjusted loss
    (``tau=1``) predict rare labels far too often (50 labels, micro-F1
    0.41 and 0.15: the adjusted network's logits have the prior removed,
    which suits balanced error, not F1). Class-balanced, the network
    overfits after about 500 updates (yeast: micro-F1 0.670 after 10
    epochs, 0.631 after 50), hence ``max_epochs="auto"``; ``lr=3e-3`` and
    100 epochs were worse. The class-balanced weights leave the
    probabilities of the rare labels below 0.5, and ``threshold=0.4``
    adds macro-F1 on every set without costing micro-F1 (yeast +0.024 /
    +0.017 with the skip); :meth:`decision_function` is shifted with it,
    so that ``predict`` stays ``decision_function >= 0``. The linear skip
    (``linear_skip``) lets labels that depend linearly on the features
    bypass the LSTM: +0.02-0.06 micro-F1 and +0.03-0.10 macro-F1 on the
    generated sets, within 0.015 on emotions and yeast, -0.015 on scene
    (mean of three seeds: -0.008). It trains at ``lr`` like the rest; a larger
    step for it alone (``optimizer__param_groups=[("linear_weights*",
    {"lr": 3e-3})]``) gained another 0.02 / 0.04 on the generated sets
    and lost up to 0.008 on the real ones, so it is not the default.
    ``benchmarks/bench_imbalance_defaults.py --dev`` reruns this
    comparison (``results/bench_imbalance_defaults_dev_skip.json``).
    Per-label thresholds: :class:`skmml.model_selection.MultiLabelThresholdTuner`.

    A binary or multiclass ``y`` is one-hot encoded (one sigmoid output per
    class; one output for binary); ``predict`` then returns the class with
    the highest score (binary: probability ``>= threshold``) and
    ``predict_proba`` the sigmoid outputs normalised to sum to one.

    **Missing modalities.** A row whose block of a modality is all NaN (a
    video without audio) has that modality *missing*, at fit and at
    prediction: the network skips its step, carrying the LSTM state, the
    label prediction ``Z`` and the output over it,

    .. math::

        h^t = h^{t-1}, \\; c^t = c^{t-1}, \\; Z^t = Z^{t-1}, \\;
        F^t = F^{t-1} \\quad \\text{if modality } t \\text{ is missing,}

    and leaves that step out of the loss (weight 0); the prediction is the
    one of the last present step (see :class:`RMLCModule`). Rows without a
    missing modality compute eq. 1-6 exactly as before, whatever the other
    rows of the batch. A row with *every* modality missing is an error in
    :meth:`fit` and is predicted as the training label priors (the
    log-odds of :func:`skmml.losses.label_prior_log_odds`). A block partly
    NaN is an error (impute such features first); the estimator declares
    the ``missing_modalities`` tag (:func:`skmml.utils.accepts_missing_modalities`).

    Speed: the recurrence of a batch is one autograd node with a
    hand-written backward pass. On a CUDA ``device`` the training arrays are
    copied to the GPU once (when they take less than a quarter of its free
    memory) and each batch replays CUDA graphs of the recurrence
    (``cuda_graphs``). ``batch_size`` keeps the paper's 64 on every device:
    a larger batch runs faster on a GPU but makes fewer updates per epoch,
    so it is left to the user.

    """
        + ABSENT_LABEL_DOC
        + """
    """
        + UNKNOWN_LABELS_DOC
        + """
    References
    ----------
    .. [1] Y. Zhang, J. Shen, Z. Zhang, L. Zhang and C. Wang, "Rethinking
       Modal-oriented Label Correlations for Multi-modal Multi-label
       Learning", IJCNN 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.neural import RMLCClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 5))
    >>> Y = np.column_stack([X[:, 0] > 0, X[:, 3] + X[:, 4] > 0]).astype(int)
    >>> clf = RMLCClassifier([3, 2], hidden_size=8, max_epochs=30, lr=0.02,
    ...                      random_state=0).fit(X, Y)
    >>> clf.modality_names_
    ['0', '1']
    >>> Y[:3]
    array([[1, 1],
           [0, 1],
           [1, 1]])
    >>> clf.predict(X[:3])
    array([[1, 1],
           [0, 1],
           [1, 1]])
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)

    Unknown labels (NaN) are left out of the loss:

    >>> Y_partial = Y.astype(float)
    >>> Y_partial[::4, 1] = np.nan
    >>> clf.fit(X, Y_partial).observed_counts_
    array([60, 45])
    """
    )

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **NeuralClassifierMixin._parameter_constraints,
        "modalities": [StrOptions({"auto"}), "array-like", dict, ModalityLayout],
        "modality_order": [None, "array-like"],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "use_label_correlation": ["boolean", StrOptions({"auto"})],
        "reg_lambda": [Interval(Real, 0, np.inf, closed="left")],
        "peephole": [StrOptions({"full", "diagonal"})],
        "cuda_graphs": ["boolean"],
        "linear_skip": ["boolean"],
    }
    _net_class = RMLCNet
    _fused_adam = True

    def __init__(
        self,
        modalities="auto",
        *,
        modality_order=None,
        hidden_size=64,
        use_label_correlation="auto",
        reg_lambda=1e-4,
        peephole="full",
        cuda_graphs=False,
        linear_skip=True,
        criterion=ClassBalancedLoss,
        missing_labels="ignore",
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs="auto",
        train_split=None,
        callbacks=None,
        threshold=0.4,
        output_bias_init="uniform",
        device="cpu",
        verbose=0,
        random_state=None,
        **kwargs,
    ):
        self._store_params(locals())

    def _resolve_layout(self, n_features):
        layout = resolve_modalities(
            self.modalities,
            n_features=n_features,
            feature_names=getattr(self, "feature_names_in_", None),
        )
        if self.modality_order is not None:
            layout = layout.reorder(self.modality_order)
        self.modality_names_ = list(layout.names)
        return layout

    def _module_params(self, layout, n_outputs):
        if self.use_label_correlation is True and len(layout.sizes) == 1:
            warnings.warn(
                "use_label_correlation=True has no effect with a single "
                "modality: eq. 4 adds Z^{t-1} S from the previous step and "
                "Z^0 = 0. Pass several modalities, or "
                'use_label_correlation="auto" or False to silence this warning.',
                UserWarning,
                stacklevel=4,
            )
        return RMLCModule, {
            "modality_sizes": list(layout.sizes),
            "n_labels": n_outputs,
            "hidden_size": self.hidden_size,
            "use_label_correlation": self.use_label_correlation is not False,
            "peephole": self.peephole,
            "cuda_graphs": self.cuda_graphs,
            "linear_skip": self.linear_skip,
        }

    def _net_params(self):
        return {"reg_lambda": self.reg_lambda}

    @staticmethod
    def _module_logits(module, batch):
        return module(batch)[0]  # F^M, the final step

    @staticmethod
    def _output_biases(module):
        return [layer.bias for layer in module.dense]  # b^t of every step
