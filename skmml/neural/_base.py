"""The one base of skmml's skorch-backed estimators.

:class:`BaseNeuralEstimator` owns what every torch estimator of
:mod:`skmml.neural` shares, as skorch's ``NeuralNet`` does for its nets:
the parameters (declared in ``_parameter_constraints``) and the routing of
``prefix__name`` parameters to the skorch net, the target encoding, the
modality layout, building and training the net in a forked torch RNG with
per-sample loss weights and the label priors of the training rows, the
float64 prediction pass, and ``save_params`` / ``load_params``. It also
owns partially labelled targets (NaN = unknown), which every subclass
accepts: the unknown entries are masked in the loss, or weighted by label
co-occurrence (``missing_labels``).
:class:`NeuralClassifierMixin` adds the classifier outputs. A subclass
declares its own parameters and builds its torch module.
"""

import copy
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.dataset import Dataset, ValidSplit
from skorch.utils import multi_indexing
from torch.utils.data import Subset, default_collate

from ..losses import (
    FitCriterionPriors,
    LossWeightsMixin,
    accepts_loss_weights,
    init_bias_with_priors,
    label_prior_log_odds,
)
from ..losses._missing_labels import _cooccurrence_statistics, _cooccurrence_weights
from ..losses._skorch import _dataset_targets, _unknown_targets_error
from ..utils import (
    encode_target,
    has_unknown,
    label_counts,
    observed_counts,
    observed_mask,
)
from ..utils._param_validation import Interval, RealNotInt, StrOptions, _fit_context
from ..utils._tags import with_unknown_labels

# max_epochs="auto": epochs for about this many Adam updates, within bounds
AUTO_STEPS = 500
AUTO_EPOCHS = (10, 100)

# Prefixes of the extra keyword arguments routed to the skorch net.
ROUTED_PREFIXES = (
    "criterion__",
    "optimizer__",
    "iterator_train__",
    "iterator_valid__",
    "dataset__",
    "callbacks__",
)


