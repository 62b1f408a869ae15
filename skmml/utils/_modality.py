"""The modality layout: which columns of ``X`` belong to which modality.

One small type, :class:`ModalityLayout`, and one resolver,
:func:`resolve_modalities`, serve every part of skmml that needs to know the
modalities (the concatenator, the generators, the MULAN loader, RMLC and the
ResBiLSTM estimators). Column names of a fused DataFrame carry the layout as
``"{modality}__{feature}"``; :func:`modality_feature_name` writes that prefix
and :func:`split_modality_feature_name` reads it, and nothing else in skmml
does either.
"""

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

SEPARATOR = "__"


def check_modality_name(name, *, param="modalities"):
    """Raise a ValueError naming ``param`` unless ``name`` is a valid modality name.

    A modality name is a non-empty string without ``"__"`` (the separator of
    the ``"{modality}__{feature}"`` column names).

    Examples
    --------
    >>> from skmml.utils import check_modality_name
    >>> check_modality_name("audio")
    >>> check_modality_name("a__b")
    Traceback (most recent call last):
    ...
    ValueError: modalities: modality name 'a__b' must be a non-empty string ...
    """
    if not isinstance(name, str) or not name or SEPARATOR in name:
        raise ValueError(
            f"{param}: modality name {name!r} must be a non-empty string "
            f"without {SEPARATOR!r}."
        )


def modality_feature_name(modality, feature):
    """The output name ``"{modality}__{feature}"`` of a feature of a modality.

    A feature already named with this modality's prefix keeps its name.

    Examples
    --------
    >>> from skmml.utils import modality_feature_name
    >>> modality_feature_name("audio", "f0")
    'audio__f0'
    >>> modality_feature_name("audio", "audio__f0")
    'audio__f0'
    """
    feature = str(feature)
    if feature.startswith(f"{modality}{SEPARATOR}"):
        return feature
    return f"{modality}{SEPARATOR}{feature}"


def split_modality_feature_name(name):
    """Split ``"{modality}__{feature}"`` into ``(modality, feature)``.

    Returns ``(None, name)`` for a name without the separator.

    Examples
    --------
    >>> from skmml.utils import split_modality_feature_name
    >>> split_modality_feature_name("audio__mfcc__3")
    ('audio', 'mfcc__3')
    >>> split_modality_feature_name("age")
    (None, 'age')
    """
    name = str(name)
    modality, sep, feature = name.partition(SEPARATOR)
    if not sep or not modality:
        return None, name
    return modality, feature


