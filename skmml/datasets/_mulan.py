"""Loader for multi-label data sets in the MULAN ARFF + XML format."""

import numbers
import os
import re
import xml.etree.ElementTree as ET

import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch

from ..utils import check_modality_name, modality_feature_name, resolve_modalities

_NUMERIC_TYPES = {"numeric", "real", "integer"}
_UNSUPPORTED_TYPES = {"string", "date", "relational"}
_QUOTES = "'\""
_WEIGHT_SUFFIX = re.compile(r"\}\s*,\s*\{[^{}]*\}$")


class _ArffError(ValueError):
    """A malformed ARFF file; the message names the file and the line."""


class _Attribute:
    """One ``@attribute``: name, and for nominal ones the declared values."""

    def __init__(self, name, values, lineno):
        self.name = name
        self.values = values  # None for numeric attributes
        self.lineno = lineno
        self.codes = None  # nominal: {declared value: float stored in X}
        if values is not None:
            # Numeric nominal values ({0,1}) keep their value, others are
            # encoded by their position in the declaration.
            try:
                codes = [float(v) for v in values]
                self.numeric_values = True
            except ValueError:
                codes = [float(k) for k in range(len(values))]
                self.numeric_values = False
            self.codes = dict(zip(values, codes, strict=True))

    @property
    def nominal(self):
        return self.values is not None


def _fail(path, lineno, message):
    raise _ArffError(f"{path}, line {lineno}: {message}")


def _split_raw(text, sep, path, lineno):
    """Split ``text`` on ``sep`` outside quotes, keeping the quotes."""
    if "'" not in text and '"' not in text:
        return text.split(sep)
    pieces, start, quote, k = [], 0, None, 0
    while k < len(text):
        char = text[k]
        if quote is not None:
            if char == "\\":
                k += 1
            elif char == quote:
                quote = None
        elif char in _QUOTES:
            quote = char
        elif char == sep:
            pieces.append(text[start:k])
            start = k + 1
        k += 1
    if quote is not None:
        _fail(path, lineno, f"unterminated quote {quote} in {text!r}.")
    pieces.append(text[start:])
    return pieces


def _unquote(raw, path, lineno):
    """Value of one token: quotes removed, an unquoted ``?`` becomes None."""
    token = raw.strip()
    if token[:1] in _QUOTES:
        quote = token[0]
        if len(token) < 2 or token[-1] != quote:
            _fail(path, lineno, f"text after the closing quote in {token!r}.")
        chars, k, body = [], 0, token[1:-1]
        while k < len(body):
            if body[k] == "\\" and k + 1 < len(body):
                k += 1
            elif body[k] == quote:
                _fail(path, lineno, f"text after the closing quote in {token!r}.")
            chars.append(body[k])
            k += 1
        return "".join(chars)
    return None if token == "?" else token


def _split_quoted(text, sep, path, lineno):
    """Split on ``sep`` outside quotes and unquote the pieces."""
    return [_unquote(raw, path, lineno) for raw in _split_raw(text, sep, path, lineno)]


def _parse_attribute(rest, path, lineno):
    """Parse what follows ``@attribute``: a (quoted) name and a type."""
    rest = rest.strip()
    if not rest:
        _fail(path, lineno, "@attribute without a name.")
    if rest[0] in _QUOTES:
        quote, end, chars = rest[0], 1, []
        while end < len(rest) and rest[end] != quote:
            if rest[end] == "\\" and end + 1 < len(rest):
                end += 1
            chars.append(rest[end])
            end += 1
        if end >= len(rest):
            _fail(path, lineno, f"unterminated quoted attribute name in {rest!r}.")
        name, type_spec = "".join(chars), rest[end + 1 :].strip()
    else:
        cut = len(rest)
        for k, char in enumerate(rest):
            if char.isspace() or char == "{":
                cut = k
                break
        name, type_spec = rest[:cut], rest[cut:].strip()
    if not type_spec:
        _fail(path, lineno, f"@attribute {name!r} has no type.")
    kind = type_spec.split()[0].lower()
    if type_spec.startswith("{"):
        if not type_spec.endswith("}"):
            _fail(path, lineno, f"nominal type of {name!r} lacks a closing '}}'.")
        values = _split_quoted(type_spec[1:-1], ",", path, lineno)
        if any(v is None or v == "" for v in values):
            _fail(path, lineno, f"nominal type of {name!r} has an empty value.")
        if len(set(values)) != len(values):
            _fail(path, lineno, f"nominal type of {name!r} repeats a value.")
        return _Attribute(name, values, lineno)
    if kind in _NUMERIC_TYPES:
        return _Attribute(name, None, lineno)
    if kind in _UNSUPPORTED_TYPES:
        _fail(
            path,
            lineno,
            f"attribute {name!r} has type {kind!r}; only numeric, real, integer "
            "and nominal {...} attributes are supported.",
        )
    _fail(path, lineno, f"attribute {name!r} has an unknown type {type_spec!r}.")


