"""RMLCClassifier: scikit-learn estimator around the RMLC network (skorch)."""

import copy
import inspect
import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
from skorch.dataset import ValidSplit

from ..losses import WeightedBCELoss
from ..utils import check_multilabel_indicator
from ._rmlc_module import (
    RMLCModule,
    RMLCNet,
    _collate_row_batch,
    _RowBatchDataset,
)

# Prefixes of the extra keyword arguments routed to the skorch net.
_ROUTED_PREFIXES = (
    "criterion__",
    "optimizer__",
    "iterator_train__",
    "iterator_valid__",
    "dataset__",
    "callbacks__",
)


class _NetParamsMixin:
    """``save_params`` / ``load_params`` of the fitted skorch net ``net_``."""

    def save_params(
        self, f_params=None, *, f_optimizer=None, f_criterion=None, f_history=None
    ):
        """Save the trained weights (and optimizer, history) to files.

        Thin wrapper of :meth:`skorch.net.NeuralNet.save_params` on
        ``net_``: only the state of the torch module (optimizer, criterion)
        is written, through :func:`torch.save`, not the estimator. Restore it
        with :meth:`load_params` into an estimator fitted with the same
        parameters on data of the same shape; to save the whole estimator,
        pickle it (see Notes).

        Parameters
        ----------
        f_params : str, path or file-like, default=None
            Where to write the module's ``state_dict``; None skips it.
        f_optimizer : str, path or file-like, default=None
            Where to write the optimizer's ``state_dict``; None skips it.
        f_criterion : str, path or file-like, default=None
            Where to write the criterion's ``state_dict``; None skips it.
        f_history : str, path or file-like, default=None
            Where to write the training history as JSON; None skips it.

        Returns
        -------
        self : object

        Notes
        -----
        A pickle (``pickle`` or ``joblib``) restores the whole fitted
        estimator but runs arbitrary code when loaded: never load a pickle
        from an untrusted source. The files of :meth:`save_params` are
        loaded by :meth:`load_params` with ``torch.load(...,
        weights_only=True)``, which only rebuilds tensors and plain
        containers.

        Examples
        --------
        >>> import io
        >>> import numpy as np
        >>> from skmml.neural import RMLCClassifier
        >>> rng = np.random.RandomState(0)
        >>> X = rng.normal(size=(30, 4))
        >>> Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
        >>> clf = RMLCClassifier(hidden_size=4, max_epochs=3, random_state=0)
        >>> f = io.BytesIO()
        >>> _ = clf.fit(X, Y).save_params(f_params=f)
        >>> other = RMLCClassifier(hidden_size=4, max_epochs=1).fit(X, Y)
        >>> _ = f.seek(0)
        >>> np.array_equal(other.load_params(f_params=f).predict_proba(X),
        ...                clf.predict_proba(X))
        True
        """
        check_is_fitted(self, "net_")
        self.net_.save_params(
            f_params=f_params,
            f_optimizer=f_optimizer,
            f_criterion=f_criterion,
            f_history=f_history,
        )
        return self

    def load_params(
        self, f_params=None, *, f_optimizer=None, f_criterion=None, f_history=None
    ):
        """Load weights written by :meth:`save_params`, safely.

        Thin wrapper of :meth:`skorch.net.NeuralNet.load_params` on
        ``net_`` that always loads with ``torch.load(...,
        weights_only=True)``: a file holding anything but tensors and plain
        containers is rejected instead of being unpickled. The estimator
        must be fitted with the same parameters on data of the same shape
        (same features, modalities and labels), so that ``net_`` has the
        architecture of the saved weights; a short fit (``max_epochs=1``)
        is enough.

        Parameters
        ----------
        f_params : str, path or file-like, default=None
            Module ``state_dict`` to load; None skips it.
        f_optimizer : str, path or file-like, default=None
            Optimizer ``state_dict`` to load; None skips it.
        f_criterion : str, path or file-like, default=None
            Criterion ``state_dict`` to load; None skips it.
        f_history : str, path or file-like, default=None
            Training history (JSON) to load; None skips it.

        Returns
        -------
        self : object
        """
        check_is_fitted(self, "net_")
        net = self.net_
        previous = net.torch_load_kwargs
        net.torch_load_kwargs = {**(previous or {}), "weights_only": True}
        try:
            net.load_params(
                f_params=f_params,
                f_optimizer=f_optimizer,
                f_criterion=f_criterion,
                f_history=f_history,
            )
        except RuntimeError as exc:
            if "state_dict" not in str(exc):
                raise
            # torch's size-mismatch report is long; say what to do first
            raise ValueError(
                "The saved parameters do not fit this estimator's network: fit "
                "it with the same parameters on data of the same shape before "
                f"load_params. torch reported: {exc}"
            ) from None
        finally:
            net.torch_load_kwargs = previous
        return self


