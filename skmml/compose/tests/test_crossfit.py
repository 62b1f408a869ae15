import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    LeaveOneOut,
    ShuffleSplit,
    StratifiedKFold,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from skmml.compose import CrossFitTransformer, MultiModalConcatenator
from skmml.model_selection import IterativeStratifiedKFold
from skmml.utils._param_validation import InvalidParameterError


class _TargetMean(TransformerMixin, BaseEstimator):
    """Toy supervised transformer: ``[x_0, mean of y over the training rows]``.

    The first column keeps the row identity (catches misplaced rows), the
    others are the (weighted) mean of each target column seen in ``fit``.
    """

    def fit(self, X, y, sample_weight=None):
        X = validate_data(self, X)
        if hasattr(y, "to_numpy"):  # pandas, pd.NA as NaN
            y = y.to_numpy(dtype=float, na_value=np.nan)
        Y = np.asarray(y, dtype=float).reshape(X.shape[0], -1)
        self.mean_ = np.average(Y, axis=0, weights=sample_weight)
        self.sample_weight_ = sample_weight
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return np.column_stack([X[:, 0], np.tile(self.mean_, (X.shape[0], 1))])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def get_feature_names_out(self, input_features=None):
        return np.asarray(
            ["x0"] + [f"mean{j}" for j in range(self.mean_.size)], dtype=object
        )


class _Proba(TransformerMixin, BaseEstimator):
    """Supervised transformer: the probabilities of a logistic regression."""

    def fit(self, X, y):
        self.clf_ = LogisticRegression().fit(X, y)
        return self

    def transform(self, X):
        return self.clf_.predict_proba(X)


class _Sparse(_TargetMean):
    def transform(self, X):
        return sp.csr_matrix(super().transform(X))


RNG = np.random.RandomState(0)
X = RNG.normal(size=(30, 4))
Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0.3, X[:, 2] > -0.2]).astype(int)


def _expected_oof(transformer, X, y, splits):
    """Out-of-fold rows computed by hand from the folds."""
    out = None
    for train, test in splits:
        Z = clone(transformer).fit(X[train], y[train]).transform(X[test])
        if out is None:
            out = np.empty((X.shape[0], Z.shape[1]))
        out[test] = Z
    return out


def test_hand_computed_out_of_fold_means():
    # z_i = phi^{(-k(i))}(x_i): folds {0,1}, {2,3}, {4,5}
    X_ = np.arange(6.0).reshape(-1, 1)
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    cf = CrossFitTransformer(_TargetMean(), cv=KFold(3))
    Z = cf.fit_transform(X_, y)
    assert_array_equal(Z[:, 0], X_[:, 0])
    assert_allclose(Z[:, 1], [4.5, 4.5, 3.5, 3.5, 2.5, 2.5])
    # new rows: the clone fitted on all rows (mean 3.5)
    assert_allclose(cf.transform(X_)[:, 1], 3.5)
    assert cf.n_splits_ == 3


def test_multilabel_default_uses_iterative_stratification():
    cf = CrossFitTransformer(_TargetMean(), cv=3)
    Z = cf.fit_transform(X, Y)
    splits = IterativeStratifiedKFold(3).split(X, Y)
    assert_allclose(Z, _expected_oof(_TargetMean(), X, Y, splits))


def test_binary_default_uses_stratified_kfold_and_classifier_features():
    y = Y[:, 0]
    cf = CrossFitTransformer(_Proba(), cv=3)
    Z = cf.fit_transform(X, y)
    splits = StratifiedKFold(3).split(X, y)
    assert_allclose(Z, _expected_oof(_Proba(), X, y, splits))
    # predict time: the clone fitted on all rows
    assert_allclose(cf.transform(X[:5]), _Proba().fit(X, y).transform(X[:5]))


def test_continuous_target_uses_kfold():
    y = X[:, 3] * 2.0
    Z = CrossFitTransformer(_TargetMean(), cv=4).fit_transform(X, y)
    assert_allclose(Z, _expected_oof(_TargetMean(), X, y, KFold(4).split(X)))


def test_partial_labels_are_split_iteratively():
    Y_nan = Y.astype(float)
    Y_nan[::4, 1] = np.nan
    Z = CrossFitTransformer(_TargetMean(), cv=3).fit_transform(X, Y_nan)
    splits = IterativeStratifiedKFold(3).split(X, Y_nan)
    assert_allclose(Z, _expected_oof(_TargetMean(), X, Y_nan, splits))


def test_random_state_shuffles_deterministically():
    cf = CrossFitTransformer(_TargetMean(), cv=3, random_state=0)
    Z0 = cf.fit_transform(X, Y)
    assert_allclose(clone(cf).fit_transform(X, Y), Z0)
    splits = IterativeStratifiedKFold(3, shuffle=True, random_state=0).split(X, Y)
    assert_allclose(Z0, _expected_oof(_TargetMean(), X, Y, splits))
    assert not np.allclose(cf.set_params(random_state=1).fit_transform(X, Y), Z0)


