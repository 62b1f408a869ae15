"""MultiModalConcatenator(missing="passthrough"): missing modalities kept NaN."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils import get_tags

from skmml.compose import MultiModalConcatenator
from skmml.utils import accepts_missing_modalities


@pytest.fixture
def X():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(10, 5))
    X[[1, 4], :3] = np.nan  # modality "a" missing
    X[6, 3:] = np.nan  # modality "b" missing
    return X


def _concat(**kwargs):
    return MultiModalConcatenator(
        [("a", PCA(2, random_state=0), [0, 1, 2]), ("b", StandardScaler(), [3, 4])],
        missing="passthrough",
        **kwargs,
    )


def test_passthrough_keeps_missing_rows_nan(X):
    concat = _concat()
    Z = concat.fit_transform(X)
    assert Z.shape == (10, 4)
    np.testing.assert_array_equal(np.isnan(Z[:, :2]).all(1), np.isin(range(10), [1, 4]))
    assert np.isnan(Z[6, 2:]).all() and not np.isnan(Z[6, :2]).any()
    # each transformer is fitted on the rows where its modality is present
    present = np.setdiff1d(np.arange(10), [1, 4])
    pca = PCA(2, random_state=0).fit(X[present, :3])
    np.testing.assert_allclose(Z[present, :2], pca.transform(X[present, :3]))
    np.testing.assert_allclose(concat.named_transformers_["a"].mean_, pca.mean_)
    np.testing.assert_allclose(concat.transform(X), Z)
    # no indicator column
    assert concat.get_feature_names_out().tolist() == [
        "a__pca0",
        "a__pca1",
        "b__x3",
        "b__x4",
    ]
    # transform of rows all missing for a modality
    Z_missing = concat.transform(X[[1, 4]])
    assert np.isnan(Z_missing[:, :2]).all() and np.isfinite(Z_missing[:, 2:]).all()


def test_passthrough_weights_learned_on_present_rows(X):
    concat = _concat(block_weighting="unit_variance")
    Z = concat.fit_transform(X)
    for name, cols in concat.output_indices_.items():
        block = Z[:, cols]
        block = block[~np.isnan(block).any(1)]
        np.testing.assert_allclose(block.var(axis=0).sum(), 1.0, rtol=1e-10)
        assert name in concat.block_weights_


def test_passthrough_sparse_and_dataframe_outputs(X):
    pd = pytest.importorskip("pandas")
    codes = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], dtype=float)
    codes[3] = np.nan
    Xc = np.column_stack([codes, X[:, 3:]])
    concat = MultiModalConcatenator(
        [("code", OneHotEncoder(), [0]), ("b", "passthrough", [1, 2])],
        missing="passthrough",
        sparse_threshold=1.0,
    )
    Z = concat.fit_transform(Xc)
    assert sp.issparse(Z)
    dense = Z.toarray()
    assert (
        np.isnan(dense[3, :3]).all()
        and not np.isnan(dense[np.arange(10) != 3, :3]).any()
    )
    assert np.isnan(dense[6, 3:]).all()
    frame = _concat().set_output(transform="pandas").fit_transform(pd.DataFrame(X))
    assert frame.loc[1, ["a__pca0", "a__pca1"]].isna().all()


def test_passthrough_modality_missing_everywhere_is_an_error(X):
    X = X.copy()
    X[:, :3] = np.nan
    with pytest.raises(ValueError, match="'a' is entirely missing.*every row"):
        _concat().fit(X)


def test_error_policy_names_passthrough(X):
    concat = MultiModalConcatenator([("a", "passthrough", [0, 1, 2])])
    with pytest.raises(ValueError, match="missing='passthrough'"):
        concat.fit(X)


def test_missing_modality_tags():
    mods = [("a", "passthrough", [0])]
    for missing, accepts in [("error", False), ("impute", True), ("passthrough", True)]:
        concat = MultiModalConcatenator(mods, missing=missing)
        assert accepts_missing_modalities(concat) is accepts
        tags = get_tags(concat).input_tags
        assert tags.passes_missing_modalities is (missing == "passthrough")
        assert tags.allow_nan  # partly-NaN rows are passed on
    keep = MultiModalConcatenator(mods, missing="passthrough")
    assert not accepts_missing_modalities(make_pipeline(keep, LogisticRegression()))
    # a model without the tag after passthrough keeps a clear error
    with pytest.raises(ValueError, match="NaN"):
        make_pipeline(keep, LogisticRegression()).fit(
            np.array([[0.0], [np.nan], [1.0], [2.0]]), [0, 1, 0, 1]
        )
