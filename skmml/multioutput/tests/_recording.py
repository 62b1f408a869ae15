"""A classifier that records what it was fitted on (shared by the tests)."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression that keeps copies of its fit inputs."""

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y, sample_weight=None):
        X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
        self.X_fit_ = X.copy()
        self.y_fit_ = np.asarray(y).copy()
        self.sample_weight_ = (
            None if sample_weight is None else np.asarray(sample_weight).copy()
        )
        self.model_ = LogisticRegression(C=self.C).fit(
            X, y, sample_weight=sample_weight
        )
        self.classes_ = self.model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def _dense(self, X):
        check_is_fitted(self)
        return X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)

    def predict(self, X):
        return self.model_.predict(self._dense(X))

    def predict_proba(self, X):
        return self.model_.predict_proba(self._dense(X))

    def decision_function(self, X):
        return self.model_.decision_function(self._dense(X))