class BaseNeuralEstimator(BaseEstimator):
    """Base of the skorch-backed estimators (not an estimator by itself).

    Subclasses define ``__init__`` with their parameters (calling
    :meth:`_store_params`), extend ``_parameter_constraints``, and implement
    ``_resolve_layout(n_features)`` and ``_module_params(layout, n_outputs)``.
    """

    _parameter_constraints: dict = {
        "criterion": [callable],
        "missing_labels": [StrOptions({"ignore", "cooccurrence"})],
        "optimizer": [callable],
        "lr": [Interval(Real, 0, np.inf, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "train_split": [
            None,
            Interval(RealNotInt, 0, 1, closed="neither"),
            Interval(Integral, 2, None, closed="left"),
            callable,
        ],
        "callbacks": [None, list],
        "device": [str, torch.device],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    # skorch net class; subclasses may override
    _net_class = None
    # torch's one-kernel Adam (same update, fewer ops per step)
    _fused_adam = False

    def _store_params(self, params):
        """Store the ``__init__`` arguments unchanged (``locals()`` of it)."""
        params = dict(params)
        params.pop("self", None)
        routed = params.pop("kwargs", {})
        for key, value in {**params, **routed}.items():
            setattr(self, key, value)

    # -- parameters ------------------------------------------------------
    def _routed_params(self):
        # public attributes that are neither named parameters nor fitted
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
            As for scikit-learn (the estimator has no sub-estimators).

        Returns
        -------
        params : dict
        """
        params = super().get_params(deep=deep)
        params.update(self._routed_params())
        return params

    def set_params(self, **params):
        """Set parameters, including routed ``prefix__name`` ones.

        Parameters
        ----------
        **params : dict
            Constructor parameters, or parameters of the skorch net starting
            with one of ``criterion__``, ``optimizer__``,
            ``iterator_train__``, ``iterator_valid__``, ``dataset__``,
            ``callbacks__``.

        Returns
        -------
        self : object
        """
        named = self._get_param_names()
        routed = {k: v for k, v in params.items() if k not in named}
        for key, value in routed.items():
            if key.startswith("_") or key.endswith("_"):
                raise ValueError(
                    f"Invalid parameter {key!r} for {type(self).__name__}: "
                    "names starting or ending with '_' are reserved."
                )
            # prefixes are checked in fit, like every parameter
            setattr(self, key, value)
        rest = {k: v for k, v in params.items() if k in named}
        if rest:
            super().set_params(**rest)
        return self

    def _check_params(self):
        """Checks the constraints cannot express (run after them)."""
        name = type(self).__name__
        _check_routed_names(self._routed_params(), name)
        optimizer = self.optimizer
        if isinstance(optimizer, torch.optim.Optimizer) or (
            isinstance(optimizer, type)
            and not issubclass(optimizer, torch.optim.Optimizer)
        ):
            raise ValueError(
                f"optimizer of {name} must be a torch optimizer class such as "
                f"torch.optim.Adam (not an instance); got {optimizer!r}."
            )
        for cb in self.callbacks or []:
            cb = cb[1] if isinstance(cb, tuple) and len(cb) == 2 else cb
            if not (
                isinstance(cb, Callback)
                or (isinstance(cb, type) and issubclass(cb, Callback))
            ):
                raise ValueError(
                    f"callbacks of {name} must be a list of skorch callbacks "
                    f"(or of (name, callback) pairs); got {cb!r} in it."
                )
        _check_device(self.device, name)

    # -- fitting ---------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, sample_weight=None, neg_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, in the column layout described by the class (its
            ``modalities``).
        y : array-like or sparse matrix of shape (n_samples, n_labels) or \
                (n_samples,)
            Multi-label indicator matrix ``Y``, or binary / multiclass labels
            (one-hot encoded for the sigmoid outputs; one output if binary).
            ``Y`` may contain NaN (``pd.NA`` in pandas, nulls in polars,
            explicitly stored NaN in a sparse matrix) for unknown labels;
            how they enter the loss is set by ``missing_labels``.
        sample_weight : array-like of shape (n_samples,) or \
                (n_samples, n_outputs), default=None
            Non-negative weight of the loss terms of positive labels (and of
            negative labels when ``neg_weight`` is None): ``w`` of Ibrahim et
            al., eq. 2. Passed with the rows of every batch as
            ``criterion(logits, Y, weight=..., neg_weight=...)`` (the contract
            of :mod:`skmml.losses`), so the criterion must accept them.
            Request it with ``set_fit_request(sample_weight=True)`` when
            scikit-learn's metadata routing is enabled.
        neg_weight : array-like of shape (n_samples,) or \
                (n_samples, n_outputs), default=None
            Non-negative weight of the loss terms of negative labels
            (``w_bar``), e.g. ``skmml.losses.cooccurrence_negative_weights``.
            Both weights are multiplied by the weights that
            ``missing_labels`` gives the unknown entries.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_params()
        X = self._validate_X(X, reset=True, dtype=np.float32)
        Y = self._encode_target(y)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} samples but y has {Y.shape[0]}; they must match."
            )
        cooccurrence = self.missing_labels == "cooccurrence"
        if cooccurrence and self._target_kind != "multilabel":
            raise ValueError(
                'missing_labels="cooccurrence" weights the negatives of a '
                "multi-label target by label co-occurrence; y is "
                f"{self._target_kind}. Use missing_labels='ignore'."
            )
        layout = self._resolve_layout(X.shape[1])
        self.modalities_ = {name: np.asarray(cols) for name, cols in layout.items()}
        self._column_order = np.concatenate(list(layout.values()))
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
        partial = has_unknown(Y)
        if partial:
            _check_known_entries(Y, weights, cooccurrence)
        if cooccurrence:
            # eq. 3 multiplies the negative weights, filled in by the
            # callback from the training rows (neg_weight defaults to weight)
            base = weights.get("neg_weight", weights.get("sample_weight"))
            weights["neg_weight"] = (
                np.ones(Y.shape, dtype=np.float32) if base is None else base.copy()
            )
        self._record_label_counts(Y)

        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        self.n_epochs_ = self._resolve_max_epochs(X.shape[0])
        self.net_ = self._build_net(layout, Y.shape[1], seed)
        if cooccurrence:
            self.net_.unknown_targets = "negative"
        X = self._reorder(X)
        with torch.random.fork_rng(devices=_cuda_devices(self.device)):
            torch.manual_seed(seed)
            self.net_.initialize()
            criterion = self.net_.criterion_
            if (weights or partial) and not accepts_loss_weights(criterion):
                if partial and not cooccurrence:
                    raise ValueError(_unknown_targets_error(criterion))
                if cooccurrence:
                    given = "missing_labels='cooccurrence' weights the loss"
                else:
                    given = "sample_weight / neg_weight were given"
                raise ValueError(
                    f"{given} but criterion {type(criterion).__name__} does "
                    "not accept weights; use e.g. skmml.losses.WeightedBCELoss."
                )
            self.net_.partial_fit({"X": X, **weights} if weights else X, Y)
        return self

    def _encode_target(self, y):
        """Float32 outputs of ``y``; sets ``classes_`` and ``_target_kind``."""
        Y, kind, classes = encode_target(
            y,
            name="y",
            accept_sparse=False,
            dtype=np.float32,
            owner=type(self).__name__,
            allow_unknown=True,
        )
        if kind == "multilabel-indicator":
            self.classes_, self._target_kind = np.arange(Y.shape[1]), "multilabel"
            return Y
        if len(classes) < 2:
            raise ValueError(
                f"y has 1 class ({classes[0]!r}); {type(self).__name__} needs "
                "at least two classes, or a 2-D multi-label indicator matrix."
            )
        self.classes_, self._target_kind = classes, kind
        # binary: one sigmoid output, for the second class
        return Y[:, 1:] if kind == "binary" else Y

    def _record_label_counts(self, Y):
        """``label_counts_`` and the outputs fixed for constant labels."""
        self._fixed_logits = None
        if self._target_kind != "multilabel":
            return
        self.label_counts_ = label_counts(Y)
        self.observed_counts_ = observed_counts(Y)
        # entries that enter the loss as negatives: the known ones, or every
        # one that is not a known positive when unknowns count as negatives
        if self.missing_labels == "cooccurrence":
            n_negative = Y.shape[0] - self.label_counts_
        else:
            n_negative = self.observed_counts_ - self.label_counts_
        constant = (self.label_counts_ == 0) | (n_negative == 0)
        if np.any(constant):
            self._fixed_logits = np.where(constant, label_prior_log_odds(Y), np.nan)

    def _build_net(self, layout, n_outputs, seed):
        module, module_params = self._module_params(layout, n_outputs)
        criterion = self.criterion
        if not isinstance(criterion, type):
            criterion = copy.deepcopy(criterion)
        routed = self._routed_params()
        routed.setdefault("iterator_train__shuffle", True)
        if (
            self._fused_adam
            and _fused_adam_available(self.optimizer, self.device)
            and not any(
                f"optimizer__{key}" in routed
                for key in ("fused", "foreach", "capturable", "differentiable")
            )
        ):
            routed["optimizer__fused"] = True
        if not any(
            f"{prefix}__{key}" in routed
            for prefix in ("iterator_train", "iterator_valid")
            for key in ("collate_fn", "batch_size", "batch_sampler", "sampler")
        ):
            # one indexing per mini-batch instead of batch_size row look-ups
            routed["dataset"] = _RowBatchDataset
            routed["iterator_train__collate_fn"] = _collate_row_batch
            routed["iterator_valid__collate_fn"] = _collate_row_batch
            if torch.device(self.device).type == "cuda":
                # copy the arrays to the GPU once instead of every batch
                routed.setdefault("dataset__device", self.device)
        callbacks = [
            *copy.deepcopy(self.callbacks or []),
            ("fit_criterion_priors", FitCriterionPriors()),
        ]
        if self.missing_labels == "cooccurrence":
            callbacks.append(("fit_cooccurrence_weights", _FitCooccurrenceWeights()))
        if getattr(self, "output_bias_init", "uniform") == "prior":
            callbacks.append(
                ("init_output_bias", _InitOutputBias(type(self)._output_biases))
            )
        net_class = self._net_class or _Net
        return net_class(
            module=module,
            **{f"module__{key}": value for key, value in module_params.items()},
            criterion=criterion,
            optimizer=self.optimizer,
            lr=self.lr,
            batch_size=self.batch_size,
            max_epochs=self.n_epochs_,
            train_split=_make_train_split(self.train_split, seed),
            callbacks=callbacks,
            device=self.device,
            verbose=self.verbose,
            **self._net_params(),
            **routed,
        )

    def _net_params(self):
        """Extra keyword arguments of the skorch net class."""
        return {}

    def _resolve_max_epochs(self, n_samples):
        """``max_epochs``, or for ``"auto"`` about ``AUTO_STEPS`` updates."""
        if self.max_epochs != "auto":
            return int(self.max_epochs)
        split = self.train_split
        if isinstance(split, Integral):
            n_samples -= n_samples // split
        elif isinstance(split, Real):
            n_samples -= int(n_samples * split)
        n_batches = max(1, -(-n_samples // self.batch_size))
        return int(np.clip(round(AUTO_STEPS / n_batches), *AUTO_EPOCHS))

    @staticmethod
    def _output_biases(module):
        """Biases of the output layer(s), set by ``output_bias_init="prior"``."""
        return []

    def _reorder(self, X):
        """Columns in module order, modalities side by side."""
        order = self._column_order
        if np.array_equal(order, np.arange(X.shape[1])):
            return np.ascontiguousarray(X)
        return np.ascontiguousarray(X[:, order])

    # -- prediction ------------------------------------------------------
    def _validate_X(self, X, *, reset, dtype):
        """``X`` validated for ``fit`` (``reset=True``) or prediction."""
        return validate_data(self, X, reset=reset, dtype=dtype)

    def _forward(self, X, fn):
        """``fn(module, batch)`` over ``X`` in batches, on a float64 eval copy.

        The outputs of a row then do not depend on the other rows of its
        batch (rounding of float32 BLAS).
        """
        check_is_fitted(self, "net_")
        X = self._reorder(self._validate_X(X, reset=False, dtype=np.float64))
        module = copy.deepcopy(self.net_.module_).double().eval()
        device = next(module.parameters()).device
        step = self.net_.batch_size
        chunks = []
        with torch.no_grad():
            for start in range(0, X.shape[0], step):
                batch = torch.from_numpy(X[start : start + step]).to(device)
                chunks.append(fn(module, batch).cpu().numpy())
        return np.concatenate(chunks)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        return with_unknown_labels(tags)

    # -- skorch parameter files ------------------------------------------
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
        >>> clf = RMLCClassifier([2, 2], hidden_size=4, max_epochs=3, random_state=0)
        >>> f = io.BytesIO()
        >>> _ = clf.fit(X, Y).save_params(f_params=f)
        >>> other = RMLCClassifier([2, 2], hidden_size=4, max_epochs=1).fit(X, Y)
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


class NeuralClassifierMixin:
    """``decision_function`` / ``predict_proba`` / ``predict`` from logits.

    Put it left of :class:`BaseNeuralEstimator`; the subclass implements
    ``_module_logits(module, batch)``.
    """

    _parameter_constraints: dict = {
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "output_bias_init": [StrOptions({"prior", "uniform"})],
    }

    def _logits(self, X):
        logits = self._forward(X, self._module_logits)
        if self._fixed_logits is not None:
            fixed = ~np.isnan(self._fixed_logits)
            logits[:, fixed] = self._fixed_logits[fixed]
        return logits

    def decision_function(self, X):
        """Logits of the output layer, minus the log-odds of ``threshold``.

        A label (a binary target's positive class) is predicted where the
        score is ``>= 0``: the logits minus ``log(threshold / (1 -
        threshold))``, which is 0 at ``threshold=0.5``. A multiclass target
        gets the logits (``predict`` takes their argmax).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels), (n_samples,) for a \
                binary or (n_samples, n_classes) for a multiclass target
        """
        logits = self._logits(X)
        if self._target_kind == "multiclass":
            return logits
        t = float(self.threshold)
        if t != 0.5:
            with np.errstate(divide="ignore"):
                logits = logits - (np.log(t) - np.log1p(-t))
        return logits[:, 0] if self._target_kind == "binary" else logits

    def predict_proba(self, X):
        """Label probabilities (sigmoid outputs).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels) or (n_samples, n_classes)
            Independent label probabilities for a multi-label target; class
            probabilities summing to one for a binary or multiclass target.
        """
        proba = _sigmoid(self._logits(X))
        if self._target_kind == "binary":
            return np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
        if self._target_kind == "multiclass":
            total = proba.sum(axis=1, keepdims=True)
            return proba / np.maximum(total, np.finfo(np.float64).tiny)
        return proba

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
        proba = _sigmoid(self._logits(X))
        if self._target_kind == "multilabel":
            return (proba >= self.threshold).astype(np.int64)
        if self._target_kind == "binary":
            return self.classes_[(proba[:, 0] >= self.threshold).astype(np.intp)]
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class _Net(LossWeightsMixin, NeuralNet):
    """skorch net passing the per-sample weights of ``X`` to the criterion."""


# Shared parameter documentation (``criterion`` to ``random_state``).
NET_PARAMS_DOC = """criterion : torch loss class or instance, \
            default=skmml.losses.{criterion}
        Loss ``criterion(logits, Y)`` on the logits, for instance a loss of
        :mod:`skmml.losses`; its parameters can be set with
        ``criterion__name=value``. Losses with label priors
        (``fit_priors``) get them from the labels of the training rows only,
        without the validation rows of ``train_split``: the estimator adds the
        callback :class:`skmml.losses.FitCriterionPriors`.{criterion_note}
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
        Optimizer; its parameters via ``optimizer__name``.
    lr : float, default=1e-3
        Learning rate.
    batch_size : int, default=64
        Mini-batch size.
    max_epochs : int or "auto", default={max_epochs}
        Number of epochs. ``"auto"`` trains for about 500 mini-batch
        updates, ``round(500 / n_batches)`` epochs within [10, 100]; the
        number used is ``n_epochs_``.
    train_split : None, float, int or callable, default=None
        Validation split used by skorch (its ``valid_loss`` column and
        callbacks such as early stopping). None trains on all samples. A
        float in (0, 1) holds out that fraction and an int ``k >= 2`` one
        ``k``-th, both at random (seeded by ``random_state``) and **not**
        stratified, since skorch's stratified split rejects multi-label
        targets. A callable is used as skorch's ``train_split``.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (copied before training).
    device : str or torch.device, default="cpu"
        Device of the module and the batches, e.g. ``"cuda:0"``; a CUDA
        device that this machine does not have is an error.
    verbose : int, default=0
        If positive, skorch prints its epoch table.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the dropout masks and the batch
        order. Training runs in a forked torch RNG, so the global torch seed
        is left untouched.
    **kwargs
        Parameters routed to the skorch net, with one of the prefixes
        ``criterion__``, ``optimizer__``, ``iterator_train__``,
        ``iterator_valid__``, ``dataset__`` or ``callbacks__`` (for instance
        ``optimizer__weight_decay=1e-5``). They are ordinary parameters for
        :meth:`get_params`, :meth:`set_params`, ``clone`` and grid searches.
"""

ABSENT_LABEL_DOC = """A label that is never positive in the ``n`` rows passed to
    ``fit`` (for instance a rare label missing from a cross-validation
    training fold) cannot be learned: it is predicted absent for every
    sample, with the smoothed prior probability ``1 / (2 n)`` of
    :func:`skmml.losses.label_prior_log_odds` (its logit in
    ``decision_function``), whatever the network outputs. A label positive
    in every row gets ``1 - 1 / (2 n)``. ``label_counts_`` holds the counts.
    With unknown entries the rule reads the known ones: a label without any
    known positive (also one never known) gets ``1 / (2 n)``, and a label
    whose loss terms are all positive (no known negative with
    ``missing_labels="ignore"``, positive in every row with
    ``"cooccurrence"``) gets ``1 - 1 / (2 n)``, ``n`` still being the number
    of rows passed to ``fit``.
"""

UNKNOWN_LABELS_DOC = """Partially labelled targets: a multi-label ``y`` may hold NaN for
    unknown entries (``pd.NA`` or nullable columns in pandas, nulls in
    polars, explicitly stored NaN in a sparse matrix). NaN never reaches the
    criterion: in every batch it is replaced by 0 in the target, and with
    ``missing_labels="ignore"`` the positive and the negative weight of the
    entry are set to 0 (multiplying ``sample_weight`` / ``neg_weight``), so
    each loss of :mod:`skmml.losses` equals that loss on the known entries
    only; ``reduction="mean"`` still divides by all entries of the batch.
    The validation loss of ``train_split`` (and so early stopping) is masked
    the same way. The label priors of
    :class:`skmml.losses.LogitAdjustedBCELoss` and
    :class:`skmml.losses.ClassBalancedLoss` are the fraction of positives
    among the known entries of the training rows, ``label_counts_`` counts
    the known positives and ``observed_counts_`` the known entries. A
    criterion that takes no ``weight`` / ``neg_weight`` (such as
    ``torch.nn.BCEWithLogitsLoss``) cannot mask and is refused with an
    error.
"""


# -- helpers ------------------------------------------------------------
def _check_routed_names(params, owner):
    for key in params:
        if not key.startswith(ROUTED_PREFIXES) or key.endswith("__"):
            raise ValueError(
                f"Unknown parameter {key!r} for {owner}; extra keyword "
                "arguments must start with one of "
                f"{', '.join(repr(p) for p in ROUTED_PREFIXES)} and name a "
                "parameter after the prefix."
            )


def _check_device(device, owner):
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(
            f"device of {owner} must name a torch device such as 'cpu' or "
            f"'cuda:0'; got {device!r}."
        ) from None
    if parsed.type == "cuda":
        available = torch.cuda.device_count() if torch.cuda.is_available() else 0
        index = 0 if parsed.index is None else parsed.index
        if index >= available:
            raise ValueError(
                f"device={device!r} of {owner} names CUDA device {index}, but "
                f"this machine has {available} CUDA device(s); use 'cpu' or "
                "one of 'cuda:0' .. 'cuda:N-1'."
            )


def _make_train_split(split, seed):
    """skorch ``train_split`` from None, a float, an int or a callable."""
    if split is None or callable(split):
        return split
    if isinstance(split, Integral):
        # skorch's int cv is an unshuffled k-fold; hold out 1/k at random
        return ValidSplit(1.0 / split, stratified=False, random_state=seed)
    return ValidSplit(float(split), stratified=False, random_state=seed)


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


def _check_known_entries(Y, weights, cooccurrence):
    """Refuse a partial ``Y`` whose known entries carry no weight."""
    known = observed_mask(Y)
    if not known.any():
        raise ValueError(
            "y has no known label: every entry is NaN (unknown), so there is "
            "nothing to learn from."
        )
    if cooccurrence or "sample_weight" not in weights:
        return
    if not any(np.any(w[known]) for w in weights.values()):
        raise ValueError(
            "sample_weight (with neg_weight) is zero on every known entry of y: "
            "there is nothing to learn from."
        )


class _FitCooccurrenceWeights(Callback):
    """Multiplies the net's ``neg_weight`` by the CB-WCE weights (eq. 3).

    At the first epoch of every fit, the co-occurrence statistics of
    :func:`skmml.losses.cooccurrence_negative_weights` are computed from the
    known labels of the training rows only (without the validation rows of
    skorch's ``train_split``) and applied to every row, training and
    validation. The estimator passes ``X`` as a dict holding its own copy of
    ``neg_weight``, which is multiplied in place.
    """

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.pending_ = True

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        if not getattr(self, "pending_", True):
            return
        self.pending_ = False
        dataset = (
            dataset_train.dataset
            if isinstance(dataset_train, Subset)
            else dataset_train
        )
        X, Y = getattr(dataset, "X", None), getattr(dataset, "y", None)
        if not isinstance(X, Mapping) or "neg_weight" not in X or Y is None:
            raise ValueError(
                'missing_labels="cooccurrence" needs the training rows as a '
                "torch Subset of the dataset built by fit (what skorch's "
                "ValidSplit returns); this train_split returned "
                f"{type(dataset_train).__name__}."
            )
        statistics = _cooccurrence_statistics(_dataset_targets(dataset_train))
        X["neg_weight"] *= _cooccurrence_weights(Y, statistics)


class _InitOutputBias(Callback):
    """Sets the output biases to the log-odds of the training label priors.

    At the first epoch of every fit, from the labels of the training rows
    only (without the validation rows of skorch's ``train_split``), as
    :class:`skmml.losses.FitCriterionPriors` does for the losses: the
    initial predictions then sit at the label priors (Lin et al., 2017)
    instead of near 0.5.
    """

    def __init__(self, output_biases):
        self.output_biases = output_biases

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.pending_ = True

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        if not getattr(self, "pending_", True):
            return
        self.pending_ = False
        y_train = _dataset_targets(dataset_train)
        if y_train is None:
            return
        for bias in self.output_biases(net.module_):
            init_bias_with_priors(bias, y_train)


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

    With a ``device`` (the estimators pass their CUDA device), the NumPy
    arrays of ``X`` and ``y`` are copied there as tensors at the first batch
    (after the callbacks of the first epoch's start, which may rescale the
    loss weights) and every batch is indexed there: one small copy of the
    indices per batch instead of the batch itself. Arrays larger than a
    quarter of the device's free memory stay on the host. ``X`` and ``y``
    themselves are not modified.
    """

    def __init__(self, X, y=None, length=None, device=None):
        super().__init__(X, y=y, length=length)
        self.device = device
        self._on_device = None

    def __getitems__(self, indices):
        if self.device is not None:
            if self._on_device is None:
                self._on_device = _to_device((self.X, self.y), self.device)
            X, y = self._on_device
        else:
            X, y = self.X, self.y
        indices = np.asarray(indices, dtype=np.intp)
        X = _take_rows(X, indices, self.X_indexing)
        if y is None:  # skorch's placeholder target, one per row
            y = torch.zeros(len(indices), 1)
        else:
            y = _take_rows(y, indices, self.y_indexing)
        return [_RowBatch(X, y)]


def _to_device(data, device):
    """NumPy arrays in ``data`` (tuples, dicts) as tensors on ``device``.

    Everything stays as it is when the arrays would take more than a quarter
    of the free memory of a CUDA device.
    """
    arrays = []

    def collect(value):
        if isinstance(value, np.ndarray):
            arrays.append(value)
        elif isinstance(value, (tuple, list)):
            for item in value:
                collect(item)
        elif isinstance(value, Mapping):
            for item in value.values():
                collect(item)

    collect(data)
    device = torch.device(device)
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        if sum(a.nbytes for a in arrays) > free // 4:
            return data

    def convert(value):
        if isinstance(value, np.ndarray) and value.dtype != object:
            return torch.as_tensor(value, device=device)
        if isinstance(value, tuple):
            return tuple(convert(item) for item in value)
        if isinstance(value, Mapping):
            return {key: convert(item) for key, item in value.items()}
        return value

    return convert(data)


def _take_rows(data, indices, indexing):
    # numpy fancy indexing directly: skorch's generic path goes through a
    # Python list and scikit-learn's safe indexing
    if isinstance(data, np.ndarray):
        return data[indices]
    if isinstance(data, torch.Tensor):
        return data[torch.from_numpy(indices).to(data.device)]
    if isinstance(data, Mapping):
        return {key: _take_rows(value, indices, None) for key, value in data.items()}
    return multi_indexing(data, indices, indexing)


def _collate_row_batch(data):
    """Collate of :class:`_RowBatchDataset`, row-wise data as usual."""
    if len(data) == 1 and isinstance(data[0], _RowBatch):
        return data[0].X, data[0].y
    return default_collate(data)
