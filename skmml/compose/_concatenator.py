"""Concatenate per-modality feature blocks into one design matrix."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.utils import Bunch, _safe_indexing
from sklearn.utils._indexing import _get_column_indices
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import (
    _check_method_params,
    check_is_fitted,
    validate_data,
)

from ..utils import (
    check_modality_name,
    modality_feature_name,
    resolve_modalities,
)
from ..utils._param_validation import Hidden, Interval, StrOptions, _fit_context
from ..utils._tags import with_missing_modalities

_MISSING_FEATURE = "missing"


def _is_dataframe(X):
    """A pandas or polars DataFrame (column names select columns)."""
    return hasattr(X, "columns") and (hasattr(X, "iloc") or hasattr(X, "schema"))


def _is_polars(X):
    return type(X).__module__.split(".")[0] == "polars"


def _as_block(X):
    """The block handed to a modality: polars as NumPy, pandas nullable as float.

    pandas nullable numeric columns (``Float64``, ``Int64``, ``boolean``) become
    ``float64`` with ``pd.NA`` as NaN, so the missing policy sees them.
    """
    if _is_polars(X):
        return X.to_numpy()
    if hasattr(X, "iloc") and _is_numeric_block(X):
        dtypes = [X.dtypes] if X.ndim == 1 else list(X.dtypes)
        if any(not isinstance(d, np.dtype) for d in dtypes):  # pd.NA as NaN
            return X.astype(np.float64)
    return X


def _is_numeric_block(X):
    """Whether a block can be handled as floats (sparse, numeric array/frame)."""
    if sp.issparse(X):
        return True
    if hasattr(X, "dtypes") and hasattr(X, "iloc"):  # pandas DataFrame/Series
        from pandas.api.types import is_numeric_dtype

        dtypes = [X.dtypes] if getattr(X, "ndim", 2) == 1 else list(X.dtypes)
        return all(is_numeric_dtype(d) for d in dtypes)
    dtype = getattr(X, "dtype", None)
    return dtype is not None and dtype.kind in "biuf"


def _missing_mask(X):
    """Element-wise missing mask of a dense block, as a 2-D boolean array."""
    if _is_numeric_block(X):
        if hasattr(X, "to_numpy"):
            values = X.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            values = np.asarray(X)
        values = values.reshape(values.shape[0], -1)
        if values.dtype.kind != "f" or np.isfinite(values.sum()):
            # a finite sum means no NaN (one pass, no n x d temporary)
            return np.zeros((values.shape[0], 0), dtype=bool), values
        return np.isnan(values), values
    if hasattr(X, "isna"):
        mask = np.asarray(X.isna())
    else:
        mask = np.frompyfunc(lambda v: v is None or v != v, 1, 1)(np.asarray(X))
        mask = mask.astype(bool)
    return mask.reshape(mask.shape[0], -1), None


def _fill_rows(X, rows, fill):
    """Copy of ``X`` where the rows ``rows`` are replaced by the 1-D ``fill``."""
    idx = np.flatnonzero(rows)
    if sp.issparse(X):
        X = X.tolil(copy=True)
        X[idx, :] = np.tile(fill, (idx.size, 1))
        return X.tocsr()
    if hasattr(X, "iloc"):
        # float copy (or object, for text): the fill may not fit an int dtype
        X = X.astype(np.float64) if _is_numeric_block(X) else X.copy()
        if X.ndim == 1:
            X.iloc[idx] = fill[0]
        else:
            X.iloc[idx, :] = np.tile(fill, (idx.size, 1))
        return X
    X = np.array(X, copy=True)
    if X.ndim == 1:
        X[idx] = fill[0]
    else:
        X[idx] = fill
    return X


def _total_variance(Z):
    """Sum over columns of the population variance, ignoring NaN.

    Returns ``(scale, total)`` with the variance equal to ``scale**2 * total``:
    the block is divided by its largest absolute value first, so values near
    the float64 limit do not overflow when squared.
    """
    if sp.issparse(Z):
        data = np.abs(np.asarray(Z.data, dtype=np.float64))
    else:
        data = np.abs(np.asarray(Z, dtype=np.float64))
    scale = float(np.nanmax(data)) if data.size and not np.all(np.isnan(data)) else 0.0
    if not scale:
        return 1.0, 0.0
    return scale, _scaled_total_variance(
        Z / scale if sp.issparse(Z) else np.asarray(Z, dtype=np.float64) / scale
    )


def _scaled_total_variance(Z):
    if sp.issparse(Z):
        Z = sp.coo_array(Z)
        data = np.asarray(Z.data, dtype=np.float64)
        nan = np.isnan(data)
        n_cols = Z.shape[1]
        n_obs = Z.shape[0] - np.bincount(Z.col[nan], minlength=n_cols)
        data = np.where(nan, 0.0, data)
        sums = np.bincount(Z.col, weights=data, minlength=n_cols)
        sq_sums = np.bincount(Z.col, weights=data**2, minlength=n_cols)
        ok = n_obs > 0
        mean = sums[ok] / n_obs[ok]
        var = np.clip(sq_sums[ok] / n_obs[ok] - mean**2, 0.0, None)
        return float(var.sum())
    Z = np.asarray(Z, dtype=np.float64)
    observed = ~np.isnan(Z)
    n_obs = observed.sum(axis=0)
    ok = n_obs > 0
    Z, observed, n_obs = Z[:, ok], observed[:, ok], n_obs[ok]
    mean = np.where(observed, Z, 0.0).sum(axis=0) / n_obs
    sq_dev = np.where(observed, Z - mean, 0.0) ** 2
    return float((sq_dev.sum(axis=0) / n_obs).sum())


def _expand_rows(Z, present, n_rows):
    """``Z`` (rows ``present``) as ``n_rows`` rows, the others all NaN."""
    n_cols = Z.shape[1]
    if sp.issparse(Z):
        nan = sp.csr_matrix(np.full((n_rows - present.size, n_cols), np.nan))
        stacked = sp.vstack([sp.csr_matrix(Z), nan]).tocsr()
        missing = np.setdiff1d(np.arange(n_rows), present)
        order = np.argsort(np.concatenate([present, missing]), kind="stable")
        return stacked[order]
    dtype = (
        Z.dtype
        if Z.dtype.kind in "fc"
        else (np.float64 if Z.dtype.kind in "biu" else object)
    )
    out = np.full((n_rows, n_cols), np.nan, dtype=dtype)
    out[present] = Z
    return out


class _ModalityBlock(TransformerMixin, BaseEstimator):
    """Handle one modality inside the ColumnTransformer.

    Detects rows whose whole block is missing, imputes them if asked, applies
    the user's transformer (a clone) and scales its output by the block
    weight; appends the ``missing`` indicator column when imputing. With
    ``missing="passthrough"`` the transformer sees the present rows only and
    the missing rows come out all NaN.
    """

    def __init__(self, transformer, *, modality, missing="error", weighting=None):
        self.transformer = transformer
        self.modality = modality
        self.missing = missing
        self.weighting = weighting

    def _missing_rows(self, X, *, fit):
        """Rows whose whole block is missing, and the block as an array.

        Fits the imputer when ``fit`` and ``missing == "impute"``.
        """
        n_samples = X.shape[0]
        if sp.issparse(X):
            values = X.tocsr()
            data = np.asarray(values.data)
            if np.isinf(data).any():
                self._raise_inf()
            row_of = np.repeat(np.arange(n_samples), np.diff(values.indptr))
            n_nan = np.bincount(row_of, weights=np.isnan(data), minlength=n_samples)
            n_cols = values.shape[1]
            rows = n_nan == n_cols if n_cols else np.zeros(n_samples, dtype=bool)
            numeric = True
        else:
            mask, values = _missing_mask(X)
            numeric = values is not None
            if (
                numeric
                and values.dtype.kind == "f"
                and not np.isfinite(values.sum())  # cheap: no NaN, no inf
                and np.isinf(values).any()
            ):
                self._raise_inf()
            if not numeric:
                # None marks every kind of missing value for the imputer.
                values = np.asarray(X, dtype=object).reshape(n_samples, -1)
                values = np.where(mask, None, values)
            if mask.shape[1] == 0:
                rows = np.zeros(n_samples, dtype=bool)
            else:
                rows = mask.all(axis=1)
        if fit and self.missing == "impute":
            self.imputer_ = SimpleImputer(
                missing_values=np.nan if numeric else None,
                strategy="mean" if numeric else "most_frequent",
                keep_empty_features=True,
            ).fit(values)
        return rows, values

    def _raise_inf(self):
        raise ValueError(
            f"Modality {self.modality!r} contains infinity; only NaN is "
            "accepted as a missing value."
        )

    def _prepare(self, X, *, fit):
        rows, values = self._missing_rows(X, fit=fit)
        n_missing = int(rows.sum())
        if n_missing and self.missing == "error":
            first = np.flatnonzero(rows)[:5].tolist()
            raise ValueError(
                f"Modality {self.modality!r} is entirely missing (all NaN) in "
                f"{n_missing} of {rows.size} row(s) (rows {first}"
                f"{', ...' if n_missing > 5 else ''}). Remove those rows, set "
                "missing='impute' to impute the block and add an indicator "
                "column, or missing='passthrough' to keep them NaN for a model "
                "that accepts missing modalities "
                "(skmml.utils.accepts_missing_modalities)."
            )
        if self.missing == "passthrough":
            if fit and n_missing == rows.size:
                raise ValueError(
                    f"Modality {self.modality!r} is entirely missing (all NaN) "
                    "in every row; its transformer cannot be fitted."
                )
            return X, rows
        if n_missing:
            block = values[rows]
            if not sp.issparse(block) and block.dtype == object:
                block = np.full(block.shape, None, dtype=object)
            fill = self.imputer_.transform(block)
            fill = fill.toarray() if sp.issparse(fill) else np.asarray(fill)
            X = _fill_rows(X, rows, fill[0])
        return X, rows

    def _present(self, X, rows):
        """Rows the transformer sees: all, or the present ones (passthrough)."""
        if self.missing == "passthrough" and rows.any():
            return np.flatnonzero(~rows)
        return None

    def _finish(self, Z, rows, *, fit, present=None):
        if hasattr(Z, "iloc"):  # a transformer configured for pandas output
            Z = _as_block(Z).to_numpy()
        elif _is_polars(Z):
            Z = Z.to_numpy()
        elif not sp.issparse(Z):
            Z = np.asarray(Z)
        if present is not None:
            Z = _expand_rows(Z, present, rows.size)
        if isinstance(self.transformer_, str) and Z.ndim == 1:
            Z = Z.reshape(-1, 1)  # a single column selected by a scalar
        if Z.ndim != 2:
            raise ValueError(
                f"The transformer of modality {self.modality!r} returned an "
                f"array with {Z.ndim} dimension(s); a 2-D output is required."
            )
        if fit:
            # a Python float keeps float32 blocks in float32
            self.weight_ = float(self._learn_weight(Z))
            self.n_features_out_ = Z.shape[1]
        if self.weight_ != 1.0:
            if not sp.issparse(Z) and Z.dtype.kind not in "biuf":
                raise ValueError(
                    f"Modality {self.modality!r} produced non-numeric features "
                    "that cannot be weighted; use block_weighting=None for it "
                    "or give it a numeric transformer."
                )
            Z = Z * self.weight_
        if self.missing == "impute":
            dtype = Z.dtype if Z.dtype.kind == "f" else np.float64
            indicator = rows.astype(dtype).reshape(-1, 1)
            if sp.issparse(Z):
                Z = sp.hstack([Z, sp.csr_matrix(indicator)]).tocsr()
            else:
                Z = np.hstack([Z, indicator])
        return Z

    def _learn_weight(self, Z):
        if self.weighting is None:
            return 1.0
        if isinstance(self.weighting, Real):
            return float(self.weighting)
        if self.weighting == "sqrt_dim":
            return 1.0 / np.sqrt(Z.shape[1]) if Z.shape[1] else 1.0
        if not sp.issparse(Z) and Z.dtype.kind not in "biuf":
            raise ValueError(
                f"Modality {self.modality!r} produced non-numeric features; "
                "block_weighting='unit_variance' needs numbers."
            )
        scale, total = _total_variance(Z)
        # A constant block has nothing to rescale.
        return (1.0 / scale) / np.sqrt(total) if total > 0 else 1.0

    def fit_transform(self, X, y=None, **params):
        self.__dict__.pop("imputer_", None)
        validate_data(
            self, X, reset=True, skip_check_array=True, ensure_2d=len(X.shape) == 2
        )
        X, rows = self._prepare(_as_block(X), fit=True)
        present = None
        if isinstance(self.transformer, str) and self.transformer == "passthrough":
            self.transformer_ = "passthrough"
            Z = X
        else:
            self.transformer_ = clone(self.transformer)
            routed = self._routed(params, "fit_transform")
            present = self._present(X, rows)
            if present is not None:  # fit on the rows with the modality
                routed = Bunch(
                    **{
                        method: _check_method_params(X, kwargs, indices=present)
                        for method, kwargs in routed.items()
                    }
                )
                X = _safe_indexing(X, present)
                y = None if y is None else _safe_indexing(y, present)
            if hasattr(self.transformer_, "fit_transform"):
                Z = self.transformer_.fit_transform(X, y, **routed.fit_transform)
            else:
                Z = self.transformer_.fit(X, y, **routed.fit).transform(
                    X, **routed.transform
                )
        return self._finish(Z, rows, fit=True, present=present)

    def fit(self, X, y=None, **params):
        self.fit_transform(X, y, **params)
        return self

    def transform(self, X, **params):
        check_is_fitted(self, "weight_")
        X, rows = self._prepare(_as_block(X), fit=False)
        present = None
        if isinstance(self.transformer_, str):
            Z = X
        else:
            routed = self._routed(params, "transform")
            present = self._present(X, rows)
            if present is not None:
                routed = _check_method_params(X, routed.transform, indices=present)
                X = _safe_indexing(X, present)
            else:
                routed = routed.transform
            if present is not None and present.size == 0:
                Z = np.empty((0, self.n_features_out_))
            else:
                Z = self.transformer_.transform(X, **routed)
        return self._finish(Z, rows, fit=False, present=present)

    def _routed(self, params, method):
        """Metadata of the user's transformer (empty unless routing is enabled)."""
        if _routing_enabled():
            return process_routing(self, method, **params).transformer
        return Bunch(fit={}, transform={}, fit_transform={})

    def get_metadata_routing(self):
        router = MetadataRouter(owner=self)
        if not isinstance(self.transformer, str):
            router.add(
                transformer=self.transformer,
                method_mapping=_method_mapping(self.transformer),
            )
        return router

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "weight_")
        if isinstance(self.transformer_, str):
            if input_features is None:
                input_features = getattr(self, "feature_names_in_", None)
            if input_features is None:
                input_features = [f"x{i}" for i in range(self.n_features_out_)]
            names = np.asarray(input_features, dtype=object)
        else:
            names = np.asarray(
                self.transformer_.get_feature_names_out(input_features), dtype=object
            )
        if self.missing == "impute":
            if _MISSING_FEATURE in set(names):
                raise ValueError(
                    f"Modality {self.modality!r} already has a feature named "
                    f"{_MISSING_FEATURE!r}, which clashes with its missing "
                    "indicator column; rename that feature."
                )
            names = np.concatenate([names, np.asarray([_MISSING_FEATURE], object)])
        return names


