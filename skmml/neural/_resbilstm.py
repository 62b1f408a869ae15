"""ResBiLSTM: residual bidirectional LSTM over frames (Pouyanfar et al.).

:class:`ResBiLSTMEncoder` is the temporal feature extractor of one modality
(section III.B of Pouyanfar et al., 2018); :class:`ResBiLSTMClassifier` is
the same network used as a classifier, which with several modalities is the
paper's *early fusion* baseline (static per-frame features concatenated,
then LSTM and dense layers).
"""

import copy
import numbers

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNet
from torch import nn

from ..losses import WeightedBCELoss
from ..losses._skorch import _TrainRowsPriorsMixin
from ._rmlc import (
    _check_criterion_and_device,
    _cuda_devices,
    _decision_scores,
    _encode_target,
    _float64_outputs,
    _is_int_like,
    _make_train_split,
    _NetParamsMixin,
    _predict_from_logits,
    _proba_from_logits,
    _resolve_modalities,
)

_POOLINGS = ("last", "mean", "max")


class ResBiLSTMModule(nn.Module):
    """Residual bidirectional LSTM with a dense ReLU head (torch module).

    Parameters
    ----------
    block_sizes : sequence of int
        Number of columns of each modality block of the input, in order.
        Block ``m`` holds ``n_timesteps * d_m`` columns, timestep-major
        (column ``t * d_m + j`` is feature ``j`` of frame ``t``).
    n_timesteps : int
        Number of frames ``T``.
    n_outputs : int
        Number of output logits (labels).
    hidden_size : int, default=64
        Units per direction; every layer outputs ``2 * hidden_size`` values
        per frame.
    n_layers : int, default=2
        Number of residual BiLSTM layers (two in the paper).
    dropout : float, default=0.1
        Dropout on the output of every BiLSTM layer, before the shortcut is
        added.
    dense_size : int, default=64
        Width of the dense ReLU layer of the head.
    dense_dropout : float, default=0.5
        Dropout after the dense ReLU layer.
    pooling : {"last", "mean", "max"}, default="last"
        How the frames of the last layer become one vector: ``"last"`` takes
        the final state of each direction (forward half at the last frame,
        backward half at the first frame), ``"mean"`` / ``"max"`` pool over
        frames.

    Notes
    -----
    With the frames of the input as ``h_0``, layer ``l`` computes (section
    III.B)

    .. math:: h_l = \\mathrm{BiLSTM}_l(h_{l-1}) + P_l h_{l-1},

    where :math:`P_l` is the identity when the widths agree and a learned
    linear projection otherwise (the first layer when the input width is not
    ``2 * hidden_size``). Several blocks are concatenated frame by frame
    before the first layer (early fusion).

    Examples
    --------
    >>> import torch
    >>> from skmml.neural._resbilstm import ResBiLSTMModule
    >>> module = ResBiLSTMModule([6], n_timesteps=3, n_outputs=2, hidden_size=4)
    >>> x = torch.zeros(5, 6)
    >>> module.encode(x).shape, module(x).shape
    (torch.Size([5, 8]), torch.Size([5, 2]))
    """

    def __init__(
        self,
        block_sizes,
        n_timesteps,
        n_outputs,
        hidden_size=64,
        n_layers=2,
        dropout=0.1,
        dense_size=64,
        dense_dropout=0.5,
        pooling="last",
    ):
        super().__init__()
        self.block_sizes = [int(b) for b in block_sizes]
        self.n_timesteps = int(n_timesteps)
        self.pooling = pooling
        self.hidden_size = int(hidden_size)
        width = sum(self.block_sizes) // self.n_timesteps
        self.lstms = nn.ModuleList()
        self.shortcuts = nn.ModuleList()
        for _ in range(n_layers):
            self.lstms.append(
                nn.LSTM(width, hidden_size, batch_first=True, bidirectional=True)
            )
            self.shortcuts.append(
                nn.Identity()
                if width == 2 * hidden_size
                else nn.Linear(width, 2 * hidden_size, bias=False)
            )
            width = 2 * hidden_size
        self.dropout = nn.Dropout(dropout)
        self.dense = nn.Linear(2 * hidden_size, dense_size)
        self.dense_dropout = nn.Dropout(dense_dropout)
        self.output = nn.Linear(dense_size, n_outputs)

    def frames(self, X):
        """Reshape flat rows to ``(batch, T, sum_m d_m)`` frames."""
        blocks = torch.split(X, self.block_sizes, dim=1)
        return torch.cat(
            [b.reshape(X.shape[0], self.n_timesteps, -1) for b in blocks], dim=2
        )

    def encode(self, X):
        """Temporal features: pooled output of the last residual layer."""
        h = self.frames(X)
        for lstm, shortcut in zip(self.lstms, self.shortcuts, strict=True):
            out, _ = lstm(h)
            h = self.dropout(out) + shortcut(h)
        if self.pooling == "mean":
            return h.mean(dim=1)
        if self.pooling == "max":
            return h.amax(dim=1)
        half = self.hidden_size
        return torch.cat([h[:, -1, :half], h[:, 0, half:]], dim=1)

    def forward(self, X):
        z = torch.relu(self.dense(self.encode(X)))
        return self.output(self.dense_dropout(z))


