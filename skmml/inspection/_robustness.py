r"""Score of a fitted model as a growing fraction of samples loses a modality."""

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch

from ._modality_importance import (
    _BlockEditor,
    _check_inputs,
    _check_n_repeats,
    _Evaluator,
    _permutation_seed,
    _resolve_method,
    _scoring_name,
)


def _check_fractions(fractions):
    if fractions is None:
        return np.linspace(0.0, 1.0, 11)
    try:
        values = np.asarray(fractions, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"fractions must be a sequence of numbers in [0, 1]; got {fractions!r}."
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"fractions must be a non-empty 1-D sequence; got shape {values.shape}."
        )
    if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
        raise ValueError(f"fractions must lie in [0, 1]; got {values.tolist()}.")
    return np.unique(values)


def _curve(X, cols, method, fill, seeds, counts, evaluate, baseline):
    """Scores of shape (n_fractions, n_repeats) for one modality."""
    editor = _BlockEditor(X, cols, method, fill)
    n = X.shape[0]
    scores = np.empty((counts.size, len(seeds)))
    for r, seed in enumerate(seeds):
        rng = np.random.RandomState(seed)
        order = rng.permutation(n)
        perm = rng.permutation(n) if method == "permutation" else None
        for f, count in enumerate(counts):
            if count == 0:
                scores[f, r] = baseline
            else:
                # nested: the rows hit at a fraction include those of smaller ones
                scores[f, r] = evaluate(editor.corrupt(order[:count], perm))[0]
    return scores


