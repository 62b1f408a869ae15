"""MLSMOTE: synthetic minority over-sampling for multi-label data."""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from imblearn.base import BaseSampler
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_consistent_length, check_random_state
from sklearn.utils.validation import validate_data

from ..utils import label_counts
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ..utils._tags import with_unknown_labels
from ._label_powerset import _check_target, _is_pandas, _restore_target

# Random gaps drawn per block of rows, to bound memory with many features.
_CHUNK_FLOATS = 4_000_000
# Bags up to this many values are searched dense, larger ones as CSR; dense
# and sparse X take the same path, so they get the same neighbours.
_DENSE_BAG_FLOATS = 4_000_000


def _bag_matrix(X, bag):
    """``X[bag]`` in the one form used for the neighbour search, whatever X is.

    Dense and sparse inputs holding the same values give bitwise-identical
    matrices, hence the same distances and the same tie breaking.
    """
    rows = X[bag]
    if rows.shape[0] * rows.shape[1] <= _DENSE_BAG_FLOATS:
        return rows.toarray() if sp.issparse(rows) else rows
    rows = sp.csr_matrix(rows, copy=True)
    rows.sum_duplicates()
    rows.eliminate_zeros()
    rows.sort_indices()
    return rows


def _imbalance_ratio_per_label(Y):
    """IRLbl of every label and their mean, MeanIR (Charte et al., 2015).

    ``IRLbl(l) = max_l' n(l') / n(l)`` where ``n(l)`` counts the samples with
    label ``l``. Labels without positive samples get ``inf`` and are left out
    of MeanIR.
    """
    counts = label_counts(Y)
    irlbl = np.full(counts.shape[0], np.inf)
    present = counts > 0
    if present.any():
        irlbl[present] = counts.max() / counts[present]
        mean_ir = float(irlbl[present].mean())
    else:
        mean_ir = np.nan
    return irlbl, mean_ir


