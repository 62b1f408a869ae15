"""Tests for skmml.utils._modality: the one modality layout and its resolver."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skmml.utils import (
    ModalityLayout,
    check_modality_name,
    modality_feature_name,
    resolve_modalities,
    split_modality_feature_name,
)

NAMES = ["img__a", "img__b", "txt__c", "txt__d", "txt__e"]


def _as_lists(layout):
    return {name: cols.tolist() for name, cols in layout.items()}


# --------------------------------------------------------------------------
# the name convention
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "modality, feature, expected",
    [
        ("audio", "f0", "audio__f0"),
        ("audio", 3, "audio__3"),
        ("audio", "audio__f0", "audio__f0"),  # not prefixed twice
        ("audio", "video__f0", "audio__video__f0"),
    ],
)
def test_modality_feature_name(modality, feature, expected):
    assert modality_feature_name(modality, feature) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("audio__f0", ("audio", "f0")),
        ("audio__mfcc__3", ("audio", "mfcc__3")),
        ("age", (None, "age")),
        ("__x", (None, "__x")),
        (7, (None, "7")),
    ],
)
def test_split_modality_feature_name(name, expected):
    assert split_modality_feature_name(name) == expected


@pytest.mark.parametrize("feature", ["f0", "a__b", "x"])
def test_write_then_split_round_trips(feature):
    assert split_modality_feature_name(modality_feature_name("m", feature)) == (
        "m",
        feature,
    )


@pytest.mark.parametrize("name", ["a__b", "", None, 3, "__"])
def test_check_modality_name_rejects_and_names_param(name):
    with pytest.raises(ValueError, match=r"^views: modality name"):
        check_modality_name(name, param="views")


def test_check_modality_name_accepts():
    assert check_modality_name("audio_1") is None


# --------------------------------------------------------------------------
# ModalityLayout
# --------------------------------------------------------------------------


def test_layout_mapping_interface():
    layout = ModalityLayout({"img": [0, 1], "txt": [2]}, n_features=3)
    assert layout.names == ("img", "txt") and list(layout) == ["img", "txt"]
    assert len(layout) == 2 and "img" in layout
    assert layout.sizes == (2, 1) and layout.n_features == 3
    assert_array_equal(layout["img"], [0, 1])
    assert layout["img"].dtype == np.intp
    with pytest.raises(ValueError):
        layout["img"][0] = 5  # read-only
    assert_array_equal(
        layout.feature_names(["a", "b", "c"]), ["img__a", "img__b", "txt__c"]
    )
    assert "img" in repr(layout)
    assert pickle.loads(pickle.dumps(layout)) == layout
    assert layout != ModalityLayout({"img": [0], "txt": [1, 2]}, n_features=3)
    assert (layout == {"img": [0, 1], "txt": [2]}) is False


def test_layout_copies_its_input():
    cols = np.array([0, 1])
    layout = ModalityLayout({"a": cols}, n_features=2)
    cols[0] = 1
    assert_array_equal(layout["a"], [0, 1])


def test_layout_reorder():
    layout = ModalityLayout({"a": [0], "b": [1, 2], "c": [3]}, n_features=4)
    assert layout.reorder(["c", "a", "b"]).names == ("c", "a", "b")
    assert layout.reorder([2, 0, 1]).names == ("c", "a", "b")
    assert_array_equal(layout.reorder(["b", "a", "c"])["b"], [1, 2])
    for order, match in [
        (["a", "b"], "every modality exactly once"),
        (["a", "a", "b"], "every modality exactly once"),
        (["a", "b", "z"], "unknown modality 'z'"),
        ([0, 1, 5], "position 5 is out of range"),
        ("abc", "must be None or a sequence"),
    ]:
        with pytest.raises(ValueError, match=rf"^modality_order.*{match}"):
            layout.reorder(order)


@pytest.mark.parametrize(
    "columns, kwargs, match",
    [
        ({}, {}, "at least one modality"),
        ([("a", [0])], {}, "at least one modality"),
        ({"a__b": [0, 1]}, {}, "'a__b'"),
        ({"a": []}, {}, "non-empty 1-D list of integer"),
        ({"a": [0.0, 1.0]}, {}, "integer column positions"),
        ({"a": [0, 2]}, {}, r"outside \[0, 2\)"),
        ({"a": [-1, 1]}, {}, r"outside \[0, 2\)"),
        ({"a": [0, 1], "b": [1]}, {}, "overlap"),
        ({"a": [0]}, {}, "every column of X must belong"),
    ],
)
def test_layout_errors_name_the_param(columns, kwargs, match):
    with pytest.raises(ValueError, match=rf"^mods.*{match}"):
        ModalityLayout(columns, n_features=2, param="mods", **kwargs)


def test_layout_without_cover():
    layout = ModalityLayout({"a": [1]}, n_features=3, require_cover=False)
    assert layout.sizes == (1,)


# --------------------------------------------------------------------------
# resolve_modalities: every spec form
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, feature_names, expected",
    [
        ("auto", NAMES, {"img": [0, 1], "txt": [2, 3, 4]}),
        ([2, 3], None, {"0": [0, 1], "1": [2, 3, 4]}),
        (np.array([2, 3]), None, {"0": [0, 1], "1": [2, 3, 4]}),
        ({"img": [0, 1], "txt": [2, 3, 4]}, None, {"img": [0, 1], "txt": [2, 3, 4]}),
        (
            {"img": slice(0, 2), "txt": slice(2, None)},
            None,
            {"img": [0, 1], "txt": [2, 3, 4]},
        ),
        (
            {"img": np.array([1, 1, 0, 0, 0], bool), "txt": [2, 3, 4]},
            None,
            {"img": [0, 1], "txt": [2, 3, 4]},
        ),
        (
            {"img": ["img__a", "img__b"], "txt": slice(2, 5)},
            NAMES,
            {"img": [0, 1], "txt": [2, 3, 4]},
        ),
        ({"txt": [2, 3, 4], "img": [1, 0]}, None, {"txt": [2, 3, 4], "img": [1, 0]}),
        ([[0, 1], [2, 3, 4]], None, {"0": [0, 1], "1": [2, 3, 4]}),
        (
            [("img", [0, 1]), ("txt", [2, 3, 4])],
            None,
            {"img": [0, 1], "txt": [2, 3, 4]},
        ),
        (
            [("img", "passthrough", slice(0, 2)), ("txt", "passthrough", slice(2, 5))],
            None,
            {"img": [0, 1], "txt": [2, 3, 4]},
        ),
        ({0: [0, 1], 1: [2, 3, 4]}, None, {"0": [0, 1], "1": [2, 3, 4]}),
        ({"all": slice(None)}, None, {"all": [0, 1, 2, 3, 4]}),
        ({"one": 0, "rest": [1, 2, 3, 4]}, None, {"one": [0], "rest": [1, 2, 3, 4]}),
    ],
)
def test_resolve_every_spec_form(spec, feature_names, expected):
    layout = resolve_modalities(spec, n_features=5, feature_names=feature_names)
    assert isinstance(layout, ModalityLayout)
    assert _as_lists(layout) == expected
    assert list(layout) == list(expected)


def test_resolve_layout_passes_through():
    layout = ModalityLayout({"a": [0, 1]}, n_features=2)
    assert resolve_modalities(layout, n_features=2) is layout
    with pytest.raises(ValueError, match=r"^mods is a ModalityLayout for 2 column"):
        resolve_modalities(layout, n_features=3, param="mods")


def test_resolve_auto_keeps_order_of_first_appearance():
    names = ["t__a", "i__b", "t__c"]
    layout = resolve_modalities("auto", n_features=3, feature_names=names)
    assert _as_lists(layout) == {"t": [0, 2], "i": [1]}


@pytest.mark.parametrize(
    "feature_names, match",
    [
        (None, "X has no column names"),
        (
            ["img__a", "age", "txt__c"],
            r"1 column\(s\) have no prefix \(e.g. \['age'\]\)",
        ),
    ],
)
def test_resolve_auto_error_says_how_to_fix(feature_names, match):
    with pytest.raises(ValueError, match=rf'^mods="auto".*{match}') as exc:
        resolve_modalities(
            "auto", n_features=3, feature_names=feature_names, param="mods"
        )
    message = str(exc.value)
    assert "pass mods explicitly" in message
    assert "set_output(transform='pandas')" in message


@pytest.mark.parametrize(
    "spec, feature_names, match",
    [
        ("guess", None, 'must be "auto"'),
        ({}, None, "empty dict"),
        ([], None, "non-empty sequence"),
        (3, None, "non-empty sequence"),
        ([2, 2], None, "sum to the number of features of X"),
        ([5, 0], None, "must be positive"),
        ({"a__b": [0, 1, 2, 3, 4]}, None, "'a__b'"),
        ([("a", [0, 1]), ("a", [2, 3, 4])], None, "'a' is used twice"),
        ({"a": [0, 1]}, None, "every column of X must belong"),
        ({"a": [0, 1, 2], "b": [2, 3, 4]}, None, "overlap"),
        ({"a": [0, 1, 9], "b": [2, 3, 4]}, None, r"outside \[0, 5\)"),
        ({"a": [[0, 1]], "b": [2, 3, 4]}, None, "non-empty 1-D list"),
        ({"a": [], "b": [0, 1, 2, 3, 4]}, None, "non-empty 1-D list"),
        ({"a": [True, False], "b": [2, 3, 4]}, None, "boolean mask of length 2"),
        ({"a": ["img__a"], "b": [1, 2, 3, 4]}, None, "needs X to be a DataFrame"),
        ({"a": ["nope"], "b": [1, 2, 3, 4]}, NAMES, r"unknown column\(s\) \['nope'\]"),
        ({"a": [0.5], "b": [1, 2, 3, 4]}, None, "must list integer column indices"),
    ],
)
def test_resolve_errors_name_the_param(spec, feature_names, match):
    with pytest.raises(ValueError, match=rf"^mods.*{match}"):
        resolve_modalities(
            spec, n_features=5, feature_names=feature_names, param="mods"
        )
