"""Synthetic multi-modal multi-label data with sequence (frame) modalities."""

import numpy as np
from sklearn.utils import check_random_state

from ._multimodal import (
    _DISASTER_CORRELATION_PAIRS,
    _DISASTER_COUNTS,
    _DISASTER_INFORMATIVENESS,
    _DISASTER_LABELS,
    _DISASTER_N_SAMPLES,
    _check_correlation,
    _check_informativeness,
    _check_int,
    _check_label_counts,
    _check_modality_dims,
    _check_real,
    _disaster_modality_dims,
    _package,
)


def _copula_labels(n_samples, counts, corr, rng):
    # Same label model as make_multimodal_multilabel: exact counts per label.
    eigval, eigvec = np.linalg.eigh(corr)
    root = eigvec * np.sqrt(np.clip(eigval, 0.0, None))
    latent = rng.standard_normal((n_samples, counts.shape[0])) @ root.T
    ranks = np.argsort(np.argsort(-latent, axis=0, kind="stable"), axis=0)
    return (ranks < counts).astype(np.int64)


def _temporal_profiles(n_labels, n_timesteps, rng):
    """Zero-mean, unit-RMS time profile of each label, shape (L, T)."""
    if n_timesteps < 2:
        return np.zeros((n_labels, n_timesteps))
    t = np.arange(n_timesteps)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=(n_labels, 1))
    # integer frequencies up to Nyquist: the pattern sums to zero over frames
    freq = rng.integers(1, n_timesteps // 2 + 1, size=(n_labels, 1))
    prof = np.cos(2.0 * np.pi * freq * t / n_timesteps + phase)
    prof -= prof.mean(axis=1, keepdims=True)
    rms = np.sqrt((prof**2).mean(axis=1, keepdims=True))
    rms = np.where(rms > 1e-12, rms, 1.0)
    return prof / rms


def _generate_sequences(
    n_samples,
    n_timesteps,
    names,
    dims,
    counts,
    corr,
    info,
    temporal_fraction,
    noise,
    label_names,
    as_frame,
    rng,
):
    n_labels = counts.shape[0]
    Y = _copula_labels(n_samples, counts, corr, rng)
    if n_timesteps == 1:
        temporal_fraction = 0.0  # no frames to carry a pattern
    static_amp = np.sqrt(1.0 - temporal_fraction)
    temporal_amp = np.sqrt(temporal_fraction)
    # per-frame amplitude v / sqrt(T): the clip-level separation stays v
    scale = 1.0 / np.sqrt(n_timesteps)
    blocks = []
    for m, dim in enumerate(dims):
        directions = rng.standard_normal((n_labels, dim))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        profiles = _temporal_profiles(n_labels, n_timesteps, rng)
        # time course of label j: static level + zero-mean pattern, (L, T)
        course = static_amp + temporal_amp * profiles
        weighted = (scale * info[m])[:, None] * course  # (L, T)
        # signal[i, t, :] = sum_j Y[i, j] * weighted[j, t] * directions[j]
        signal = np.einsum("ij,jt,jd->itd", Y, weighted, directions)
        frames = signal + noise * rng.standard_normal((n_samples, n_timesteps, dim))
        blocks.append(frames.reshape(n_samples, -1))
    X = np.hstack(blocks)
    features = [
        f"t{t}_f{j}" for dim in dims for t in range(n_timesteps) for j in range(dim)
    ]
    widths = [int(dim) * n_timesteps for dim in dims]
    return _package(X, Y, names, widths, features, label_names, as_frame)


def make_sequence_multimodal_multilabel(
    n_samples=500,
    *,
    n_timesteps=8,
    modality_dims=(8, 8, 8),
    n_labels=6,
    label_frequencies=None,
    imbalance=1.0,
    label_correlation=0.3,
    informativeness=None,
    temporal_fraction=0.75,
    noise=1.0,
    as_frame=False,
    random_state=None,
):
    r"""Generate multi-modal multi-label data whose modalities are sequences.

    The sequence sibling of
    :func:`~skmml.datasets.make_multimodal_multilabel`: same labels (Gaussian
    copula, exact imbalanced counts) and same visibility of each label in
    each modality, but every modality is a sequence of ``n_timesteps``
    frames, and part of each label's signal is a *pattern over the frames*
    whose frame average is zero. A model that averages the frames only sees
    the static part; a temporal encoder sees both.

    Parameters
    ----------
    n_samples : int, default=500
        Number of samples (clips).
    n_timesteps : int, default=8
        Frames per sample ``T``.
    modality_dims : dict or sequence of int, default=(8, 8, 8)
        Features per frame of each modality, ``{name: d_m}`` or a sequence
        (modalities then named ``"m0"``, ``"m1"``, ...).
    n_labels : int, default=6
        Number of labels.
    label_frequencies : array-like of shape (n_labels,), default=None
        Positive fraction of each label; default :math:`0.3\, j^{-a}`.
    imbalance : float, default=1.0
        Zipf exponent ``a`` of the default label frequencies.
    label_correlation : float or array-like of shape (n_labels, n_labels), default=0.3
        Latent label correlation, as in ``make_multimodal_multilabel``.
    informativeness : array-like or dict, default=None
        Clip-level class separation :math:`v_{mj}` of label ``j`` in
        modality ``m``, as in ``make_multimodal_multilabel`` (default: each
        label strongly visible in one modality, weakly in at most one more).
    temporal_fraction : float, default=0.75
        Share :math:`\alpha \in [0, 1]` of the signal energy carried by the
        zero-mean temporal pattern (0: the frames only repeat the static
        signal; 1: the frame average carries no label signal at all). With
        ``n_timesteps=1`` there is no pattern and the value is ignored.
    noise : float, default=1.0
        Standard deviation :math:`\sigma > 0` of the per-frame noise.
    as_frame : bool, default=False
        If True, X and Y are DataFrames; the columns of X are
        ``"{modality}__t{t}_f{j}"``.
    random_state : int, RandomState instance or None, default=None
        Seed; the output is deterministic for a fixed seed.

    Returns
    -------
    X : ndarray of shape (n_samples, T * sum_m d_m) or DataFrame
        Modality blocks side by side; within a block the columns are
        timestep-major (column ``t * d_m + j`` of the block is feature ``j``
        of frame ``t``), the layout of
        :class:`skmml.neural.ResBiLSTMEncoder`.
    Y : ndarray of shape (n_samples, n_labels) of int64 or DataFrame
        Binary label indicator matrix (no all-zero column).
    modalities : dict of str to list of int
        ``{modality: column indices}`` (``T * d_m`` columns each).

    See Also
    --------
    make_disaster_sequence_like : Preset shaped like the disaster videos.

    Notes
    -----
    Frame ``t`` of modality ``m`` of sample ``i`` is

    .. math:: x^{(m)}_{it} = \frac{1}{\sqrt{T}} \sum_j y_{ij}\, v_{mj}
              \left(\sqrt{1 - \alpha} + \sqrt{\alpha}\, p_{mj}(t)\right)
              w_{mj} + \sigma \varepsilon^{(m)}_{it},

    with :math:`w_{mj}` a random unit vector, :math:`p_{mj}` a random
    cosine over the frames (random integer frequency and phase) centred and
    scaled to :math:`\sum_t p_{mj}(t) = 0` and
    :math:`\frac{1}{T}\sum_t p_{mj}(t)^2 = 1`, and i.i.d. standard normal
    :math:`\varepsilon`. The :math:`1/\sqrt{T}` keeps the clip-level
    signal-to-noise ratio of a matched filter over all frames at
    :math:`v_{mj} / \sigma`, whatever ``T``; the frame average only keeps
    :math:`\sqrt{1 - \alpha}\, v_{mj} / \sigma` of it.

    Examples
    --------
    >>> from skmml.datasets import make_sequence_multimodal_multilabel
    >>> X, Y, modalities = make_sequence_multimodal_multilabel(
    ...     100, n_timesteps=4, modality_dims={"video": 3, "audio": 2},
    ...     n_labels=3, random_state=0)
    >>> X.shape, Y.shape
    ((100, 20), (100, 3))
    >>> [len(cols) for cols in modalities.values()]
    [12, 8]
    >>> frames = X[:, modalities["video"]].reshape(100, 4, 3)  # (n, T, d)
    >>> Y.sum(axis=0)
    array([30, 15, 10])
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_timesteps = _check_int(n_timesteps, "n_timesteps", 1)
    n_labels = _check_int(n_labels, "n_labels", 1)
    names, dims = _check_modality_dims(modality_dims)
    counts = _check_label_counts(label_frequencies, imbalance, n_labels, n_samples)
    corr = _check_correlation(label_correlation, n_labels)
    temporal_fraction = _check_real(temporal_fraction, "temporal_fraction", 0.0, 1.0)
    noise = _check_real(noise, "noise", low=0.0, low_open=True)
    rng = np.random.default_rng(check_random_state(random_state).randint(2**31))
    info = _check_informativeness(informativeness, names, n_labels, rng)
    label_names = [f"label{j}" for j in range(n_labels)]
    return _generate_sequences(
        n_samples,
        n_timesteps,
        names,
        dims,
        counts,
        corr,
        info,
        temporal_fraction,
        noise,
        label_names,
        as_frame,
        rng,
    )


def make_disaster_sequence_like(
    n_samples=1540,
    *,
    n_timesteps=6,
    modality_dims=16,
    temporal_fraction=0.75,
    noise=1.0,
    as_frame=False,
    random_state=None,
):
    r"""Generate clips shaped like the disaster videos of Pouyanfar et al.

    The sequence variant of :func:`~skmml.datasets.make_disaster_like`:
    three modalities ``"visual"``, ``"audio"`` and ``"text"`` of
    ``n_timesteps`` frames each (frames of video, audio windows, word
    positions), the seven concepts with the counts of Table I, the same
    latent concept correlation and the same per-modality informativeness
    (text > visual > audio alone, audio strong on "speak" and "flood",
    blind to "damage" and "human relief"). Most of the signal is temporal,
    so the paper's static-feature baselines lose against temporal encoders.

    Parameters
    ----------
    n_samples : int, default=1540
        Number of clips; the counts of Table I scale with
        ``n_samples / 1540``.
    n_timesteps : int, default=6
        Frames per clip (the paper subsamples 40; the default stays small
        for CPU).
    modality_dims : int or dict, default=16
        Static features per frame: one int for all modalities or a dict
        with the keys ``"visual"``, ``"audio"`` and ``"text"``.
    temporal_fraction : float, default=0.75
        Share of the signal carried by zero-mean frame patterns (see
        :func:`make_sequence_multimodal_multilabel`).
    noise : float, default=1.0
        Standard deviation of the per-frame noise.
    as_frame : bool, default=False
        If True, return DataFrames (columns ``"{modality}__t{t}_f{j}"`` and
        the concept names).
    random_state : int, RandomState instance or None, default=None
        Seed of the generator.

    Returns
    -------
    X : ndarray of shape (n_samples, 3 * n_timesteps * d) or DataFrame
        Visual, audio and text blocks, each timestep-major.
    Y : ndarray of shape (n_samples, 7) of int64 or DataFrame
        The concepts of :func:`~skmml.datasets.make_disaster_like`.
    modalities : dict of str to list of int
        Column indices of ``"visual"``, ``"audio"`` and ``"text"``.

    See Also
    --------
    make_sequence_multimodal_multilabel : The model, in its Notes.

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A Multi-label Multimodal
       Deep Learning Framework for Imbalanced Data Classification", IEEE
       MIPR, 2019 (2018 preprint), Tables I and II.

    Examples
    --------
    >>> from skmml.datasets import make_disaster_sequence_like
    >>> X, Y, modalities = make_disaster_sequence_like(154, random_state=0)
    >>> X.shape, list(modalities)
    ((154, 288), ['visual', 'audio', 'text'])
    >>> Y.sum(axis=0)
    array([15, 34, 97, 27, 37, 31, 81])
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_timesteps = _check_int(n_timesteps, "n_timesteps", 1)
    names, dims = _disaster_modality_dims(modality_dims)
    temporal_fraction = _check_real(temporal_fraction, "temporal_fraction", 0.0, 1.0)
    noise = _check_real(noise, "noise", low=0.0, low_open=True)
    rng = np.random.default_rng(check_random_state(random_state).randint(2**31))
    counts = np.clip(
        np.rint(_DISASTER_COUNTS * (n_samples / _DISASTER_N_SAMPLES)).astype(int),
        1,
        n_samples,
    )
    index = {name: j for j, name in enumerate(_DISASTER_LABELS)}
    corr = np.eye(len(_DISASTER_LABELS))
    for (a, b), value in _DISASTER_CORRELATION_PAIRS.items():
        corr[index[a], index[b]] = corr[index[b], index[a]] = value
    return _generate_sequences(
        n_samples,
        n_timesteps,
        names,
        dims,
        counts,
        corr,
        _DISASTER_INFORMATIVENESS,
        temporal_fraction,
        noise,
        _DISASTER_LABELS,
        as_frame,
        rng,
    )
