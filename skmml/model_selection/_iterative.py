"""Iterative stratification of multi-label data (k-fold and train/test split)."""

import numbers
import warnings
from math import ceil, floor

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.multiclass import type_of_target

from ..utils import check_multilabel_indicator, encode_target, has_unknown

__all__ = ["IterativeStratifiedKFold", "multilabel_train_test_split"]


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------


def _n_samples(X, name):
    """Number of rows of an array-like, sparse matrix or DataFrame."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    if hasattr(X, "__len__") and not isinstance(X, str | bytes):
        return len(X)
    raise ValueError(
        f"{name} must be an array-like with a first (samples) dimension; got "
        f"{type(X).__name__}."
    )


def _labels_to_csr(y):
    """Validate ``y`` and return its known positives as a CSR 0/1 matrix."""
    return _labels_and_unknown(y)[0]


def _labels_and_unknown(y):
    """Validate ``y``: a CSR 0/1 matrix (n_samples, n_labels) and its unknowns.

    2-D inputs (dense or sparse) must be binary indicator matrices, NaN
    marking unknown entries. 1-D binary or multiclass targets are one-hot
    encoded, so that ordinary classification targets are stratified per
    class.

    Returns
    -------
    Y : csr_matrix of shape (n_samples, n_labels)
        The known positives (1 where ``y`` is 1, else 0).
    unknown : csr_matrix of shape (n_samples, n_labels) or None
        1 at the unknown entries; None when ``y`` has none.
    """
    if y is None:
        raise ValueError(
            "y is required: iterative stratification balances the labels in y "
            "across folds; pass a 2-D label indicator matrix or a 1-D array of "
            "class labels."
        )
    if not sp.issparse(y):
        arr = y.to_numpy() if hasattr(y, "to_numpy") else y
        try:
            arr = np.asarray(arr)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"y could not be converted to an array ({exc}).") from None
        if arr.ndim == 1:
            if arr.shape[0] == 0:
                raise ValueError("y is empty; at least one sample is required.")
            if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
                raise ValueError(
                    "y contains NaN or infinity; class labels must be finite "
                    "(unknown labels, as NaN, are only supported in a 2-D "
                    "label indicator matrix)."
                )
            if arr.dtype == object and any(v is None for v in arr):
                raise ValueError("y contains None; every sample needs a label.")
            try:
                target_type = type_of_target(arr, input_name="y")
            except (ValueError, TypeError) as exc:
                raise ValueError(f"y is not a valid target ({exc}).") from None
            if target_type not in ("binary", "multiclass"):
                raise ValueError(
                    "A 1-D y must hold binary or multiclass labels; got a "
                    f"{target_type!r} target. For multi-label data pass a 2-D "
                    "indicator matrix of 0/1 values."
                )
            try:
                Y, _, _ = encode_target(arr, name="y")
            except TypeError as exc:  # e.g. str and float labels mixed
                raise ValueError(
                    f"y mixes label types that cannot be compared ({exc})."
                ) from None
            return sp.csr_matrix(Y), None
        if not hasattr(y, "to_numpy"):  # pandas / polars: read with their NA
            y = arr
    # a 1-byte dense copy (the CSR built from it holds int64 like before)
    Y = check_multilabel_indicator(
        y, name="y", accept_sparse=True, allow_unknown=True, dtype=np.int8
    )
    unknown = None
    if has_unknown(Y):
        missing = np.isnan(Y)
        unknown = sp.csr_matrix(missing).astype(np.int64)
        Y = Y == 1  # the known positives
    Y = sp.csr_matrix(Y).astype(np.int64)
    Y.sort_indices()
    return Y, unknown


def _stratification_matrix(Y, unknown, order):
    """Columns balanced across folds: label combinations, then unknown entries.

    The combinations of the known positives come from
    :func:`_combination_matrix`; with a partial target, one more column per
    label marks the samples whose label is unknown, balanced like a label.
    """
    Z, is_pair = _combination_matrix(Y, order)
    if unknown is None:
        return Z, is_pair
    Z = sp.hstack([Z, unknown], format="csr")
    Z.sort_indices()
    return Z, np.r_[is_pair, np.zeros(unknown.shape[1], dtype=bool)]


def _combination_matrix(Y, order):
    """Indicator matrix of the label combinations each sample carries.

    For ``order=1`` this is ``Y`` itself. For ``order=2`` the columns are the
    ``n_labels`` single labels followed by every label pair ``(i, j)``,
    ``i < j``, that co-occurs in at least one sample (Szymański &
    Kajdanowicz, 2017).

    Returns
    -------
    Z : csr_matrix of shape (n_samples, n_combinations)
    is_pair : ndarray of bool of shape (n_combinations,)
    """
    n_samples, n_labels = Y.shape
    if order == 1:
        return Y, np.zeros(n_labels, dtype=bool)
    indptr, indices = Y.indptr, Y.indices
    nnz = indices.shape[0]
    row_of = np.repeat(np.arange(n_samples), np.diff(indptr))
    # for every stored entry, how many entries follow it in the same row
    n_after = indptr[row_of + 1] - np.arange(nnz) - 1
    first = np.repeat(np.arange(nnz), n_after)
    start = np.repeat(np.cumsum(n_after) - n_after, n_after)
    second = first + 1 + (np.arange(first.shape[0]) - start)
    pair_code = indices[first].astype(np.int64) * n_labels + indices[second]
    _, pair_col = np.unique(pair_code, return_inverse=True)
    n_pairs = int(pair_col.max()) + 1 if pair_col.size else 0
    rows = np.concatenate([row_of, row_of[first]])
    cols = np.concatenate([indices, n_labels + pair_col.ravel()])
    Z = sp.csr_matrix(
        (np.ones(rows.shape[0], dtype=np.int64), (rows, cols)),
        shape=(n_samples, n_labels + n_pairs),
    )
    Z.sort_indices()
    is_pair = np.r_[np.zeros(n_labels, dtype=bool), np.ones(n_pairs, dtype=bool)]
    return Z, is_pair


# --------------------------------------------------------------------------
# The algorithm
# --------------------------------------------------------------------------


def _gather_rows(indptr, indices, rows):
    """Column indices of the given CSR rows, concatenated, and row lengths.

    Equivalent to ``Z[rows].indices`` without scipy's per-call overhead,
    which dominated the run time with one call per label.
    """
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    offsets = np.cumsum(lengths) - lengths
    flat = np.repeat(starts - offsets, lengths) + np.arange(lengths.sum())
    return indices[flat], lengths


def _assign_block(primary, secondary, n_items, step, rng):
    """Folds chosen by ``n_items`` successive greedy assignments.

    Each assignment picks the fold with the largest ``primary`` value, ties
    broken by the largest ``secondary`` value, then by the lowest fold index
    (``rng is None``) or at random; the chosen fold's ``primary`` then drops
    by ``step`` while ``secondary`` (a difference of two quantities that both
    drop by ``step``) is unchanged. The sequence is therefore the merge of
    the per-fold arithmetic sequences ``primary[j] - step * t``, which is
    computed in one sort instead of ``n_items`` Python iterations.
    """
    n_folds = primary.shape[0]
    # candidate slots, fold-major: slot (j, t) has value primary[j] - step * t
    values = (primary[:, None] - step * np.arange(n_items)[None, :]).ravel()
    second = np.repeat(secondary, n_items)
    if rng is None:
        tie = np.repeat(np.arange(n_folds), n_items)
    else:
        # i.i.d. keys per (fold, slot) == a uniform choice among tied folds
        tie = rng.random_sample(n_folds * n_items)
    order = np.lexsort((tie, -second, -values))[:n_items]
    return order // n_items


def _iterative_stratification(Z, is_pair, weights, *, rng):
    """Assign each sample to a fold by iterative stratification.

    Parameters
    ----------
    Z : csr_matrix of shape (n_samples, n_combinations)
        0/1 matrix of the label combinations to balance, sorted indices
        (from ``_combination_matrix``).
    is_pair : ndarray of bool of shape (n_combinations,)
        Which columns of ``Z`` are label pairs.
    weights : ndarray of int of shape (n_folds,)
        Fold ``j`` should receive a fraction ``weights[j] / weights.sum()``
        of the samples and of every combination's positives.
    rng : RandomState or None
        None gives the deterministic variant (samples in index order,
        ties to the lowest index).

    Returns
    -------
    fold_of : ndarray of int of shape (n_samples,)
    """
    n_samples = Z.shape[0]
    n_folds = weights.shape[0]
    total = int(weights.sum())
    n_comb = Z.shape[1]
    Zc = Z.tocsc()
    Zc.sort_indices()
    remaining = np.diff(Zc.indptr).astype(np.int64)

    # Desired counts of Sechidis et al. (2011), scaled by ``total`` so that
    # they stay exact integers: c_j = r_j |D| and c_j^l = r_j |D^l| with
    # r_j = weights[j] / total; every assignment subtracts ``total``.
    desired_size = n_samples * weights.astype(np.int64)
    desired_comb = remaining[:, None] * weights[None, :].astype(np.int64)

    if rng is None:
        rank = None
        comb_priority = np.arange(n_comb)
    else:
        rank = np.empty(n_samples, dtype=np.int64)
        rank[rng.permutation(n_samples)] = np.arange(n_samples)
        comb_priority = rng.permutation(n_comb)

    fold_of = np.full(n_samples, -1, dtype=np.int64)
    unassigned = np.ones(n_samples, dtype=bool)
    sentinel = np.iinfo(np.int64).max
    while True:
        # label (combination) with the fewest remaining positives; pairs
        # before single labels on ties (the more specific one first)
        rem = np.where(remaining > 0, remaining, sentinel)
        best = rem.min()
        if best == sentinel:
            break
        candidates = np.flatnonzero(rem == best)
        if candidates.shape[0] > 1:
            pairs = candidates[is_pair[candidates]]
            if pairs.shape[0] > 0:
                candidates = pairs
            comb = candidates[np.argmin(comb_priority[candidates])]
        else:
            comb = candidates[0]

        rows = Zc.indices[Zc.indptr[comb] : Zc.indptr[comb + 1]]
        rows = rows[unassigned[rows]]
        if rank is not None:
            rows = rows[np.argsort(rank[rows], kind="stable")]
        folds = _assign_block(
            desired_comb[comb],
            desired_size - desired_comb[comb],
            rows.shape[0],
            total,
            rng,
        )
        fold_of[rows] = folds
        unassigned[rows] = False
        desired_size -= total * np.bincount(folds, minlength=n_folds)
        cols, lengths = _gather_rows(Z.indptr, Z.indices, rows)
        fold_rep = np.repeat(folds, lengths)
        np.subtract.at(desired_comb, (cols, fold_rep), total)
        np.subtract.at(remaining, cols, 1)

    # samples without any label fill the folds up to their desired sizes
    rows = np.flatnonzero(unassigned)
    if rows.shape[0] > 0:
        if rank is not None:
            rows = rows[np.argsort(rank[rows], kind="stable")]
        fold_of[rows] = _assign_block(
            desired_size, np.zeros(n_folds, dtype=np.int64), rows.shape[0], total, rng
        )
    return fold_of


def _match_sizes(Z, fold_of, sizes, *, rng):
    """Move samples between folds until fold ``j`` holds ``sizes[j]`` samples.

    Each move takes a sample from the fold with the largest surplus to the
    fold with the largest deficit, choosing the sample whose move least
    increases :math:`\\sum_{l,j} (c_j^l)^2`, the squared gaps between
    desired and actual positives (ties: lowest index, or random).
    """
    fold_of = fold_of.copy()
    n_samples = Z.shape[0]
    n_folds = sizes.shape[0]
    total = n_samples  # desired counts scaled by n, as in the main pass
    lengths = np.diff(Z.indptr)
    fold_rep = np.repeat(fold_of, lengths)
    assigned = np.zeros((Z.shape[1], n_folds), dtype=np.int64)
    np.add.at(assigned, (Z.indices, fold_rep), 1)
    per_comb = assigned.sum(axis=1)
    desired = per_comb[:, None] * sizes[None, :] - total * assigned
    current = np.bincount(fold_of, minlength=n_folds)
    rank = np.arange(n_samples) if rng is None else rng.permutation(n_samples)
    while np.any(current != sizes):
        gap = current - sizes
        src, dst = int(np.argmax(gap)), int(np.argmin(gap))
        members = np.flatnonzero(fold_of == src)
        # change of the squared gaps is -2 * total * gain for each move
        gain = Z[members] @ (desired[:, dst] - desired[:, src] - total)
        best = np.flatnonzero(gain == gain.max())
        pick = members[best[np.argmin(rank[members[best]])]]
        cols = Z.indices[Z.indptr[pick] : Z.indptr[pick + 1]]
        desired[cols, src] += total
        desired[cols, dst] -= total
        fold_of[pick] = dst
        current[src] -= 1
        current[dst] += 1
    return fold_of


def _check_order(order):
    if isinstance(order, bool) or not isinstance(order, numbers.Integral):
        raise ValueError(f"order must be the integer 1 or 2; got {order!r}.")
    if order not in (1, 2):
        raise ValueError(
            f"order must be 1 (single labels) or 2 (label pairs); got {order}."
        )
    return int(order)


def _check_shuffle(shuffle, random_state):
    if not isinstance(shuffle, bool | np.bool_):
        raise ValueError(f"shuffle must be True or False; got {shuffle!r}.")
    if not shuffle and random_state is not None:
        raise ValueError(
            "Setting a random_state has no effect since shuffle is False: the "
            "split is then deterministic. Leave random_state=None, or set "
            "shuffle=True to randomise the sample order and the tie-breaking."
        )
    if not shuffle:
        return None
    try:
        return check_random_state(random_state)
    except ValueError as exc:  # sklearn's message does not name the parameter
        raise ValueError(
            "random_state must be None, an int in [0, 2**32 - 1] or a "
            f"numpy RandomState instance; got {random_state!r} ({exc})."
        ) from None


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


class IterativeStratifiedKFold(BaseCrossValidator):
    """K-fold cross-validator that stratifies multi-label data iteratively.

    Every fold receives about ``1 / n_splits`` of the samples and of the
    positives of every label (``order=1``, Sechidis et al., 2011) or of every
    label pair (``order=2``, Szymański & Kajdanowicz, 2017). Rare labels are
    handled first, so a label with only ``n_splits`` positives gets one in
    each test fold instead of being concentrated in a few folds as random
    splitting would.

    A 1-D binary or multiclass ``y`` is one-hot encoded, which makes the
    splitter usable for ordinary classification as well. A partially
    labelled ``y`` (NaN = unknown entry) is accepted: every fold then also
    gets about ``1 / n_splits`` of the unknown entries of every label (see
    Notes).

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds; at least 2 and at most the number of samples.
    order : {1, 2}, default=1
        Order of the label relationships balanced across folds: ``1``
        balances each label, ``2`` balances each label pair that occurs in
        the data, as well as each label.
    shuffle : bool, default=False
        If False the split is deterministic (see Notes). If True the order in
        which samples are assigned and all ties are randomised with
        ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seed or generator used when ``shuffle=True``. Must stay None when
        ``shuffle=False``, as in :class:`sklearn.model_selection.KFold`.

    See Also
    --------
    multilabel_train_test_split : One stratified train/test split.
    sklearn.model_selection.StratifiedKFold : Single-label stratification.

    Notes
    -----
    With fold proportions :math:`r_j = 1/k`, the algorithm keeps the desired
    number of samples of each fold, :math:`c_j = r_j |D|`, and the desired
    number of positives of each label :math:`l` in each fold,
    :math:`c_j^l = r_j |D^l|`. It repeatedly takes the label with the fewest
    (but at least one) not yet assigned positives and assigns each of those
    samples to the fold :math:`\\arg\\max_j c_j^l`, ties broken by the largest
    :math:`c_j`, decrementing :math:`c_m` and :math:`c_m^\\lambda` for every
    label :math:`\\lambda` of the sample (Algorithm 1 of Sechidis et al.).
    Samples without labels are finally given to the folds with the largest
    :math:`c_j`. For ``order=2`` the same procedure runs over label pairs and
    single labels, a pair going first when both have equally few positives.

    Tie-breaking: with ``shuffle=False`` samples are assigned in index order,
    and remaining ties go to the lowest label index and the lowest fold
    index, so the folds depend only on ``y``. With ``shuffle=True`` the sample
    order is a random permutation and remaining ties are broken uniformly at
    random. The desired counts are kept as exact integers, so no
    floating-point rounding influences the ties.

    Within one label the decisions depend only on :math:`c^l` and :math:`c`,
    which drop together, so the assignments of a whole label are computed
    with one sort: the cost is :math:`O(k n \\log(kn) + \\mathrm{nnz}(Y))`
    plus :math:`O(q)` per processed label to find the next one (:math:`q`
    labels, or labels and co-occurring pairs for ``order=2``).

    **Partially labelled y.** NaN entries of a 2-D ``y`` (``pd.NA`` in
    pandas, explicitly stored NaN in a sparse matrix) are unknown labels.
    The positives balanced are then the *known* positives, and each label
    :math:`l` with unknown entries adds one pseudo-label "``l`` unknown",
    :math:`U^l`, balanced like the others (:math:`c_j^{U^l} = r_j |U^l|`;
    with ``order=2`` pairs are formed from known positives only). The
    known negatives of a label are the fold's samples minus its known
    positives and unknowns, so they follow the fold sizes and are balanced
    more loosely; the rare known positives, which decide whether a fold can
    evaluate a label, come first. Balancing the unknowns keeps each label's
    known entries, its training and test data, in the same proportion in
    every fold. A complete ``y`` adds no pseudo-label: its folds are those
    of the algorithm above.

    Fold sizes are not forced to be equal; they usually differ by at most a
    few samples. As in the original algorithm, the most frequent labels,
    handled last, are balanced less tightly than the rare ones, and with
    ``shuffle=True`` how tightly varies with the seed.

    References
    ----------
    .. [1] K. Sechidis, G. Tsoumakas and I. Vlahavas, "On the stratification
       of multi-label data", ECML PKDD 2011, LNCS 6913, pp. 145-158.
    .. [2] P. Szymański and T. Kajdanowicz, "A network perspective on
       stratification of multi-label data", Proceedings of the First
       International Workshop on Learning with Imbalanced Domains, PMLR 74,
       pp. 22-35, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.model_selection import IterativeStratifiedKFold
    >>> X = np.zeros((8, 1))
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1],
    ...               [1, 1], [1, 1], [0, 0], [0, 0]])
    >>> cv = IterativeStratifiedKFold(n_splits=2)
    >>> cv
    IterativeStratifiedKFold(n_splits=2, order=1, random_state=None, shuffle=False)
    >>> for train, test in cv.split(X, Y):
    ...     print("test:", test, "positives per label:", Y[test].sum(axis=0))
    test: [0 2 4 6] positives per label: [2 2]
    test: [1 3 5 7] positives per label: [2 2]
    """

    def __init__(self, n_splits=5, *, order=1, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.order = order
        self.shuffle = shuffle
        self.random_state = random_state

    def _check_n_splits(self):
        n_splits = self.n_splits
        if isinstance(n_splits, bool) or not isinstance(n_splits, numbers.Integral):
            raise ValueError(
                f"n_splits must be an integer >= 2; got {n_splits!r} of type "
                f"{type(n_splits).__name__}."
            )
        if n_splits < 2:
            raise ValueError(
                "k-fold cross-validation needs at least one train/test split: "
                f"n_splits must be >= 2; got n_splits={n_splits}."
            )
        return int(n_splits)

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of splitting iterations.

        Parameters
        ----------
        X, y, groups : object
            Ignored, exist for API compatibility.

        Returns
        -------
        n_splits : int
            Number of folds.
        """
        return self._check_n_splits()

    def _make_test_folds(self, X, y):
        n_splits = self._check_n_splits()
        order = _check_order(self.order)
        rng = _check_shuffle(self.shuffle, self.random_state)
        Y, unknown = _labels_and_unknown(y)
        n_samples = Y.shape[0]
        if X is not None:
            n_x = _n_samples(X, "X")
            if n_x != n_samples:
                raise ValueError(
                    f"y has {n_samples} samples but X has {n_x}; they must "
                    "have the same number of rows."
                )
        if n_splits > n_samples:
            raise ValueError(
                f"Cannot have number of splits n_splits={n_splits} greater "
                f"than the number of samples n_samples={n_samples}."
            )
        Z, is_pair = _stratification_matrix(Y, unknown, order)
        weights = np.ones(n_splits, dtype=np.int64)
        return _iterative_stratification(Z, is_pair, weights, rng=rng)

    def split(self, X, y=None, groups=None):
        """Generate indices to split data into training and test set.

        Parameters are validated, and the folds computed, when ``split`` is
        called, so invalid input fails here rather than at the first
        iteration.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None
            Training data; only its number of rows is used (None skips the
            length check).
        y : array-like or sparse matrix of shape (n_samples, n_labels) or \
            (n_samples,)
            Binary label indicator matrix, or 1-D binary/multiclass labels.
            A 2-D ``y`` may contain NaN for unknown entries; the known
            positives and the unknown entries of every label are balanced
            across folds. Required despite the None default (kept for API
            compatibility).
        groups : None
            Ignored, exists for API compatibility (a warning is emitted if
            it is not None).

        Yields
        ------
        train : ndarray of int
            Training set indices of the split, sorted.
        test : ndarray of int
            Test set indices of the split, sorted.
        """
        if groups is not None:
            warnings.warn(
                f"The groups parameter is ignored by {type(self).__name__}.",
                UserWarning,
                stacklevel=2,
            )
        fold_of = self._make_test_folds(X, y)
        return self._iter_from_folds(fold_of, self.n_splits)

    @staticmethod
    def _iter_from_folds(fold_of, n_splits):
        for j in range(n_splits):
            is_test = fold_of == j
            yield np.flatnonzero(~is_test), np.flatnonzero(is_test)


