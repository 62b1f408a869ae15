"""Helpers shared by the displays: lazy matplotlib, axes, names, styles."""

import numpy as np

_PLOT_EXTRA = "pip install 'skmml[plot]'"


def _pyplot(caller):
    """Import and return ``matplotlib.pyplot``, naming the extra if missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib, which could not be imported "
            f"({exc}). Install the plot extra: {_PLOT_EXTRA}"
        ) from exc
    return plt


def _axes_and_figure(ax, caller):
    """The given axes and its figure, or a new figure with one axes."""
    plt = _pyplot(caller)
    if ax is None:
        fig, ax = plt.subplots()
        return ax, fig
    if not hasattr(ax, "figure") or not hasattr(ax, "plot"):
        raise ValueError(f"ax must be a matplotlib Axes or None; got {ax!r}.")
    return ax, ax.figure


def _style(defaults, user, name):
    """Merge user keyword arguments for an artist over the defaults."""
    if user is None:
        return dict(defaults)
    if not isinstance(user, dict):
        raise ValueError(f"{name} must be a dict or None; got {user!r}.")
    return {**defaults, **user}


def _label_names(label_names, n_labels, name="label_names"):
    """List of ``n_labels`` display names; ``None`` gives "0", "1", ..."""
    if label_names is None:
        return [str(j) for j in range(n_labels)]
    if isinstance(label_names, str):
        raise ValueError(f"{name} must be a sequence of names, not a string.")
    try:
        names = [str(n) for n in label_names]
    except TypeError:
        raise ValueError(
            f"{name} must be a sequence of names; got {label_names!r}."
        ) from None
    if len(names) != n_labels:
        raise ValueError(
            f"{name} has {len(names)} name(s) but there are {n_labels} labels."
        )
    return names


def _columns(Y):
    """Column names of a DataFrame ``Y`` as strings, else None."""
    columns = getattr(Y, "columns", None)
    if columns is None:
        return None
    return [str(c) for c in columns]


def _float_array(value, name, ndim, allow_nan=False):
    """``value`` as a finite (or NaN, if allowed) float array of ``ndim`` dims."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be an array of numbers; got {value!r}."
        ) from None
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D; got an array of shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    if allow_nan:
        if np.any(np.isinf(arr)):
            raise ValueError(f"{name} contains infinity.")
    elif not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return arr


def _rotate_ticks(ax, rotation):
    """Rotate the x tick labels, right-aligned when slanted."""
    ha = "center" if rotation in (0, "horizontal") else "right"
    for label in ax.get_xticklabels():
        label.set_rotation(rotation)
        label.set_horizontalalignment(ha)
