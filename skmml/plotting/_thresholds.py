"""Per-label decision thresholds and the tuner's score curves."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._base import (
    _axes_and_figure,
    _float_array,
    _label_names,
    _rotate_ticks,
    _style,
)

_KINDS = ("bar", "curves")
# Threshold at which each response method reproduces the estimator's predict.
_DEFAULT_THRESHOLD = {"predict_proba": 0.5, "decision_function": 0.0}


def _default_line(estimator):
    """The untuned threshold of a fitted threshold classifier.

    A tuner's ``default_thresholds_`` when they are all equal (the wrapped
    estimator's own ``threshold``, say), else the response method's default.
    """
    own = np.asarray(getattr(estimator, "default_thresholds_", []), dtype=float)
    if own.size and np.all(own == own.flat[0]):
        return float(own.flat[0])
    return _DEFAULT_THRESHOLD.get(estimator.response_method_)


class ThresholdDisplay:
    """Per-label decision thresholds of a multi-label threshold classifier.

    Two views of the thresholds of
    :class:`skmml.model_selection.MultiLabelThresholdTuner` or
    :class:`skmml.model_selection.FixedMultiLabelThresholdClassifier`:

    - ``kind="bar"``: one bar per label at its threshold, with a dashed line
      at the default threshold of the response method (0.5 for
      probabilities, 0 for decision values), so labels moved away from the
      default stand out. On imbalanced data the rare labels usually get the
      lowest thresholds.
    - ``kind="curves"``: the tuner's cross-validated objective against the
      candidate threshold of each label (``cv_results_``, stored with
      ``store_cv_results=True``), one line per label and a marker at the
      chosen threshold.

    Build it with :meth:`from_estimator`; all parameters are stored as
    attributes.

    Parameters
    ----------
    thresholds : array-like of shape (n_labels,)
        Threshold of each label.
    label_names : list of str, default=None
        Name of each label. ``None`` means ``"0"``, ``"1"``, ...
    default_threshold : float, default=None
        Reference threshold drawn as a line in the bar view; ``None`` draws
        none.
    cv_thresholds : array-like of shape (n_labels, n_candidates), default=None
        Candidate thresholds of each label (``cv_results_["thresholds"]``).
    cv_scores : array-like of shape (n_labels, n_candidates), default=None
        Cross-validated objective at each candidate
        (``cv_results_["scores"]``).
    scoring : str, default=None
        Name of the objective, shown on the y axis of the curves.

    Attributes
    ----------
    bars_ : matplotlib BarContainer or None
        One bar per label (``kind="bar"``).
    default_line_ : matplotlib Line2D or None
        Horizontal line at ``default_threshold`` (``kind="bar"``).
    lines_ : list of matplotlib Line2D or None
        Score curve of each label (``kind="curves"``).
    points_ : list of matplotlib Line2D or None
        Marker at the chosen threshold of each label (``kind="curves"``).
    ax_ : matplotlib Axes
        Axes of the plot.
    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    skmml.model_selection.MultiLabelThresholdTuner : Tunes the thresholds.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmml.plotting import ThresholdDisplay
    >>> disp = ThresholdDisplay(
    ...     [0.5, 0.21, 0.35], label_names=["flood", "victim", "damage"],
    ...     default_threshold=0.5).plot()
    >>> [round(float(bar.get_height()), 2) for bar in disp.bars_]
    [0.5, 0.21, 0.35]
    """

    def __init__(
        self,
        thresholds,
        *,
        label_names=None,
        default_threshold=None,
        cv_thresholds=None,
        cv_scores=None,
        scoring=None,
    ):
        self.thresholds = thresholds
        self.label_names = label_names
        self.default_threshold = default_threshold
        self.cv_thresholds = cv_thresholds
        self.cv_scores = cv_scores
        self.scoring = scoring

    def plot(
        self,
        *,
        kind="bar",
        ax=None,
        bar_kw=None,
        line_kw=None,
        xticks_rotation=45,
        legend=True,
    ):
        """Plot the thresholds or the score curves.

        Parameters
        ----------
        kind : {"bar", "curves"}, default="bar"
            ``"bar"`` draws the thresholds; ``"curves"`` the cross-validated
            score against the candidate thresholds of each label (needs
            ``cv_thresholds`` and ``cv_scores``).
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        bar_kw : dict, default=None
            Keyword arguments of ``ax.bar`` (``kind="bar"``).
        line_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for every curve
            (``kind="curves"``).
        xticks_rotation : float or "horizontal", default=45
            Rotation of the label names (``kind="bar"``).
        legend : bool, default=True
            Whether to draw a legend (labels for the curves, the default
            threshold for the bars).

        Returns
        -------
        display : ThresholdDisplay
            Object that stores the artists.
        """
        if not isinstance(kind, str) or kind not in _KINDS:
            raise ValueError(f"kind must be one of {list(_KINDS)}; got {kind!r}.")
        thresholds = _float_array(self.thresholds, "thresholds", 1)
        n_labels = thresholds.shape[0]
        labels = _label_names(self.label_names, n_labels)
        if kind == "curves":
            grid, scores = self._check_curves(n_labels)
        ax, fig = _axes_and_figure(ax, "ThresholdDisplay.plot")
        self.bars_ = self.default_line_ = self.lines_ = self.points_ = None
        if kind == "bar":
            self._plot_bars(ax, thresholds, labels, bar_kw, xticks_rotation, legend)
        else:
            self._plot_curves(ax, thresholds, labels, grid, scores, line_kw, legend)
        self.ax_ = ax
        self.figure_ = fig
        return self

    def _check_curves(self, n_labels):
        if self.cv_thresholds is None or self.cv_scores is None:
            raise ValueError(
                "kind='curves' needs cv_thresholds and cv_scores: fit "
                "MultiLabelThresholdTuner with store_cv_results=True."
            )
        grid = _float_array(self.cv_thresholds, "cv_thresholds", 2)
        scores = _float_array(self.cv_scores, "cv_scores", 2)
        if grid.shape != scores.shape or grid.shape[0] != n_labels:
            raise ValueError(
                f"cv_thresholds {grid.shape} and cv_scores {scores.shape} must "
                f"both have shape (n_labels={n_labels}, n_candidates)."
            )
        return grid, scores

    def _plot_bars(self, ax, thresholds, labels, bar_kw, rotation, legend):
        positions = np.arange(thresholds.shape[0])
        self.bars_ = ax.bar(
            positions, thresholds, **_style({"width": 0.6}, bar_kw, "bar_kw")
        )
        if self.default_threshold is not None:
            self.default_line_ = ax.axhline(
                float(self.default_threshold),
                color="black",
                linestyle="--",
                label=f"default ({float(self.default_threshold):g})",
            )
            if legend:
                ax.legend(loc="best")
        ax.set(
            xticks=positions,
            xticklabels=labels,
            xlim=(-0.5, thresholds.shape[0] - 0.5),
            xlabel="Label",
            ylabel="Decision threshold",
        )
        _rotate_ticks(ax, rotation)

    def _plot_curves(self, ax, thresholds, labels, grid, scores, line_kw, legend):
        self.lines_, self.points_ = [], []
        for j, name in enumerate(labels):
            (line,) = ax.plot(
                grid[j], scores[j], **_style({"label": name}, line_kw, "line_kw")
            )
            # the chosen threshold is one of the candidates of its row
            k = int(np.argmin(np.abs(grid[j] - thresholds[j])))
            (point,) = ax.plot(
                [grid[j, k]],
                [scores[j, k]],
                marker="o",
                linestyle="none",
                color=line.get_color(),
            )
            self.lines_.append(line)
            self.points_.append(point)
        ylabel = "CV score"
        if isinstance(self.scoring, str):
            ylabel = f"{ylabel} ({self.scoring})"
        ax.set(xlabel="Candidate threshold", ylabel=ylabel)
        if legend:
            ax.legend(title="Label", loc="best")

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        label_names=None,
        kind="bar",
        ax=None,
        bar_kw=None,
        line_kw=None,
        xticks_rotation=45,
        legend=True,
    ):
        """Plot the thresholds of a fitted threshold classifier.

        Parameters
        ----------
        estimator : MultiLabelThresholdTuner or \