class _ResBiLSTMNet(_TrainRowsPriorsMixin, NeuralNet):
    """skorch NeuralNet fitting loss label priors on the training rows."""


class _ResBiLSTMBase(_NetParamsMixin, BaseEstimator):
    """Fitting code shared by the encoder and the classifier."""

    def _validate_params(self):
        for param in ("n_timesteps", "hidden_size", "n_layers", "dense_size"):
            value = getattr(self, param)
            if not _is_int_like(value) or value < 1:
                raise ValueError(f"{param} must be a positive int; got {value!r}.")
        for param in ("batch_size", "max_epochs"):
            value = getattr(self, param)
            if not _is_int_like(value) or value < 1:
                raise ValueError(f"{param} must be a positive int; got {value!r}.")
        for param in ("dropout", "dense_dropout"):
            value = getattr(self, param)
            if (
                not isinstance(value, numbers.Real)
                or isinstance(value, bool)
                or not 0.0 <= value < 1.0
            ):
                raise ValueError(f"{param} must be a float in [0, 1); got {value!r}.")
        lr = self.lr
        if (
            not isinstance(lr, numbers.Real)
            or isinstance(lr, bool)
            or not np.isfinite(lr)
            or lr <= 0
        ):
            raise ValueError(f"lr must be a finite float > 0; got {lr!r}.")
        if self.pooling not in _POOLINGS:
            raise ValueError(
                f"pooling must be one of {_POOLINGS}; got {self.pooling!r}."
            )
        _check_criterion_and_device(self)

    def _fit(self, X, y):
        self._validate_params()
        X = validate_data(self, X, reset=True, dtype=np.float32)
        Y, self.classes_, self._target_kind = _encode_target(y, type(self).__name__)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} samples but y has {Y.shape[0]}; they must match."
            )
        if self.modalities is None:
            names, groups = ["all"], [np.arange(X.shape[1])]
        else:
            names, groups = _resolve_modalities(
                self.modalities, X.shape[1], getattr(self, "feature_names_in_", None)
            )
        for name, cols in zip(names, groups, strict=True):
            if len(cols) % self.n_timesteps:
                what = "X" if self.modalities is None else f"modality {name!r}"
                raise ValueError(
                    f"{what} has {len(cols)} columns, which is not a multiple "
                    f"of n_timesteps={self.n_timesteps}; each frame must have "
                    "the same number of features (columns timestep-major)."
                )
        self.modalities_ = dict(zip(names, groups, strict=True))
        self.n_features_per_step_ = sum(len(g) for g in groups) // self.n_timesteps
        self._column_order = np.concatenate(groups)

        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        criterion = self.criterion
        if not isinstance(criterion, type):
            criterion = copy.deepcopy(criterion)
        self.net_ = _ResBiLSTMNet(
            module=ResBiLSTMModule,
            module__block_sizes=[len(g) for g in groups],
            module__n_timesteps=self.n_timesteps,
            module__n_outputs=Y.shape[1],
            module__hidden_size=self.hidden_size,
            module__n_layers=self.n_layers,
            module__dropout=self.dropout,
            module__dense_size=self.dense_size,
            module__dense_dropout=self.dense_dropout,
            module__pooling=self.pooling,
            criterion=criterion,
            optimizer=self.optimizer,
            lr=self.lr,
            batch_size=self.batch_size,
            max_epochs=self.max_epochs,
            train_split=_make_train_split(self.train_split, seed),
            callbacks=copy.deepcopy(self.callbacks),
            iterator_train__shuffle=True,
            device=self.device,
            verbose=self.verbose,
        )
        X = np.ascontiguousarray(X[:, self._column_order])
        with torch.random.fork_rng(devices=_cuda_devices(self.device)):
            torch.manual_seed(seed)
            self.net_.initialize()
            self.net_.partial_fit(X, Y)
        return self

    def _run(self, X, method):
        check_is_fitted(self, "net_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        X = np.ascontiguousarray(X[:, self._column_order])
        return _float64_outputs(
            self.net_, X, lambda module, batch: getattr(module, method)(batch)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        return tags


_PARAMS_DOC = """
    n_timesteps : int, default=1
        Number of frames ``T`` per sample. Each modality block of ``X`` has
        ``T * d`` columns in timestep-major order: column ``t * d + j`` is
        feature ``j`` of frame ``t`` (what ``frames.reshape(n_samples, -1)``
        gives for an array ``frames`` of shape ``(n_samples, T, d)``).
    modalities : None, sequence of int, sequence of sequences or dict, \
            default=None
        None: all columns form one sequence modality. Otherwise the modality
        blocks, as for :class:`RMLCClassifier` (sizes of consecutive blocks,
        column indices, or ``{name: column indices}``); every block is
        reshaped to ``(T, d_m)`` and the blocks are concatenated frame by
        frame (early fusion of the static per-frame features).
    hidden_size : int, default=64
        Units per LSTM direction; the temporal features have
        ``2 * hidden_size`` columns (128 by default, as in the paper).
    n_layers : int, default=2
        Number of residual BiLSTM layers.
    dropout : float, default=0.1
        Dropout on each BiLSTM layer's output.
    dense_size : int, default=64
        Width of the dense ReLU layer of the training head.
    dense_dropout : float, default=0.5
        Dropout after the dense ReLU layer.
    pooling : {"last", "mean", "max"}, default="last"
        Frame pooling of the last layer: final state of each direction, or
        mean / max over frames.
    criterion : torch loss class or instance, \
            default=skmml.losses.WeightedBCELoss
        Loss on the logits (binary cross-entropy by default, as in the paper).
        Losses with label priors get ``fit_priors`` called on the labels of
        the rows they train on (without the validation rows of
        ``train_split``).
    optimizer : torch optimizer class, default=torch.optim.Adam
    lr : float, default=1e-3
        Learning rate.
    batch_size : int, default=64
    max_epochs : int, default=20
    train_split : None, float, int or callable, default=None
        Validation split of skorch: None (train on everything), a float in
        (0, 1) or an int ``k >= 2`` (one ``k``-th held out), at random and
        not stratified, or a callable used as skorch's ``train_split``.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (copied before training).
    device : str or torch.device, default="cpu"
    verbose : int, default=0
        If positive, skorch prints its epoch table.
    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the dropout masks and the batch order. Training
        runs in a forked torch RNG, the global torch seed is left untouched.
"""

_ATTRIBUTES_DOC = """
    classes_ : ndarray
        ``np.arange(n_labels)`` for a multi-label target, else the classes.
    modalities_ : dict of str to ndarray
        Column indices of each modality block (``{"all": ...}`` when
        ``modalities`` is None).
    n_features_per_step_ : int
        Features per frame after the blocks are concatenated.
    n_features_in_ : int
        Number of columns of ``X`` in :meth:`fit`.
    feature_names_in_ : ndarray of str
        Column names of ``X``, when they are all strings.
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the :class:`ResBiLSTMModule`
        and ``net_.history`` the training history.
"""

_REFERENCES_DOC = """
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A Multi-label Multimodal
       Deep Learning Framework for Imbalanced Data Classification", IEEE MIPR
       2019 (arXiv 2018), sections III.B and IV.B.
    .. [2] S. Pouyanfar, S.-C. Chen and M.-L. Shyu, "Deep spatio-temporal
       representation learning for multi-class imbalanced data
       classification", IEEE IRI 2018.
"""


class ResBiLSTMEncoder(TransformerMixin, _ResBiLSTMBase):
    __doc__ = (
        """Supervised temporal feature extractor: residual bidirectional LSTM.

    The temporal module of Pouyanfar et al. (2018, section III.B): two
    bidirectional LSTM layers with residual connections and 10% dropout,
    followed by a dense ReLU layer (50% dropout) and a sigmoid output layer
    trained with binary cross-entropy on the labels. After training,
    :meth:`transform` drops the head and returns the pooled output of the
    last residual layer, the *temporal features* of the modality.

    It takes ``y`` in :meth:`fit`, so it plugs into
    :class:`skmml.compose.MultiModalConcatenator` as the transformer of a
    sequence modality.

    Parameters
    ----------"""
        + _PARAMS_DOC
        + """
    Attributes
    ----------"""
        + _ATTRIBUTES_DOC
        + """
    See Also
    --------
    ResBiLSTMClassifier : The same network as a classifier (early fusion).
    ResBiLSTMModule : The torch module and its equation.

    Notes
    -----
    Layer ``l`` computes :math:`h_l = \\mathrm{BiLSTM}_l(h_{l-1}) + P_l
    h_{l-1}` (the paper's :math:`h_l = \\sigma(W_l h_{l-1} + b_l) +
    h_{l-1}`, with a linear projection :math:`P_l` of the shortcut when
    the widths differ). The output names are ``"{modality}__resbilstm{j}"``
    when all input names share the prefix ``"{modality}__"``, else
    ``"resbilstm{j}"``.

    References
    ----------"""
        + _REFERENCES_DOC
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skmml.neural._resbilstm import ResBiLSTMEncoder
    >>> rng = np.random.RandomState(0)
    >>> frames = rng.normal(size=(40, 3, 2))      # 40 clips, 3 frames, 2 features
    >>> Y = np.column_stack([frames[:, 0, 0] > 0, frames[:, 2, 1] > 0]).astype(int)
    >>> X = frames.reshape(40, -1)                # timestep-major columns
    >>> enc = ResBiLSTMEncoder(3, hidden_size=4, max_epochs=2, random_state=0)
    >>> enc.fit_transform(X, Y).shape
    (40, 8)
    >>> enc.get_feature_names_out()[:2].tolist()
    ['resbilstm0', 'resbilstm1']
    """
    )

    def __init__(
        self,
        n_timesteps=1,
        *,
        modalities=None,
        hidden_size=64,
        n_layers=2,
        dropout=0.1,
        dense_size=64,
        dense_dropout=0.5,
        pooling="last",
        criterion=WeightedBCELoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs=20,
        train_split=None,
        callbacks=None,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.n_timesteps = n_timesteps
        self.modalities = modalities
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.dropout = dropout
        self.dense_size = dense_size
        self.dense_dropout = dense_dropout
        self.pooling = pooling
        self.criterion = criterion
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.train_split = train_split
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def fit(self, X, y):
        """Train the network on the labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Frames of each sample, flattened timestep-major.
        y : array-like or sparse matrix of shape (n_samples, n_labels) or \
                (n_samples,)
            Multi-label indicator matrix, or binary / multiclass labels
            (one-hot encoded for the sigmoid outputs).

        Returns
        -------
        self : ResBiLSTMEncoder
        """
        return self._fit(X, y)

    def transform(self, X):
        """Temporal features of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray of shape (n_samples, 2 * hidden_size)
        """
        return self._run(X, "encode")

    def get_feature_names_out(self, input_features=None):
        """Names ``"{modality}__resbilstm{j}"`` or ``"resbilstm{j}"``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_``. Their
            common ``"{modality}__"`` prefix, if any, is kept.

        Returns
        -------
        feature_names_out : ndarray of str
        """
        check_is_fitted(self, "net_")
        if input_features is None:
            input_features = getattr(self, "feature_names_in_", None)
        else:
            input_features = np.asarray(input_features, dtype=object)
            if len(input_features) != self.n_features_in_:
                raise ValueError(
                    f"input_features has {len(input_features)} names; "
                    f"expected n_features_in_={self.n_features_in_}."
                )
            known = getattr(self, "feature_names_in_", None)
            if known is not None and not np.array_equal(input_features, known):
                raise ValueError("input_features is not equal to feature_names_in_.")
        prefix = ""
        if input_features is not None:
            heads = {str(n).split("__", 1)[0] for n in input_features if "__" in n}
            if len(heads) == 1 and all("__" in str(n) for n in input_features):
                prefix = f"{heads.pop()}__"
        n_out = 2 * self.hidden_size
        return np.asarray([f"{prefix}resbilstm{j}" for j in range(n_out)], dtype=object)


class ResBiLSTMClassifier(ClassifierMixin, _ResBiLSTMBase):
    __doc__ = (
        """Residual bidirectional LSTM classifier; early fusion of modalities.

    The network of :class:`ResBiLSTMEncoder` used end to end: residual
    BiLSTM layers, a dense ReLU layer and sigmoid outputs trained with
    binary cross-entropy. Given several ``modalities``, the static features
    of each frame are concatenated across modalities before the first
    layer: the *early fusion* baseline of Pouyanfar et al. (2018, section
    IV.C).

    Parameters
    ----------"""
        + _PARAMS_DOC
        + """    threshold : float, default=0.5
        Probability from which a label is predicted (multi-label and binary
        targets).

    Attributes
    ----------"""
        + _ATTRIBUTES_DOC
        + """
    See Also
    --------
    ResBiLSTMEncoder : The same network as a temporal feature extractor.

    Notes
    -----
    A binary or multiclass ``y`` is one-hot encoded (one sigmoid output per
    class, one for binary); ``predict`` then returns the class of highest
    score and ``predict_proba`` the outputs normalised to sum to one.

    References
    ----------"""
        + _REFERENCES_DOC
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skmml.neural._resbilstm import ResBiLSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> video = rng.normal(size=(40, 3, 2))       # 3 frames of 2 features
    >>> audio = rng.normal(size=(40, 3, 1))       # 3 frames of 1 feature
    >>> X = np.hstack([video.reshape(40, -1), audio.reshape(40, -1)])
    >>> Y = np.column_stack([video[:, 0, 0] > 0, audio[:, 2, 0] > 0]).astype(int)
    >>> clf = ResBiLSTMClassifier(3, modalities=[6, 3], hidden_size=4,
    ...                           max_epochs=2, random_state=0).fit(X, Y)
    >>> clf.n_features_per_step_, clf.predict(X).shape
    (3, (40, 2))
    """
    )

    def __init__(
        self,
        n_timesteps=1,
        *,
        modalities=None,
        hidden_size=64,
        n_layers=2,
        dropout=0.1,
        dense_size=64,
        dense_dropout=0.5,
        pooling="last",
        criterion=WeightedBCELoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs=20,
        train_split=None,
        callbacks=None,
        threshold=0.5,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.n_timesteps = n_timesteps
        self.modalities = modalities
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.dropout = dropout
        self.dense_size = dense_size
        self.dense_dropout = dense_dropout
        self.pooling = pooling
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def fit(self, X, y):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Modality blocks of frames, each flattened timestep-major.
        y : array-like or sparse matrix of shape (n_samples, n_labels) or \
                (n_samples,)
            Multi-label indicator matrix, or binary / multiclass labels.

        Returns
        -------
        self : ResBiLSTMClassifier
        """
        if not isinstance(self.threshold, numbers.Real) or not (
            0.0 <= self.threshold <= 1.0
        ):
            raise ValueError(
                f"threshold must be a float in [0, 1]; got {self.threshold!r}."
            )
        return self._fit(X, y)

    def decision_function(self, X):
        """Logits of the output layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels), (n_samples,) for a \
                binary or (n_samples, n_classes) for a multiclass target
        """
        return _decision_scores(self._run(X, "forward"), self._target_kind)

    def predict_proba(self, X):
        """Label probabilities (sigmoid outputs).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels) or (n_samples, n_classes)
        """
        return _proba_from_logits(self._run(X, "forward"), self._target_kind)

    def predict(self, X):
        """Predict labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            0/1 indicator matrix for a multi-label target, else class labels.
        """
        return _predict_from_logits(
            self._run(X, "forward"), self._target_kind, self.classes_, self.threshold
        )
