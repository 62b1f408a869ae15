"""ResBiLSTM: residual bidirectional LSTM over frames (Pouyanfar et al.).

:class:`ResBiLSTMEncoder` is the temporal feature extractor of one modality
(section III.B of Pouyanfar et al., 2018); :class:`ResBiLSTMClassifier` is
the same network used as a classifier, which with several modalities is the
paper's *early fusion* baseline (static per-frame features concatenated,
then LSTM and dense layers).
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..losses import ClassBalancedLoss, WeightedBCELoss
from ..utils import (
    ModalityLayout,
    modality_feature_name,
    resolve_modalities,
    split_modality_feature_name,
)
from ..utils._param_validation import Interval, StrOptions
from ._base import (
    ABSENT_LABEL_DOC,
    NET_PARAMS_DOC,
    UNKNOWN_LABELS_DOC,
    BaseNeuralEstimator,
    NeuralClassifierMixin,
)
from ._rmlc import _MissingModalityMixin
from ._rmlc_module import missing_steps

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

    A block all NaN in a row is a *missing modality*: each of its frames is
    replaced by the learned vector ``missing_frames[m]`` (``d_m`` values,
    initialised to zero and trained on the rows where the modality is
    missing), so the network reads "this modality is absent" as an input
    of its own. Blocks without NaN are read unchanged, so a row without a
    missing modality computes exactly what it did before. A row with every
    block missing has no input: ``encode`` and ``forward`` return
    NaN for it.

    Examples
    --------
    >>> import torch
    >>> from skmml.neural import ResBiLSTMModule
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
        # created last and without the RNG: the other weights keep their init
        self.missing_frames = nn.ParameterList(
            nn.Parameter(torch.zeros(b // self.n_timesteps)) for b in self.block_sizes
        )

    def frames(self, X):
        """Reshape flat rows to ``(batch, T, sum_m d_m)`` frames.

        The frames of a missing block (all NaN) are ``missing_frames[m]``.
        """
        blocks = torch.split(X, self.block_sizes, dim=1)
        frames = [b.reshape(X.shape[0], self.n_timesteps, -1) for b in blocks]
        if torch.isnan(X).any():
            frames = [
                torch.where(
                    torch.isnan(f).any(dim=(1, 2), keepdim=True),
                    fill.to(f.dtype).expand_as(f),
                    f,
                )
                for f, fill in zip(frames, self.missing_frames, strict=True)
            ]
        return torch.cat(frames, dim=2)

    def encode(self, X):
        """Temporal features: pooled output of the last residual layer.

        NaN for a row whose every block is missing.
        """
        h = self._encode(X)
        empty = missing_steps(X, self.block_sizes).all(dim=1, keepdim=True)
        return torch.where(empty, torch.nan, h) if bool(empty.any()) else h

    def _encode(self, X):
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

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Load parameters; a state saved without ``missing_frames`` keeps zeros.

        As :meth:`torch.nn.Module.load_state_dict`, except that the
        ``missing_frames`` entries (added with missing modalities) may be
        absent from ``state_dict``, as in files saved by earlier versions.

        Parameters
        ----------
        state_dict : dict
            Parameters and buffers, as returned by ``state_dict()``.
        strict : bool, default=True
            Whether the other keys must match exactly.
        assign : bool, default=False
            Whether to assign the tensors instead of copying them.

        Returns
        -------
        NamedTuple
            ``missing_keys`` and ``unexpected_keys``, as torch returns them.
        """
        state_dict = dict(state_dict)
        for key, value in self.state_dict().items():
            if key.startswith("missing_frames."):
                state_dict.setdefault(key, value)
        return super().load_state_dict(state_dict, strict=strict, assign=assign)

    def __setstate__(self, state):
        super().__setstate__(state)
        if "missing_frames" not in self._modules:  # pickled before the option
            self.missing_frames = nn.ParameterList(
                nn.Parameter(torch.zeros(b // self.n_timesteps))
                for b in self.block_sizes
            )

    def forward(self, X):
        z = torch.relu(self.dense(self.encode(X)))
        return self.output(self.dense_dropout(z))


class _ResBiLSTMBase(BaseNeuralEstimator):
    """What the encoder and the classifier share: layout and module."""

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        "n_timesteps": [Interval(Integral, 1, None, closed="left")],
        "modalities": [None, StrOptions({"auto"}), "array-like", dict, ModalityLayout],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_size": [Interval(Integral, 1, None, closed="left")],
        "dense_dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions(set(_POOLINGS))],
    }

    def _resolve_layout(self, n_features):
        if self.modalities is None:
            layout = ModalityLayout(
                {"all": np.arange(n_features)}, n_features=n_features
            )
        else:
            layout = resolve_modalities(
                self.modalities,
                n_features=n_features,
                feature_names=getattr(self, "feature_names_in_", None),
            )
        for name, cols in layout.items():
            if len(cols) % self.n_timesteps:
                what = "X" if self.modalities is None else f"modality {name!r}"
                raise ValueError(
                    f"{what} has {len(cols)} columns, which is not a multiple "
                    f"of n_timesteps={self.n_timesteps}; each frame must have "
                    "the same number of features (columns timestep-major)."
                )
        self.n_features_per_step_ = layout.n_features // self.n_timesteps
        return layout

    def _module_params(self, layout, n_outputs):
        return ResBiLSTMModule, {
            "block_sizes": list(layout.sizes),
            "n_timesteps": self.n_timesteps,
            "n_outputs": n_outputs,
            "hidden_size": self.hidden_size,
            "n_layers": self.n_layers,
            "dropout": self.dropout,
            "dense_size": self.dense_size,
            "dense_dropout": self.dense_dropout,
            "pooling": self.pooling,
        }


_PARAMS_DOC = (
    """
    n_timesteps : int, default=1
        Number of frames ``T`` per sample. Each modality block of ``X`` has
        ``T * d`` columns in timestep-major order: column ``t * d + j`` is
        feature ``j`` of frame ``t`` (what ``frames.reshape(n_samples, -1)``
        gives for an array ``frames`` of shape ``(n_samples, T, d)``).
    modalities : None, sequence of int, sequence of sequences, dict or \
            ModalityLayout, default=None
        None: all columns form one sequence modality. Otherwise the modality
        blocks, resolved by :func:`skmml.utils.resolve_modalities` as for
        :class:`RMLCClassifier` (``"auto"``, sizes of consecutive blocks,
        column indices, ``{name: columns}``); every block is
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
"""
    + "    "
    + NET_PARAMS_DOC.replace("{max_epochs}", "20")
)

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


class ResBiLSTMEncoder(TransformerMixin, _MissingModalityMixin, _ResBiLSTMBase):
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
        + _PARAMS_DOC.replace("{criterion}", "WeightedBCELoss").replace(
            "{criterion_note}", ""
        )
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

    ``y`` may hold NaN for unknown labels; the network is then trained as
    :class:`ResBiLSTMClassifier` is (unknown entries masked in the loss, or
    weighted by co-occurrence, as ``missing_labels`` says).

    **Missing sequences.** A row whose block of a modality is all NaN has
    that sequence missing, in :meth:`fit` and :meth:`transform`: its frames
    are replaced by a learned "missing" frame of that modality (zero until
    trained on such rows; see :class:`ResBiLSTMModule`). A row whose every
    modality is missing (with ``modalities=None``, a row all NaN) is
    encoded as NaN, so it stays a missing modality for the next step (e.g.
    :class:`skmml.compose.MultiModalConcatenator` with
    ``missing="passthrough"`` and :class:`RMLCClassifier`); in :meth:`fit`
    such rows are an error. A block partly NaN is an error.

    References
    ----------"""
        + _REFERENCES_DOC
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skmml.neural import ResBiLSTMEncoder
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
        missing_labels="ignore",
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs=20,
        train_split=None,
        callbacks=None,
        device="cpu",
        verbose=0,
        random_state=None,
        **kwargs,
    ):
        self._store_params(locals())

    def transform(self, X):
        """Temporal features of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray of shape (n_samples, 2 * hidden_size)
        """
        return self._forward(X, lambda module, batch: module.encode(batch))

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
        names = [f"resbilstm{j}" for j in range(2 * self.hidden_size)]
        if input_features is not None:
            heads = {split_modality_feature_name(n)[0] for n in input_features}
            if len(heads) == 1 and None not in heads:
                modality = heads.pop()
                names = [modality_feature_name(modality, n) for n in names]
        return np.asarray(names, dtype=object)


_CRITERION_NOTE = """

        .. versionchanged:: 0.1.0
           Default changed from ``WeightedBCELoss`` (the paper's binary
           cross-entropy) to the class-balanced cross-entropy
           ``ClassBalancedLoss`` (``beta=0.99``): on development splits of
           yeast, emotions and a generated 50-label long-tailed set
           (those of :class:`RMLCClassifier`), micro-F1 0.631 / 0.699 /
           0.634 instead of 0.629 / 0.693 / 0.621 and macro-F1 0.402 /
           0.688 / 0.122 instead of 0.392 / 0.679 / 0.059. The paper's loss
           is ``criterion=WeightedBCELoss``."""


class ResBiLSTMClassifier(
    _MissingModalityMixin, NeuralClassifierMixin, ClassifierMixin, _ResBiLSTMBase
):
    __doc__ = (
        """Residual bidirectional LSTM classifier; early fusion of modalities.

    The network of :class:`ResBiLSTMEncoder` used end to end: residual
    BiLSTM layers, a dense ReLU layer and sigmoid outputs trained with the
    class-balanced cross-entropy (``criterion``; the paper's binary
    cross-entropy is ``criterion=WeightedBCELoss``). Given several
    ``modalities``, the static features
    of each frame are concatenated across modalities before the first
    layer: the *early fusion* baseline of Pouyanfar et al. (2018, section
    IV.C).

    Parameters
    ----------"""
        + _PARAMS_DOC.replace("{criterion}", "ClassBalancedLoss").replace(
            "{criterion_note}", _CRITERION_NOTE
        )
        + """    threshold : float, default=0.5
        Probability from which a label is predicted (multi-label and binary
        targets).
    output_bias_init : {"prior", "uniform"}, default="uniform"
        Initial bias of the output layer: ``"uniform"`` keeps torch's
        initialisation of :class:`torch.nn.Linear`; ``"prior"`` sets it to
        the log-odds of each label's frequency in the training rows (without
        the validation rows of ``train_split``), so that the untrained
        network predicts the label priors (Lin et al., 2017;
        :func:`skmml.losses.init_bias_with_priors`).

    Attributes
    ----------"""
        + _ATTRIBUTES_DOC
        + """    label_counts_ : ndarray of shape (n_labels,)
        Known positives of every label in the rows passed to :meth:`fit`
        (multi-label targets only); see Notes.
    observed_counts_ : ndarray of shape (n_labels,)
        Known (not NaN) entries of every label in the rows passed to
        :meth:`fit` (multi-label targets only).

    See Also
    --------
    ResBiLSTMEncoder : The same network as a temporal feature extractor.

    Notes
    -----
    A binary or multiclass ``y`` is one-hot encoded (one sigmoid output per
    class, one for binary); ``predict`` then returns the class of highest
    score and ``predict_proba`` the outputs normalised to sum to one.

    **Missing modalities.** A row whose block of a modality is all NaN has
    that modality missing, in :meth:`fit` and prediction: its frames are a
    learned "missing" frame of the modality (see :class:`ResBiLSTMModule`).
    A row with every modality missing is an error in :meth:`fit` and is
    predicted as the training label priors. A block partly NaN is an error.

    """
        + ABSENT_LABEL_DOC
        + """
    """
        + UNKNOWN_LABELS_DOC
        + """
    References
    ----------"""
        + _REFERENCES_DOC
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skmml.neural import ResBiLSTMClassifier
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

    _parameter_constraints: dict = {
        **_ResBiLSTMBase._parameter_constraints,
        **NeuralClassifierMixin._parameter_constraints,
    }

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
        criterion=ClassBalancedLoss,
        missing_labels="ignore",
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs=20,
        train_split=None,
        callbacks=None,
        threshold=0.5,
        output_bias_init="uniform",
        device="cpu",
        verbose=0,
        random_state=None,
        **kwargs,
    ):
        self._store_params(locals())

    @staticmethod
    def _module_logits(module, batch):
        return module(batch)

    @staticmethod
    def _output_biases(module):
        return [module.output.bias]