def _to_float(token, attribute, path, lineno):
    # Tokens of plain dense rows are raw text: strip them, "?" is missing.
    if token is not None:
        token = token.strip()
    if token is None or token == "?":
        return np.nan
    if attribute.nominal:
        if token in attribute.codes:
            return attribute.codes[token]
        # "1.0" is the declared value "1" of a numeric nominal attribute
        try:
            value = float(token) if attribute.numeric_values else None
        except ValueError:
            value = None
        if value not in attribute.codes.values():
            _fail(
                path,
                lineno,
                f"value {token!r} of nominal attribute {attribute.name!r} is not "
                f"one of its declared values {attribute.values}.",
            )
        return value
    try:
        return float(token)
    except ValueError:
        _fail(
            path,
            lineno,
            f"value {token!r} of numeric attribute {attribute.name!r} is not a number.",
        )


def _check_nominal_numbers(values, columns, line_of, attributes, path):
    """Values parsed by the numpy fast path must be declared nominal values.

    ``values[k]`` belongs to attribute ``columns[k]``, read on ``line_of[k]``.
    """
    # Group the attributes by their set of allowed values ({0,1} for most).
    groups = {}
    for index, attribute in enumerate(attributes):
        if attribute.nominal:
            allowed = tuple(sorted(set(attribute.codes.values())))
            groups.setdefault(allowed, []).append(index)
    for allowed, indices in groups.items():
        bad = np.isin(columns, indices) & ~np.isin(values, allowed) & ~np.isnan(values)
        if np.any(bad):
            first = np.flatnonzero(bad)[0]
            attribute = attributes[columns[first]]
            _fail(
                path,
                line_of[first],
                f"value {values[first]:g} of nominal attribute "
                f"{attribute.name!r} is not one of its declared values "
                f"{attribute.values}.",
            )


def _parse_sparse_row(inner, n_attributes, path, lineno):
    """Attribute indices and value tokens of a sparse row ``{i v, j w}``."""
    if not inner:
        return [], []
    if "'" not in inner and '"' not in inner:
        # Fast path for plain numbers; any problem is diagnosed below.
        try:
            pairs = [pair.split() for pair in inner.split(",")]
            cols = [int(index) for index, _ in pairs]
            if (
                min(cols) >= 0
                and max(cols) < n_attributes
                and len(set(cols)) == len(cols)
            ):
                return cols, [value for _, value in pairs]
        except ValueError:
            pass
    seen, cols, tokens = set(), [], []
    for pair in _split_raw(inner, ",", path, lineno):
        parts = pair.strip().split(None, 1)
        if len(parts) != 2:
            _fail(path, lineno, f"sparse entry {pair.strip()!r} is not 'index value'.")
        try:
            index = int(parts[0])
        except ValueError:
            _fail(path, lineno, f"sparse index {parts[0]!r} is not an integer.")
        if not 0 <= index < n_attributes:
            _fail(
                path,
                lineno,
                f"sparse index {index} is out of range for {n_attributes} attributes.",
            )
        if index in seen:
            _fail(path, lineno, f"sparse index {index} is repeated.")
        seen.add(index)
        cols.append(index)
        tokens.append(_unquote(parts[1], path, lineno))
    return cols, tokens


