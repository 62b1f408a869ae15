"""Fusion pipelines of Pouyanfar et al. (2018) for sequence modalities.

Every builder returns a plain scikit-learn estimator (a :class:`Pipeline` or
a :class:`ResBiLSTMClassifier`), so the variants of Table II can be
cross-validated and tuned with ``GridSearchCV`` through the usual nested
parameter names (``concat__visual__hidden_size``, ``select__step``,
``svm__C``, ``dense__alpha``...).
"""

import numpy as np
from sklearn.base import clone
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ..compose import MultiModalConcatenator
from ._resbilstm import ResBiLSTMClassifier, ResBiLSTMEncoder


def _frame_mean(X, n_timesteps):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] % n_timesteps:
        raise ValueError(
            f"frame averaging needs a 2-D block whose number of columns is a "
            f"multiple of n_timesteps={n_timesteps}; got shape {X.shape}."
        )
    return X.reshape(X.shape[0], n_timesteps, -1).mean(axis=1)


def _frame_mean_names(transformer, input_features):
    n_out = len(input_features) // transformer.kw_args["n_timesteps"]
    return np.asarray([f"frame_mean{j}" for j in range(n_out)], dtype=object)


def frame_mean_transformer(n_timesteps):
    """Transformer averaging the frames of a timestep-major block.

    The *static* features of a clip: frame ``t`` occupies columns
    ``t * d`` to ``(t + 1) * d - 1``, and the output has ``d`` columns.

    Parameters
    ----------
    n_timesteps : int
        Number of frames ``T``; the number of input columns must be a
        multiple of it.

    Returns
    -------
    transformer : FunctionTransformer
        Stateless, picklable; output names ``"frame_mean{j}"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.neural import frame_mean_transformer
    >>> X = np.array([[1.0, 10.0, 3.0, 30.0]])     # 2 frames of 2 features
    >>> frame_mean_transformer(2).fit_transform(X)
    array([[ 2., 20.]])
    """
    return FunctionTransformer(
        _frame_mean,
        kw_args={"n_timesteps": n_timesteps},
        feature_names_out=_frame_mean_names,
    )


def _per_modality(modalities, make):
    if not isinstance(modalities, dict) or not modalities:
        raise ValueError(
            "modalities must be a non-empty dict {name: column indices}, as "
            f"returned by the skmml generators; got {modalities!r}."
        )
    return MultiModalConcatenator(
        [(name, make(), list(cols)) for name, cols in modalities.items()]
    )


def _dense(hidden_size, max_iter, random_state):
    # early stopping on a 20% hold-out: the head stops when the held-out
    # score stalls instead of running into max_iter on small data
    return MLPClassifier(
        hidden_layer_sizes=(hidden_size,),
        max_iter=max_iter,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=30,
        random_state=random_state,
    )


def make_static_dense_pipeline(
    modalities, n_timesteps, *, hidden_size=64, max_iter=3000, random_state=None
):
    """Static baseline: frame-averaged features of some modalities, one dense layer.

    The single- and two-modality baselines of Pouyanfar et al. (2018, Table
    II): the static features of each listed modality (averaged over frames
    and standardised) are concatenated and classified by a dense ReLU layer
    with sigmoid outputs (:class:`~sklearn.neural_network.MLPClassifier`).

    Parameters
    ----------
    modalities : dict of str to list of int
        The modalities to use and their columns, e.g. a sub-dict of the
        ``modalities`` returned by
        :func:`skmml.datasets.make_disaster_sequence_like`.
    n_timesteps : int
        Frames per sample.
    hidden_size : int, default=64
        Width of the dense layer.
    max_iter : int, default=3000
        Most training epochs of the dense layer. The layer stops earlier:
        it holds out 20 % of its training rows and stops when their score
        has not improved for 30 epochs (``early_stopping=True``).

        .. versionchanged:: 0.1.0
           Early stopping on a hold-out, and ``max_iter`` raised from 300:
           the old head ran into ``max_iter`` with a ``ConvergenceWarning``
           on small data such as the clips of the README tour.
    random_state : int or None, default=None
        Seed of the dense layer.

    Returns
    -------
    pipeline : Pipeline
        Steps ``"concat"`` and ``"dense"``.

    Examples
    --------
    >>> from skmml.datasets import make_sequence_multimodal_multilabel
    >>> from skmml.neural import make_static_dense_pipeline
    >>> X, Y, mods = make_sequence_multimodal_multilabel(
    ...     60, n_timesteps=3, modality_dims=(2, 2), n_labels=2, random_state=0)
    >>> pipe = make_static_dense_pipeline({"m0": mods["m0"]}, 3, max_iter=20,
    ...                                   random_state=0)
    >>> import warnings
    >>> with warnings.catch_warnings():   # 20 epochs: not converged
    ...     warnings.simplefilter("ignore")
    ...     Y_pred = pipe.fit(X, Y).predict(X)
    >>> Y_pred.shape
    (60, 2)
    """
    concat = _per_modality(
        modalities,
        lambda: make_pipeline(frame_mean_transformer(n_timesteps), StandardScaler()),
    )
    return Pipeline(
        [("concat", concat), ("dense", _dense(hidden_size, max_iter, random_state))]
    )