def test_transform_equals_full_fit_and_fit_does_not_cross_fit():
    cf = CrossFitTransformer(_TargetMean(), cv=3).fit(X, Y)
    full = _TargetMean().fit(X, Y)
    assert_allclose(cf.transform(X), full.transform(X))
    assert not hasattr(cf, "n_splits_")
    # fit_transform fits the same transformer_
    cf2 = CrossFitTransformer(_TargetMean(), cv=3)
    cf2.fit_transform(X, Y)
    assert_allclose(cf2.transformer_.mean_, full.mean_)


def test_passed_transformer_and_inputs_untouched():
    inner = _TargetMean()
    X_copy, Y_copy = X.copy(), Y.copy()
    CrossFitTransformer(inner, cv=3).fit_transform(X, Y)
    assert not hasattr(inner, "mean_")
    assert_array_equal(X, X_copy)
    assert_array_equal(Y, Y_copy)


def test_n_jobs_gives_the_same_result():
    Z1 = CrossFitTransformer(_TargetMean(), cv=3).fit_transform(X, Y)
    with parallel_config(backend="threading"):  # no process start-up in tests
        Z2 = CrossFitTransformer(_TargetMean(), cv=3, n_jobs=2).fit_transform(X, Y)
    assert_allclose(Z1, Z2)


def test_sparse_output_rows_in_place():
    Z = CrossFitTransformer(_Sparse(), cv=3).fit_transform(X, Y)
    assert sp.issparse(Z)
    dense = CrossFitTransformer(_TargetMean(), cv=3).fit_transform(X, Y)
    assert_allclose(Z.toarray(), dense)


def test_iterable_cv():
    splits = list(KFold(3).split(X))
    Z = CrossFitTransformer(_TargetMean(), cv=splits).fit_transform(X, Y)
    assert_allclose(Z, _expected_oof(_TargetMean(), X, Y, splits))


def test_inside_multimodal_concatenator():
    cf = CrossFitTransformer(_TargetMean(), cv=3)
    concat = MultiModalConcatenator(
        [("a", cf, [0, 1]), ("b", StandardScaler(), [2, 3])]
    )
    Z = concat.fit_transform(X, Y)
    expected = clone(cf).fit_transform(X[:, :2], Y)
    assert_allclose(Z[:, :4], expected)
    # predict time: the full fit
    full = _TargetMean().fit(X[:, :2], Y)
    assert_allclose(concat.transform(X)[:, :4], full.transform(X[:, :2]))
    assert concat.get_feature_names_out()[:2].tolist() == ["a__x0", "a__mean0"]
    # fit (not only fit_transform) cross-fits too: it calls fit_transform
    assert_allclose(
        clone(concat).fit(X, Y).named_transformers_["a"].transformer_.mean_,
        full.mean_,
    )


def test_in_pipeline_final_step_trains_on_out_of_fold_features():
    y = Y[:, 0]
    cf = CrossFitTransformer(_Proba(), cv=3)
    pipe = Pipeline([("cf", cf), ("clf", LogisticRegression())]).fit(X, y)
    Z = clone(cf).fit_transform(X, y)
    assert_allclose(pipe["clf"].coef_, LogisticRegression().fit(Z, y).coef_)
    assert_allclose(
        pipe.predict_proba(X),
        pipe["clf"].predict_proba(_Proba().fit(X, y).transform(X)),
    )


def test_clone_pickle_feature_names_and_pandas_output():
    pd = pytest.importorskip("pandas")
    cf = CrossFitTransformer(_TargetMean(), cv=3)
    assert clone(cf).get_params()["cv"] == 3
    df = pd.DataFrame(X, columns=["p", "q", "r", "s"])
    Z = cf.set_output(transform="pandas").fit_transform(df, Y)
    assert list(Z.columns) == ["x0", "mean0", "mean1", "mean2"]
    assert_array_equal(Z.index, df.index)
    assert_array_equal(cf.feature_names_in_, ["p", "q", "r", "s"])
    restored = pickle.loads(pickle.dumps(cf))
    assert_allclose(restored.transform(df).to_numpy(), cf.transform(df).to_numpy())


def test_sample_weight_without_routing_goes_to_the_folds():
    X_ = np.arange(6.0).reshape(-1, 1)
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    w = np.array([1.0, 1.0, 1.0, 1.0, 3.0, 1.0])
    cf = CrossFitTransformer(_TargetMean(), cv=KFold(3))
    Z = cf.fit_transform(X_, y, sample_weight=w)
    # fold 0 trains on rows 2..5: (3 + 4 + 15 + 6) / 6
    assert_allclose(Z[:2, 1], 28 / 6)
    assert_allclose(cf.transformer_.mean_, np.average(y, weights=w))