def _parse_arff(path):
    """Parse an ARFF file into (attributes, data, row line numbers)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a UTF-8 text file ({exc}).") from None

    attributes, data_start, relation_seen = [], None, False
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        keyword = line.split(None, 1)[0].lower()
        if keyword == "@relation":
            relation_seen = True
        elif keyword == "@attribute":
            attributes.append(_parse_attribute(line[len("@attribute") :], path, lineno))
        elif keyword == "@data":
            data_start = lineno
            break
        else:
            _fail(
                path,
                lineno,
                f"expected @relation, @attribute or @data in the header; got {line!r}.",
            )
    if not relation_seen:
        raise _ArffError(f"{path}: no @relation line; is this an ARFF file?")
    if data_start is None:
        raise _ArffError(f"{path}: no @data line.")
    if not attributes:
        raise _ArffError(f"{path}: no @attribute line.")
    names = [attribute.name for attribute in attributes]
    if len(set(names)) != len(names):
        seen, dup = set(), None
        for attribute in attributes:
            if attribute.name in seen:
                dup = attribute
                break
            seen.add(attribute.name)
        _fail(path, dup.lineno, f"attribute name {dup.name!r} is used twice.")

    n_attributes = len(attributes)
    has_text_nominal = any(a.nominal and not a.numeric_values for a in attributes)
    # rows[i]: the tokens of a dense row, or (indices, tokens) of a sparse one.
    rows, row_lines = [], []
    any_sparse = False
    for lineno in range(data_start + 1, len(lines) + 1):
        line = lines[lineno - 1].strip()
        if not line or line.startswith("%"):
            continue
        if line.startswith("{"):
            any_sparse = True
            if _WEIGHT_SUFFIX.search(line):
                _fail(path, lineno, "instance weights {w} are not supported.")
            if not line.endswith("}"):
                _fail(path, lineno, "sparse row must end with '}'.")
            inner = line[1:-1].strip()
            rows.append(_parse_sparse_row(inner, n_attributes, path, lineno))
        else:
            if "'" in line or '"' in line:
                tokens = _split_quoted(line, ",", path, lineno)
            else:
                tokens = line.split(",")
            if len(tokens) != n_attributes:
                _fail(
                    path,
                    lineno,
                    f"data row has {len(tokens)} values while {n_attributes} "
                    "attributes are declared.",
                )
            rows.append(tokens)
        row_lines.append(lineno)
    row_lines = np.array(row_lines, dtype=np.int64)
    n_rows = len(row_lines)
    if n_rows == 0:
        raise _ArffError(f"{path}: the @data section has no data row.")

    if not any_sparse:
        values = None
        if not has_text_nominal:
            try:
                values = np.array(rows, dtype=np.float64).reshape(n_rows, n_attributes)
            except (TypeError, ValueError):
                values = None  # '?' or a bad value: slow path finds which
        if values is None:
            values = np.array(
                [
                    [
                        _to_float(token, attribute, path, lineno)
                        for token, attribute in zip(tokens, attributes, strict=True)
                    ]
                    for tokens, lineno in zip(rows, row_lines, strict=True)
                ],
                dtype=np.float64,
            ).reshape(n_rows, n_attributes)
        else:
            _check_nominal_numbers(
                values.ravel(),
                np.tile(np.arange(n_attributes), n_rows),
                np.repeat(row_lines, n_attributes),
                attributes,
                path,
            )
        return attributes, values, row_lines

    for attribute in attributes:
        if attribute.nominal and attribute.codes[attribute.values[0]] != 0:
            _fail(
                path,
                attribute.lineno,
                f"nominal attribute {attribute.name!r} of a sparse ARFF file "
                f"has a first value {attribute.values[0]!r} that is not 0; "
                "omitted sparse entries would take that value, which is not "
                "supported.",
            )
    # Dense rows in a sparse file become explicit entries.
    sparse_cols, sparse_tokens, sparse_lines, indptr = [], [], [], [0]
    all_cols = list(range(n_attributes))
    for row, lineno in zip(rows, row_lines.tolist(), strict=True):
        row_cols, row_tokens = row if isinstance(row, tuple) else (all_cols, row)
        sparse_cols.extend(row_cols)
        sparse_tokens.extend(row_tokens)
        sparse_lines.extend([lineno] * len(row_cols))
        indptr.append(len(sparse_cols))
    cols = np.array(sparse_cols, dtype=np.int64)
    entry_lines = np.array(sparse_lines, dtype=np.int64)
    data = None
    if not has_text_nominal:
        try:
            data = np.array(sparse_tokens, dtype=np.float64)
        except (TypeError, ValueError):
            data = None
    if data is None:
        data = np.array(
            [
                _to_float(token, attributes[col], path, lineno)
                for token, col, lineno in zip(
                    sparse_tokens, cols, entry_lines, strict=True
                )
            ],
            dtype=np.float64,
        )
    else:
        _check_nominal_numbers(data, cols, entry_lines, attributes, path)
    matrix = sp.csr_matrix(
        (data, cols, np.array(indptr, dtype=np.int64)), shape=(n_rows, n_attributes)
    )
    matrix.sort_indices()
    matrix.eliminate_zeros()
    return attributes, matrix, row_lines


def _read_xml_labels(xml_path):
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"xml_path {xml_path} is not valid XML ({exc}).") from None
    labels = [
        element.get("name")
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "label"
    ]
    if not labels:
        raise ValueError(f"xml_path {xml_path} declares no <label name=...> element.")
    if any(not name for name in labels):
        raise ValueError(f"xml_path {xml_path} has a <label> without a name.")
    if len(set(labels)) != len(labels):
        dup = sorted({name for name in labels if labels.count(name) > 1})
        raise ValueError(f"xml_path {xml_path} declares label(s) {dup} twice.")
    return labels


def _resolve_views(views, feature_names):
    """The :class:`~skmml.utils.ModalityLayout` of ``views`` over the features.

    Reads the view specs the loader adds to the layout's (a name prefix,
    mixed names and negative positions, None for the rest), then lets
    :func:`~skmml.utils.resolve_modalities` check names, overlap and cover.
    """
    if not isinstance(views, dict) or not views:
        raise ValueError(
            "views must be a non-empty dict {view_name: attribute names, a "
            f"name prefix, a slice, int indices or None}}; got {views!r}."
        )
    n_features = len(feature_names)
    position = {name: k for k, name in enumerate(feature_names)}
    resolved, remainder = {}, None
    for view, spec in views.items():
        check_modality_name(view, param="views")
        if spec is None:
            if remainder is not None:
                raise ValueError(
                    f"views: only one view may be None (the remaining features); "
                    f"got {remainder!r} and {view!r}."
                )
            remainder = view
            resolved[view] = None
            continue
        if isinstance(spec, str):
            cols = [k for k, name in enumerate(feature_names) if name.startswith(spec)]
            if not cols:
                raise ValueError(
                    f"views[{view!r}]: no feature attribute name starts with "
                    f"the prefix {spec!r}."
                )
        elif isinstance(spec, slice):
            cols = list(range(n_features))[spec]
        else:
            items = [spec] if isinstance(spec, numbers.Integral) else spec
            try:
                items = list(items)
            except TypeError:
                raise ValueError(
                    f"views[{view!r}] must be a list of attribute names, a "
                    f"prefix string, a slice, int indices or None; got {spec!r}."
                ) from None
            cols = []
            for item in items:
                if isinstance(item, str):
                    if item not in position:
                        raise ValueError(
                            f"views[{view!r}]: {item!r} is not a feature "
                            "attribute (unknown name, or a label)."
                        )
                    cols.append(position[item])
                elif isinstance(item, numbers.Integral) and not isinstance(item, bool):
                    if not -n_features <= item < n_features:
                        raise ValueError(
                            f"views[{view!r}]: index {item} is out of range for "
                            f"{n_features} features."
                        )
                    cols.append(int(item) % n_features)
                else:
                    raise ValueError(
                        f"views[{view!r}] must contain attribute names or int "
                        f"indices; got {item!r}."
                    )
        if not cols:
            raise ValueError(f"views[{view!r}] selects no feature.")
        resolved[view] = sorted(set(cols))
    taken = {col for cols in resolved.values() for col in cols or ()}
    rest = [k for k in range(n_features) if k not in taken]
    if remainder is not None:
        if not rest:
            raise ValueError(f"views[{remainder!r}] is None but no feature is left.")
        resolved[remainder] = rest
    elif rest:
        names = [feature_names[k] for k in rest[:5]]
        raise ValueError(
            f"views must cover every feature; {len(rest)} feature(s) are in no "
            f"view, e.g. {names}. Use None as one view to collect the rest."
        )
    return resolve_modalities(resolved, n_features=n_features, param="views")


def load_mulan_arff(
    arff_path,
    xml_path=None,
    *,
    n_labels=None,
    views=None,
    as_frame=False,
    return_X_y=False,
    missing_labels="raise",
):
    """Load a multi-label data set in the MULAN ARFF format.

    Reads dense and sparse ARFF files with a small parser of its own
    (``scipy.io.arff`` cannot read sparse ARFF). The label attributes are
    given by the MULAN XML file or are the last ``n_labels`` attributes.

    Parameters
    ----------
    arff_path : str or path-like
        Path of the ``.arff`` file.
    xml_path : str or path-like, default=None
        Path of the MULAN ``.xml`` file listing the labels as
        ``<label name="..."/>`` elements (nested labels of hierarchical
        files included). Exactly one of ``xml_path`` and ``n_labels`` must
        be given.
    n_labels : int, default=None
        Number of labels, taken as the last ``n_labels`` attributes.
    views : dict, default=None
        Split of the features into views (modalities):
        ``{view_name: spec}`` where ``spec`` is a list of attribute names,
        a prefix string (all features whose names start with it), a slice or
        a list of int indices (positions among the feature attributes, labels
        excluded), or None for "all the features of no other view". Every
        feature must belong to exactly one view.
    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas DataFrames (``data`` has
        sparse columns when the file is sparse) and ``frame`` holds both.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    missing_labels : {"raise", "nan"}, default="raise"
        What a missing label value ``?`` means. ``"raise"``: an error (the
        file is expected to be fully labelled). ``"nan"``: an unknown label;
        ``target`` is then a float64 matrix (whether or not a value is
        missing) with NaN at the unknown entries, the partially labelled
        target that :class:`skmml.model_selection.IterativeStratifiedKFold`,
        :class:`skmml.model_selection.MultiLabelThresholdTuner`, the
        :mod:`skmml.metrics` functions and the estimators tagged by
        :func:`skmml.utils.accepts_unknown_labels` take.

    Returns
    -------
    data : Bunch
        With the fields

        data : ndarray of shape (n_samples, n_features) of float64, \
                scipy.sparse.csr_matrix or DataFrame
            Features in attribute order. A file with sparse rows
            (``{index value, ...}``) gives a CSR matrix, a dense file an
            ndarray. Missing values ``?`` are NaN. Nominal values are kept
            when they are numbers (``{0,1}``) and otherwise encoded by their
            position in the declaration.
        target : ndarray of shape (n_samples, n_labels) of int64 or DataFrame
            Binary label matrix, labels in attribute order (float64 with NaN
            for the missing labels when ``missing_labels="nan"``).
        feature_names : list of str
            Attribute names, as ``"{view}__{attribute}"`` when ``views`` is
            given.
        target_names : list of str
            Label attribute names.
        modalities : dict of str to list of int or None
            ``{view: feature column indices}`` when ``views`` is given, else
            None.
        frame : DataFrame or None
            Features and labels together when ``as_frame=True``.

    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    ValueError
        For a malformed file (the message gives the line number), missing
        label values (unless ``missing_labels="nan"``), labels other than
        0/1, unknown labels in the XML file, or bad arguments.

    Notes
    -----
    Supported ARFF: ``%`` comments, blank lines, case-insensitive
    ``@relation``/``@attribute``/``@data``, quoted names and values,
    ``numeric``/``real``/``integer`` and nominal ``{...}`` attributes,
    missing values ``?``, dense rows and sparse rows (omitted entries are 0,
    for nominal attributes their first value, which must then be 0).
    ``string``, ``date`` and ``relational`` attributes and instance weights
    are rejected.

    References
    ----------
    .. [1] G. Tsoumakas, E. Spyromitros-Xioufis, J. Vilcek and I. Vlahavas,
       "MULAN: A Java Library for Multi-Label Learning", JMLR 12, 2011.

    Examples
    --------
    >>> import os, tempfile
    >>> from skmml.datasets import load_mulan_arff
    >>> text = '''@relation toy
    ... @attribute a1 numeric
    ... @attribute a2 numeric
    ... @attribute b1 numeric
    ... @attribute happy {0,1}
    ... @attribute sad {0,1}
    ... @data
    ... {0 1.5, 2 3, 3 1}
    ... {1 ?, 4 1}
    ... '''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "toy.arff")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     toy = load_mulan_arff(path, n_labels=2, views={"a": "a", "b": "b"})
    >>> toy.data.toarray()
    array([[1.5, 0. , 3. ],
           [0. , nan, 0. ]])
    >>> toy.target
    array([[1, 0],
           [0, 1]])
    >>> toy.feature_names, toy.modalities
    (['a__a1', 'a__a2', 'b__b1'], {'a': [0, 1], 'b': [2]})
    """
    if not (isinstance(missing_labels, str) and missing_labels in ("raise", "nan")):
        raise ValueError(
            f'missing_labels must be "raise" or "nan"; got {missing_labels!r}.'
        )
    if (xml_path is None) == (n_labels is None):
        raise ValueError(
            "Give exactly one of xml_path (the MULAN label file) and n_labels "
            "(the number of last attributes that are labels); got "
            f"xml_path={xml_path!r} and n_labels={n_labels!r}."
        )
    arff_path = os.fspath(arff_path)
    attributes, values, row_lines = _parse_arff(arff_path)
    names = [attribute.name for attribute in attributes]

    if xml_path is not None:
        xml_path = os.fspath(xml_path)
        label_set = set(_read_xml_labels(xml_path))
        unknown = sorted(label_set - set(names))
        if unknown:
            raise ValueError(
                f"label(s) {unknown} of xml_path {xml_path} are not attributes "
                f"of {arff_path}."
            )
        label_cols = [k for k, name in enumerate(names) if name in label_set]
    else:
        if (
            isinstance(n_labels, bool)
            or not isinstance(n_labels, numbers.Integral)
            or not 1 <= n_labels < len(names)
        ):
            raise ValueError(
                f"n_labels must be an int in [1, {len(names) - 1}] for a file "
                f"with {len(names)} attributes; got {n_labels!r}."
            )
        label_cols = list(range(len(names) - n_labels, len(names)))
    label_set = set(label_cols)
    feature_cols = [k for k in range(len(names)) if k not in label_set]
    if not feature_cols:
        raise ValueError(f"{arff_path} has no feature attribute besides the labels.")

    for col in label_cols:
        attribute = attributes[col]
        if attribute.nominal and not (
            attribute.numeric_values and set(attribute.codes.values()) <= {0.0, 1.0}
        ):
            raise ValueError(
                f"{arff_path}, line {attribute.lineno}: label {attribute.name!r} "
                f"must be binary; its declared values are {attribute.values}."
            )

    if sp.issparse(values):
        X = values[:, feature_cols].tocsr()
        Y = values[:, label_cols].toarray()
    else:
        X = np.ascontiguousarray(values[:, feature_cols])
        Y = values[:, label_cols]
    missing = np.isnan(Y)
    if np.any(missing) and missing_labels == "raise":
        row, col = np.argwhere(missing)[0]
        raise ValueError(
            f"{arff_path}, line {row_lines[row]}: label "
            f"{names[label_cols[col]]!r} is missing ('?'); labels must be 0 or 1. "
            "Pass missing_labels='nan' to read missing labels as unknown (NaN)."
        )
    bad = (Y != 0) & (Y != 1) & ~missing
    if np.any(bad):
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"{arff_path}, line {row_lines[row]}: label "
            f"{names[label_cols[col]]!r} has value {Y[row, col]:g}; labels must "
            "be 0 or 1."
        )
    Y = Y.astype(np.int64 if missing_labels == "raise" else np.float64)
    feature_names = [names[k] for k in feature_cols]
    target_names = [names[k] for k in label_cols]

    modalities = None
    if views is not None:
        layout = _resolve_views(views, feature_names)
        view_of = {col: view for view, cols in layout.items() for col in cols}
        feature_names = [
            modality_feature_name(view_of[k], name)
            for k, name in enumerate(feature_names)
        ]
        modalities = {view: cols.tolist() for view, cols in layout.items()}

    frame = None
    if as_frame:
        import pandas as pd

        if sp.issparse(X):
            X = pd.DataFrame.sparse.from_spmatrix(X, columns=feature_names)
        else:
            X = pd.DataFrame(X, columns=feature_names)
        Y = pd.DataFrame(Y, columns=target_names)
        frame = pd.concat([X, Y], axis=1)
    if return_X_y:
        return X, Y
    return Bunch(
        data=X,
        target=Y,
        feature_names=feature_names,
        target_names=target_names,
        modalities=modalities,
        frame=frame,
    )
