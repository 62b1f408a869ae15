"""Label scores of shape (n_samples, n_labels) from any multi-label estimator."""

import numpy as np
import scipy.sparse as sp

_RANKING_RESPONSE = ("decision_function", "predict_proba")


def _positive_proba(estimator, proba):
    """Turn a per-label list of ``predict_proba`` arrays into (n, n_labels).

    Multi-label forests and k-NN return one (n_samples, n_classes) array per
    label. The column of class 1 is located through ``classes_``: a label
    seen with a single class during fit has a single column, whose meaning
    depends on that class.
    """
    classes = getattr(estimator, "classes_", None)
    if not isinstance(classes, list | tuple) or len(classes) != len(proba):
        classes = [None] * len(proba)
    columns = []
    for j, (p, cls) in enumerate(zip(proba, classes, strict=True)):
        p = np.asarray(p)
        if p.ndim != 2:
            raise ValueError(
                f"predict_proba returned a list whose element {j} has shape "
                f"{p.shape}; expected (n_samples, n_classes) arrays."
            )
        if cls is None:
            if p.shape[1] != 2:
                raise ValueError(
                    f"predict_proba of label {j} has {p.shape[1]} column(s) "
                    "and the estimator exposes no per-label classes_ to "
                    "locate the positive class."
                )
            columns.append(p[:, 1])
            continue
        cls = np.asarray(cls)
        positive = np.flatnonzero(cls == 1)
        if positive.size == 1:
            columns.append(p[:, positive[0]])
        elif np.all(cls == 0):
            # label never positive in the training data
            columns.append(np.zeros(p.shape[0]))
        else:
            raise ValueError(
                f"Cannot find the positive class 1 of label {j} among its "
                f"classes {cls.tolist()}; a multi-label indicator target is "
                "expected."
            )
    return np.column_stack(columns)


def _ranking_response(estimator, X, response_method):
    """Scores of shape (n_samples, n_labels) from the first available method."""
    for name in response_method:
        method = getattr(estimator, name, None)
        if method is not None:
            break
    else:
        raise AttributeError(
            f"{type(estimator).__name__} has none of the methods "
            f"{list(response_method)} needed by a ranking scorer."
        )
    scores = method(X)
    if name == "predict_proba" and isinstance(scores, list | tuple):
        return _positive_proba(estimator, scores)
    if sp.issparse(scores):
        scores = scores.toarray()
    scores = np.asarray(scores)
    if scores.ndim == 1:
        # a single label: one score column
        scores = scores.reshape(-1, 1)
    return scores