def make_early_fusion_classifier(modalities, n_timesteps, **params):
    """Early fusion: per-frame static features concatenated, then ResBiLSTM.

    Parameters
    ----------
    modalities : dict of str to list of int
        Columns of each sequence modality (each ``n_timesteps * d_m``).
    n_timesteps : int
        Frames per sample.
    **params
        Other parameters of :class:`ResBiLSTMClassifier`.

    Returns
    -------
    classifier : ResBiLSTMClassifier

    Examples
    --------
    >>> from skmml.neural import make_early_fusion_classifier
    >>> make_early_fusion_classifier({"a": [0, 1], "b": [2, 3]}, 2).n_timesteps
    2
    """
    return ResBiLSTMClassifier(n_timesteps, modalities=dict(modalities), **params)


def _encoders(modalities, n_timesteps, encoder):
    from ..compose import CrossFitTransformer

    template = ResBiLSTMEncoder() if encoder is None else encoder
    # a cross-fitted encoder takes n_timesteps through its wrapped transformer
    key = (
        "transformer__n_timesteps"
        if isinstance(template, CrossFitTransformer)
        else "n_timesteps"
    )
    return _per_modality(
        modalities, lambda: clone(template).set_params(**{key: n_timesteps})
    )


def make_late_fusion_pipeline(
    modalities,
    n_timesteps,
    *,
    encoder=None,
    hidden_size=64,
    max_iter=3000,
    random_state=None,
):
    """Late fusion: temporal features per modality concatenated, then dense.

    Parameters
    ----------
    modalities : dict of str to list of int
        Columns of each sequence modality.
    n_timesteps : int
        Frames per sample (set on every encoder).
    encoder : ResBiLSTMEncoder, default=None
        Template of the per-modality encoder (cloned per modality); None
        means ``ResBiLSTMEncoder()``.
    hidden_size, max_iter, random_state
        Of the dense layer, as in :func:`make_static_dense_pipeline`.

    Returns
    -------
    pipeline : Pipeline
        Steps ``"concat"`` (a :class:`~skmml.compose.MultiModalConcatenator`
        with one encoder per modality) and ``"dense"``.

    Examples
    --------
    >>> import warnings
    >>> from skmml.datasets import make_sequence_multimodal_multilabel
    >>> from skmml.neural import make_late_fusion_pipeline
    >>> from skmml.neural import ResBiLSTMEncoder
    >>> X, Y, mods = make_sequence_multimodal_multilabel(
    ...     60, n_timesteps=3, modality_dims=(2, 2), n_labels=2, random_state=0)
    >>> pipe = make_late_fusion_pipeline(
    ...     mods, 3,
    ...     encoder=ResBiLSTMEncoder(hidden_size=2, max_epochs=2, random_state=0),
    ...     hidden_size=8, max_iter=20, random_state=0)
    >>> with warnings.catch_warnings():   # 20 epochs: not converged
    ...     warnings.simplefilter("ignore")
    ...     Y_pred = pipe.fit(X, Y).predict(X)
    >>> Y_pred.shape
    (60, 2)
    >>> names = pipe["concat"].get_feature_names_out()  # 2 * hidden_size each
    >>> len(names), names[[0, 4]].tolist()
    (8, ['m0__resbilstm0', 'm1__resbilstm0'])
    """
    return Pipeline(
        [
            ("concat", _encoders(modalities, n_timesteps, encoder)),
            ("dense", _dense(hidden_size, max_iter, random_state)),
        ]
    )


