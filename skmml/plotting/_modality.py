"""Displays of modality importance and of robustness to missing modalities."""

import numpy as np

from ..inspection import modality_importance, modality_robustness
from ._base import (
    _axes_and_figure,
    _float_array,
    _label_names,
    _rotate_ticks,
    _style,
)

_KINDS = ("heatmap", "bar")


def _modality_names(names, n_modalities):
    if names is None:
        return [f"modality {m}" for m in range(n_modalities)]
    return _label_names(names, n_modalities, "modality_names")


def _check_result(result, keys, function):
    """Raise unless ``result`` holds ``keys`` (a Bunch of ``function``)."""
    missing = [key for key in keys if key not in result]
    if missing:
        raise ValueError(
            f"result misses {missing}; pass the Bunch returned by "
            f"skmml.inspection.{function}."
        )


class ModalityImportanceDisplay:
    """Importance of each modality, per label (heat map) or overall (bars).

    Two views of :func:`skmml.inspection.modality_importance`:

    - ``kind="heatmap"``: one row per label and one column per modality,
      coloured by the mean drop of the label's F1 when the modality is
      removed (a diverging map centred on 0: red means the label needs the
      modality, blue that the model does better without it), with the
      values written in the cells. It shows which modality carries which
      label.
    - ``kind="bar"``: one horizontal bar per modality at its overall
      importance, with one standard deviation over the repeats as error bar.

    Build it with :meth:`from_estimator` or :meth:`from_result`; all
    parameters are stored as attributes.

    Parameters
    ----------
    importances_mean : array-like of shape (n_modalities,)
        Mean drop of the overall score per modality (the bars).
    importances_per_label : array-like of shape (n_modalities, n_labels), default=None
        Mean drop of the F1 of each label per modality (the heat map); NaN
        draws an empty cell. Needed for ``kind="heatmap"``.
    importances_std : array-like of shape (n_modalities,), default=None
        Standard deviation of the overall importance (error bars).
    modality_names : list of str, default=None
        Name of each modality; ``None`` means ``"modality 0"``, ...
    label_names : list of str, default=None
        Name of each label; ``None`` means ``"0"``, ``"1"``, ...
    scoring : str, default=None
        Name of the overall score, shown on the bar axis.

    Attributes
    ----------
    image_ : matplotlib AxesImage or None
        The heat map (``kind="heatmap"``); ``image_.get_array()`` has shape
        (n_labels, n_modalities).
    text_ : ndarray of matplotlib Text or None
        The written values, of shape (n_labels, n_modalities), if drawn.
    colorbar_ : matplotlib Colorbar or None
        The colour bar of the heat map, if drawn.
    bars_ : matplotlib BarContainer or None
        One bar per modality (``kind="bar"``), the first on top.
    ax_ : matplotlib Axes
        Axes of the plot.
    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    skmml.inspection.modality_importance : The plotted importances.
    ModalityRobustnessDisplay : Score against the fraction of samples
        missing a modality.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmml.plotting import ModalityImportanceDisplay
    >>> disp = ModalityImportanceDisplay(
    ...     [0.30, 0.05], [[0.6, 0.0, 0.3], [0.0, 0.2, 0.0]],
    ...     modality_names=["image", "text"],
    ...     label_names=["cat", "dog", "car"]).plot()
    >>> disp.image_.get_array().shape  # labels x modalities
    (3, 2)
    >>> bars = ModalityImportanceDisplay([0.30, 0.05]).plot(kind="bar").bars_
    >>> [round(float(bar.get_width()), 2) for bar in bars]
    [0.3, 0.05]
    """

    def __init__(
        self,
        importances_mean,
        importances_per_label=None,
        *,
        importances_std=None,
        modality_names=None,
        label_names=None,
        scoring=None,
    ):
        self.importances_mean = importances_mean
        self.importances_per_label = importances_per_label
        self.importances_std = importances_std
        self.modality_names = modality_names
        self.label_names = label_names
        self.scoring = scoring

    def plot(
        self,
        *,
        kind="heatmap",
        ax=None,
        cmap="RdBu_r",
        include_values=True,
        values_format=".2f",
        colorbar=True,
        imshow_kw=None,
        bar_kw=None,
        xticks_rotation=45,
    ):
        """Plot the heat map or the bars.

        Parameters
        ----------
        kind : {"heatmap", "bar"}, default="heatmap"
            Per-label heat map or overall bars.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        cmap : str or matplotlib Colormap, default="RdBu_r"
            Colour map of the heat map, centred on 0.
        include_values : bool, default=True
            Whether to write the values in the cells of the heat map.
        values_format : str, default=".2f"
            Format of the written values.
        colorbar : bool, default=True
            Whether to draw a colour bar next to the heat map.
        imshow_kw : dict, default=None
            Keyword arguments of ``ax.imshow``.
        bar_kw : dict, default=None
            Keyword arguments of ``ax.barh``.
        xticks_rotation : float or "horizontal", default=45
            Rotation of the modality names under the heat map.

        Returns
        -------
        display : ModalityImportanceDisplay
            Object that stores the artists.
        """
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}; got {kind!r}.")
        mean = _float_array(self.importances_mean, "importances_mean", 1)
        modalities = _modality_names(self.modality_names, mean.size)
        per_label = std = None
        if kind == "heatmap":
            if self.importances_per_label is None:
                raise ValueError(
                    "kind='heatmap' needs importances_per_label (computed by "
                    "modality_importance with per_label=True)."
                )
            per_label = _float_array(
                self.importances_per_label, "importances_per_label", 2, allow_nan=True
            )
            if per_label.shape[0] != mean.size:
                raise ValueError(
                    f"importances_per_label has {per_label.shape[0]} row(s) but "
                    f"there are {mean.size} modalities."
                )
            labels = _label_names(self.label_names, per_label.shape[1])
        elif self.importances_std is not None:
            std = _float_array(self.importances_std, "importances_std", 1)
            if std.shape != mean.shape:
                raise ValueError(
                    f"importances_std has shape {std.shape} but importances_mean "
                    f"has shape {mean.shape}."
                )
        ax, fig = _axes_and_figure(ax, "ModalityImportanceDisplay.plot")
        self.image_ = self.text_ = self.colorbar_ = self.bars_ = None
        if kind == "heatmap":
            self._heatmap(
                ax,
                fig,
                per_label.T,
                modalities,
                labels,
                cmap,
                include_values,
                values_format,
                colorbar,
                imshow_kw,
                xticks_rotation,
            )
        else:
            self._bars(ax, mean, std, modalities, bar_kw)
        self.ax_ = ax
        self.figure_ = fig
        return self

    def _heatmap(
        self,
        ax,
        fig,
        values,
        modalities,
        labels,
        cmap,
        include_values,
        values_format,
        colorbar,
        imshow_kw,
        xticks_rotation,
    ):
        n_labels, n_modalities = values.shape
        finite = values[np.isfinite(values)]
        vmax = float(np.abs(finite).max()) if finite.size else 1.0
        vmax = vmax if vmax > 0 else 1.0
        kw = _style(
            {"cmap": cmap, "vmin": -vmax, "vmax": vmax, "aspect": "auto"},
            imshow_kw,
            "imshow_kw",
        )
        self.image_ = ax.imshow(np.ma.masked_invalid(values), **kw)
        if include_values:
            self.text_ = np.empty((n_labels, n_modalities), dtype=object)
            for j in range(n_labels):
                for m in range(n_modalities):
                    value = values[j, m]
                    text = "" if np.isnan(value) else format(value, values_format)
                    color = "white" if abs(value) > vmax / 2 else "black"
                    self.text_[j, m] = ax.text(
                        m, j, text, ha="center", va="center", color=color
                    )
        if colorbar:
            self.colorbar_ = fig.colorbar(self.image_, ax=ax)
            self.colorbar_.set_label("Drop of the label's F1")
        ax.set(
            xticks=np.arange(n_modalities),
            xticklabels=modalities,
            yticks=np.arange(n_labels),
            yticklabels=labels,
            xlabel="Modality removed",
            ylabel="Label",
        )
        _rotate_ticks(ax, xticks_rotation)

    def _bars(self, ax, mean, std, modalities, bar_kw):
        positions = np.arange(mean.size)
        defaults = {} if std is None else {"xerr": std, "capsize": 4}
        self.bars_ = ax.barh(positions, mean, **_style(defaults, bar_kw, "bar_kw"))
        ax.axvline(0.0, color="black", linewidth=0.8)
        xlabel = "Drop of the score"
        if isinstance(self.scoring, str):
            xlabel = f"{xlabel} ({self.scoring})"
        ax.set(yticks=positions, yticklabels=modalities, xlabel=xlabel)
        ax.invert_yaxis()

    @classmethod
    def from_result(cls, result, *, kind="heatmap", ax=None, **kwargs):
        """Plot a result of :func:`skmml.inspection.modality_importance`.

        Parameters
        ----------
        result : Bunch
            The return value of
            :func:`~skmml.inspection.modality_importance` (with
            ``per_label=True`` for the heat map).
        kind : {"heatmap", "bar"}, default="heatmap"
            Per-label heat map or overall bars.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        **kwargs : dict
            Other keyword arguments of :meth:`plot`.

        Returns
        -------
        display : ModalityImportanceDisplay
            The plotted display.
        """
        _check_result(
            result, ["importances_mean", "modality_names"], "modality_importance"
        )
        display = cls(
            result["importances_mean"],
            result.get("importances_per_label_mean"),
            importances_std=result.get("importances_std"),
            modality_names=result["modality_names"],
            label_names=result.get("label_names"),
            scoring=result.get("scoring"),
        )
        return display.plot(kind=kind, ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        Y,
        *,
        modalities="auto",
        scoring=None,
        n_repeats=5,
        method="permutation",
        fill_values=None,
        X_train=None,
        label_names=None,
        sample_weight=None,
        random_state=None,
        n_jobs=None,
        kind="heatmap",
        ax=None,
        **kwargs,
    ):
        """Compute and plot the modality importance of a fitted estimator.

        The parameters up to ``n_jobs`` are those of
        :func:`skmml.inspection.modality_importance`.

        Parameters
        ----------
        estimator : estimator
            A fitted multi-label classifier, pipeline or search.
        X : {ndarray, DataFrame} of shape (n_samples, n_features)
            Test features with every modality.
        Y : array-like of shape (n_samples, n_labels)
            True label indicator matrix; NaN marks an unknown entry.
        modalities : "auto", dict, sequence or ModalityLayout, default="auto"
            Which columns of ``X`` form each modality.
        scoring : str, callable or None, default=None
            Overall score (``None``: micro-F1).
        n_repeats : int, default=5
            Number of permutations of each modality.
        method : {"permutation", "missing", "mean", "ablation"}, \
                default="permutation"
            How a modality is removed.
        fill_values : array-like of shape (n_features,) or dict, default=None
            Column values under ``method="mean"``.
        X_train : {ndarray, DataFrame} of shape (n_train, n_features), \
                default=None
            Training features whose column means are the fill values.
        label_names : list of str, default=None
            Name of each label; ``None`` uses the columns of ``Y`` if it is
            a DataFrame, else ``"0"``, ``"1"``, ...
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights of the scores.
        random_state : int, RandomState instance or None, default=None
            Seed of the permutations.
        n_jobs : int, default=None
            Number of modalities evaluated in parallel.
        kind : {"heatmap", "bar"}, default="heatmap"
            Per-label heat map or overall bars.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        **kwargs : dict
            Other keyword arguments of :meth:`plot`.

        Returns
        -------
        display : ModalityImportanceDisplay
            The plotted display; ``display.result_`` holds the Bunch of
            :func:`~skmml.inspection.modality_importance`.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.multiclass import OneVsRestClassifier
        >>> from skmml.datasets import make_multimodal_multilabel
        >>> from skmml.plotting import ModalityImportanceDisplay
        >>> X, Y, modalities = make_multimodal_multilabel(
        ...     200, modality_dims={"image": 4, "text": 4}, n_labels=3,
        ...     as_frame=True, random_state=0)
        >>> model = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
        >>> disp = ModalityImportanceDisplay.from_estimator(
        ...     model, X, Y, n_repeats=2, random_state=0)
        >>> disp.modality_names, disp.label_names
        (['image', 'text'], ['label0', 'label1', 'label2'])
        """
        result = modality_importance(
            estimator,
            X,
            Y,
            modalities=modalities,
            scoring=scoring,
            n_repeats=n_repeats,
            method=method,
            fill_values=fill_values,
            X_train=X_train,
            per_label=kind == "heatmap",
            sample_weight=sample_weight,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        if label_names is not None:
            result.label_names = label_names
        display = cls.from_result(result, kind=kind, ax=ax, **kwargs)
        display.result_ = result
        return display


class ModalityRobustnessDisplay:
    """Score against the fraction of samples missing each modality.

    One curve per modality from :func:`skmml.inspection.modality_robustness`:
    the mean score over the random draws, a band of one standard deviation,
    and a dashed line at the score on the intact data. The steeper a curve,
    the more the model depends on that modality.

    Build it with :meth:`from_estimator` or :meth:`from_result`; all
    parameters are stored as attributes.

    Parameters
    ----------
    fractions : array-like of shape (n_fractions,)
        Fractions of samples missing the modality (x axis).
    scores_mean : array-like of shape (n_modalities, n_fractions)
        Mean score of each modality at each fraction.
    scores_std : array-like of shape (n_modalities, n_fractions), default=None
        Its standard deviation; ``None`` draws no band.
    modality_names : list of str, default=None
        Name of each modality; ``None`` means ``"modality 0"``, ...
    baseline_score : float, default=None
        Score on the intact data, drawn as a dashed line; ``None`` draws
        none.
    scoring : str, default=None
        Name of the score, shown on the y axis.
    method : str, default=None
        How the modality was removed, shown on the x axis.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The mean curve of each modality, keyed by name.
    fill_between_ : dict of str to matplotlib PolyCollection or None
        The mean +/- std band of each modality, if drawn.
    baseline_line_ : matplotlib Line2D or None
        The line at ``baseline_score``.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    skmml.inspection.modality_robustness : The plotted curves.
    ModalityImportanceDisplay : Importance of each modality per label.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmml.plotting import ModalityRobustnessDisplay
    >>> disp = ModalityRobustnessDisplay(
    ...     [0, 0.5, 1], [[0.8, 0.6, 0.4], [0.8, 0.75, 0.7]],
    ...     modality_names=["image", "text"], baseline_score=0.8).plot()
    >>> disp.lines_["text"].get_ydata().tolist()
    [0.8, 0.75, 0.7]
    """

    def __init__(
        self,
        fractions,
        scores_mean,
        scores_std=None,
        *,
        modality_names=None,
        baseline_score=None,
        scoring=None,
        method=None,
    ):
        self.fractions = fractions
        self.scores_mean = scores_mean
        self.scores_std = scores_std
        self.modality_names = modality_names
        self.baseline_score = baseline_score
        self.scoring = scoring
        self.method = method

    def plot(
        self,
        *,
        ax=None,
        line_kw=None,
        fill_between_kw=None,
        baseline_kw=None,
        show_std=True,
    ):
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        line_kw : dict, default=None
            Keyword arguments of ``ax.plot``, applied to every curve.
        fill_between_kw : dict, default=None
            Keyword arguments of ``ax.fill_between`` for the std bands.
        baseline_kw : dict, default=None
            Keyword arguments of ``ax.axhline`` for the intact score.
        show_std : bool, default=True
            Whether to draw the mean +/- std bands.

        Returns
        -------
        display : ModalityRobustnessDisplay
            Object that stores the artists.
        """
        fractions = _float_array(self.fractions, "fractions", 1)
        mean = _float_array(self.scores_mean, "scores_mean", 2)
        if mean.shape[1] != fractions.size:
            raise ValueError(
                f"scores_mean has shape {mean.shape} but there are "
                f"{fractions.size} fractions."
            )
        std = None
        if show_std and self.scores_std is not None:
            std = _float_array(self.scores_std, "scores_std", 2)
            if std.shape != mean.shape:
                raise ValueError(
                    f"scores_std has shape {std.shape} but scores_mean has shape "
                    f"{mean.shape}."
                )
        modalities = _modality_names(self.modality_names, mean.shape[0])
        if len(set(modalities)) != len(modalities):
            raise ValueError(f"modality_names must be unique; got {modalities}.")
        baseline = self.baseline_score
        if baseline is not None and not np.isscalar(baseline):
            raise ValueError(
                f"baseline_score must be a number or None; got {baseline!r}."
            )
        ax, fig = _axes_and_figure(ax, "ModalityRobustnessDisplay.plot")

        order = np.argsort(fractions, kind="stable")
        self.lines_ = {}
        self.fill_between_ = {} if std is not None else None
        for m, name in enumerate(modalities):
            (line,) = ax.plot(
                fractions[order],
                mean[m, order],
                **_style({"marker": "o", "label": name}, line_kw, "line_kw"),
            )
            self.lines_[name] = line
            if std is not None:
                self.fill_between_[name] = ax.fill_between(
                    fractions[order],
                    mean[m, order] - std[m, order],
                    mean[m, order] + std[m, order],
                    **_style(
                        {"alpha": 0.2, "color": line.get_color()},
                        fill_between_kw,
                        "fill_between_kw",
                    ),
                )
        self.baseline_line_ = None
        if baseline is not None:
            self.baseline_line_ = ax.axhline(
                baseline,
                **_style(
                    {"color": "black", "linestyle": "--", "label": "all modalities"},
                    baseline_kw,
                    "baseline_kw",
                ),
            )
        xlabel = "Fraction of samples without the modality"
        if isinstance(self.method, str):
            xlabel = f"{xlabel} ({self.method})"
        ylabel = "Score"
        if isinstance(self.scoring, str):
            ylabel = f"{ylabel} ({self.scoring})"
        ax.set(xlabel=xlabel, ylabel=ylabel)
        ax.legend(title="Modality removed", loc="best")
        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def from_result(cls, result, *, ax=None, **kwargs):
        """Plot a result of :func:`skmml.inspection.modality_robustness`.

        Parameters
        ----------
        result : Bunch
            The return value of
            :func:`~skmml.inspection.modality_robustness`.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        **kwargs : dict
            Other keyword arguments of :meth:`plot`.

        Returns
        -------
        display : ModalityRobustnessDisplay
            The plotted display.
        """
        _check_result(
            result,
            ["fractions", "scores_mean", "modality_names"],
            "modality_robustness",
        )
        display = cls(
            result["fractions"],
            result["scores_mean"],
            result.get("scores_std"),
            modality_names=result["modality_names"],
            baseline_score=result.get("baseline_score"),
            scoring=result.get("scoring"),
            method=result.get("method"),
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls,
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
        ax=None,
        **kwargs,
    ):
        """Compute and plot the robustness curves of a fitted estimator.

        The parameters up to ``n_jobs`` are those of
        :func:`skmml.inspection.modality_robustness`.

        Parameters
        ----------
        estimator : estimator
            A fitted multi-label classifier, pipeline or search.
        X : {ndarray, DataFrame} of shape (n_samples, n_features)
            Test features with every modality.
        Y : array-like of shape (n_samples, n_labels)
            True label indicator matrix; NaN marks an unknown entry.
        modalities : "auto", dict, sequence or ModalityLayout, default="auto"
            Which columns of ``X`` form each modality.
        fractions : array-like of float in [0, 1], default=None
            Fractions of samples that lose the modality (``None``: 0, 0.1,
            ..., 1).
        method : {"permutation", "missing", "mean", "ablation"}, \
                default="permutation"
            How the chosen samples lose the modality.
        scoring : str, callable or None, default=None
            Score (``None``: micro-F1).
        n_repeats : int, default=5
            Number of random draws of the samples at each fraction.
        fill_values : array-like of shape (n_features,) or dict, default=None
            Column values under ``method="mean"``.
        X_train : {ndarray, DataFrame} of shape (n_train, n_features), \
                default=None
            Training features whose column means are the fill values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights of the score.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws.
        n_jobs : int, default=None
            Number of modalities evaluated in parallel.
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.
        **kwargs : dict
            Other keyword arguments of :meth:`plot`.

        Returns
        -------
        display : ModalityRobustnessDisplay
            The plotted display; ``display.result_`` holds the Bunch of
            :func:`~skmml.inspection.modality_robustness`.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.multiclass import OneVsRestClassifier
        >>> from skmml.datasets import make_multimodal_multilabel
        >>> from skmml.plotting import ModalityRobustnessDisplay
        >>> X, Y, modalities = make_multimodal_multilabel(
        ...     200, modality_dims={"image": 4, "text": 4}, n_labels=3,
        ...     as_frame=True, random_state=0)
        >>> model = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
        >>> disp = ModalityRobustnessDisplay.from_estimator(
        ...     model, X, Y, fractions=[0, 0.5, 1], n_repeats=2, random_state=0)
        >>> sorted(disp.lines_)
        ['image', 'text']
        """
        result = modality_robustness(
            estimator,
            X,
            Y,
            modalities=modalities,
            fractions=fractions,
            method=method,
            scoring=scoring,
            n_repeats=n_repeats,
            fill_values=fill_values,
            X_train=X_train,
            sample_weight=sample_weight,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        display = cls.from_result(result, ax=ax, **kwargs)
        display.result_ = result
        return display