def modality_robustness(
    estimator,
    X,
    Y,
    *,
    modalities="auto",
    fractions=None,
    method="permutation",
    scoring=None,
    n_repeats=5,
    fill_values=None,
    X_train=None,
    sample_weight=None,
    random_state=None,
    n_jobs=None,
):
    r"""Score of a fitted model against the fraction of samples missing a modality.

    For each modality and each fraction :math:`\rho`, a random
    :math:`\rho` of the test samples lose that modality (their block is set
    to NaN, to the training mean, or replaced by the block of random other
    samples), the others keep it, and the fitted model is scored. The curve
    answers how much is lost when a modality goes missing at prediction
    time; at :math:`\rho = 1` it is the score behind
    :func:`modality_importance`.

    Parameters
    ----------
    estimator : estimator
        A fitted multi-label classifier, pipeline or search with ``predict``.
    X : {ndarray, DataFrame} of shape (n_samples, n_features)
        Test features with every modality. Never modified.
    Y : array-like of shape (n_samples, n_labels)
        True label indicator matrix; NaN marks an unknown entry.
    modalities : "auto", dict, sequence or ModalityLayout, default="auto"
        Which columns of ``X`` form each modality, as in
        :func:`modality_importance`.
    fractions : array-like of float in [0, 1], default=None
        Fractions of samples that lose the modality; returned sorted and
        without duplicates. ``None`` means 0, 0.1, ..., 1.
    method : {"permutation", "missing", "mean", "ablation"}, default="permutation"
        How the chosen samples lose the modality, as in
        :func:`modality_importance`: their block becomes the block of random
        other samples (``"permutation"``, any estimator), NaN
        (``"missing"``, for estimators that accept missing modalities), the
        training means (``"mean"``), or whichever of the last two fits the
        estimator (``"ablation"``). ``"missing"`` is the question "what if the
        modality is absent"; the others are stand-ins for models that cannot
        take an absent modality.
    scoring : str, callable or None, default=None
        Score, greater is better, as in :func:`modality_importance`
        (``None``: micro-F1 of ``estimator.predict``).
    n_repeats : int, default=5
        Number of random draws of the samples at each fraction.
    fill_values : array-like of shape (n_features,) or dict, default=None
        Column values under ``method="mean"``, as in
        :func:`modality_importance`.
    X_train : {ndarray, DataFrame} of shape (n_train, n_features), default=None
        Training features whose column means are the fill values of
        ``method="mean"``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights of the score.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws. Every modality gets the same draws of samples,
        so the curves are comparable and do not depend on ``n_jobs``.
    n_jobs : int, default=None
        Number of modalities evaluated in parallel (joblib).

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        fractions : ndarray of shape (n_fractions,)
            The fractions, increasing.
        scores : ndarray of shape (n_modalities, n_fractions, n_repeats)
            Score of every draw.
        scores_mean : ndarray of shape (n_modalities, n_fractions)
            Mean score over the draws (the curve).
        scores_std : ndarray of shape (n_modalities, n_fractions)
            Its standard deviation.
        baseline_score : float
            Score on the intact ``X`` (the value at fraction 0).
        modality_names : list of str
            Name of each modality.
        method : str
            The method used (``"ablation"`` resolved).
        scoring : str
            Name of the score.

    See Also
    --------
    modality_importance : Importance of each modality, overall and per label.
    skmml.plotting.ModalityRobustnessDisplay : One curve per modality.

    Notes
    -----
    In draw :math:`k`, :math:`\sigma_k` is a random order of the :math:`n`
    samples and :math:`S_{k}(\rho)` its first
    :math:`\mathrm{round}(\rho n)` samples (nested: the samples of a
    fraction include those of every smaller one, so each draw gives a
    smooth curve). Modality :math:`m` is removed from the samples of
    :math:`S_k(\rho)` only, giving :math:`\tilde X^{m,k,\rho}`, and

    .. math:: c_m(\rho) = \frac{1}{K} \sum_{k=1}^{K}
              s(f, \tilde X^{m,k,\rho}, Y),

    with :math:`c_m(0) = s(f, X, Y)`. Under ``"permutation"`` sample
    :math:`i \in S_k(\rho)` takes the block of sample :math:`\pi_k(i)`,
    :math:`\pi_k` a random permutation.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from skmml.datasets import make_multimodal_multilabel
    >>> from skmml.inspection import modality_robustness
    >>> X, Y, modalities = make_multimodal_multilabel(
    ...     200, modality_dims={"image": 5, "text": 5}, n_labels=2,
    ...     informativeness=[[3, 0], [0, 3]], random_state=0)
    >>> X_train, X_test, Y_train, Y_test = X[:100], X[100:], Y[:100], Y[100:]
    >>> model = OneVsRestClassifier(LogisticRegression()).fit(X_train, Y_train)
    >>> curve = modality_robustness(
    ...     model, X_test, Y_test, modalities=modalities, method="mean",
    ...     X_train=X_train, fractions=[0, 0.5, 1], n_repeats=3, random_state=0)
    >>> curve.scores.shape
    (2, 3, 3)
    >>> bool(np.isclose(curve.scores_mean[0, 0], curve.baseline_score))
    True
    >>> bool((curve.scores_mean[:, -1] < curve.baseline_score).all())
    True
    """
    X, Y, layout, _, sample_weight = _check_inputs(
        estimator, X, Y, modalities, sample_weight
    )
    n_repeats = _check_n_repeats(n_repeats)
    fractions = _check_fractions(fractions)
    method, fill = _resolve_method(method, estimator, X, layout, fill_values, X_train)
    evaluate = _Evaluator(estimator, Y, scoring, False, sample_weight)
    rng = np.random.RandomState(_permutation_seed(random_state))
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_repeats)
    counts = np.rint(fractions * X.shape[0]).astype(int)

    baseline = evaluate(X)[0]
    scores = np.array(
        Parallel(n_jobs=n_jobs)(
            delayed(_curve)(X, cols, method, fill, seeds, counts, evaluate, baseline)
            for cols in layout.values()
        )
    )
    return Bunch(
        fractions=fractions,
        scores=scores,
        scores_mean=scores.mean(axis=2),
        scores_std=scores.std(axis=2),
        baseline_score=float(baseline),
        modality_names=list(layout.names),
        method=method,
        scoring=_scoring_name(scoring),
    )