FixedMultiLabelThresholdClassifier
            Fitted threshold classifier.
        label_names : list of str, default=None
            Name of each label. ``None`` means ``"0"``, ``"1"``, ... (the
            positive class for a 1-D binary target).
        kind : {"bar", "curves"}, default="bar"
            See :meth:`plot`. ``"curves"`` needs a tuner fitted with
            ``store_cv_results=True``.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        bar_kw : dict, default=None
            Keyword arguments of ``ax.bar`` (``kind="bar"``).
        line_kw : dict, default=None
            Keyword arguments of ``ax.plot`` (``kind="curves"``).
        xticks_rotation : float or "horizontal", default=45
            Rotation of the label names (``kind="bar"``).
        legend : bool, default=True
            Whether to draw a legend.

        Returns
        -------
        display : ThresholdDisplay
            The plotted display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.multiclass import OneVsRestClassifier
        >>> from skmml.model_selection import MultiLabelThresholdTuner
        >>> from skmml.plotting import ThresholdDisplay
        >>> rng = np.random.RandomState(0)
        >>> X = rng.normal(size=(120, 2))
        >>> Y = (X + rng.normal(size=(120, 2)) > [1.0, 1.5]).astype(int)
        >>> tuner = MultiLabelThresholdTuner(
        ...     OneVsRestClassifier(LogisticRegression()), thresholds=20, cv=3,
        ...     store_cv_results=True).fit(X, Y)
        >>> disp = ThresholdDisplay.from_estimator(tuner, kind="curves")
        >>> len(disp.lines_)
        2
        >>> disp = ThresholdDisplay.from_estimator(tuner)
        >>> np.allclose([b.get_height() for b in disp.bars_], tuner.thresholds_)
        True
        """
        from ..model_selection import (
            FixedMultiLabelThresholdClassifier,
            MultiLabelThresholdTuner,
        )

        if not isinstance(
            estimator, MultiLabelThresholdTuner | FixedMultiLabelThresholdClassifier
        ):
            raise ValueError(
                "ThresholdDisplay.from_estimator needs a fitted "
                "MultiLabelThresholdTuner or FixedMultiLabelThresholdClassifier; "
                f"got {type(estimator).__name__}."
            )
        check_is_fitted(estimator, "thresholds_")
        thresholds = np.asarray(estimator.thresholds_, dtype=np.float64)
        if label_names is None:
            classes = getattr(estimator, "classes_", None)
            if (
                thresholds.shape == (1,)
                and isinstance(classes, np.ndarray)
                and classes.shape == (2,)
            ):
                label_names = [str(classes[1])]  # positive class of a 1-D y
        results = getattr(estimator, "cv_results_", None) or {}
        scoring = getattr(estimator, "scoring", None)
        display = cls(
            thresholds,
            label_names=label_names,
            default_threshold=_default_line(estimator),
            cv_thresholds=results.get("thresholds"),
            cv_scores=results.get("scores"),
            scoring=scoring if isinstance(scoring, str) else None,
        )
        return display.plot(
            kind=kind,
            ax=ax,
            bar_kw=bar_kw,
            line_kw=line_kw,
            xticks_rotation=xticks_rotation,
            legend=legend,
        )