def test_metadata_routing_of_sample_weight_and_groups():
    w = RNG.uniform(0.5, 2.0, size=X.shape[0])
    groups = np.repeat(np.arange(6), 5)
    with config_context(enable_metadata_routing=True):
        inner = _TargetMean().set_fit_request(sample_weight=True)
        cf = CrossFitTransformer(inner, cv=GroupKFold(3))
        Z = cf.fit_transform(X, Y, sample_weight=w, groups=groups)
        for train, test in GroupKFold(3).split(X, Y, groups):
            assert np.unique(groups[test]).size == 2
            mean = np.average(Y[train], axis=0, weights=w[train])
            assert_allclose(Z[test, 1:], np.tile(mean, (test.size, 1)))
        assert_allclose(cf.transformer_.sample_weight_, w)
        # and through the concatenator
        concat = MultiModalConcatenator([("a", clone(cf), [0, 1])])
        Zc = concat.fit_transform(X, Y, sample_weight=w, groups=groups)
        expected = clone(cf).fit_transform(X[:, :2], Y, sample_weight=w, groups=groups)
        assert_allclose(Zc, expected)


@pytest.mark.parametrize(
    "cv, error, match",
    [
        (1, InvalidParameterError, "cv"),
        ("five", InvalidParameterError, "cv"),
        (40, ValueError, "at least 40 samples; got 30"),
        (ShuffleSplit(3, random_state=0), ValueError, "partition the samples"),
        ([(np.arange(15), np.arange(15, 30))], ValueError, "at least 2"),
    ],
)
def test_bad_cv(cv, error, match):
    with pytest.raises(error, match=match):
        CrossFitTransformer(_TargetMean(), cv=cv).fit_transform(X, Y)


def test_bad_transformer():
    with pytest.raises(InvalidParameterError, match="transformer"):
        CrossFitTransformer(LogisticRegression()).fit_transform(X, Y[:, 0])


def test_output_width_must_not_depend_on_the_rows():
    # categories absent from some training folds change the one-hot width
    X_ = np.array([[0], [0], [0], [1], [1], [2]])
    y = np.array([0, 1, 0, 1, 0, 1])
    cf = CrossFitTransformer(OneHotEncoder(handle_unknown="ignore"), cv=LeaveOneOut())
    with pytest.raises(ValueError, match="different widths"):
        cf.fit_transform(X_, y)


def test_tags_follow_the_transformer():
    from sklearn.utils import get_tags

    assert get_tags(CrossFitTransformer(_TargetMean())).target_tags.required
    assert not get_tags(CrossFitTransformer(StandardScaler())).target_tags.required
    assert get_tags(CrossFitTransformer(StandardScaler())).input_tags.allow_nan


def test_metadata_routing_with_an_int_cv_and_pandas_partial_labels():
    pd = pytest.importorskip("pandas")
    w = RNG.uniform(0.5, 2.0, size=X.shape[0])
    Y_frame = pd.DataFrame(Y).astype("Int64")
    Y_frame.iloc[::4, 1] = pd.NA
    Y_nan = Y_frame.to_numpy(dtype=float, na_value=np.nan)
    with config_context(enable_metadata_routing=True):
        inner = _TargetMean().set_fit_request(sample_weight=True)
        Z = CrossFitTransformer(inner, cv=3).fit_transform(X, Y_nan, sample_weight=w)
    splits = IterativeStratifiedKFold(3).split(X, Y_nan)
    for train, test in splits:
        mean = np.average(Y_nan[train], axis=0, weights=w[train])
        assert_allclose(Z[test, 1:], np.tile(mean, (test.size, 1)))
    # a frame with pd.NA gets the same folds
    assert_allclose(
        CrossFitTransformer(_TargetMean(), cv=3).fit_transform(X, Y_frame),
        CrossFitTransformer(_TargetMean(), cv=3).fit_transform(X, Y_nan),
    )


def test_refit_false_transforms_with_the_mean_of_the_fold_clones():
    X_ = np.arange(6.0).reshape(-1, 1)
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    cf = CrossFitTransformer(_TargetMean(), cv=KFold(3), refit=False)
    Z = cf.fit_transform(X_, y)
    assert_allclose(Z[:, 1], [4.5, 4.5, 3.5, 3.5, 2.5, 2.5])
    assert not hasattr(cf, "transformer_") and len(cf.transformers_) == 3
    # (4.5 + 3.5 + 2.5) / 3
    assert_allclose(cf.transform(X_[:2])[:, 1], 3.5)
    assert_allclose(cf.transformers_[0].mean_, 4.5)
    assert cf.get_feature_names_out().tolist() == ["x0", "mean0"]
    # fit alone fits the same clones
    assert_allclose(clone(cf).fit(X_, y).transform(X_), cf.transform(X_))


def test_pouyanfar_pipeline_takes_a_cross_fitted_encoder():
    pytest.importorskip("skorch")
    from skmml.neural import ResBiLSTMEncoder, make_pouyanfar_pipeline

    template = CrossFitTransformer(ResBiLSTMEncoder(hidden_size=4), cv=3)
    pipe = make_pouyanfar_pipeline({"a": [0, 1], "b": [2, 3]}, 7, encoder=template)
    blocks = pipe.steps[0][1].modalities
    for _, encoder, _ in blocks:
        assert isinstance(encoder, CrossFitTransformer)
        assert encoder is not template
        assert encoder.transformer.n_timesteps == 7
    assert template.transformer.n_timesteps != 7  # the template is not modified
