"""A toy classifier shared by the inspection tests."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


class SignOf(ClassifierMixin, BaseEstimator):
    """Label j is the sign of column ``columns[j]``; records what it sees."""

    def __init__(self, columns=(0, 2)):
        self.columns = columns

    def fit(self, X, Y):
        self.n_features_in_ = np.asarray(X).shape[1]
        self.seen_ = []
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        self.seen_.append(X.copy())
        return (np.nan_to_num(X[:, list(self.columns)], nan=-1.0) > 0).astype(int)