def _split_sizes(n_samples, test_size, train_size):
    """(n_train, n_test) following scikit-learn's train_test_split rules."""
    if test_size is None and train_size is None:
        test_size = 0.25
    sizes = {}
    for name, value in (("test_size", test_size), ("train_size", train_size)):
        if value is None:
            sizes[name] = None
        elif isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(
                f"{name} must be a float in (0, 1), an int or None; got {value!r}."
            )
        elif isinstance(value, numbers.Integral):
            if not 0 < value < n_samples:
                raise ValueError(
                    f"{name}={value} must be a positive int smaller than the "
                    f"number of samples {n_samples}, or a float in (0, 1)."
                )
            sizes[name] = int(value)
        else:
            if not 0 < value < 1:
                raise ValueError(
                    f"{name}={value} must be a float in the open interval "
                    "(0, 1), or a positive int smaller than the number of "
                    f"samples {n_samples}."
                )
            rounding = ceil if name == "test_size" else floor
            sizes[name] = int(rounding(value * n_samples))
    n_test, n_train = sizes["test_size"], sizes["train_size"]
    if n_train is None:
        n_train = n_samples - n_test
    elif n_test is None:
        n_test = n_samples - n_train
    if n_train + n_test > n_samples:
        raise ValueError(
            f"test_size={test_size} and train_size={train_size} ask for "
            f"{n_test} + {n_train} samples but only {n_samples} are available."
        )
    if n_train == 0 or n_test == 0:
        raise ValueError(
            f"With n_samples={n_samples}, test_size={test_size} and "
            f"train_size={train_size} the {'train' if n_train == 0 else 'test'}"
            " set would be empty; adjust these parameters."
        )
    return n_train, n_test


