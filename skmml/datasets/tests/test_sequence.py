import numpy as np
import pytest

from skmml.datasets import (
    make_disaster_sequence_like,
    make_sequence_multimodal_multilabel,
)


def test_shapes_layout_and_counts():
    X, Y, mods = make_sequence_multimodal_multilabel(
        100,
        n_timesteps=4,
        modality_dims={"video": 3, "audio": 2},
        n_labels=3,
        random_state=0,
    )
    assert X.shape == (100, 4 * 3 + 4 * 2)
    assert mods == {"video": list(range(12)), "audio": list(range(12, 20))}
    assert Y.dtype == np.int64
    np.testing.assert_array_equal(Y.sum(axis=0), [30, 15, 10])


def test_deterministic_and_seed_dependent():
    a = make_sequence_multimodal_multilabel(50, n_timesteps=3, random_state=1)
    b = make_sequence_multimodal_multilabel(50, n_timesteps=3, random_state=1)
    c = make_sequence_multimodal_multilabel(50, n_timesteps=3, random_state=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], c[0])


def _one_label(temporal_fraction, n_timesteps=4):
    return make_sequence_multimodal_multilabel(
        40,
        n_timesteps=n_timesteps,
        modality_dims=(1,),
        n_labels=1,
        label_frequencies=[0.5],
        informativeness=[[2.0]],
        temporal_fraction=temporal_fraction,
        noise=1e-9,
        random_state=0,
    )


def test_static_signal_amplitude():
    # alpha = 0: every frame of a positive is +-v / sqrt(T) = +-1 (1-D unit
    # direction), negatives are 0
    X, Y, _ = _one_label(0.0)
    pos = Y[:, 0] == 1
    np.testing.assert_allclose(np.abs(X[pos]), 1.0, atol=1e-6)
    np.testing.assert_allclose(X[~pos], 0.0, atol=1e-6)
    # all frames equal: nothing temporal
    np.testing.assert_allclose(X[pos], X[pos][:, :1].repeat(4, axis=1), atol=1e-6)


def test_temporal_signal_is_blurred_by_frame_average():
    # alpha = 1: the frame average of a positive is 0, but its energy over
    # frames is v^2 * (1/T) * sum_t p(t)^2 = v^2 = 4
    X, Y, _ = _one_label(1.0)
    pos = Y[:, 0] == 1
    np.testing.assert_allclose(X[pos].mean(axis=1), 0.0, atol=1e-6)
    np.testing.assert_allclose((X[pos] ** 2).sum(axis=1), 4.0, rtol=1e-6)
    # the pattern is the same for every positive clip
    np.testing.assert_allclose(X[pos], X[pos][:1].repeat(pos.sum(), axis=0), atol=1e-6)


def test_single_frame_keeps_full_static_signal():
    X, Y, _ = _one_label(1.0, n_timesteps=1)
    pos = Y[:, 0] == 1
    np.testing.assert_allclose(np.abs(X[pos]), 2.0, atol=1e-6)


def test_as_frame_column_names():
    X, Y, mods = make_sequence_multimodal_multilabel(
        10,
        n_timesteps=2,
        modality_dims={"v": 2},
        n_labels=2,
        as_frame=True,
        random_state=0,
    )
    assert list(X.columns) == ["v__t0_f0", "v__t0_f1", "v__t1_f0", "v__t1_f1"]
    assert list(Y.columns) == ["label0", "label1"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_timesteps": 0}, "n_timesteps"),
        ({"temporal_fraction": 1.5}, "temporal_fraction"),
        ({"noise": 0.0}, "noise"),
        ({"modality_dims": {"a__b": 2}}, "__"),
    ],
)
def test_invalid_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_sequence_multimodal_multilabel(10, **kwargs)


def test_disaster_sequence_like():
    X, Y, mods = make_disaster_sequence_like(
        154,
        n_timesteps=3,
        modality_dims={"visual": 2, "audio": 1, "text": 3},
        random_state=0,
    )
    assert X.shape == (154, 3 * (2 + 1 + 3))
    assert [len(c) for c in mods.values()] == [6, 3, 9]
    np.testing.assert_array_equal(Y.sum(axis=0), [15, 34, 97, 27, 37, 31, 81])
    with pytest.raises(ValueError, match="keys"):
        make_disaster_sequence_like(10, modality_dims={"visual": 2})
    with pytest.raises(ValueError, match="modality_dims"):
        make_disaster_sequence_like(10, modality_dims="big")


def test_disaster_audio_blind_to_damage():
    # informativeness of audio for "damage" is 0 (Table II narrative)
    X, Y, mods = make_disaster_sequence_like(
        400, n_timesteps=2, modality_dims=1, noise=1e-9, random_state=0
    )
    audio = X[:, mods["audio"]]
    damage, others = 4, [0, 1, 2, 3, 5, 6]
    # rows that differ only in "damage" among audio-visible labels look the
    # same: audio is a function of the other labels only
    keys = {}
    for row, labels in zip(audio, Y, strict=True):
        key = tuple(labels[others])
        if key in keys:
            np.testing.assert_allclose(row, keys[key], atol=1e-6)
        keys[key] = row
    assert Y[:, damage].sum() > 0
