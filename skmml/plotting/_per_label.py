"""Grouped bars of per-label F1 comparing several models."""

from collections.abc import Mapping

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..metrics import per_label_f1
from ..utils import check_multilabel_indicator
from ._base import (
    _axes_and_figure,
    _columns,
    _float_array,
    _label_names,
    _rotate_ticks,
    _style,
)


def _check_models(models, name):
    """Non-empty mapping of str names, in insertion order."""
    if not isinstance(models, Mapping):
        raise ValueError(
            f"{name} must be a dict mapping model names to "
            f"{'fitted estimators' if name == 'estimators' else 'predictions'}; "
            f"got {type(models).__name__}."
        )
    if len(models) == 0:
        raise ValueError(f"{name} is empty; pass at least one model.")
    for key in models:
        if not isinstance(key, str):
            raise ValueError(f"{name} keys must be model names (str); got {key!r}.")
    return list(models)


class PerLabelF1Display:
    """Per-label F1 of several models as grouped bars.

    One group of bars per label (concept) and one bar per model inside each
    group: the layout of Figure 2 of Pouyanfar et al. (2018), which compares
    the F1 of single modalities and their fusion concept by concept. Rare
    labels that a model never predicts show as missing bars.

    ``Y_true`` may be partially labelled (NaN = unknown entry): the F1 of
    each label is then computed on the rows where it is known, as
    :func:`skmml.metrics.per_label_f1` does, and a label without any known
    entry has an undefined (NaN) F1, drawn as no bar.

    Build it with :meth:`from_estimator` or :meth:`from_predictions`; all
    parameters are stored as attributes.

    Parameters
    ----------
    f1_scores : array-like of shape (n_models, n_labels)
        F1 of each label for each model; NaN (undefined) draws no bar.
    model_names : list of str, default=None
        Name of each model (legend). ``None`` means ``"model 0"``, ...
    label_names : list of str, default=None
        Name of each label (x ticks). ``None`` means ``"0"``, ``"1"``, ...

    Attributes
    ----------
    bars_ : dict of str to matplotlib BarContainer
        The bars of each model, keyed by model name; ``bars_[name][j]`` is
        the bar of label ``j``.
    legend_ : matplotlib Legend or None
        The legend, if drawn.
    ax_ : matplotlib Axes
        Axes with the bars.
    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    skmml.metrics.per_label_f1 : The plotted scores.

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A Multi-label Multimodal
       Deep Learning Framework for Imbalanced Data Classification", IEEE
       MIPR 2019 (arXiv 2018), Figure 2.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmml.plotting import PerLabelF1Display
    >>> Y_true = [[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]]
    >>> predictions = {
    ...     "text": [[1, 0, 1], [0, 0, 0], [1, 0, 0], [0, 0, 1]],
    ...     "fusion": [[1, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 1]],
    ... }
    >>> disp = PerLabelF1Display.from_predictions(
    ...     Y_true, predictions, label_names=["flood", "damage", "speak"])
    >>> disp.f1_scores.round(2)
    array([[1. , 0. , 0.8],
           [0.8, 1. , 1. ]])
    >>> [bar.get_height() for bar in disp.bars_["fusion"]] == list(
    ...     disp.f1_scores[1])
    True
    """

    def __init__(self, f1_scores, *, model_names=None, label_names=None):
        self.f1_scores = f1_scores
        self.model_names = model_names
        self.label_names = label_names

    def plot(self, *, ax=None, bar_kw=None, xticks_rotation=45, legend=True):
        """Plot the grouped bars.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        bar_kw : dict, default=None
            Keyword arguments of ``ax.bar``, applied to every model (for
            instance ``{"edgecolor": "black"}``).
        xticks_rotation : float or "horizontal", default=45
            Rotation of the label names.
        legend : bool, default=True
            Whether to draw a legend of the models.

        Returns
        -------
        display : PerLabelF1Display
            Object that stores the computed values and the artists.
        """
        scores = _float_array(self.f1_scores, "f1_scores", 2, allow_nan=True)
        n_models, n_labels = scores.shape
        if self.model_names is None:
            models = [f"model {i}" for i in range(n_models)]
        else:
            models = _label_names(self.model_names, n_models, "model_names")
            if len(set(models)) != n_models:
                raise ValueError(f"model_names must be unique; got {models}.")
        labels = _label_names(self.label_names, n_labels)
        ax, fig = _axes_and_figure(ax, "PerLabelF1Display.plot")
        kw = _style({}, bar_kw, "bar_kw")

        # groups of total width 0.8 centred on the integer label positions
        width = 0.8 / n_models
        centers = np.arange(n_labels)
        self.bars_ = {}
        for i, model in enumerate(models):
            offset = (i - (n_models - 1) / 2) * width
            self.bars_[model] = ax.bar(
                centers + offset, scores[i], width, **{"label": model, **kw}
            )
        ax.set(
            xticks=centers,
            xticklabels=labels,
            xlim=(-0.5, n_labels - 0.5),
            ylim=(0.0, 1.05),
            xlabel="Label",
            ylabel="F1 score",
        )
        _rotate_ticks(ax, xticks_rotation)
        self.legend_ = ax.legend(title="Model") if legend else None
        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def from_predictions(
        cls,
        Y_true,
        predictions,
        *,
        label_names=None,
        sample_weight=None,
        zero_division=0.0,
        ax=None,
        bar_kw=None,
        xticks_rotation=45,
        legend=True,
    ):
        """Plot the per-label F1 of several models from their predictions.

        Parameters
        ----------
        Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True label indicator matrix; NaN entries are unknown labels,
            left out of the F1 of their label.
        predictions : dict of str to array-like of shape (n_samples, n_labels)
            Predicted indicator matrix of each model, keyed by model name
            (one bar per model, in the dict's order).
        label_names : list of str, default=None
            Name of each label. ``None`` uses the columns of ``Y_true`` if it
            is a DataFrame, else ``"0"``, ``"1"``, ...
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights of the F1 scores.
        zero_division : float, default=0.0
            F1 of a label with no true and no predicted positive.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        bar_kw : dict, default=None
            Keyword arguments of ``ax.bar``.
        xticks_rotation : float or "horizontal", default=45
            Rotation of the label names.
        legend : bool, default=True
            Whether to draw a legend of the models.

        Returns
        -------
        display : PerLabelF1Display
            The plotted display.
        """
        models = _check_models(predictions, "predictions")
        if label_names is None:
            label_names = _columns(Y_true)
        Y = check_multilabel_indicator(Y_true, name="Y_true", allow_unknown=True)
        scores = []
        for model in models:
            try:
                Y_pred = check_multilabel_indicator(
                    predictions[model], name=f"predictions[{model!r}]"
                )
            except ValueError as exc:
                if "contains NaN" not in str(exc):
                    raise
                raise ValueError(
                    f"predictions[{model!r}] contains NaN: predictions must be "
                    "a complete 0/1 matrix; only Y_true may hold NaN for "
                    "unknown labels."
                ) from None
            if Y_pred.shape != Y.shape:
                raise ValueError(
                    f"predictions[{model!r}] has shape {Y_pred.shape} but Y_true "
                    f"has shape {Y.shape}."
                )
            scores.append(
                per_label_f1(
                    Y, Y_pred, sample_weight=sample_weight, zero_division=zero_division
                )
            )
        # validate the names before drawing anything
        label_names = _label_names(label_names, Y.shape[1])
        display = cls(np.vstack(scores), model_names=models, label_names=label_names)
        return display.plot(
            ax=ax, bar_kw=bar_kw, xticks_rotation=xticks_rotation, legend=legend
        )

    @classmethod
    def from_estimator(
        cls,
        estimators,
        X,
        Y,
        *,
        label_names=None,
        sample_weight=None,
        zero_division=0.0,
        ax=None,
        bar_kw=None,
        xticks_rotation=45,
        legend=True,
    ):
        """Plot the per-label F1 of several fitted models on ``(X, Y)``.

        Parameters
        ----------
        estimators : dict of str to estimator
            Fitted multi-label classifiers (or pipelines) keyed by model name;
            each one's ``predict(X)`` must return an indicator matrix.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples, as accepted by every estimator.
        Y : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True label indicator matrix; NaN entries are unknown labels,
            left out of the F1 of their label.
        label_names : list of str, default=None
            Name of each label. ``None`` uses the columns of ``Y`` if it is a
            DataFrame, else ``"0"``, ``"1"``, ...
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights of the F1 scores.
        zero_division : float, default=0.0
            F1 of a label with no true and no predicted positive.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        bar_kw : dict, default=None
            Keyword arguments of ``ax.bar``.
        xticks_rotation : float or "horizontal", default=45
            Rotation of the label names.
        legend : bool, default=True
            Whether to draw a legend of the models.

        Returns
        -------
        display : PerLabelF1Display
            The plotted display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import make_multilabel_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.multiclass import OneVsRestClassifier
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skmml.plotting import PerLabelF1Display
        >>> X, Y = make_multilabel_classification(
        ...     n_samples=100, n_classes=3, random_state=0)
        >>> models = {
        ...     "logistic": OneVsRestClassifier(LogisticRegression()).fit(X, Y),
        ...     "tree": DecisionTreeClassifier(max_depth=2).fit(X, Y),
        ... }
        >>> disp = PerLabelF1Display.from_estimator(models, X, Y)
        >>> disp.f1_scores.shape, sorted(disp.bars_)
        ((2, 3), ['logistic', 'tree'])
        """
        models = _check_models(estimators, "estimators")
        predictions = {}
        for model in models:
            est = estimators[model]
            if not (hasattr(est, "fit") and hasattr(est, "predict")):
                raise ValueError(
                    f"estimators[{model!r}] must be a fitted estimator with "
                    f"fit and predict; got {est!r}."
                )
            try:
                check_is_fitted(est)
            except NotFittedError as exc:
                raise NotFittedError(
                    f"estimators[{model!r}] is not fitted: {exc}"
                ) from exc
            predictions[model] = est.predict(X)
        if label_names is None:
            label_names = _columns(Y)
        return cls.from_predictions(
            Y,
            predictions,
            label_names=label_names,
            sample_weight=sample_weight,
            zero_division=zero_division,
            ax=ax,
            bar_kw=bar_kw,
            xticks_rotation=xticks_rotation,
            legend=legend,
        )