class RMLCClassifier(_NetParamsMixin, ClassifierMixin, BaseEstimator):
    """Rethinking Modal-oriented Label Correlations (RMLC) classifier.

    A multi-modal multi-label network (Zhang et al.): a peephole LSTM reads
    one modality per step, each step predicts all labels from the outputs of
    the steps so far, and a shared label-correlation matrix ``S`` passes the
    previous step's prediction on to the next (eq. 1-4). Trained with the
    per-step criterion summed over the steps plus an L2 penalty on the dense
    layers (eq. 5-6) by Adam, through :mod:`skorch`.

    Parameters
    ----------
    modalities : "auto", sequence of int, sequence of sequences or dict, \
            default="auto"
        How the columns of ``X`` split into modalities.

        - ``"auto"``: group the columns of a pandas DataFrame by the
          ``"{modality}__"`` prefix of their names (the names written by
          :class:`skmml.compose.MultiModalConcatenator` and kept by selectors
          with pandas output), in order of first appearance. A plain array,
          or a DataFrame whose names carry no ``"__"``, is **one** modality
          (RMLC then reduces to a one-step network).
        - sequence of int: sizes of consecutive column blocks.
        - sequence of sequences of int: column indices of each modality.
        - dict ``{name: column indices}`` (as returned by
          ``skmml.datasets.make_multimodal_multilabel``); indices may also be
          column names when ``X`` is a DataFrame.

        Every column must belong to exactly one modality.
    modality_order : sequence, default=None
        Order in which the modalities are read, as modality names (``"auto"``
        or dict) or positions. None keeps the order of ``modalities``.
    hidden_size : int, default=64
        Width of the LSTM state ``h``.
    use_label_correlation : bool, default=True
        If False drop ``Z^{t-1} S`` from eq. 4: the paper's RMLC_NS ablation,
        which predicts ``sigmoid(f_spec^M)``.
    reg_lambda : float, default=1e-4
        ``lambda`` of eq. 6, the weight of ``sum_t ||U^t||^2``. See Notes for
        its scale.
    criterion : torch loss class or instance, \
            default=skmml.losses.WeightedBCELoss
        Per-step criterion ``criterion(logits, Y)`` on logits, for instance a
        loss of :mod:`skmml.losses` (the default is the binary cross-entropy
        of eq. 5, with optional weights). Its parameters can be set with
        ``criterion__name=value``. Losses with label priors get
        ``fit_priors`` called in :meth:`fit` on the labels of the rows they
        train on (without the validation rows of ``train_split``).
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
        Device of the module and the batches.
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
    """

    def __init__(
        self,
        modalities="auto",
        *,
        modality_order=None,
        hidden_size=64,
        use_label_correlation=True,
        reg_lambda=1e-4,
        criterion=WeightedBCELoss,
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
        self.modalities = modalities
        self.modality_order = modality_order
        self.hidden_size = hidden_size
        self.use_label_correlation = use_label_correlation
        self.reg_lambda = reg_lambda
        self.criterion = criterion
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.train_split = train_split
        self.callbacks = callbacks
        self.threshold = threshold
        self.device = device
        self.verbose = verbose
        self.random_state = random_state
        for key, value in kwargs.items():
            setattr(self, key, value)

    # -- parameters ------------------------------------------------------
    def _routed_params(self):
        # extra keyword arguments are the public attributes that are neither
        # named parameters nor fitted ("_" suffix); fit checks their prefixes
        named = self._get_param_names()
        return {
            key: value
            for key, value in vars(self).items()
            if key not in named and not key.startswith("_") and not key.endswith("_")
        }

    def get_params(self, deep=True):
        """Get parameters, including the routed ``prefix__name`` ones.

        Parameters
        ----------
        deep : bool, default=True
            Ignored beyond scikit-learn's meaning (no sub-estimators).

        Returns
        -------
        params : dict
        """
        params = super().get_params(deep=deep)
        params.update(self._routed_params())
        return params

    def set_params(self, **params):
        """Set parameters, including routed ``prefix__name`` ones.

        Names other than the constructor's are stored as routed parameters
        and their prefix is checked by :meth:`fit`.

        Parameters
        ----------
        **params : dict

        Returns
        -------
        self : RMLCClassifier
        """
        named = self._get_param_names()
        routed = {k: v for k, v in params.items() if k not in named}
        for key, value in routed.items():
            if key.startswith("_") or key.endswith("_"):
                raise ValueError(
                    f"Invalid parameter {key!r} for RMLCClassifier: names "
                    "starting or ending with '_' are reserved."
                )
            # checked in fit, like every parameter
            setattr(self, key, value)
        rest = {k: v for k, v in params.items() if k in named}
        if rest:
            super().set_params(**rest)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags

    # -- fitting ---------------------------------------------------------
    def _validate_params(self):
        def positive_int(name):
            value = getattr(self, name)
            if (
                not isinstance(value, numbers.Integral)
                or isinstance(value, bool)
                or value < 1
            ):
                raise ValueError(f"{name} must be a positive int; got {value!r}.")

        for name in ("hidden_size", "batch_size", "max_epochs"):
            positive_int(name)
        for name, low_open in (("lr", True), ("reg_lambda", False)):
            value = getattr(self, name)
            if (
                not isinstance(value, numbers.Real)
                or isinstance(value, bool)
                or not np.isfinite(value)
                or value < 0
                or (low_open and value == 0)
            ):
                bound = "> 0" if low_open else ">= 0"
                raise ValueError(
                    f"{name} must be a finite float {bound}; got {value!r}."
                )
        if not isinstance(self.threshold, numbers.Real) or not (
            0.0 <= self.threshold <= 1.0
        ):
            raise ValueError(
                f"threshold must be a float in [0, 1]; got {self.threshold!r}."
            )
        if not isinstance(self.use_label_correlation, bool | np.bool_):
            raise ValueError(
                "use_label_correlation must be a bool; got "
                f"{self.use_label_correlation!r}."
            )
        _check_routed_names(self._routed_params())
        _check_criterion_and_device(self)

    def fit(self, X, y, *, sample_weight=None, neg_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features; a DataFrame with ``"{modality}__"`` column names when
            ``modalities="auto"`` should find several modalities.
        y : array-like or sparse matrix of shape (n_samples, n_labels) or \
                (n_samples,)
            Multi-label indicator matrix ``Y``, or binary / multiclass labels.
        sample_weight : array-like of shape (n_samples,) or \
                (n_samples, n_outputs), default=None
            Non-negative weight of the loss terms of positive labels (and of
            negative labels when ``neg_weight`` is None): ``w`` of Ibrahim et
            al., eq. 2. Passed with the rows of every batch as
            ``criterion(logits, Y, weight=..., neg_weight=...)`` (the contract
            of :mod:`skmml.losses`), so the criterion must accept them.
        neg_weight : array-like of shape (n_samples,) or \
                (n_samples, n_outputs), default=None
            Non-negative weight of the loss terms of negative labels
            (``w_bar``), e.g. ``skmml.losses.cooccurrence_negative_weights``.

        Returns
        -------
        self : RMLCClassifier
        """
        self._validate_params()
        X = validate_data(self, X, reset=True, dtype=np.float32)
        Y, self.classes_, self._target_kind = _encode_target(y, type(self).__name__)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} samples but Y has {Y.shape[0]}; they must match."
            )
        names, groups = _resolve_modalities(
            self.modalities, X.shape[1], getattr(self, "feature_names_in_", None)
        )
        names, groups = _apply_order(self.modality_order, names, groups)
        self.modality_names_ = names
        self.modalities_ = dict(zip(names, groups, strict=True))
        self._column_order = np.concatenate(groups)

        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        criterion = self.criterion
        if not isinstance(criterion, type):
            criterion = copy.deepcopy(criterion)
        routed = self._routed_params()
        routed.setdefault("iterator_train__shuffle", True)  # Algorithm 1, line 3
        if _fused_adam_available(self.optimizer, self.device) and not any(
            f"optimizer__{key}" in routed
            for key in ("fused", "foreach", "capturable", "differentiable")
        ):
            # same Adam update in one kernel per step instead of ~10 ops per
            # parameter tensor: a third of an epoch otherwise
            routed["optimizer__fused"] = True
        batch_dataset = not any(
            f"{prefix}__{key}" in routed
            for prefix in ("iterator_train", "iterator_valid")
            for key in ("collate_fn", "batch_size", "batch_sampler", "sampler")
        )
        if batch_dataset:
            # whole-batch indexing instead of batch_size row fetches
            routed["dataset"] = _RowBatchDataset
            routed["iterator_train__collate_fn"] = _collate_row_batch
            routed["iterator_valid__collate_fn"] = _collate_row_batch
        self.net_ = RMLCNet(
            module=RMLCModule,
            module__modality_sizes=[len(g) for g in groups],
            module__n_labels=Y.shape[1],
            module__hidden_size=self.hidden_size,
            module__use_label_correlation=self.use_label_correlation,
            criterion=criterion,
            optimizer=self.optimizer,
            lr=self.lr,
            batch_size=self.batch_size,
            max_epochs=self.max_epochs,
            train_split=_make_train_split(self.train_split, seed),
            callbacks=copy.deepcopy(self.callbacks),
            device=self.device,
            verbose=self.verbose,
            reg_lambda=self.reg_lambda,
            **routed,
        )
        X = self._reorder(X)
        weights = {
            key: _check_loss_weight(value, key, Y.shape)
            for key, value in (
                ("sample_weight", sample_weight),
                ("neg_weight", neg_weight),
            )
            if value is not None
        }
        if "sample_weight" in weights and not any(np.any(w) for w in weights.values()):
            raise ValueError(
                "sample_weight (with neg_weight) is zero everywhere: there is "
                "nothing to learn from."
            )
        with torch.random.fork_rng(devices=_cuda_devices(self.device)):
            torch.manual_seed(seed)
            self.net_.initialize()
            if weights and not _accepts_weights(self.net_.criterion_):
                raise ValueError(
                    "sample_weight / neg_weight were given but criterion "
                    f"{type(self.net_.criterion_).__name__} does not accept "
                    "them; use e.g. skmml.losses.WeightedBCELoss."
                )
            self.net_.partial_fit({"X": X, **weights} if weights else X, Y)
        return self

    def _reorder(self, X):
        """Columns in step order, modalities side by side (eq. 1 blocks)."""
        order = self._column_order
        if np.array_equal(order, np.arange(X.shape[1])):
            return np.ascontiguousarray(X)
        return np.ascontiguousarray(X[:, order])

    # -- prediction ------------------------------------------------------
    def _logits(self, X):
        check_is_fitted(self)
        X = self._reorder(validate_data(self, X, reset=False, dtype=np.float64))
        return _float64_outputs(self.net_, X, lambda module, batch: module(batch)[0])

    def decision_function(self, X):
        """Logits of the final step (``F^M`` before the sigmoid).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels), (n_samples,) for a \
                binary or (n_samples, n_classes) for a multiclass target
        """
        return _decision_scores(self._logits(X), self._target_kind)

    def predict_proba(self, X):
        """Label probabilities ``F^M``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels) or (n_samples, n_classes)
            Independent label probabilities for a multi-label target; class
            probabilities summing to one for a binary or multiclass target.
        """
        return _proba_from_logits(self._logits(X), self._target_kind)

    def predict(self, X):
        """Predict labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            0/1 indicator matrix for a multi-label target (probability
            ``>= threshold``), else class labels.
        """
        return _predict_from_logits(
            self._logits(X), self._target_kind, self.classes_, self.threshold
        )


# -- helpers shared with the ResBiLSTM estimators -----------------------
def _encode_target(y, owner):
    """Return (float32 target matrix, classes_, kind)."""
    if not hasattr(y, "toarray"):
        y = np.asarray(y)
    if hasattr(y, "toarray") or (y.ndim == 2 and y.shape[1] > 1):
        Y = check_multilabel_indicator(y, name="Y", accept_sparse=False)
        return Y.astype(np.float32), np.arange(Y.shape[1]), "multilabel"
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    kind = type_of_target(y)
    classes, encoded = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            f"y has 1 class ({classes[0]!r}); {owner} needs at least two "
            "classes, or a 2-D multi-label indicator matrix."
        )
    if kind == "binary":
        return encoded.astype(np.float32)[:, None], classes, "binary"
    return np.eye(len(classes), dtype=np.float32)[encoded], classes, "multiclass"


def _make_train_split(split, seed):
    """skorch ``train_split`` from None, a float, an int or a callable."""
    if split is None or callable(split):
        return split
    if _is_int_like(split):
        if split < 2:
            raise ValueError(f"train_split as an int must be >= 2; got {split!r}.")
        # skorch's int cv is an unshuffled k-fold; hold out 1/k at random
        return ValidSplit(1.0 / split, stratified=False, random_state=seed)
    if isinstance(split, numbers.Real) and 0.0 < split < 1.0:
        return ValidSplit(float(split), stratified=False, random_state=seed)
    raise ValueError(
        "train_split must be None, a float in (0, 1), an int >= 2 or a "
        f"callable; got {split!r}."
    )


def _check_criterion_and_device(estimator):
    name = type(estimator).__name__
    if not (
        isinstance(estimator.criterion, type | torch.nn.Module)
        or callable(estimator.criterion)
    ):
        raise ValueError(
            f"criterion of {name} must be a torch loss class or instance; "
            f"got {estimator.criterion!r}."
        )
    try:
        torch.device(estimator.device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(
            "device must name a torch device such as 'cpu' or 'cuda:0'; "
            f"got {estimator.device!r}."
        ) from None


def _float64_outputs(net, X, fn):
    """``fn(module, batch)`` over ``X`` in batches, on a float64 eval copy.

    The scores of a row then do not depend on the other rows of its batch
    (rounding of float32 BLAS).
    """
    module = copy.deepcopy(net.module_).double().eval()
    device = next(module.parameters()).device
    step = net.batch_size
    chunks = []
    with torch.no_grad():
        for start in range(0, X.shape[0], step):
            batch = torch.from_numpy(X[start : start + step]).to(device)
            chunks.append(fn(module, batch).cpu().numpy())
    return np.concatenate(chunks)


def _decision_scores(logits, kind):
    return logits[:, 0] if kind == "binary" else logits


def _proba_from_logits(logits, kind):
    """Sigmoid label probabilities; class probabilities for 1-D targets."""
    proba = _sigmoid(logits)
    if kind == "binary":
        return np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
    if kind == "multiclass":
        total = proba.sum(axis=1, keepdims=True)
        return proba / np.maximum(total, np.finfo(np.float64).tiny)
    return proba


def _predict_from_logits(logits, kind, classes, threshold):
    """0/1 matrix (``proba >= threshold``) or class labels."""
    proba = _sigmoid(logits)
    if kind == "multilabel":
        return (proba >= threshold).astype(np.int64)
    if kind == "binary":
        return classes[(proba[:, 0] >= threshold).astype(np.intp)]
    return classes[np.argmax(proba, axis=1)]


def _sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _check_loss_weight(value, name, shape):
    if hasattr(value, "toarray"):
        value = value.toarray()
    try:
        value = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of floats ({exc}).") from None
    if value.ndim == 1:
        value = value[:, None]
    if (
        value.ndim != 2
        or value.shape[0] != shape[0]
        or value.shape[1]
        not in (
            1,
            shape[1],
        )
    ):
        raise ValueError(
            f"{name} must have shape (n_samples,) or (n_samples, {shape[1]}) "
            f"= {shape}; got {np.shape(value)}."
        )
    if not np.all(np.isfinite(value)) or np.any(value < 0):
        raise ValueError(f"{name} must be finite and non-negative.")
    return np.array(np.broadcast_to(value, shape))  # writable copy for torch


def _accepts_weights(criterion):
    try:
        params = inspect.signature(criterion.forward).parameters
    except (TypeError, ValueError):
        return False
    return "weight" in params and "neg_weight" in params


def _fused_adam_available(optimizer, device):
    if optimizer not in (torch.optim.Adam, torch.optim.AdamW):
        return False
    kind = torch.device(device).type
    # fused CPU kernels exist from torch 2.4 on
    return kind == "cuda" or (kind == "cpu" and torch.__version__ >= "2.4")


def _cuda_devices(device):
    device = torch.device(device)
    if device.type == "cuda":
        return [device.index if device.index is not None else 0]
    return []


def _check_routed_names(params):
    for key in params:
        if not key.startswith(_ROUTED_PREFIXES) or key.endswith("__"):
            raise ValueError(
                f"Unknown parameter {key!r} for RMLCClassifier; extra keyword "
                "arguments must start with one of "
                f"{', '.join(repr(p) for p in _ROUTED_PREFIXES)} and name a "
                "parameter after the prefix."
            )


def _is_int_like(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _resolve_modalities(modalities, n_features, feature_names):
    """Return (names, list of int index arrays) describing the modalities."""
    if isinstance(modalities, str):
        if modalities != "auto":
            raise ValueError(
                f'modalities must be "auto", a sequence or a dict; got {modalities!r}.'
            )
        if feature_names is None or not any("__" in n for n in feature_names):
            return ["all"], [np.arange(n_features)]
        missing = [n for n in feature_names if "__" not in n]
        if missing:
            raise ValueError(
                'modalities="auto" groups columns by the "{modality}__" prefix '
                f"of their names, but {len(missing)} column(s) have no prefix "
                f"(e.g. {missing[:3]}); pass modalities explicitly."
            )
        names, groups = [], {}
        for j, name in enumerate(feature_names):
            prefix = name.split("__", 1)[0]
            if prefix not in groups:
                names.append(prefix)
                groups[prefix] = []
            groups[prefix].append(j)
        return names, [np.asarray(groups[n], dtype=np.intp) for n in names]

    if isinstance(modalities, Mapping):
        names = [str(k) for k in modalities]
        raw = list(modalities.values())
    elif isinstance(modalities, Sequence | np.ndarray) and len(modalities) > 0:
        raw = list(modalities)
        names = [str(m) for m in range(len(raw))]
        if all(_is_int_like(v) for v in raw):
            if any(v < 1 for v in raw) or sum(raw) != n_features:
                raise ValueError(
                    "modalities given as sizes must be positive and sum to the "
                    f"number of features ({n_features}); got {list(raw)}."
                )
            bounds = np.cumsum([0, *raw])
            return names, [
                np.arange(a, b, dtype=np.intp)
                for a, b in zip(bounds[:-1], bounds[1:], strict=True)
            ]
    else:
        raise ValueError(
            'modalities must be "auto", a non-empty sequence of sizes or of '
            f"column groups, or a dict; got {modalities!r}."
        )

    groups = []
    for name, cols in zip(names, raw, strict=True):
        cols = np.atleast_1d(np.asarray(cols))
        if cols.size == 0 or cols.ndim != 1:
            raise ValueError(
                f"modality {name!r} must be a non-empty 1-D list of columns; "
                f"got {cols.tolist()!r}."
            )
        if cols.dtype.kind in "US" or cols.dtype == object:
            if feature_names is None:
                raise ValueError(
                    f"modality {name!r} lists column names, which needs X to be "
                    "a DataFrame with string column names."
                )
            lookup = {n: j for j, n in enumerate(feature_names)}
            unknown = [c for c in cols if c not in lookup]
            if unknown:
                raise ValueError(
                    f"modality {name!r} names unknown column(s) {unknown[:5]}."
                )
            cols = np.array([lookup[c] for c in cols], dtype=np.intp)
        elif cols.dtype.kind not in "iu":
            raise ValueError(
                f"modality {name!r} must list integer column indices; got "
                f"dtype {cols.dtype}."
            )
        if cols.min() < 0 or cols.max() >= n_features:
            raise ValueError(
                f"modality {name!r} has column indices outside [0, {n_features})."
            )
        groups.append(cols.astype(np.intp))
    counts = np.bincount(np.concatenate(groups), minlength=n_features)
    if np.any(counts > 1):
        raise ValueError(
            "modalities overlap: column(s) "
            f"{np.flatnonzero(counts > 1)[:5].tolist()} are in several modalities."
        )
    if np.any(counts == 0):
        raise ValueError(
            "every column must belong to a modality; column(s) "
            f"{np.flatnonzero(counts == 0)[:5].tolist()} belong to none."
        )
    return names, groups


def _apply_order(order, names, groups):
    if order is None:
        return names, groups
    if isinstance(order, str) or not isinstance(order, Sequence | np.ndarray):
        raise ValueError(f"modality_order must be None or a sequence; got {order!r}.")
    positions = []
    for item in order:
        if _is_int_like(item):
            pos = int(item)
            if not 0 <= pos < len(names):
                raise ValueError(
                    f"modality_order position {pos} is out of range for "
                    f"{len(names)} modalities."
                )
        elif str(item) in names:
            pos = names.index(str(item))
        else:
            raise ValueError(
                f"modality_order names unknown modality {item!r}; modalities "
                f"are {names}."
            )
        positions.append(pos)
    if sorted(positions) != list(range(len(names))):
        raise ValueError(
            "modality_order must list every modality exactly once; got "
            f"{list(order)!r} for modalities {names}."
        )
    return [names[p] for p in positions], [groups[p] for p in positions]