def make_pouyanfar_pipeline(
    modalities, n_timesteps, *, encoder=None, selector=None, classifier=None
):
    """The proposed framework of Pouyanfar et al. (2018) as one Pipeline.

    One :class:`ResBiLSTMEncoder` per modality (temporal features,
    section III.B), concatenated by
    :class:`~skmml.compose.MultiModalConcatenator`, ranked and pruned by
    :class:`~skmml.feature_selection.RFRecursiveSelector` and classified by
    :class:`~skmml.svm.LabelPowersetWeightedSVC` (section III.C,
    Algorithm 1).

    Parameters
    ----------
    modalities : dict of str to list of int
        Columns of each sequence modality.
    n_timesteps : int
        Frames per sample (set on every encoder).
    encoder : ResBiLSTMEncoder, default=None
        Template of the per-modality encoder (cloned); None means
        ``ResBiLSTMEncoder()``.
    selector : RFRecursiveSelector, default=None
        None means ``RFRecursiveSelector()`` (cloned otherwise).
    classifier : estimator, default=None
        None means ``LabelPowersetWeightedSVC()`` (linear kernel, ``C=0.9``,
        inverse-frequency weights, as in the paper).

    Returns
    -------
    pipeline : Pipeline
        Steps ``"concat"``, ``"select"`` and ``"svm"``; tunable with
        ``GridSearchCV`` (e.g. ``{"svm__C": [0.5, 0.9],
        "concat__visual__hidden_size": [32, 64]}``).

    Notes
    -----
    The selector scores each candidate size with its own estimator (a
    label-powerset weighted SVM by default) and the ``"svm"`` step is fitted
    on the kept features, as in Algorithm 1. The encoders are trained on
    the same rows as the SVM; as in the paper, their training features are
    therefore more separable than those of unseen rows. Wrap the encoder in
    :class:`~skmml.compose.CrossFitTransformer` for out-of-fold training
    features (``encoder=CrossFitTransformer(ResBiLSTMEncoder(), cv=5)``; see
    ``examples/pouyanfar_table2.py --cross-fit 5``). On the disaster-like
    data this did not raise the pipeline above late fusion.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skmml.datasets import make_sequence_multimodal_multilabel
    >>> from skmml.feature_selection import RFRecursiveSelector
    >>> from skmml.neural import make_pouyanfar_pipeline
    >>> from skmml.neural import ResBiLSTMEncoder
    >>> X, Y, mods = make_sequence_multimodal_multilabel(
    ...     60, n_timesteps=3, modality_dims=(2, 2), n_labels=2, random_state=0)
    >>> pipe = make_pouyanfar_pipeline(
    ...     mods, 3,
    ...     encoder=ResBiLSTMEncoder(hidden_size=2, max_epochs=2, random_state=0),
    ...     selector=RFRecursiveSelector(
    ...         forest=RandomForestClassifier(n_estimators=5), cv=2,
    ...         random_state=0))
    >>> pipe.fit(X, Y).predict(X).shape
    (60, 2)
    >>> pipe[0].get_feature_names_out()[:2].tolist()
    ['m0__resbilstm0', 'm0__resbilstm1']
    """
    from ..feature_selection import RFRecursiveSelector
    from ..svm import LabelPowersetWeightedSVC

    selector = RFRecursiveSelector() if selector is None else clone(selector)
    classifier = LabelPowersetWeightedSVC() if classifier is None else clone(classifier)
    return Pipeline(
        [
            ("concat", _encoders(modalities, n_timesteps, encoder)),
            ("select", selector),
            ("svm", classifier),
        ]
    )