class MLSMOTE(BaseSampler):
    """Multi-label SMOTE: synthetic samples for the minority labels.

    For every label whose imbalance ratio IRLbl is above the mean imbalance
    ratio MeanIR, each sample carrying the label (the label's *bag*) seeds one
    synthetic sample. Its features are interpolated between the seed and a
    random one of its ``k_neighbors`` nearest neighbours in the bag; its
    label set is voted by the seed and all its neighbours. This is MLSMOTE
    (Charte et al., 2015, Algorithms 1 and 2), an imbalanced-learn compatible
    sampler that takes a multi-label indicator matrix.

    Parameters
    ----------
    sampling_strategy : "auto", array-like of int or callable, default="auto"
        Labels to over-sample. ``"auto"``: the labels with IRLbl > MeanIR, as
        in the paper. An array-like: these label indices (class labels for a
        1-D target). A callable: called with the indicator matrix ``Y`` and
        returns label indices. Every selected label gets one synthetic sample
        per sample of its bag.
    k_neighbors : int, default=5
        Number of nearest neighbours (Euclidean, within the bag) used for the
        interpolation and the label vote. Bags with ``k_neighbors`` samples or
        fewer use all their other samples; a bag of one sample yields a copy
        of it.
    label_generation : {"ranking", "union", "intersection"}, default="ranking"
        Label set of a synthetic sample. ``"ranking"``: the labels carried by
        more than half of the seed and its neighbours (the paper's choice);
        ``"union"``: labels of any of them; ``"intersection"``: labels shared
        by all of them.
    interpolation : {"per_feature", "segment"}, default="per_feature"
        ``"per_feature"`` draws one random gap per feature, as Algorithm 2 of
        the paper: the synthetic sample lies in the box spanned by the seed
        and the reference neighbour. ``"segment"`` draws one gap per sample,
        as SMOTE: it lies on the segment between them.
    random_state : int, RandomState instance or None, default=None
        Controls the choice of reference neighbours and the gaps.
    n_jobs : int, default=None
        Number of jobs of the nearest-neighbour search.
    unknown : {"raise", "drop_rows"}, default="raise"
        What to do with a partially labelled ``y`` (NaN = unknown entry).
        Bags, neighbours' label votes and IRLbl need whole label sets, so
        ``"raise"`` rejects such a ``y`` and ``"drop_rows"`` resamples the
        rows without any unknown entry only: the output is those rows
        followed by the synthetic samples. A complete ``y`` is resampled the
        same way under both.

    Attributes
    ----------
    irlbl_ : ndarray of shape (n_labels,)
        IRLbl of each label in the input (``inf`` for labels with no sample).
    mean_ir_ : float
        MeanIR of the input.
    minority_labels_ : ndarray of int
        Indices of the over-sampled labels.
    sampling_strategy_ : dict
        Number of synthetic samples seeded by each over-sampled label (keys
        are label indices, or class labels for a 1-D target).
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit_resample``, when ``X`` is a
        DataFrame with string column names.

    See Also
    --------
    LabelPowersetResampler : Any imbalanced-learn sampler on label combinations.

    Notes
    -----
    With :math:`n(l)` the number of samples carrying label :math:`l` among
    :math:`L` labels (Charte et al., 2015, Eqs. 1-2):

    .. math::

        \\mathrm{IRLbl}(l) = \\frac{\\max_{l'} n(l')}{n(l)}, \\qquad
        \\mathrm{MeanIR} = \\frac{1}{L} \\sum_{l} \\mathrm{IRLbl}(l).

    A synthetic sample from seed :math:`x` and reference neighbour
    :math:`x_r` is :math:`x + g \\odot (x_r - x)` with :math:`g` uniform in
    :math:`[0, 1]` per feature (or one :math:`g` per sample with
    ``interpolation="segment"``). With ranking, label :math:`l` is set if it
    appears in more than :math:`(k + 1) / 2` of the seed and its :math:`k`
    neighbours.

    IRLbl, MeanIR and the bags are computed once, on the input data, so the
    result does not depend on the order of the labels. Features must be
    numeric (the paper's nominal-feature rule is not implemented). The
    output is the input followed by the synthetic samples; ``X`` and ``y``
    keep their kind (ndarray, sparse matrix, DataFrame, list), and dense and
    sparse ``X`` give the same samples (the neighbours of a bag are searched
    on one representation, chosen by the bag's size, so ties in distance
    break the same way).
    A 1-D binary/multiclass target is handled as its one-hot matrix; every
    synthetic sample then has its seed's class.

    References
    ----------
    .. [1] F. Charte, A. J. Rivera, M. J. del Jesus and F. Herrera, "MLSMOTE:
       Approaching imbalanced multilabel learning through synthetic instance
       generation", Knowledge-Based Systems 89, 385-397, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.resampling import MLSMOTE
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0],
    ...               [0.0, 5.0], [1.0, 5.0]])
    >>> Y = np.array([[1, 0], [1, 0], [1, 0], [1, 0], [1, 1], [0, 1]])
    >>> sampler = MLSMOTE(k_neighbors=1, random_state=0)
    >>> X_res, Y_res = sampler.fit_resample(X, Y)
    >>> sampler.irlbl_, sampler.mean_ir_
    (array([1. , 2.5]), 1.75)
    >>> X_res[6:].round(3)  # between samples 4 and 5, the bag of label 1
    array([[0.549, 5.   ],
           [0.397, 5.   ]])
    >>> Y_res[6:]
    array([[0, 1],
           [0, 1]])
    """

    _sampling_type = "over-sampling"

    _parameter_constraints: dict = {
        "sampling_strategy": [StrOptions({"auto"}), "array-like", callable],
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "label_generation": [StrOptions({"ranking", "union", "intersection"})],
        "interpolation": [StrOptions({"per_feature", "segment"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "unknown": [StrOptions({"raise", "drop_rows"})],
    }

    def __init__(
        self,
        sampling_strategy="auto",
        *,
        k_neighbors=5,
        label_generation="ranking",
        interpolation="per_feature",
        random_state=None,
        n_jobs=None,
        unknown="raise",
    ):
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors
        self.label_generation = label_generation
        self.interpolation = interpolation
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.unknown = unknown

    def _selected_labels(self, Y, classes, present):
        strategy = self.sampling_strategy
        if isinstance(strategy, str):  # "auto", by the constraints
            return np.flatnonzero(present & (self.irlbl_ > self.mean_ir_))
        if callable(strategy):
            strategy = strategy(Y)
        requested = np.asarray(strategy).ravel()
        if classes is not None:
            unknown = requested[~np.isin(requested, classes)]
            if unknown.size:
                raise ValueError(
                    f"sampling_strategy names unknown classes {unknown.tolist()}; "
                    f"the classes of y are {classes.tolist()}."
                )
            return np.flatnonzero(np.isin(classes, requested))
        n_labels = Y.shape[1]
        if requested.size and not (
            np.issubdtype(requested.dtype, np.integer)
            and requested.min() >= 0
            and requested.max() < n_labels
        ):
            raise ValueError(
                "sampling_strategy must list label indices in [0, "
                f"{n_labels - 1}]; got {requested.tolist()}."
            )
        requested = np.unique(requested)
        empty = requested[~present[requested]]
        if empty.size:
            raise ValueError(
                f"sampling_strategy selects label(s) {empty.tolist()} that no "
                "sample carries; they cannot be over-sampled."
            )
        return requested

    def fit(self, X, y):
        """Fit the sampler: same as :meth:`fit_resample`, output discarded.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Numeric feature matrix.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Multi-label indicator matrix (or a 1-D binary/multiclass target).

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self.fit_resample(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """Add MLSMOTE's synthetic samples to ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Numeric feature matrix.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Multi-label indicator matrix (or a 1-D binary/multiclass target).

        Returns
        -------
        X_resampled : {ndarray, sparse matrix, DataFrame, list}
            The input samples followed by the synthetic ones (with
            ``unknown="drop_rows"``, the input samples without unknown
            labels).
        y_resampled : {ndarray, sparse matrix, DataFrame, list}
            Their labels, of the same kind as ``y``.
        """
        Y, info, keep = _check_target(y, self.unknown, type(self).__name__)
        X_in = X
        X = validate_data(
            self,
            X,
            reset=True,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
        )
        check_consistent_length(X, Y if keep is None else keep)
        if keep is not None:  # unknown="drop_rows" on a partial y
            X = X[keep]
        if info["classes"] is not None and info["classes"].shape[0] < 2:
            raise ValueError(
                "MLSMOTE needs at least two classes in a 1-D target y; got "
                "only one class."
            )
        X_new, Y_new = self._fit_resample(X, Y, classes=info["classes"])
        if sp.issparse(X):
            X_res = sp.vstack([X, X_new], format=X.format)
        else:
            X_res = np.concatenate([X, X_new], axis=0)
        if sp.issparse(Y):
            Y_res = sp.vstack([Y, Y_new], format="csr")
        else:
            Y_res = np.concatenate([Y, Y_new.astype(Y.dtype)], axis=0)

        index = None
        if _is_pandas(X_in, "DataFrame"):
            import pandas as pd

            if sp.issparse(X_res):
                X_res = pd.DataFrame.sparse.from_spmatrix(X_res, columns=X_in.columns)
            else:
                X_res = pd.DataFrame(X_res, columns=X_in.columns)
            index = X_res.index
        elif isinstance(X_in, list | tuple):
            X_res = X_res.tolist()
        return X_res, _restore_target(Y_res, info, index=index)

    def _fit_resample(self, X, Y, classes=None):
        """Synthetic samples for validated ``X`` and indicator matrix ``Y``."""
        rng = check_random_state(self.random_state)
        self.irlbl_, self.mean_ir_ = _imbalance_ratio_per_label(Y)
        present = label_counts(Y) > 0
        labels = self._selected_labels(Y, classes, present)
        self.minority_labels_ = labels
        Y_csc = sp.csc_matrix(Y)

        seeds, refs, label_sets = [], [], []
        for label in labels:
            bag = Y_csc.indices[Y_csc.indptr[label] : Y_csc.indptr[label + 1]]
            bag = np.sort(bag)
            k = min(int(self.k_neighbors), bag.shape[0] - 1)
            if k == 0:
                neighbors = np.zeros((1, 1), dtype=np.intp)
                ref = np.zeros(1, dtype=np.intp)
            else:
                nn = NearestNeighbors(n_neighbors=k, n_jobs=self.n_jobs)
                # kneighbors() without X leaves each sample out of its own list
                neighbors = nn.fit(_bag_matrix(X, bag)).kneighbors(
                    return_distance=False
                )
                ref = neighbors[
                    np.arange(bag.shape[0]), rng.randint(k, size=bag.shape[0])
                ]
            seeds.append(bag)
            refs.append(bag[ref])
            label_sets.append(self._vote_labels(Y, bag, bag[neighbors], k))

        keys = labels if classes is None else classes[labels]
        self.sampling_strategy_ = {
            key.item(): int(seed.shape[0])
            for key, seed in zip(keys, seeds, strict=True)
        }
        n_features = X.shape[1]
        if not seeds:
            X_new = X[:0].copy()
            Y_new = Y[:0].copy()
            return X_new, Y_new
        seeds = np.concatenate(seeds)
        refs = np.concatenate(refs)
        Y_new = (
            sp.vstack(label_sets, format="csr")
            if sp.issparse(Y)
            else np.concatenate(label_sets)
        )
        return self._interpolate(X, seeds, refs, rng, n_features), Y_new

    def _vote_labels(self, Y, bag, neighbors, k):
        """Label sets of the synthetic samples of one bag (Algorithm 2)."""
        if sp.issparse(Y):
            votes = Y[bag].astype(np.int64)
            for j in range(neighbors.shape[1] if k else 0):
                votes = votes + Y[neighbors[:, j]]
            votes = votes.toarray()
        else:
            votes = Y[bag].astype(np.int64)
            if k:
                votes = votes + Y[neighbors].sum(axis=1)
        if self.label_generation == "ranking":
            new = votes > (k + 1) / 2
        elif self.label_generation == "union":
            new = votes > 0
        else:
            new = votes == k + 1
        new = new.astype(Y.dtype)
        return sp.csr_matrix(new) if sp.issparse(Y) else new

    def _interpolate(self, X, seeds, refs, rng, n_features):
        """``X[seeds] + gap * (X[refs] - X[seeds])``, vectorised over features."""
        X_seed, diff = X[seeds], X[refs] - X[seeds]
        n_new = seeds.shape[0]
        if self.interpolation == "segment":
            gap = rng.uniform(size=n_new)
            if sp.issparse(X):
                step = sp.diags(gap) @ diff
            else:
                step = gap[:, None] * diff
        else:
            # Same draws for dense and sparse X: one per (sample, feature).
            rows = max(1, _CHUNK_FLOATS // max(n_features, 1))
            steps = []
            for start in range(0, n_new, rows):
                block = diff[start : start + rows]
                gap = rng.uniform(size=block.shape)
                steps.append(
                    sp.csr_matrix(block.multiply(gap))
                    if sp.issparse(X)
                    else block * gap
                )
            step = sp.vstack(steps) if sp.issparse(X) else np.concatenate(steps)
        X_new = X_seed + step
        if sp.issparse(X):
            return sp.csr_matrix(X_new, dtype=X.dtype).asformat(X.format)
        return X_new.astype(X.dtype, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.dataframe = True
        tags.target_tags.multi_output = True
        return with_unknown_labels(tags, self.unknown == "drop_rows")