class ModalityLayout(Mapping):
    """Which columns of ``X`` belong to which modality.

    A read-only mapping ``{modality name: column indices}`` in modality order,
    with at least one modality, each a non-empty array of distinct column
    positions, and no column in two modalities. Build one with
    :func:`resolve_modalities`, which every skmml estimator uses.

    Parameters
    ----------
    columns : mapping of str to array-like of int
        Column positions of every modality, in order.
    n_features : int
        Number of columns of ``X``.
    require_cover : bool, default=True
        Whether every column must belong to a modality.
    param : str, default="modalities"
        Name of the parameter the layout came from, for error messages.

    Attributes
    ----------
    names : tuple of str
        Modality names in order.
    n_features : int
        Number of columns of ``X``.

    Examples
    --------
    >>> from skmml.utils import ModalityLayout
    >>> layout = ModalityLayout({"image": [0, 1], "text": [2]}, n_features=3)
    >>> layout.names, layout.sizes
    (('image', 'text'), (2, 1))
    >>> layout["text"].tolist()
    [2]
    >>> layout.feature_names(["a", "b", "c"]).tolist()
    ['image__a', 'image__b', 'text__c']
    """

    def __init__(self, columns, *, n_features, require_cover=True, param="modalities"):
        if not isinstance(columns, Mapping) or not columns:
            raise ValueError(f"{param} must describe at least one modality.")
        self.n_features = int(n_features)
        resolved = {}
        for name, cols in columns.items():
            check_modality_name(name, param=param)
            cols = np.asarray(cols)
            if cols.ndim != 1 or cols.size == 0 or cols.dtype.kind not in "iu":
                raise ValueError(
                    f"{param}: modality {name!r} must be a non-empty 1-D list of "
                    "integer column positions."
                )
            if cols.min() < 0 or cols.max() >= self.n_features:
                raise ValueError(
                    f"{param}: modality {name!r} has column indices outside "
                    f"[0, {self.n_features}) for X with {self.n_features} "
                    "column(s)."
                )
            cols = cols.astype(np.intp)
            cols.setflags(write=False)
            resolved[name] = cols
        counts = np.bincount(
            np.concatenate(list(resolved.values())), minlength=self.n_features
        )
        if np.any(counts > 1):
            raise ValueError(
                f"{param}: modalities overlap: column(s) "
                f"{np.flatnonzero(counts > 1)[:5].tolist()} are in several "
                "modalities."
            )
        if require_cover and np.any(counts == 0):
            raise ValueError(
                f"{param}: every column of X must belong to a modality; "
                f"column(s) {np.flatnonzero(counts == 0)[:5].tolist()} belong to "
                "none."
            )
        self._columns = resolved
        self.names = tuple(resolved)

    def __getitem__(self, name):
        return self._columns[name]

    def __iter__(self):
        return iter(self._columns)

    def __len__(self):
        return len(self._columns)

    @property
    def sizes(self):
        """Number of columns of every modality, in order."""
        return tuple(len(c) for c in self._columns.values())

    def feature_names(self, features):
        """Output names ``"{modality}__{feature}"`` of the columns of ``X``.

        Parameters
        ----------
        features : array-like of str of shape (n_features,)
            The names of the columns of ``X``.

        Returns
        -------
        names : ndarray of object
            One name per column in the layout, modality by modality.
        """
        features = np.asarray(features, dtype=object)
        return np.asarray(
            [
                modality_feature_name(name, features[j])
                for name, cols in self._columns.items()
                for j in cols
            ],
            dtype=object,
        )

    def reorder(self, order, *, param="modality_order"):
        """A layout with the modalities in ``order`` (names or positions)."""
        if isinstance(order, str) or not isinstance(order, Sequence | np.ndarray):
            raise ValueError(f"{param} must be None or a sequence; got {order!r}.")
        names = list(self.names)
        positions = []
        for item in order:
            if _is_int_like(item):
                pos = int(item)
                if not 0 <= pos < len(names):
                    raise ValueError(
                        f"{param} position {pos} is out of range for "
                        f"{len(names)} modalities."
                    )
            elif str(item) in names:
                pos = names.index(str(item))
            else:
                raise ValueError(
                    f"{param} names unknown modality {item!r}; modalities are {names}."
                )
            positions.append(pos)
        if sorted(positions) != list(range(len(names))):
            raise ValueError(
                f"{param} must list every modality exactly once; got "
                f"{list(order)!r} for modalities {names}."
            )
        return ModalityLayout(
            {names[p]: self._columns[names[p]] for p in positions},
            n_features=self.n_features,
            require_cover=False,
        )

    def __eq__(self, other):
        if not isinstance(other, ModalityLayout):
            return NotImplemented
        return (
            self.names == other.names
            and self.n_features == other.n_features
            and all(np.array_equal(self[n], other[n]) for n in self.names)
        )

    __hash__ = None

    def __repr__(self):
        body = ", ".join(f"{n!r}: {len(c)} column(s)" for n, c in self.items())
        return f"ModalityLayout({{{body}}}, n_features={self.n_features})"


