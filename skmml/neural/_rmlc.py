"""RMLCClassifier: scikit-learn estimator around the RMLC network (skorch)."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassifierMixin

from ..losses import WeightedBCELoss
from ..utils import ModalityLayout, resolve_modalities
from ..utils._param_validation import Interval, StrOptions
from ._base import (
    ABSENT_LABEL_DOC,
    UNKNOWN_LABELS_DOC,
    BaseNeuralEstimator,
    NeuralClassifierMixin,
)
from ._rmlc_module import RMLCModule, RMLCNet


class RMLCClassifier(NeuralClassifierMixin, ClassifierMixin, BaseNeuralEstimator):
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
    use_label_correlation : bool, default=True
        If False drop ``Z^{t-1} S`` from eq. 4: the paper's RMLC_NS ablation,
        which predicts ``sigmoid(f_spec^M)``.
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
    reg_lambda : float, default=1e-4
        ``lambda`` of eq. 6, the weight of ``sum_t ||U^t||^2``. See Notes for
        its scale.
    criterion : torch loss class or instance, \
            default=skmml.losses.WeightedBCELoss
        Per-step criterion ``criterion(logits, Y)`` on logits, for instance a
        loss of :mod:`skmml.losses` (the default is the binary cross-entropy
        of eq. 5, with optional weights). Its parameters can be set with
        ``criterion__name=value``. Losses with label priors get
        their priors fitted on the labels of the training rows only (without
        the validation rows of ``train_split``): the estimator adds the
        callback :class:`skmml.losses.FitCriterionPriors` to its net.
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
    max_epochs : int, default=50
        Number of epochs.
    train_split : None, float, int or callable, default=None
        Validation split used by skorch (its ``valid_loss`` column and
        callbacks such as early stopping). None trains on all samples. A
        float in (0, 1) holds out that fraction and an int ``k >= 2`` one
        ``k``-th, both at random (seeded by ``random_state``) and **not**
        stratified, since skorch's stratified split rejects multi-label
        targets. A callable is used as skorch's ``train_split``.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (copied before training).
    threshold : float, default=0.5
        Probability from which a label is predicted (multi-label and binary
        targets).
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

    A binary or multiclass ``y`` is one-hot encoded (one sigmoid output per
    class; one output for binary); ``predict`` then returns the class with
    the highest score (binary: probability ``>= threshold``) and
    ``predict_proba`` the sigmoid outputs normalised to sum to one.

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
        "use_label_correlation": ["boolean"],
        "reg_lambda": [Interval(Real, 0, np.inf, closed="left")],
        "peephole": [StrOptions({"full", "diagonal"})],
        "cuda_graphs": ["boolean"],
    }
    _net_class = RMLCNet
    _fused_adam = True

    def __init__(
        self,
        modalities="auto",
        *,
        modality_order=None,
        hidden_size=64,
        use_label_correlation=True,
        reg_lambda=1e-4,
        peephole="full",
        cuda_graphs=False,
        criterion=WeightedBCELoss,
        missing_labels="ignore",
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs=50,
        train_split=None,
        callbacks=None,
        threshold=0.5,
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
        return RMLCModule, {
            "modality_sizes": list(layout.sizes),
            "n_labels": n_outputs,
            "hidden_size": self.hidden_size,
            "use_label_correlation": self.use_label_correlation,
            "peephole": self.peephole,
            "cuda_graphs": self.cuda_graphs,
        }

    def _net_params(self):
        return {"reg_lambda": self.reg_lambda}

    @staticmethod
    def _module_logits(module, batch):
        return module(batch)[0]  # F^M, the final step