class MultiModalConcatenator(TransformerMixin, _BaseComposition):
    """Concatenate per-modality feature blocks, with per-block weights.

    Each modality is a group of columns of ``X`` (image embedding, audio
    descriptors, tabular metadata...) with its own transformer. The blocks are
    transformed, optionally re-weighted so that a wide modality does not drown
    a narrow one, and stacked side by side. The column handling is delegated
    to a :class:`~sklearn.compose.ColumnTransformer` built in ``fit``; output
    features are named ``"{modality}__{feature}"``.

    Parameters
    ----------
    modalities : list of (str, transformer, columns) tuples
        One ``(name, transformer, columns)`` triple per modality:

        - ``name``: unique, non-empty, without ``"__"`` and not one of the
          constructor arguments. It prefixes the output feature names and
          nested parameters (``name__param``, as in ``ColumnTransformer``).
        - ``transformer``: an estimator with ``fit``/``transform`` (cloned in
          ``fit``; it receives ``y``, which may be a multi-label indicator
          matrix), ``"passthrough"`` or ``"drop"`` (the modality is left out
          of the output, handy in a grid search).
        - ``columns``: anything ``ColumnTransformer`` accepts: int, str,
          slice, list of ints or str, boolean mask or a callable taking ``X``
          and returning one of these. It must select at least one column of
          ``X``.

    block_weighting : {None, "sqrt_dim", "unit_variance"} or dict, default=None
        Scaling of each modality's output block ``Z_m`` (after its
        transformer), learned in ``fit`` and stored in ``block_weights_``:

        - ``None``: weight 1.
        - ``"sqrt_dim"``: ``w_m = 1 / sqrt(d_m)`` with ``d_m`` the number of
          output columns of the block.
        - ``"unit_variance"``: ``w_m = 1 / sqrt(sum_j Var(Z_m[:, j]))``, the
          population variances of the training output (NaN ignored), so that
          the total variance of every weighted block is 1. A constant block
          keeps ``w_m = 1``.
        - dict ``{modality: weight}``: fixed non-negative weights; modalities
          not in the dict get 1.

        Missing-indicator columns are never weighted.
    missing : {"error", "impute", "passthrough"}, default="error"
        What to do with a *missing modality*, a row whose whole block is NaN
        (``None`` / NaN for non-numeric columns of a DataFrame):

        - ``"error"``: raise a ValueError naming the modality and the number
          of rows, in ``fit`` and in ``transform``.
        - ``"impute"``: replace the row's block by the per-column mean learned
          in ``fit`` (:class:`~sklearn.impute.SimpleImputer`; most frequent
          value for non-numeric columns; 0 for a column never observed) before
          the modality's transformer, and append one 0/1 indicator column per
          modality, named ``"{modality}__missing"``.
        - ``"passthrough"``: keep the missing modality for the next step, an
          estimator that accepts missing modalities (such as
          :class:`~skmml.neural.RMLCClassifier`; see
          :func:`skmml.utils.accepts_missing_modalities`): the modality's
          transformer is fitted on, and applied to, the rows where the
          modality is present only, and the output block of a missing row is
          all NaN (no indicator column). A modality missing in every row of
          ``fit`` is an error.

        Rows that are only partly NaN within a block are not touched: they
        reach the modality's transformer as they are (``"passthrough"`` keeps
        the NaN in the output, for the downstream estimator to handle).
        Infinite values are always rejected.
    remainder : {"drop", "passthrough"}, default="drop"
        Columns of ``X`` that belong to no modality are dropped by default.
        With ``"passthrough"`` they form an extra block named ``"remainder"``,
        weighted and checked for missing rows like a modality (``"remainder"``
        may then be a key of a ``block_weighting`` dict).
    sparse_threshold : float, default=0.3
        Passed to ``ColumnTransformer``: the output is sparse if some block is
        sparse and the overall density is below this value.
    n_jobs : int, default=None
        Number of jobs fitting the modalities in parallel (``ColumnTransformer``).

    Attributes
    ----------
    column_transformer_ : ColumnTransformer
        The fitted column transformer doing the work; its sub-transformers
        are private wrappers around clones of the modality transformers.
    named_transformers_ : Bunch
        Fitted transformer of each modality (``"passthrough"`` or ``"drop"``
        for those), by modality name.
    block_weights_ : dict of str to float
        Weight ``w_m`` applied to each kept modality's output block.
    output_indices_ : dict of str to slice
        Columns of the output produced by each modality (including its
        missing-indicator column).
    modality_layout_ : ~skmml.utils.ModalityLayout
        The same output columns as a layout, to pass as ``modalities`` to a
        downstream estimator when the output has no column names.
    n_features_in_ : int
        Number of columns of ``X`` seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names of ``X`` in ``fit``, when ``X`` is a DataFrame with
        string column names.

    See Also
    --------
    make_multimodal_input : Build ``X`` and ``modalities`` from per-modality
        arrays.
    sklearn.compose.ColumnTransformer : The general column-wise composer.

    Notes
    -----
    Arrays (not DataFrames) must be numeric; use a DataFrame to mix numeric
    and text columns. A NaN in a one-column modality is a missing modality.
    Modalities may share columns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmml.compose import MultiModalConcatenator
    >>> X = np.array([[0.0, 1.0, 10.0], [2.0, 3.0, 20.0], [4.0, 5.0, 30.0]])
    >>> concat = MultiModalConcatenator(
    ...     [("image", "passthrough", [0, 1]), ("meta", StandardScaler(), [2])],
    ...     block_weighting="sqrt_dim",
    ... )
    >>> concat.fit_transform(X).round(3)
    array([[ 0.   ,  0.707, -1.225],
           [ 1.414,  2.121,  0.   ],
           [ 2.828,  3.536,  1.225]])
    >>> concat.get_feature_names_out().tolist()
    ['image__x0', 'image__x1', 'meta__x2']
    >>> {k: round(v, 3) for k, v in concat.block_weights_.items()}
    {'image': 0.707, 'meta': 1.0}
    """

    _parameter_constraints: dict = {
        "modalities": [list, Hidden(tuple)],
        "block_weighting": [None, StrOptions({"sqrt_dim", "unit_variance"}), dict],
        "missing": [StrOptions({"error", "impute", "passthrough"})],
        "remainder": [StrOptions({"drop", "passthrough"})],
        "sparse_threshold": [Interval(Real, 0, 1, closed="both")],
        "n_jobs": [None, Integral],
    }

    def __init__(
        self,
        modalities,
        *,
        block_weighting=None,
        missing="error",
        remainder="drop",
        sparse_threshold=0.3,
        n_jobs=None,
    ):
        self.modalities = modalities
        self.block_weighting = block_weighting
        self.missing = missing
        self.remainder = remainder
        self.sparse_threshold = sparse_threshold
        self.n_jobs = n_jobs

    # (name, transformer) view of ``modalities`` for nested get/set_params.
    @property
    def _transformers(self):
        try:
            return [(name, trans) for name, trans, _ in self.modalities]
        except (TypeError, ValueError):
            return self.modalities

    @_transformers.setter
    def _transformers(self, value):
        try:
            self.modalities = [
                (name, trans, columns)
                for (name, trans), (_, _, columns) in zip(
                    value, self.modalities, strict=True
                )
            ]
        except (TypeError, ValueError):
            self.modalities = value

    def get_params(self, deep=True):
        """Get parameters, including those of each modality's transformer.

        Parameters
        ----------
        deep : bool, default=True
            If True, also return the modality transformers by name and their
            parameters as ``"{modality}__{param}"``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return self._get_params("_transformers", deep=deep)

    def set_params(self, **params):
        """Set parameters, including ``"{modality}"`` and ``"{modality}__{param}"``.

        Parameters
        ----------
        **params : dict
            Estimator parameters; a modality name replaces its transformer.

        Returns
        -------
        self : MultiModalConcatenator
            This estimator.
        """
        self._set_params("_transformers", **params)
        return self

    def _check_params(self):
        """Check what the constraints cannot: the triples and the weight keys."""
        mods = list(self.modalities)
        if not mods:
            raise ValueError(
                "modalities is empty; give at least one (name, transformer, "
                "columns) triple."
            )
        reserved = set(self.get_params(deep=False))
        seen = set()
        for i, entry in enumerate(mods):
            if not isinstance(entry, (tuple, list)) or len(entry) != 3:
                raise ValueError(
                    f"modalities[{i}] must be a (name, transformer, columns) "
                    f"triple; got {entry!r}."
                )
            name, trans, _ = entry
            check_modality_name(name, param=f"modalities[{i}]")
            if name in reserved:
                raise ValueError(
                    f"Modality name {name!r} is reserved: it is a parameter of "
                    "MultiModalConcatenator."
                )
            if name in seen:
                raise ValueError(f"Modality name {name!r} is used more than once.")
            seen.add(name)
            if isinstance(trans, str):
                if trans not in ("passthrough", "drop"):
                    raise ValueError(
                        f"Modality {name!r}: the transformer must be an "
                        f"estimator, 'passthrough' or 'drop'; got {trans!r}."
                    )
            elif isinstance(trans, type) or not (
                (hasattr(trans, "fit") or hasattr(trans, "fit_transform"))
                and hasattr(trans, "transform")
            ):
                raise ValueError(
                    f"Modality {name!r}: the transformer must be an estimator "
                    "instance with fit and transform, 'passthrough' or 'drop'; "
                    f"got {trans!r}."
                )
        if isinstance(self.block_weighting, dict):
            known = seen | ({"remainder"} if self.remainder == "passthrough" else set())
            for key, value in self.block_weighting.items():
                if key not in known:
                    raise ValueError(
                        f"block_weighting has a weight for {key!r}, which is "
                        f"not a modality; modalities are {sorted(known)}."
                    )
                if (
                    isinstance(value, bool)
                    or not isinstance(value, Real)
                    or not np.isfinite(value)
                    or value < 0
                ):
                    raise ValueError(
                        f"block_weighting[{key!r}] must be a finite number >= 0; "
                        f"got {value!r}."
                    )
        return mods

    def _weighting_for(self, name):
        if isinstance(self.block_weighting, dict):
            return float(self.block_weighting.get(name, 1.0))
        return self.block_weighting

    def _check_X(self, X, *, reset):
        if _is_dataframe(X):
            validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] < 1:
                raise ValueError(
                    f"Found array with 0 sample(s) (shape={X.shape}) while a "
                    "minimum of 1 is required."
                )
            return X
        return validate_data(
            self,
            X,
            reset=reset,
            accept_sparse=("csr", "csc"),
            dtype="numeric",
            ensure_all_finite=False,
        )

    def _resolve_columns(self, X, name, columns):
        if callable(columns):
            columns = columns(X)
        if (
            isinstance(columns, slice)
            and columns.start is None
            and columns.stop is None
            and not _is_dataframe(X)
        ):
            # scikit-learn cannot type slice(None) on arrays; make it integer.
            columns = slice(0, None, columns.step)
        try:
            indices = _get_column_indices(X, columns)
        except (ValueError, KeyError, IndexError, TypeError, NotImplementedError):
            n_cols = X.shape[1]
            kind = "DataFrame" if _is_dataframe(X) else "array"
            raise ValueError(
                f"Modality {name!r}: its columns {columns!r} do not match X, an "
                f"{kind} with {n_cols} column(s)"
                + (
                    " (column names need a DataFrame; use integer positions "
                    "for arrays)."
                    if kind == "array"
                    else f"; unknown name or position out of range in {columns!r}."
                )
            ) from None
        if len(indices) == 0:
            raise ValueError(f"Modality {name!r} selects no column of X.")
        return columns

    def fit(self, X, y=None, **params):
        """Fit every modality's transformer and learn the block weights.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Input data with the columns of every modality.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), default=None
            Targets, passed to each modality's transformer (supervised
            feature selection, for instance). Not read here, so a partially
            labelled ``y`` (NaN = unknown entry) passes through unchanged;
            each transformer accepts it or not.
        **params : dict
            Metadata for the modality transformers' ``fit`` (or
            ``fit_transform``), routed as each of them requests; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : MultiModalConcatenator
            This estimator.
        """
        _raise_for_params(params, self, "fit")
        self.fit_transform(X, y, **params)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None, **params):
        """Fit to ``X`` (and ``y``) and return the concatenated blocks.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Input data with the columns of every modality.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), default=None
            Targets, passed unchanged (NaN entries included) to each
            modality's transformer.
        **params : dict
            Metadata routed to the modality transformers (routing enabled
            only).

        Returns
        -------
        X_out : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            Weighted blocks (and missing indicators) side by side, in the
            order of ``modalities`` then the remainder.
        """
        _raise_for_params(params, self, "fit_transform")
        mods = self._check_params()
        if _routing_enabled():
            # checks every param is requested; the ColumnTransformer routes them
            process_routing(self, "fit_transform", **params)
        X = self._check_X(X, reset=True)
        transformers = []
        for name, trans, columns in mods:
            columns = self._resolve_columns(X, name, columns)
            if isinstance(trans, str) and trans == "drop":
                transformers.append((name, "drop", columns))
                continue
            block = _ModalityBlock(
                trans,
                modality=name,
                missing=self.missing,
                weighting=self._weighting_for(name),
            )
            transformers.append((name, block, columns))
        remainder = "drop"
        if self.remainder == "passthrough":
            remainder = _ModalityBlock(
                "passthrough",
                modality="remainder",
                missing=self.missing,
                weighting=self._weighting_for("remainder"),
            )
        ct = ColumnTransformer(
            transformers,
            remainder=remainder,
            sparse_threshold=self.sparse_threshold,
            n_jobs=self.n_jobs,
            verbose_feature_names_out=modality_feature_name,
        )
        Xt = ct.fit_transform(X, y, **params)
        self.column_transformer_ = ct
        named = ct.named_transformers_
        self.named_transformers_ = Bunch(
            **{
                name: (
                    named[name].transformer_
                    if isinstance(named.get(name), _ModalityBlock)
                    else "drop"
                )
                for name, _, _ in mods
            }
        )
        self.block_weights_ = {
            name: float(trans.weight_)
            for name, trans in named.items()
            if isinstance(trans, _ModalityBlock) and hasattr(trans, "weight_")
        }
        self.output_indices_ = {
            name: sl
            for name, sl in ct.output_indices_.items()
            if name in self.block_weights_
        }
        self.modality_layout_ = resolve_modalities(
            list(self.output_indices_.items()), n_features=Xt.shape[1]
        )
        return Xt

    def transform(self, X, **params):
        """Transform each modality with its fitted transformer and weight.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Data with the same columns as in ``fit``.
        **params : dict
            Metadata routed to the modality transformers' ``transform``
            (routing enabled only).

        Returns
        -------
        X_out : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            Weighted blocks (and missing indicators) side by side.
        """
        _raise_for_params(params, self, "transform")
        check_is_fitted(self, "column_transformer_")
        if _routing_enabled():
            process_routing(self, "transform", **params)
        X = self._check_X(X, reset=False)
        return self.column_transformer_.transform(X, **params)

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        Each modality's transformer receives the metadata it requests, as in
        :class:`~sklearn.compose.ColumnTransformer`.

        Returns
        -------
        routing : MetadataRouter
            The routing to the modality transformers, by modality name.
        """
        router = MetadataRouter(owner=self)
        try:
            entries = [(name, trans) for name, trans, _ in self.modalities]
        except (TypeError, ValueError):
            entries = []
        for name, trans in entries:
            if isinstance(trans, str):
                continue
            router.add(method_mapping=_method_mapping(trans), **{name: trans})
        return router

    def get_feature_names_out(self, input_features=None):
        """Output feature names, ``"{modality}__{feature}"``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
            One name per output column.
        """
        check_is_fitted(self, "column_transformer_")
        return self.column_transformer_.get_feature_names_out(input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Partly-NaN rows are passed on; whole-NaN blocks follow ``missing``.
        tags.input_tags.allow_nan = True
        try:
            tags.input_tags.sparse = all(
                _sparse_tag(trans)
                for _, trans, _ in self.modalities
                if not isinstance(trans, str)
            )
        except (TypeError, ValueError):
            tags.input_tags.sparse = False
        return with_missing_modalities(
            tags,
            accepts=self.missing in ("impute", "passthrough"),
            passes=self.missing == "passthrough",
        )


def _method_mapping(transformer):
    """ColumnTransformer's mapping of the concatenator's methods to a transformer's."""
    mapping = MethodMapping()
    if hasattr(transformer, "fit_transform"):
        mapping.add(caller="fit", callee="fit_transform").add(
            caller="fit_transform", callee="fit_transform"
        )
    else:
        (
            mapping.add(caller="fit", callee="fit")
            .add(caller="fit", callee="transform")
            .add(caller="fit_transform", callee="fit")
            .add(caller="fit_transform", callee="transform")
        )
    return mapping.add(caller="transform", callee="transform")


def _sparse_tag(estimator):
    from sklearn.utils import get_tags

    return get_tags(estimator).input_tags.sparse


def make_multimodal_input(blocks, *, as_frame=False):
    """Stack per-modality arrays into ``X`` and the matching ``modalities``.

    Parameters
    ----------
    blocks : dict of str to array-like, or list of (str, array-like)
        One 2-D block of shape ``(n_samples, n_features_m)`` per modality, in
        output order: arrays, scipy sparse matrices or DataFrames. Every block
        must have the same number of rows, aligned sample by sample.
    as_frame : bool, default=False
        If True, return a pandas DataFrame whose columns are named
        ``"{modality}__{column}"`` (``column`` is the block's own column name
        for a DataFrame block, its position otherwise), and select modalities
        by column name. If False, return a NumPy array (a CSR matrix if any
        block is sparse) and select modalities by position slices.

    Returns
    -------
    X : ndarray, sparse matrix or DataFrame of shape (n_samples, n_features)
        The blocks side by side.
    modalities : list of (str, "passthrough", columns)
        A spec for :class:`MultiModalConcatenator`; replace ``"passthrough"``
        by a transformer where needed.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.compose import make_multimodal_input
    >>> X, spec = make_multimodal_input(
    ...     {"image": np.ones((2, 3)), "meta": np.zeros((2, 1))}
    ... )
    >>> X.shape
    (2, 4)
    >>> for entry in spec:
    ...     print(entry)
    ('image', 'passthrough', slice(0, 3, None))
    ('meta', 'passthrough', slice(3, 4, None))
    """
    if isinstance(blocks, dict):
        items = list(blocks.items())
    elif isinstance(blocks, (list, tuple)):
        items = []
        for i, item in enumerate(blocks):
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise ValueError(
                    f"blocks[{i}] must be a (name, array) pair; got {type(item)}."
                )
            items.append(tuple(item))
    else:
        raise ValueError(
            "blocks must be a dict name -> 2-D array or a list of (name, array) "
            f"pairs; got {type(blocks).__name__}."
        )
    if not items:
        raise ValueError("blocks is empty; give at least one modality.")
    arrays = []
    n_rows = None
    for name, block in items:
        check_modality_name(name, param="blocks")
        if not (sp.issparse(block) or _is_dataframe(block)):
            block = np.asarray(block)
        if len(block.shape) != 2:
            raise ValueError(
                f"Modality {name!r} must be a 2-D array (n_samples, n_features); "
                f"got shape {block.shape}. Use x.reshape(-1, 1) for one feature."
            )
        if block.shape[1] == 0:
            raise ValueError(f"Modality {name!r} has no column.")
        if n_rows is None:
            n_rows, first = block.shape[0], name
        elif block.shape[0] != n_rows:
            raise ValueError(
                f"Modality {name!r} has {block.shape[0]} row(s) but modality "
                f"{first!r} has {n_rows}; all blocks must have the same rows."
            )
        arrays.append((name, block))
    ends = np.cumsum([block.shape[1] for _, block in arrays])
    layout = resolve_modalities(
        [
            (name, slice(end - block.shape[1], end))
            for (name, block), end in zip(arrays, ends, strict=True)
        ],
        n_features=int(ends[-1]),
        param="blocks",
    )

    if as_frame:
        import pandas as pd

        own = []
        for name, block in arrays:
            if sp.issparse(block):
                raise ValueError(
                    f"Modality {name!r} is sparse, which as_frame=True does not "
                    "support; densify it or use as_frame=False."
                )
            own.extend(
                [str(c) for c in block.columns]
                if _is_dataframe(block)
                else range(block.shape[1])
            )
        columns = layout.feature_names(own)
        frames = []
        for name, block in arrays:
            names = columns[layout[name]].tolist()
            if hasattr(block, "iloc"):  # pandas keeps its dtypes
                frames.append(block.reset_index(drop=True).set_axis(names, axis=1))
            else:
                values = block.to_numpy() if _is_dataframe(block) else block
                frames.append(pd.DataFrame(values, columns=names))
        X = pd.concat(frames, axis=1)
        if X.columns.duplicated().any():
            dup = X.columns[X.columns.duplicated()].tolist()
            raise ValueError(
                f"as_frame=True gives duplicate column name(s) {dup[:5]} (a "
                "block's columns, prefixed by its modality, must be unique); "
                "rename the block columns."
            )
        spec = [
            (name, "passthrough", columns[cols].tolist())
            for name, cols in layout.items()
        ]
        return X, spec

    spec = [
        (name, "passthrough", slice(int(cols[0]), int(cols[-1]) + 1))
        for name, cols in layout.items()
    ]
    values = [b.to_numpy() if _is_dataframe(b) else b for _, b in arrays]
    if any(sp.issparse(v) for v in values):
        X = sp.hstack([sp.csr_matrix(v) for v in values]).tocsr()
    else:
        X = np.hstack(values)
    return X, spec
