"""A tiny classifier that accepts partially labelled targets, for the tests."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from skmml.utils import check_multilabel_indicator, observed_mask
from skmml.utils._tags import with_unknown_labels


class MaskedLogistic(ClassifierMixin, BaseEstimator):
    """One logistic regression per label on its known rows (accepts NaN in Y)."""

    def fit(self, X, Y):
        X = np.asarray(X, dtype=np.float64)
        Y = check_multilabel_indicator(Y, allow_unknown=True, dtype=np.float64)
        known = observed_mask(Y)
        self.n_unknown_ = int((~known).sum())
        self.estimators_ = [
            LogisticRegression().fit(X[known[:, j]], Y[known[:, j], j])
            for j in range(Y.shape[1])
        ]
        self.classes_ = np.arange(Y.shape[1])
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        return np.column_stack([e.predict_proba(X)[:, 1] for e in self.estimators_])

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(np.int64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return with_unknown_labels(tags)
