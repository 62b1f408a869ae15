"""Cross-validated score along a recursive feature-elimination path."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._base import _axes_and_figure, _float_array, _style


def _check_selector(selector):
    """Raise a clear error unless ``selector`` is a fitted path selector."""
    from sklearn.feature_selection import RFECV

    from ..feature_selection import RFRecursiveSelector

    if not isinstance(selector, RFRecursiveSelector | RFECV):
        raise ValueError(
            "SelectionPathDisplay.from_estimator needs a fitted "
            "RFRecursiveSelector (or scikit-learn RFECV); got "
            f"{type(selector).__name__}."
        )
    check_is_fitted(selector, ("cv_results_", "n_features_"))


class SelectionPathDisplay:
    """Cross-validated score against the number of kept features.

    Plots the elimination path of
    :class:`skmml.feature_selection.RFRecursiveSelector` (section III.C and
    Algorithm 1 of Pouyanfar et al., 2018): the mean test score of every
    evaluated size, a band of one standard deviation across the folds, and a
    vertical line with a marker at the kept size ``n_features_``. Sizes that
    early stopping never evaluated are simply absent from the curve.
    scikit-learn's :class:`~sklearn.feature_selection.RFECV` has the same
    ``cv_results_`` keys and is accepted too.

    Build it with :meth:`from_estimator`; all parameters are stored as
    attributes.

    Parameters
    ----------
    n_features : array-like of shape (n_sizes,)
        Evaluated numbers of features.
    mean_test_score : array-like of shape (n_sizes,)
        Mean cross-validated score of each size.
    std_test_score : array-like of shape (n_sizes,), default=None
        Standard deviation of the score across the folds; ``None`` draws no
        band.
    n_features_selected : int, default=None
        The kept size, marked on the plot; ``None`` marks nothing.
    scoring : str, default=None
        Name of the score, shown on the y axis.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The mean score curve, by increasing number of features.
    fill_between_ : matplotlib PolyCollection or None
        The mean +/- std band, if drawn.
    selected_line_ : matplotlib Line2D or None
        Vertical line at ``n_features_selected``.
    selected_point_ : matplotlib Line2D or None
        Marker on the curve at ``n_features_selected`` (None if that size
        was not evaluated).
    ax_ : matplotlib Axes
        Axes with the curve.
    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    skmml.feature_selection.RFRecursiveSelector : The selector plotted.

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A Multi-label Multimodal
       Deep Learning Framework for Imbalanced Data Classification", IEEE
       MIPR 2019 (arXiv 2018), section III.C and Algorithm 1.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmml.plotting import SelectionPathDisplay
    >>> disp = SelectionPathDisplay(
    ...     [1, 2, 3, 4], [0.41, 0.52, 0.55, 0.53], [0.05, 0.04, 0.03, 0.04],
    ...     n_features_selected=3, scoring="micro_f1").plot()
    >>> x, y = disp.selected_point_.get_data()
    >>> disp.line_.get_xdata().tolist(), float(y[0])
    ([1.0, 2.0, 3.0, 4.0], 0.55)
    """

    def __init__(
        self,
        n_features,
        mean_test_score,
        std_test_score=None,
        *,
        n_features_selected=None,
        scoring=None,
    ):
        self.n_features = n_features
        self.mean_test_score = mean_test_score
        self.std_test_score = std_test_score
        self.n_features_selected = n_features_selected
        self.scoring = scoring

    def plot(
        self,
        *,
        ax=None,
        line_kw=None,
        fill_between_kw=None,
        selected_kw=None,
        show_std=True,
    ):
        """Plot the score curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        line_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the mean curve.
        fill_between_kw : dict, default=None
            Keyword arguments of ``ax.fill_between`` for the std band.
        selected_kw : dict, default=None
            Keyword arguments of ``ax.axvline`` for the kept size.
        show_std : bool, default=True
            Whether to draw the mean +/- std band.

        Returns
        -------
        display : SelectionPathDisplay
            Object that stores the artists.
        """
        sizes = _float_array(self.n_features, "n_features", 1)
        mean = _float_array(self.mean_test_score, "mean_test_score", 1)
        if mean.shape != sizes.shape:
            raise ValueError(
                f"mean_test_score has shape {mean.shape} but n_features has "
                f"shape {sizes.shape}."
            )
        std = None
        if self.std_test_score is not None:
            std = _float_array(self.std_test_score, "std_test_score", 1)
            if std.shape != sizes.shape:
                raise ValueError(
                    f"std_test_score has shape {std.shape} but n_features has "
                    f"shape {sizes.shape}."
                )
        selected = self.n_features_selected
        if selected is not None and not np.isscalar(selected):
            raise ValueError(
                f"n_features_selected must be a number or None; got {selected!r}."
            )
        ax, fig = _axes_and_figure(ax, "SelectionPathDisplay.plot")

        order = np.argsort(sizes, kind="stable")
        sizes, mean = sizes[order], mean[order]
        (self.line_,) = ax.plot(
            sizes,
            mean,
            **_style({"marker": "o", "label": "mean CV score"}, line_kw, "line_kw"),
        )
        self.fill_between_ = None
        if show_std and std is not None:
            std = std[order]
            self.fill_between_ = ax.fill_between(
                sizes,
                mean - std,
                mean + std,
                **_style(
                    {
                        "alpha": 0.25,
                        "color": self.line_.get_color(),
                        "label": "+/- 1 std",
                    },
                    fill_between_kw,
                    "fill_between_kw",
                ),
            )
        self.selected_line_ = self.selected_point_ = None
        if selected is not None:
            self.selected_line_ = ax.axvline(
                selected,
                **_style(
                    {
                        "color": "black",
                        "linestyle": "--",
                        "label": f"kept: {selected:g} features",
                    },
                    selected_kw,
                    "selected_kw",
                ),
            )
            where = np.flatnonzero(sizes == selected)
            if where.size:
                (self.selected_point_,) = ax.plot(
                    [sizes[where[0]]],
                    [mean[where[0]]],
                    marker="*",
                    markersize=14,
                    linestyle="none",
                    color=self.selected_line_.get_color(),
                )
        ylabel = "Mean CV score"
        if isinstance(self.scoring, str):
            ylabel = f"{ylabel} ({self.scoring})"
        ax.set(xlabel="Number of features", ylabel=ylabel)
        ax.legend(loc="best")
        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def from_estimator(
        cls,
        selector,
        *,
        ax=None,
        line_kw=None,
        fill_between_kw=None,
        selected_kw=None,
        show_std=True,
    ):
        """Plot the path of a fitted RFRecursiveSelector.

        Parameters
        ----------
        selector : RFRecursiveSelector or sklearn.feature_selection.RFECV
            Fitted selector; its ``cv_results_`` give the curve and
            ``n_features_`` the marked size.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        line_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the mean curve.
        fill_between_kw : dict, default=None
            Keyword arguments of ``ax.fill_between`` for the std band.
        selected_kw : dict, default=None
            Keyword arguments of ``ax.axvline`` for the kept size.
        show_std : bool, default=True
            Whether to draw the mean +/- std band.

        Returns
        -------
        display : SelectionPathDisplay
            The plotted display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import make_multilabel_classification
        >>> from sklearn.ensemble import RandomForestClassifier
        >>> from skmml.feature_selection import RFRecursiveSelector
        >>> from skmml.plotting import SelectionPathDisplay
        >>> X, Y = make_multilabel_classification(
        ...     n_samples=80, n_features=6, n_classes=3, random_state=0)
        >>> selector = RFRecursiveSelector(
        ...     forest=RandomForestClassifier(n_estimators=10), stopping="best",
        ...     cv=3, random_state=0).fit(X, Y)
        >>> disp = SelectionPathDisplay.from_estimator(selector)
        >>> disp.line_.get_xdata().tolist()
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        >>> disp.selected_line_.get_xdata()[0] == selector.n_features_
        True
        """
        _check_selector(selector)
        results = selector.cv_results_
        missing = [
            key
            for key in ("n_features", "mean_test_score", "std_test_score")
            if key not in results
        ]
        if missing:
            raise ValueError(
                f"{type(selector).__name__}.cv_results_ has no {missing} "
                "entries; refit it with a version that records them."
            )
        scoring = selector.scoring if isinstance(selector.scoring, str) else None
        display = cls(
            results["n_features"],
            results["mean_test_score"],
            results["std_test_score"],
            n_features_selected=int(selector.n_features_),
            scoring=scoring,
        )
        return display.plot(
            ax=ax,
            line_kw=line_kw,
            fill_between_kw=fill_between_kw,
            selected_kw=selected_kw,
            show_std=show_std,
        )