def multilabel_train_test_split(
    *arrays, test_size=None, train_size=None, random_state=None, shuffle=True, order=1
):
    """Split arrays into train and test subsets, stratified on multi-label y.

    A drop-in for :func:`sklearn.model_selection.train_test_split` where the
    **last** of ``arrays`` is the label matrix ``y`` used for stratification
    (iterative stratification, Sechidis et al., 2011): every label (or label
    pair, ``order=2``) gets about the same share of positives in the test set
    as the test set's share of samples.

    Parameters
    ----------
    *arrays : sequence of indexables with the same length / shape[0]
        Lists, numpy arrays, scipy sparse matrices or pandas objects. The
        last one is ``y``: a binary label indicator matrix (dense or sparse)
        or 1-D binary/multiclass labels. A 2-D ``y`` may contain NaN for
        unknown entries: the known positives and the unknown entries of
        every label are then both stratified, and the subsets of ``y``
        keep their NaN.
    test_size : float or int, default=None
        Fraction (in (0, 1)) or absolute number of test samples. If both
        sizes are None it is 0.25; if only ``train_size`` is given it is the
        complement.
    train_size : float or int, default=None
        Fraction or absolute number of training samples; the complement of
        the test set if None. Samples that are in neither set (when the two
        sizes sum to less than ``n_samples``) are left out, stratified too.
    random_state : int, RandomState instance or None, default=None
        Controls the random sample order and tie-breaking when
        ``shuffle=True``; must be None when ``shuffle=False``.
    shuffle : bool, default=True
        If False the split is deterministic (samples assigned in index
        order, ties to the test set; see :class:`IterativeStratifiedKFold`).
    order : {1, 2}, default=1
        Balance single labels (1) or also label pairs (2).

    Returns
    -------
    splitting : list of length 2 * len(arrays)
        ``[a_train, a_test, b_train, b_test, ...]``, each subset in the
        input's type and in the original sample order.

    Notes
    -----
    The algorithm is that of :class:`IterativeStratifiedKFold` with two
    folds of desired proportions ``n_test / n`` and ``n_train / n``. It
    balances the labels first, so the subsets it builds can miss the
    requested sizes by a few samples when most samples carry labels; the
    sizes are then made exact, as in ``train_test_split``, by moving one
    sample at a time from the larger to the smaller subset, each time the
    sample whose move least increases :math:`\\sum_{l,j} (c_j^l)^2`, the
    squared differences between desired and actual numbers of positives.

    References
    ----------
    .. [1] K. Sechidis, G. Tsoumakas and I. Vlahavas, "On the stratification
       of multi-label data", ECML PKDD 2011, LNCS 6913, pp. 145-158.
    .. [2] P. Szymański and T. Kajdanowicz, "A network perspective on
       stratification of multi-label data", PMLR 74, pp. 22-35, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.model_selection import multilabel_train_test_split
    >>> X = np.arange(16).reshape(8, 2)
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1],
    ...               [1, 1], [1, 1], [0, 0], [0, 0]])
    >>> X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
    ...     X, Y, test_size=0.5, random_state=0)
    >>> X_test.shape, Y_test.sum(axis=0)
    ((4, 2), array([2, 2]))
    """
    if len(arrays) == 0:
        raise ValueError(
            "At least one array is required; the last one is the label matrix y."
        )
    order = _check_order(order)
    rng = _check_shuffle(shuffle, random_state)
    Y, unknown = _labels_and_unknown(arrays[-1])
    n_samples = Y.shape[0]
    for i, array in enumerate(arrays[:-1]):
        n_i = _n_samples(array, f"arrays[{i}]")
        if n_i != n_samples:
            raise ValueError(
                f"arrays[{i}] has {n_i} samples but y (the last array) has "
                f"{n_samples}; all arrays must have the same number of rows."
            )
    n_train, n_test = _split_sizes(n_samples, test_size, train_size)
    sizes = np.array([n_test, n_train, n_samples - n_train - n_test])
    if sizes[2] == 0:
        sizes = sizes[:2]
    Z, is_pair = _stratification_matrix(Y, unknown, order)
    fold_of = _iterative_stratification(Z, is_pair, sizes, rng=rng)
    fold_of = _match_sizes(Z, fold_of, sizes, rng=rng)
    train = np.flatnonzero(fold_of == 1)
    test = np.flatnonzero(fold_of == 0)
    result = []
    for array in arrays:
        result.append(_safe_indexing(array, train))
        result.append(_safe_indexing(array, test))
    return result