def _is_int_like(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _columns_of(name, cols, n_features, feature_names, param):
    """Integer positions from ints, a slice, a bool mask or column names."""
    if isinstance(cols, slice):
        return np.arange(n_features)[cols]
    if _is_int_like(cols) or isinstance(cols, str):
        cols = [cols]
    cols = np.asarray(cols)
    if cols.ndim != 1 or cols.size == 0:
        raise ValueError(
            f"{param}: modality {name!r} must be a non-empty 1-D list of "
            f"columns; got {cols.tolist()!r}."
        )
    if cols.dtype == bool:
        if cols.size != n_features:
            raise ValueError(
                f"{param}: modality {name!r} is a boolean mask of length "
                f"{cols.size}, but X has {n_features} column(s)."
            )
        return np.flatnonzero(cols)
    if cols.dtype.kind in "USO":
        if feature_names is None:
            raise ValueError(
                f"{param}: modality {name!r} lists column names, which needs X "
                "to be a DataFrame with string column names."
            )
        lookup = {str(n): j for j, n in enumerate(feature_names)}
        unknown = [c for c in cols.tolist() if str(c) not in lookup]
        if unknown:
            raise ValueError(
                f"{param}: modality {name!r} names unknown column(s) {unknown[:5]}."
            )
        return np.array([lookup[str(c)] for c in cols.tolist()], dtype=np.intp)
    if cols.dtype.kind not in "iu":
        raise ValueError(
            f"{param}: modality {name!r} must list integer column indices, "
            f"column names, a slice or a boolean mask; got dtype {cols.dtype}."
        )
    if cols.min() < 0 or cols.max() >= n_features:
        raise ValueError(
            f"{param}: modality {name!r} has column indices outside "
            f"[0, {n_features}) for X with {n_features} column(s)."
        )
    return cols


def resolve_modalities(
    modalities, *, n_features, feature_names=None, param="modalities"
):
    """Resolve a modality specification against ``X`` into a :class:`ModalityLayout`.

    This is skmml's one resolver of modality specifications.

    Parameters
    ----------
    modalities : "auto", ModalityLayout, dict, or sequence
        - ``"auto"``: group columns by the ``"{modality}__"`` prefix of their
          names (a DataFrame made by :class:`~skmml.compose.MultiModalConcatenator`
          with ``set_output(transform="pandas")``, or by the generators with
          ``as_frame=True``). Columns without names or without the prefix
          raise an error: skmml never guesses a single modality.
        - a :class:`ModalityLayout`: used as it is (its ``n_features`` must
          match).
        - a dict ``{name: columns}``: columns as integer positions, names, a
          slice or a boolean mask.
        - a sequence of positive ints: consecutive block sizes summing to
          ``n_features`` (modalities named ``"0"``, ``"1"``, ...).
        - a sequence of column groups, or of ``(name, columns)`` pairs, or of
          ``(name, transformer, columns)`` triples as returned by
          :func:`~skmml.compose.make_multimodal_input`.
    n_features : int
        Number of columns of ``X``.
    feature_names : array-like of str, default=None
        Column names of ``X`` (``feature_names_in_``), if any.
    param : str, default="modalities"
        Parameter name used in error messages.

    Returns
    -------
    layout : ModalityLayout
        Every column in exactly one modality.

    Examples
    --------
    >>> from skmml.utils import resolve_modalities
    >>> resolve_modalities([2, 1], n_features=3)
    ModalityLayout({'0': 2 column(s), '1': 1 column(s)}, n_features=3)
    >>> resolve_modalities(
    ...     "auto", n_features=3, feature_names=["v__a", "v__b", "t__c"]
    ... ).names
    ('v', 't')
    >>> resolve_modalities("auto", n_features=2)
    Traceback (most recent call last):
    ...
    ValueError: modalities="auto" groups the columns of X by ...
    """
    if isinstance(modalities, ModalityLayout):
        if modalities.n_features != n_features:
            raise ValueError(
                f"{param} is a ModalityLayout for {modalities.n_features} "
                f"column(s), but X has {n_features} column(s)."
            )
        return modalities
    if isinstance(modalities, str):
        if modalities != "auto":
            raise ValueError(
                f'{param} must be "auto", a ModalityLayout, a dict or a '
                f"sequence; got {modalities!r}."
            )
        return _layout_from_names(feature_names, n_features, param)
    if isinstance(modalities, Mapping):
        if not modalities:
            raise ValueError(f"{param} is an empty dict; give at least one modality.")
        items = list(modalities.items())
    elif isinstance(modalities, Sequence | np.ndarray) and len(modalities) > 0:
        raw = list(modalities)
        if all(_is_int_like(v) for v in raw):
            if any(v < 1 for v in raw) or sum(raw) != n_features:
                raise ValueError(
                    f"{param} given as sizes must be positive and sum to the "
                    f"number of features of X ({n_features}); got {raw}."
                )
            ends = np.cumsum(raw)
            return ModalityLayout(
                {str(m): np.arange(e - raw[m], e) for m, e in enumerate(ends)},
                n_features=n_features,
                param=param,
            )
        items = []
        for m, entry in enumerate(raw):
            if (
                isinstance(entry, tuple)
                and len(entry) in (2, 3)
                and isinstance(entry[0], str)
            ):
                items.append((entry[0], entry[-1]))
            else:
                items.append((str(m), entry))
    else:
        raise ValueError(
            f'{param} must be "auto", a ModalityLayout, a non-empty sequence of '
            f"sizes or of column groups, or a dict; got {modalities!r}."
        )
    columns = {}
    for name, cols in items:
        name = str(name) if _is_int_like(name) else name
        check_modality_name(name, param=param)
        if name in columns:
            raise ValueError(f"{param}: modality name {name!r} is used twice.")
        columns[name] = _columns_of(name, cols, n_features, feature_names, param)
    return ModalityLayout(columns, n_features=n_features, param=param)


def _layout_from_names(feature_names, n_features, param):
    fix = (
        f"pass {param} explicitly (sizes, a dict of columns or a ModalityLayout), "
        "or keep the column names with set_output(transform='pandas') on the "
        "MultiModalConcatenator upstream"
    )
    if feature_names is None:
        raise ValueError(
            f'{param}="auto" groups the columns of X by the "{{modality}}__" '
            "prefix of their names, but X has no column names (a NumPy array, "
            f"or a Pipeline step that dropped them); {fix}."
        )
    groups = {}
    unprefixed = []
    for j, name in enumerate(feature_names):
        modality, _ = split_modality_feature_name(name)
        if modality is None:
            unprefixed.append(str(name))
        else:
            groups.setdefault(modality, []).append(j)
    if unprefixed:
        raise ValueError(
            f'{param}="auto" groups the columns of X by the "{{modality}}__" '
            f"prefix of their names, but {len(unprefixed)} column(s) have no "
            f"prefix (e.g. {unprefixed[:3]}); {fix}."
        )
    return ModalityLayout(groups, n_features=n_features, param=param)
