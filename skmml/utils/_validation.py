"""Validation of multi-label indicator matrices."""

import numpy as np
import scipy.sparse as sp


def is_multilabel_indicator(Y):
    """Return True if ``Y`` is a 2-D matrix (dense or sparse) of 0/1 values.

    Parameters
    ----------
    Y : array-like or sparse matrix
        Candidate label matrix.

    Returns
    -------
    bool
        Whether ``Y`` is a binary indicator matrix with at least one column.

    Examples
    --------
    >>> from skmml.utils import is_multilabel_indicator
    >>> is_multilabel_indicator([[0, 1], [1, 1]])
    True
    >>> is_multilabel_indicator([0, 1, 1])
    False
    """
    try:
        check_multilabel_indicator(Y)
    except (ValueError, TypeError):
        return False
    return True


def check_multilabel_indicator(
    Y, *, name="Y", accept_sparse=True, dtype=np.int64, ensure_min_samples=1
):
    """Validate a multi-label indicator matrix and return a clean copy.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Label matrix; ``Y[i, j] == 1`` means sample ``i`` has label ``j``.
        Boolean and float matrices are accepted if every value is 0 or 1.
    name : str, default="Y"
        Name used in error messages (for instance ``"y_true"``).
    accept_sparse : bool, default=True
        If True a scipy sparse input is returned as CSR, otherwise it is
        converted to a dense array.
    dtype : dtype, default=np.int64
        Dtype of the returned matrix.
    ensure_min_samples : int, default=1
        Minimum number of rows.

    Returns
    -------
    Y : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_labels)
        The validated matrix, never a view on the input.

    Raises
    ------
    ValueError
        If ``Y`` is not 2-D, is empty, contains NaN/inf or values other than
        0 and 1.

    Examples
    --------
    >>> from skmml.utils import check_multilabel_indicator
    >>> check_multilabel_indicator([[0, 1.0], [1, 0]])
    array([[0, 1],
           [1, 0]])
    >>> check_multilabel_indicator([[0, 2]])
    Traceback (most recent call last):
    ...
    ValueError: Y must be a binary indicator matrix of 0/1 values; found value(s) [2].
    """
    if sp.issparse(Y):
        Y = sp.csr_matrix(Y)
        values = Y.data
    else:
        if hasattr(Y, "to_numpy"):
            Y = Y.to_numpy()
        try:
            Y = np.asarray(Y)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"{name} must be a 2-D binary indicator matrix; could not "
                f"convert it to an array ({exc})."
            ) from None
        values = Y
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D binary indicator matrix of shape "
            f"(n_samples, n_labels); got an array with {Y.ndim} dimension(s) "
            f"and shape {Y.shape}."
        )
    if Y.shape[0] < ensure_min_samples:
        raise ValueError(
            f"{name} has {Y.shape[0]} sample(s) (shape={Y.shape}) while a "
            f"minimum of {ensure_min_samples} is required."
        )
    if Y.shape[1] < 1:
        raise ValueError(f"{name} has no label columns (shape={Y.shape}).")
    values = np.asarray(values)
    if values.dtype == object or not (
        np.issubdtype(values.dtype, np.number) or values.dtype == bool
    ):
        raise ValueError(
            f"{name} must be a binary indicator matrix of 0/1 values; got "
            f"dtype {values.dtype}."
        )
    if values.dtype != bool:
        if np.issubdtype(values.dtype, np.floating) and not np.all(np.isfinite(values)):
            raise ValueError(
                f"{name} contains NaN or infinity; a binary indicator matrix "
                "of 0/1 values is required."
            )
        bad = (values != 0) & (values != 1)
        if np.any(bad):
            found = np.unique(values[bad])[:5].tolist()
            raise ValueError(
                f"{name} must be a binary indicator matrix of 0/1 values; "
                f"found value(s) {found}."
            )
    if sp.issparse(Y):
        Y = Y.astype(dtype)  # astype copies
        Y.eliminate_zeros()
        if not accept_sparse:
            Y = Y.toarray()
        return Y
    return np.array(Y, dtype=dtype, copy=True)
