"""Tests for skmml.compose: MultiModalConcatenator and make_multimodal_input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmml.compose import MultiModalConcatenator, make_multimodal_input

pd = pytest.importorskip("pandas")

# 4 samples: modality "a" = columns 0-1, modality "b" = column 2.
X_SMALL = np.array(
    [
        [1.0, 2.0, 10.0],
        [3.0, 4.0, 20.0],
        [5.0, 6.0, 30.0],
        [7.0, 8.0, 40.0],
    ]
)


def _two_blocks(**kwargs):
    return MultiModalConcatenator(
        [("a", "passthrough", [0, 1]), ("b", "passthrough", [2])], **kwargs
    )


class RecordY(TransformerMixin, BaseEstimator):
    """Identity transformer that remembers the y it was fitted with."""

    def fit(self, X, y=None):
        self.y_seen_ = None if y is None else np.array(y, copy=True)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"rec{i}" for i in range(self.n_features_in_)], object)


def select_last_two(X):
    return [X.shape[1] - 2, X.shape[1] - 1]


# --------------------------------------------------------------------------
# concatenation, column specs, names
# --------------------------------------------------------------------------


def test_passthrough_concatenation_and_names():
    concat = _two_blocks()
    out = concat.fit_transform(X_SMALL)
    assert_array_equal(out, X_SMALL)
    assert concat.get_feature_names_out().tolist() == ["a__x0", "a__x1", "b__x2"]
    assert concat.block_weights_ == {"a": 1.0, "b": 1.0}
    assert concat.output_indices_ == {"a": slice(0, 2), "b": slice(2, 3)}
    assert concat.n_features_in_ == 3
    assert concat.named_transformers_["a"] == "passthrough"


def test_modality_order_defines_output_order():
    concat = MultiModalConcatenator(
        [("b", "passthrough", [2]), ("a", "passthrough", [0, 1])]
    )
    assert_array_equal(concat.fit_transform(X_SMALL), X_SMALL[:, [2, 0, 1]])
    assert concat.get_feature_names_out().tolist() == ["b__x2", "a__x0", "a__x1"]


@pytest.mark.parametrize(
    "columns",
    [
        [1, 2],
        slice(1, 3),
        np.array([False, True, True]),
        [-2, -1],
        select_last_two,
    ],
    ids=["ints", "slice", "mask", "negative", "callable"],
)
def test_column_specs_on_arrays(columns):
    concat = MultiModalConcatenator([("m", "passthrough", columns)])
    assert_array_equal(concat.fit_transform(X_SMALL), X_SMALL[:, 1:])
    assert_array_equal(concat.transform(X_SMALL[:2]), X_SMALL[:2, 1:])


def test_full_slice_on_array():
    # slice(None) is not typed as integer by scikit-learn on arrays.
    concat = MultiModalConcatenator([("all", "passthrough", slice(None))])
    assert_array_equal(concat.fit_transform(X_SMALL), X_SMALL)


@pytest.mark.parametrize(
    "columns",
    [["f1", "f2"], slice("f1", "f2"), "f2", lambda X: ["f1", "f2"]],
    ids=["names", "name-slice", "scalar-name", "callable"],
)
def test_column_specs_on_frames(columns):
    df = pd.DataFrame(X_SMALL, columns=["f0", "f1", "f2"])
    concat = MultiModalConcatenator([("m", "passthrough", columns)])
    out = concat.fit_transform(df)
    expected = ["f2"] if columns == "f2" else ["f1", "f2"]
    assert_array_equal(out, df[expected].to_numpy())
    names = concat.get_feature_names_out().tolist()
    assert names == [f"m__{c}" for c in expected]
    assert_array_equal(concat.feature_names_in_, ["f0", "f1", "f2"])
    assert_array_equal(concat.transform(df.iloc[:2]), out[:2])


def test_scaler_on_frame_columns():
    df = pd.DataFrame(X_SMALL, columns=["f0", "f1", "f2"])
    concat = MultiModalConcatenator([("m", StandardScaler(), ["f1", "f2"])])
    assert_allclose(
        concat.fit_transform(df), StandardScaler().fit_transform(X_SMALL[:, 1:])
    )


def test_transformer_feature_names_are_prefixed():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 5))
    concat = MultiModalConcatenator(
        [
            ("visual", PCA(n_components=2, random_state=0), slice(0, 4)),
            ("meta", "passthrough", [4]),
        ]
    )
    out = concat.fit_transform(X)
    assert concat.get_feature_names_out().tolist() == [
        "visual__pca0",
        "visual__pca1",
        "meta__x4",
    ]
    assert_allclose(
        out[:, :2], PCA(n_components=2, random_state=0).fit_transform(X[:, :4])
    )
    assert isinstance(concat.named_transformers_["visual"], PCA)


def test_columns_not_in_a_modality_are_dropped_by_default():
    concat = MultiModalConcatenator([("a", "passthrough", [0])])
    assert_array_equal(concat.fit_transform(X_SMALL), X_SMALL[:, [0]])


def test_remainder_passthrough_is_a_weighted_block():
    concat = MultiModalConcatenator(
        [("a", "passthrough", [0, 1])],
        remainder="passthrough",
        block_weighting={"remainder": 0.5},
    )
    out = concat.fit_transform(X_SMALL)
    assert_allclose(out[:, 2], 0.5 * X_SMALL[:, 2])
    assert concat.get_feature_names_out().tolist() == [
        "a__x0",
        "a__x1",
        "remainder__x2",
    ]
    assert concat.block_weights_ == {"a": 1.0, "remainder": 0.5}


def test_drop_modality():
    concat = MultiModalConcatenator(
        [("a", "drop", [0, 1]), ("b", "passthrough", [2])], missing="impute"
    )
    out = concat.fit_transform(X_SMALL)
    assert_array_equal(out, np.c_[X_SMALL[:, 2], np.zeros(4)])
    assert concat.get_feature_names_out().tolist() == ["b__x2", "b__missing"]
    assert concat.named_transformers_["a"] == "drop"
    assert list(concat.block_weights_) == ["b"]


# --------------------------------------------------------------------------
# y is routed to the modality transformers
# --------------------------------------------------------------------------


def test_multilabel_y_reaches_each_modality():
    Y = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]])
    concat = MultiModalConcatenator([("a", RecordY(), [0, 1]), ("b", RecordY(), [2])])
    concat.fit(X_SMALL, Y)
    for name in ("a", "b"):
        assert_array_equal(concat.named_transformers_[name].y_seen_, Y)
    assert concat.get_feature_names_out().tolist() == ["a__rec0", "a__rec1", "b__rec0"]


def test_user_transformer_is_cloned_not_fitted():
    rec = RecordY()
    MultiModalConcatenator([("a", rec, [0])]).fit(X_SMALL, [0, 1, 0, 1])
    assert not hasattr(rec, "y_seen_")


def test_supervised_selection_per_modality():
    # Column 1 separates the classes perfectly, column 0 is noise.
    X = np.array([[0.3, 0.0, 5.0], [0.1, 0.1, 6.0], [0.2, 1.0, 5.0], [0.4, 1.1, 6.0]])
    y = np.array([0, 0, 1, 1])
    concat = MultiModalConcatenator(
        [("sel", SelectKBest(f_classif, k=1), [0, 1]), ("rest", "passthrough", [2])]
    )
    out = concat.fit_transform(X, y)
    assert_array_equal(out, X[:, [1, 2]])
    assert concat.get_feature_names_out().tolist() == ["sel__x1", "rest__x2"]


# --------------------------------------------------------------------------
# block weighting
# --------------------------------------------------------------------------


def test_sqrt_dim_weighting():
    concat = _two_blocks(block_weighting="sqrt_dim")
    out = concat.fit_transform(X_SMALL)
    assert_allclose(out[:, :2], X_SMALL[:, :2] / np.sqrt(2))
    assert_allclose(out[:, 2], X_SMALL[:, 2])
    assert concat.block_weights_ == pytest.approx({"a": 1 / np.sqrt(2), "b": 1.0})


def test_unit_variance_weighting_hand_computed():
    # Block a: two columns each with population variance 5 -> total 10.
    # Block b: variance 125.
    concat = _two_blocks(block_weighting="unit_variance")
    out = concat.fit_transform(X_SMALL)
    assert concat.block_weights_ == pytest.approx(
        {"a": 1 / np.sqrt(10.0), "b": 1 / np.sqrt(125.0)}
    )
    assert_allclose(out[:, :2].var(axis=0).sum(), 1.0)
    assert_allclose(out[:, 2].var(), 1.0)
    # transform applies the weights learned in fit, not new ones
    assert_allclose(concat.transform(X_SMALL[:1]), out[:1])


def test_unit_variance_ignores_nan_and_keeps_constant_block():
    X = np.array([[1.0, 2.0, 7.0], [3.0, np.nan, 7.0], [5.0, 6.0, 7.0]])
    concat = _two_blocks(block_weighting="unit_variance")
    concat.fit(X)
    # var([1, 3, 5]) = 8/3, var([2, 6]) = 4  -> total 20/3; block b constant.
    assert concat.block_weights_["a"] == pytest.approx(1 / np.sqrt(20 / 3))
    assert concat.block_weights_["b"] == 1.0


def test_unit_variance_applies_to_transformer_output():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(20, 6)) * np.array([1, 2, 3, 4, 5, 0.1])
    concat = MultiModalConcatenator(
        [
            ("wide", PCA(n_components=3, random_state=0), slice(0, 5)),
            ("narrow", "passthrough", [5]),
        ],
        block_weighting="unit_variance",
    )
    out = concat.fit_transform(X)
    assert_allclose(out[:, :3].var(axis=0).sum(), 1.0)
    assert_allclose(out[:, 3].var(), 1.0)


def test_dict_weighting_defaults_to_one():
    concat = _two_blocks(block_weighting={"b": 0.1})
    out = concat.fit_transform(X_SMALL)
    assert_allclose(out, X_SMALL * np.array([1.0, 1.0, 0.1]))


def test_float32_blocks_stay_float32():
    X = X_SMALL.astype(np.float32)
    X[0, :2] = np.nan
    out = _two_blocks(block_weighting="sqrt_dim", missing="impute").fit_transform(X)
    assert out.dtype == np.float32
    assert_allclose(out[0], [5 / np.sqrt(2), 6 / np.sqrt(2), 1, 10, 0], rtol=1e-6)


def test_missing_indicator_is_not_weighted():
    X = X_SMALL.copy()
    X[1, :2] = np.nan
    concat = _two_blocks(block_weighting={"a": 2.0}, missing="impute")
    out = concat.fit_transform(X)
    assert_array_equal(out[:, 2], [0, 1, 0, 0])


# --------------------------------------------------------------------------
# missing modalities
# --------------------------------------------------------------------------


def _with_missing_rows():
    X = X_SMALL.copy()
    X[[1, 3], 0:2] = np.nan  # modality a missing in two rows
    return X


def test_missing_error_in_fit_names_modality_and_rows():
    with pytest.raises(ValueError, match=r"Modality 'a' is entirely missing .* 2 of 4"):
        _two_blocks().fit(_with_missing_rows())


def test_missing_error_in_transform():
    concat = _two_blocks().fit(X_SMALL)
    X = X_SMALL[:3].copy()
    X[2, 2] = np.nan  # one-column modality b: any NaN is a missing block
    with pytest.raises(ValueError, match=r"Modality 'b' is entirely missing .* 1 of 3"):
        concat.transform(X)


def test_missing_impute_fit_and_transform():
    X = _with_missing_rows()
    concat = _two_blocks(missing="impute")
    out = concat.fit_transform(X)
    # means of the observed rows 0 and 2 of block a: (1 + 5) / 2, (2 + 6) / 2
    expected = np.array(
        [
            [1.0, 2.0, 0.0, 10.0, 0.0],
            [3.0, 4.0, 1.0, 20.0, 0.0],
            [5.0, 6.0, 0.0, 30.0, 0.0],
            [3.0, 4.0, 1.0, 40.0, 0.0],
        ]
    )
    assert_allclose(out, expected)
    assert concat.get_feature_names_out().tolist() == [
        "a__x0",
        "a__x1",
        "a__missing",
        "b__x2",
        "b__missing",
    ]
    # transform reuses the means learned in fit (not those of the new batch)
    new = np.array([[np.nan, np.nan, np.nan], [100.0, 200.0, 5.0]])
    assert_allclose(
        concat.transform(new),
        [[3.0, 4.0, 1.0, 25.0, 1.0], [100.0, 200.0, 0.0, 5.0, 0.0]],
    )
    assert not np.isnan(X[0]).any() and np.isnan(X[1, 0])  # input untouched


def test_partially_missing_rows_are_passed_on():
    X = X_SMALL.copy()
    X[2, 1] = np.nan
    for missing in ("error", "impute"):
        out = _two_blocks(missing=missing).fit_transform(X)
        assert np.isnan(out[2, 1])
        assert np.isfinite(np.delete(out, 1, axis=1)).all()


def test_partially_missing_rows_reach_the_transformer():
    X = X_SMALL.copy()
    X[2, 1] = np.nan
    concat = MultiModalConcatenator([("a", PCA(n_components=1), [0, 1])])
    with pytest.raises(ValueError, match="NaN"):
        concat.fit(X)


def test_missing_impute_on_dataframe_and_pandas_output():
    df = pd.DataFrame(_with_missing_rows(), columns=["p", "q", "r"], index=[5, 6, 7, 8])
    concat = MultiModalConcatenator(
        [("a", "passthrough", ["p", "q"]), ("b", "passthrough", ["r"])],
        missing="impute",
    ).set_output(transform="pandas")
    out = concat.fit_transform(df)
    assert out.columns.tolist() == ["a__p", "a__q", "a__missing", "b__r", "b__missing"]
    assert out.index.tolist() == [5, 6, 7, 8]
    assert out["a__p"].tolist() == [1.0, 3.0, 5.0, 3.0]
    assert out["a__missing"].tolist() == [0.0, 1.0, 0.0, 1.0]


def test_missing_impute_on_sparse_input():
    X = sp.csr_matrix(_with_missing_rows())
    concat = _two_blocks(missing="impute", sparse_threshold=1.0)
    out = concat.fit_transform(X)
    assert sp.issparse(out)
    dense = out.toarray()
    assert_allclose(dense[:, :3], [[1, 2, 0], [3, 4, 1], [5, 6, 0], [3, 4, 1]])


def test_unit_variance_same_on_sparse_and_dense():
    X = X_SMALL.copy()
    X[2, 1] = np.nan
    X[0, 0] = 0.0
    dense = _two_blocks(block_weighting="unit_variance").fit(X)
    sparse = _two_blocks(block_weighting="unit_variance").fit(sp.csr_matrix(X))
    assert sparse.block_weights_ == pytest.approx(dense.block_weights_)
    # var([0, 3, 5, 7]) = 6.6875, var([2, 4, 8]) = 56/9
    assert dense.block_weights_["a"] == pytest.approx(1 / np.sqrt(6.6875 + 56 / 9))


def test_missing_text_modality_imputed_with_most_frequent():
    from sklearn.feature_extraction.text import CountVectorizer

    df = pd.DataFrame(
        {"text": ["cat dog", "dog cow", None, "cat dog"], "num": [1.0, 2, 3, 4]}
    )
    concat = MultiModalConcatenator(
        [("text", CountVectorizer(), "text"), ("num", "passthrough", ["num"])],
        missing="impute",
    )
    out = concat.fit_transform(df)
    assert concat.get_feature_names_out().tolist() == [
        "text__cat",
        "text__cow",
        "text__dog",
        "text__missing",
        "num__num",
        "num__missing",
    ]
    assert_array_equal(out[2, :4], [1, 0, 1, 1])  # "cat dog" is most frequent
    with pytest.raises(ValueError, match="Modality 'text' is entirely missing"):
        MultiModalConcatenator([("text", CountVectorizer(), "text")]).fit(df)


def test_infinity_is_rejected():
    X = X_SMALL.copy()
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="Modality 'a' contains infinity"):
        _two_blocks().fit(X)


def test_missing_feature_name_clash():
    df = pd.DataFrame(X_SMALL, columns=["missing", "q", "r"])
    concat = MultiModalConcatenator(
        [("a", "passthrough", ["missing", "q"])], missing="impute"
    ).fit(df)
    with pytest.raises(ValueError, match="already has a feature named 'missing'"):
        concat.get_feature_names_out()


# --------------------------------------------------------------------------
# validation of the spec and parameters
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "modalities, match",
    [
        ([], "modalities is empty"),
        ("abc", "'modalities' parameter .* must be an instance of 'list'"),
        ([("a", "passthrough")], r"modalities\[0\] must be a"),
        ([("a", "passthrough", [0]), ("a", "passthrough", [1])], "'a' is used more"),
        ([("a__b", "passthrough", [0])], r"modalities\[0\].*'a__b'.*without '__'"),
        ([("", "passthrough", [0])], "non-empty string"),
        ([("missing", "passthrough", [0])], "'missing' is reserved"),
        ([("a", "scale", [0])], "Modality 'a': the transformer must be"),
        ([("a", StandardScaler, [0])], "Modality 'a': the transformer must be"),
        ([("a", "passthrough", [0]), ("b", "passthrough", [5])], "Modality 'b'.*3 col"),
        ([("a", "passthrough", ["f0"])], "Modality 'a'.*need a DataFrame"),
        ([("a", "passthrough", [])], "Modality 'a' selects no column"),
        ([("a", "passthrough", lambda X: [7])], "Modality 'a'"),
    ],
)
def test_bad_spec_raises_naming_the_modality(modalities, match):
    with pytest.raises(ValueError, match=match):
        MultiModalConcatenator(modalities).fit(X_SMALL)


def test_unknown_column_name_in_frame():
    df = pd.DataFrame(X_SMALL, columns=["f0", "f1", "f2"])
    concat = MultiModalConcatenator(
        [("ok", "passthrough", ["f0"]), ("bad", "passthrough", ["f0", "nope"])]
    )
    with pytest.raises(ValueError, match="Modality 'bad'.*nope"):
        concat.fit(df)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"block_weighting": "l2"}, "'block_weighting' parameter"),
        ({"block_weighting": {"c": 1.0}}, "'c', which is not a modality"),
        ({"block_weighting": {"a": -1.0}}, r"block_weighting\['a'\] must be"),
        ({"block_weighting": {"remainder": 1.0}}, "'remainder', which is not"),
        ({"missing": "drop"}, "'missing' parameter"),
        ({"remainder": "keep"}, "'remainder' parameter"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        _two_blocks(**params).fit(X_SMALL)


def test_transform_checks_fit_and_n_features():
    with pytest.raises(NotFittedError):
        _two_blocks().transform(X_SMALL)
    concat = _two_blocks().fit(X_SMALL)
    with pytest.raises(ValueError, match="3 features"):
        concat.transform(X_SMALL[:, :2])


# --------------------------------------------------------------------------
# ecosystem: params, clone, pickle, Pipeline, GridSearchCV
# --------------------------------------------------------------------------


def _visual_audio(n=40, seed=0):
    rng = np.random.RandomState(seed)
    visual = rng.normal(size=(n, 6))
    audio = rng.normal(size=(n, 2))
    y = (visual[:, 0] + audio[:, 0] > 0).astype(int)
    return visual, audio, y


def test_nested_params_and_set_params():
    spec = [("visual", PCA(n_components=2), [0, 1]), ("audio", "passthrough", [2])]
    concat = MultiModalConcatenator(spec)
    params = concat.get_params(deep=True)
    assert params["visual__n_components"] == 2
    assert params["audio"] == "passthrough"
    assert "visual" in params and "modalities" in params
    concat.set_params(visual__n_components=1, audio=StandardScaler())
    assert concat.modalities[0][1].n_components == 1
    assert isinstance(concat.modalities[1][1], StandardScaler)
    assert concat.modalities[1][2] == [2]
    assert spec[1][1] == "passthrough"  # the user's list is not mutated
    assert "modalities" in concat.get_params(deep=False)
    assert "visual__n_components" not in concat.get_params(deep=False)


def test_clone_and_pickle_round_trip():
    concat = _two_blocks(block_weighting="unit_variance", missing="impute")
    cloned = clone(concat)
    assert cloned.get_params(deep=False)["block_weighting"] == "unit_variance"
    X = _with_missing_rows()
    fitted = cloned.fit(X)
    restored = pickle.loads(pickle.dumps(fitted))
    assert_allclose(restored.transform(X), fitted.transform(X))
    assert restored.block_weights_ == fitted.block_weights_


def test_pipeline_with_pandas_output_keeps_modality_names():
    visual, audio, y = _visual_audio()
    X, spec = make_multimodal_input({"visual": visual, "audio": audio}, as_frame=True)
    spec[0] = ("visual", PCA(n_components=2, random_state=0), spec[0][2])
    pipe = Pipeline(
        [
            ("concat", MultiModalConcatenator(spec, block_weighting="unit_variance")),
            ("clf", LogisticRegression()),
        ]
    ).set_output(transform="pandas")
    pipe.fit(X, y)
    assert pipe["clf"].feature_names_in_.tolist() == [
        "visual__pca0",
        "visual__pca1",
        "audio__0",
        "audio__1",
    ]
    assert pipe.score(X, y) > 0.8


def test_grid_search_over_modality_parameter():
    visual, audio, y = _visual_audio()
    X, spec = make_multimodal_input({"visual": visual, "audio": audio}, as_frame=True)
    spec[0] = ("visual", PCA(n_components=1, random_state=0), spec[0][2])
    pipe = Pipeline(
        [
            ("concat", MultiModalConcatenator(spec).set_output(transform="pandas")),
            ("clf", LogisticRegression()),
        ]
    )
    search = GridSearchCV(
        pipe,
        {"concat__visual__n_components": [1, 3]},
        cv=KFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    best_k = search.best_params_["concat__visual__n_components"]
    assert search.best_estimator_["concat"].modalities[0][1].n_components == best_k
    names = search.best_estimator_["clf"].feature_names_in_.tolist()
    assert names[:best_k] == [f"visual__pca{i}" for i in range(best_k)]
    assert len(names) == best_k + 2


# --------------------------------------------------------------------------
# make_multimodal_input
# --------------------------------------------------------------------------


def test_make_multimodal_input_array():
    blocks = {"a": np.ones((3, 2)), "b": np.arange(3).reshape(-1, 1)}
    X, spec = make_multimodal_input(blocks)
    assert_array_equal(X, np.c_[np.ones((3, 2)), np.arange(3)])
    assert spec == [
        ("a", "passthrough", slice(0, 2)),
        ("b", "passthrough", slice(2, 3)),
    ]
    out = MultiModalConcatenator(spec).fit_transform(X)
    assert_array_equal(out, X)


def test_make_multimodal_input_list_frame_and_frame_blocks():
    b = pd.DataFrame({"age": [30, 40], "sex": [0, 1]}, index=[10, 11])
    X, spec = make_multimodal_input(
        [("img", [[0.5], [0.25]]), ("meta", b)], as_frame=True
    )
    assert X.columns.tolist() == ["img__0", "meta__age", "meta__sex"]
    assert spec == [
        ("img", "passthrough", ["img__0"]),
        ("meta", "passthrough", ["meta__age", "meta__sex"]),
    ]
    assert X["meta__age"].tolist() == [30, 40]
    concat = MultiModalConcatenator(spec).fit(X)
    # names already prefixed by their modality are not prefixed twice
    assert concat.get_feature_names_out().tolist() == [
        "img__0",
        "meta__age",
        "meta__sex",
    ]


def test_make_multimodal_input_sparse():
    X, spec = make_multimodal_input(
        {"a": sp.eye(3, format="csr"), "b": np.ones((3, 1))}
    )
    assert sp.issparse(X) and X.shape == (3, 4)
    assert_array_equal(X.toarray(), np.c_[np.eye(3), np.ones(3)])


@pytest.mark.parametrize(
    "blocks, kwargs, match",
    [
        ({"a": np.ones((3, 2)), "b": np.ones((4, 1))}, {}, "'b' has 4 row.*'a' has 3"),
        ({"a": np.ones(3)}, {}, "'a' must be a 2-D array"),
        ({}, {}, "blocks is empty"),
        ([("a", np.ones((2, 1))), ("a", np.ones((2, 1)))], {}, "'a' is used twice"),
        ({"a__b": np.ones((2, 1))}, {}, "without '__'"),
        ({"a": np.ones((2, 0))}, {}, "'a' has no column"),
        ([np.ones((2, 1))], {}, r"blocks\[0\] must be a \(name, array\)"),
        (np.ones((2, 2)), {}, "blocks must be a dict"),
        ({"a": sp.eye(2)}, {"as_frame": True}, "'a' is sparse"),
        (
            {"a": pd.DataFrame({"x": [1, 2], "a__x": [3, 4]})},
            {"as_frame": True},
            "duplicate column name",
        ),
    ],
)
def test_make_multimodal_input_errors(blocks, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_multimodal_input(blocks, **kwargs)


# --------------------------------------------------------------------------
# ground floor: layout, declarative validation, routing, extreme inputs
# --------------------------------------------------------------------------


def test_modality_layout_of_the_output():
    from skmml.utils import ModalityLayout, resolve_modalities

    X = X_SMALL.copy()
    X[1, :2] = np.nan
    concat = _two_blocks(missing="impute").fit(X)
    layout = concat.modality_layout_
    assert isinstance(layout, ModalityLayout)
    assert layout.names == ("a", "b")
    assert layout["a"].tolist() == [0, 1, 2] and layout["b"].tolist() == [3, 4]
    # the layout read back from the output names is the same one
    names = concat.get_feature_names_out()
    assert resolve_modalities("auto", n_features=5, feature_names=names) == layout


@pytest.mark.parametrize(
    "params, name",
    [
        ({"sparse_threshold": 2.0}, "sparse_threshold"),
        ({"sparse_threshold": "x"}, "sparse_threshold"),
        ({"n_jobs": "x"}, "n_jobs"),
        ({"block_weighting": 3}, "block_weighting"),
        ({"missing": object()}, "missing"),
    ],
)
def test_hyperparameters_are_validated_by_name(params, name):
    from skmml.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        _two_blocks(**params).fit(X_SMALL)


@pytest.mark.parametrize("scale", [1e200, 1e300])
@pytest.mark.parametrize("sparse", [False, True])
def test_unit_variance_on_huge_finite_values(scale, sparse):
    # Squaring 1e200 overflows: the weight was 1 (and NaN on sparse data).
    reference = _two_blocks(block_weighting="unit_variance").fit(X_SMALL)
    X = X_SMALL * scale
    concat = _two_blocks(block_weighting="unit_variance", sparse_threshold=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = concat.fit_transform(sp.csr_matrix(X) if sparse else X)
    out = out.toarray() if sp.issparse(out) else out
    assert np.isfinite(out).all()
    for name, weight in reference.block_weights_.items():
        assert concat.block_weights_[name] == pytest.approx(weight / scale)
    assert_allclose(out, reference.transform(X_SMALL))


def test_pandas_nullable_columns_follow_the_missing_policy():
    df = pd.DataFrame(
        {
            "p": pd.array([1.0, None, 3.0, 4.0], dtype="Float64"),
            "q": pd.array([1.0, 2.0, 3.0, 5.0], dtype="Float64"),
            "r": pd.array([1, 2, None, 4], dtype="Int64"),
        }
    )
    spec = [("a", "passthrough", ["p", "q"]), ("b", "passthrough", ["r"])]
    with pytest.raises(ValueError, match="Modality 'b' is entirely missing"):
        MultiModalConcatenator(spec).fit(df)
    out = MultiModalConcatenator(
        spec, missing="impute", block_weighting="unit_variance"
    ).fit_transform(df)
    # was an object array holding pd.NA, and weighting raised
    assert out.dtype == np.float64
    assert np.isnan(out[1, 0]) and np.isfinite(np.delete(out, 0, axis=1)).all()
    assert out[2, 4] == 1.0  # the missing indicator of "b"


def test_polars_input():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(
        {"p": [1.0, 3.0, 5.0, 7.0], "q": [2.0, 4, 6, 8], "r": [10.0, 20, 30, 40]}
    )
    concat = MultiModalConcatenator(
        [("a", StandardScaler(), ["p", "q"]), ("b", "passthrough", ["r"])],
        block_weighting="sqrt_dim",
    )
    out = concat.fit_transform(df)
    expected = _two_blocks(block_weighting="sqrt_dim")
    expected.set_params(a=StandardScaler())
    assert_allclose(out, expected.fit_transform(X_SMALL))
    assert concat.get_feature_names_out().tolist() == ["a__p", "a__q", "b__r"]
    assert_allclose(concat.transform(df[:2]), out[:2])
    polars_out = concat.set_output(transform="polars").fit_transform(df)
    assert polars_out.columns == ["a__p", "a__q", "b__r"]


class WeightRecorder(TransformerMixin, BaseEstimator):
    """Identity transformer remembering the sample_weight of fit."""

    def fit(self, X, y=None, sample_weight=None):
        self.sample_weight_ = sample_weight
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features, dtype=object)


@pytest.fixture
def routing_enabled():
    from sklearn import config_context

    with config_context(enable_metadata_routing=True):
        yield


@pytest.mark.usefixtures("routing_enabled")
def test_metadata_routing_per_modality():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    concat = MultiModalConcatenator(
        [
            ("a", WeightRecorder().set_fit_request(sample_weight=True), [0, 1]),
            ("b", WeightRecorder().set_fit_request(sample_weight=False), [2]),
        ]
    )
    concat.fit(X_SMALL, sample_weight=w)
    assert_array_equal(concat.named_transformers_["a"].sample_weight_, w)
    assert concat.named_transformers_["b"].sample_weight_ is None
    routing = concat.get_metadata_routing()
    assert routing.consumes("fit", ["sample_weight"]) == {"sample_weight"}


@pytest.mark.usefixtures("routing_enabled")
def test_metadata_routing_unrequested_weight_is_an_error():
    concat = MultiModalConcatenator([("a", WeightRecorder(), [0, 1])])
    with pytest.raises(ValueError, match="sample_weight"):
        concat.fit(X_SMALL, sample_weight=np.ones(4))


@pytest.mark.usefixtures("routing_enabled")
def test_metadata_routing_in_pipeline_and_grid_search():
    visual, audio, y = _visual_audio()
    X = np.c_[visual, audio]
    w = np.linspace(0.5, 2.0, len(y))
    concat = MultiModalConcatenator(
        [
            (
                "visual",
                WeightRecorder().set_fit_request(sample_weight=True),
                slice(0, 6),
            ),
            ("audio", WeightRecorder().set_fit_request(sample_weight=False), [6, 7]),
        ]
    )
    clf = (
        LogisticRegression()
        .set_fit_request(sample_weight=False)
        .set_score_request(sample_weight=True)
    )
    pipe = Pipeline([("concat", concat), ("clf", clf)]).fit(X, y, sample_weight=w)
    assert_array_equal(pipe["concat"].named_transformers_["visual"].sample_weight_, w)
    assert pipe["concat"].named_transformers_["audio"].sample_weight_ is None
    search = GridSearchCV(
        pipe, {"clf__C": [0.1, 1.0]}, cv=KFold(2, shuffle=True, random_state=0)
    ).fit(X, y, sample_weight=w)
    fitted = search.best_estimator_["concat"].named_transformers_
    assert_array_equal(fitted["visual"].sample_weight_, w)
    assert fitted["audio"].sample_weight_ is None


def test_fit_params_need_routing():
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        _two_blocks().fit(X_SMALL, sample_weight=np.ones(4))


def test_make_multimodal_input_polars_block_and_names():
    pl = pytest.importorskip("polars")
    block = pl.DataFrame({"age": [30, 40], "sex": [0, 1]})
    X, spec = make_multimodal_input(
        [("img", np.ones((2, 1))), ("meta", block)], as_frame=True
    )
    assert X.columns.tolist() == ["img__0", "meta__age", "meta__sex"]
    assert spec[1] == ("meta", "passthrough", ["meta__age", "meta__sex"])
    with pytest.raises(ValueError, match="blocks: modality name 'a__b'"):
        make_multimodal_input({"a__b": np.ones((2, 1))})


# --------------------------------------------------------------------------
# partially labelled y (NaN = unknown)
# --------------------------------------------------------------------------


def test_partial_y_is_only_routed():
    # y is not read by the concatenator: NaN entries reach the transformers
    # unchanged and the output equals the unsupervised one
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 4))
    Y = rng.randint(2, size=(12, 3)).astype(float)
    Y[[0, 5], 1] = np.nan
    concat = MultiModalConcatenator(
        [("a", RecordY(), [0, 1]), ("b", StandardScaler(), [2, 3])],
        block_weighting="unit_variance",
    )
    out = concat.fit_transform(X, Y)
    assert_array_equal(concat.named_transformers_["a"].y_seen_, Y)
    assert_allclose(out, clone(concat).fit_transform(X))
    for y in (pd.DataFrame(Y).astype("Int64"), sp.csr_matrix(np.where(Y == 0, 0, Y))):
        assert_allclose(clone(concat).fit(X, y).transform(X), out)
    # a supervised transformer decides for itself (scikit-learn rejects NaN)
    selecting = MultiModalConcatenator([("a", SelectKBest(f_classif, k=1), [0, 1])])
    with pytest.raises(ValueError, match="NaN"):
        selecting.fit(X, Y[:, 1])
