"""Imbalance measures of a multi-label data set (Charte et al.)."""

import numpy as np
import scipy.sparse as sp

from ..utils import (
    check_multilabel_indicator,
    has_unknown,
    label_counts,
    observed_counts,
    observed_mask,
)
from ._grouping import _DEFAULT_THRESHOLDS, GROUPS, _groups_from_counts
from ._long_tail_report import _check_label_names


def _imbalance_ratios(counts):
    """IRLbl of each label; inf for a label without positive samples."""
    with np.errstate(divide="ignore"):
        return np.where(counts > 0, counts.max() / np.maximum(counts, 1), np.inf)


def _partial_imbalance_ratios(counts, n_known):
    """IRLbl from the positive rate among the known entries of each label.

    inf for a label with known entries but no known positive, NaN for a
    label without any known entry.
    """
    rate = np.zeros(counts.shape, dtype=np.float64)
    np.divide(counts, n_known, out=rate, where=n_known > 0)
    irlbl = np.full(counts.shape, np.inf)
    np.divide(rate.max(), rate, out=irlbl, where=rate > 0)
    irlbl[n_known == 0] = np.nan
    return irlbl


def _scumble_per_sample(Y, irlbl):
    """SCUMBLE of each row: 1 - geometric / arithmetic mean of its IRLbl."""
    # labels without positives are never active; any finite value will do
    finite = np.where(np.isfinite(irlbl), irlbl, 1.0)
    n_active = np.asarray(Y.sum(axis=1), dtype=np.float64).ravel()
    sum_ir = np.asarray(Y @ finite, dtype=np.float64).ravel()
    sum_log = np.asarray(Y @ np.log(finite), dtype=np.float64).ravel()
    scumble = np.zeros(Y.shape[0])
    active = n_active > 0
    geometric = np.exp(sum_log[active] / n_active[active])
    arithmetic = sum_ir[active] / n_active[active]
    # geometric <= arithmetic; clip the rounding error of exp(log(.))
    scumble[active] = np.clip(1.0 - geometric / arithmetic, 0.0, 1.0)
    return scumble


class LabelImbalanceReport:
    """Imbalance measures of a label matrix, from :func:`label_imbalance_report`.

    Attributes
    ----------
    n_samples : int
        Number of samples (rows).
    n_labels : int
        Number of labels (columns).
    label_names : list of str
        Name of each label.
    label_counts : ndarray of shape (n_labels,)
        Number of samples in which each label is (known to be) positive.
    observed_counts : ndarray of shape (n_labels,)
        Number of samples in which each label is known (``n_samples`` for
        every label of a complete matrix).
    n_unknown : int
        Number of unknown (NaN) entries.
    irlbl : ndarray of shape (n_labels,)
        Imbalance ratio per label (inf for a label without positives, NaN
        for a label without any known entry).
    mean_ir, max_ir, cvir : float
        MeanIR, MaxIR and CVIR over the labels with at least one positive.
    scumble : float
        Mean SCUMBLE over the samples.
    label_scumble : ndarray of shape (n_labels,)
        Mean SCUMBLE of the samples in which each label is positive (NaN for
        a label without positives).
    cardinality, density : float
        Label cardinality and density.
    n_labelsets : int
        Number of distinct label sets (rows).
    label_groups : ndarray of str of shape (n_labels,)
        ``"head"``, ``"medium"`` or ``"tail"`` for each label.
    grouping : str
        Grouping rule used for ``label_groups``.
    thresholds : tuple of float
        ``(tail_below, head_above)`` bounds of the grouping.

    Examples
    --------
    >>> from skmml.metrics import label_imbalance_report
    >>> Y = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]]
    >>> report = label_imbalance_report(Y, label_names=["a", "b", "c"])
    >>> report.n_samples, report.n_labels, report.n_labelsets
    (4, 3, 3)
    >>> report.label_counts, report.label_groups.tolist()
    (array([4, 2, 1]), ['head', 'medium', 'tail'])
    >>> {k: report.summary()[k] for k in ("n_head", "n_medium", "n_tail")}
    {'n_head': 1, 'n_medium': 1, 'n_tail': 1}
    >>> report.to_frame()["irlbl"].tolist()  # one row per label
    [1.0, 2.0, 4.0]
    """

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)

    def summary(self):
        """Return the data-set level measures as a dict.

        Returns
        -------
        summary : dict
            ``n_samples``, ``n_labels``, ``cardinality``, ``density``,
            ``n_labelsets``, ``mean_ir``, ``max_ir``, ``cvir``, ``scumble``
            and the number of labels per group (``n_head``, ``n_medium``,
            ``n_tail``).
        """
        out = {
            name: getattr(self, name)
            for name in (
                "n_samples",
                "n_labels",
                "cardinality",
                "density",
                "n_labelsets",
                "mean_ir",
                "max_ir",
                "cvir",
                "scumble",
            )
        }
        for group in GROUPS:
            out[f"n_{group}"] = int(np.sum(self.label_groups == group))
        return out

    def to_frame(self):
        """Return the per-label measures as a pandas DataFrame.

        Returns
        -------
        frame : pandas.DataFrame
            Indexed by label name, columns ``positives``, ``frequency``
            (positives / known entries of the label), ``irlbl``, ``scumble``
            and ``group``. The data-set level measures are in
            :meth:`summary`.
        """
        import pandas as pd

        frame = pd.DataFrame(
            {
                "positives": self.label_counts,
                "frequency": self._frequency(),
                "irlbl": self.irlbl,
                "scumble": self.label_scumble,
                "group": self.label_groups.astype(str),
            },
            index=pd.Index(self.label_names, name="label"),
        )
        return frame

    def _frequency(self):
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.label_counts / self.observed_counts

    def to_text(self, digits=3):
        """Return the report as aligned plain text.

        Parameters
        ----------
        digits : int, default=3
            Number of decimals of the real-valued measures.

        Returns
        -------
        text : str
        """
        d = digits
        s = self.summary()
        low, high = self.thresholds
        lines = [
            f"Label imbalance: {self.n_samples} samples, {self.n_labels} labels, "
            f"{self.n_labelsets} distinct label sets",
            f"cardinality {self.cardinality:.{d}f}  density {self.density:.{d}f}",
            f"MeanIR {self.mean_ir:.{d}f}  MaxIR {self.max_ir:.{d}f}  "
            f"CVIR {self.cvir:.{d}f}  SCUMBLE {self.scumble:.{d}f}",
            f"groups ({self.grouping}, tail < {low:.3g}, head > {high:.3g}): "
            f"head {s['n_head']}, medium {s['n_medium']}, tail {s['n_tail']}",
        ]
        if self.n_unknown:
            total = self.n_samples * self.n_labels
            lines.append(
                f"unknown entries {self.n_unknown} of {total} "
                f"({self.n_unknown / total:.1%}); measures on the known entries"
            )
        lines.append("")
        width = max(5, *(len(n) for n in self.label_names))
        frequency = self._frequency()
        lines.append(
            f"{'label':<{width}}{'positives':>10}{'frequency':>10}"
            f"{'IRLbl':>10}{'SCUMBLE':>10}  group"
        )
        for j, name in enumerate(self.label_names):
            lines.append(
                f"{name:<{width}}{self.label_counts[j]:>10d}"
                f"{frequency[j]:>10.{d}f}"
                f"{self.irlbl[j]:>10.{d}f}{self.label_scumble[j]:>10.{d}f}"
                f"  {self.label_groups[j]}"
            )
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        return (
            f"LabelImbalanceReport(n_samples={self.n_samples}, "
            f"n_labels={self.n_labels}, mean_ir={self.mean_ir:.4g}, "
            f"max_ir={self.max_ir:.4g}, cvir={self.cvir:.4g}, "
            f"scumble={self.scumble:.4g})"
        )


def label_imbalance_report(
    Y, *, label_names=None, grouping="quantile", thresholds=None
):
    r"""Measure the label imbalance and concurrence of a multi-label data set.

    Parameters
    ----------
    Y : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Label indicator matrix (usually the training labels). NaN marks an
        unknown entry (see Notes).
    label_names : sequence of str, default=None
        Names of the labels (default ``"0"``, ``"1"``, ...).
    grouping : {"quantile", "count"}, default="quantile"
        Head / medium / tail grouping rule; see
        :func:`head_medium_tail_groups`.
    thresholds : (float, float), default=None
        ``(tail_below, head_above)`` bounds of the grouping; None means
        ``(1/3, 2/3)`` for ``"quantile"`` and ``(20, 100)`` positive samples
        for ``"count"``.

    Returns
    -------
    report : LabelImbalanceReport
        Measures as attributes (``irlbl``, ``mean_ir``, ``max_ir``,
        ``cvir``, ``scumble``, ``label_scumble``, ``cardinality``,
        ``density``, ``label_groups``, ...); ``str(report)`` or
        ``report.to_text()`` give a table, ``report.to_frame()`` a pandas
        DataFrame per label and ``report.summary()`` a dict of the data-set
        level measures.

    Notes
    -----
    With :math:`N` samples, label set :math:`Y_i` of sample :math:`i`,
    labels :math:`L` and :math:`n_\lambda = |\{i : \lambda \in Y_i\}|`
    (Charte et al. 2015 [1]_, Eqs. 1-3):

    .. math::

        IRLbl(\lambda) = \frac{\max_{\lambda' \in L} n_{\lambda'}}{n_\lambda},
        \qquad
        MeanIR = \frac{1}{|L|} \sum_{\lambda \in L} IRLbl(\lambda),
        \qquad
        MaxIR = \max_{\lambda \in L} IRLbl(\lambda),

    .. math::

        CVIR = \frac{1}{MeanIR}
        \sqrt{\frac{\sum_{\lambda \in L} (IRLbl(\lambda) - MeanIR)^2}{|L| - 1}}.

    A label without positive samples has an infinite IRLbl; MeanIR, MaxIR
    and CVIR are taken over the other labels (CVIR is NaN if fewer than two
    remain). SCUMBLE, the concurrence of labels with different imbalance in
    the same samples (Charte et al. [2]_, [3]_), is the Atkinson index of the
    IRLbl of the labels of each sample:

    .. math::

        SCUMBLE_i = 1 - \frac{\left(\prod_{\lambda \in Y_i}
        IRLbl(\lambda)\right)^{1/|Y_i|}}
        {\frac{1}{|Y_i|}\sum_{\lambda \in Y_i} IRLbl(\lambda)},
        \qquad
        SCUMBLE = \frac{1}{N} \sum_{i=1}^{N} SCUMBLE_i,

    with :math:`SCUMBLE_i = 0` for a sample without labels. As in the
    authors' ``mldr`` package, the product and mean run over the labels of
    the sample (the 2014 paper writes the exponent as :math:`1/|L|`, which
    makes SCUMBLE depend on the number of absent labels). The per-label
    SCUMBLE is the mean :math:`SCUMBLE_i` over the samples having the label.
    Label cardinality and density are
    :math:`Card = \frac{1}{N}\sum_i |Y_i|` and :math:`Dens = Card / |L|`.

    **Unknown labels.** On a partial ``Y`` (NaN = unknown) every measure
    uses the known entries only, and reduces to the formulas above on a
    complete ``Y``:

    - ``label_counts`` (:math:`n_\lambda`) counts the known positives and
      ``observed_counts`` (:math:`m_\lambda`) the known entries; the head /
      medium / tail groups come from :math:`n_\lambda`, as in
      :func:`head_medium_tail_groups`.
    - IRLbl compares the positive *rates* among the known entries,
      :math:`p_\lambda = n_\lambda / m_\lambda`:
      :math:`IRLbl(\lambda) = \max_{\lambda'} p_{\lambda'} / p_\lambda`
      (raw counts would make a label that is mostly unannotated look
      rare). A label without any known entry has a NaN IRLbl and, like a
      label without positives, is left out of MeanIR, MaxIR and CVIR.
    - :math:`Y_i` is the set of known positives of sample :math:`i`;
      SCUMBLE is the mean :math:`SCUMBLE_i` over the samples with at least
      one known entry.
    - :math:`Card = \sum_\lambda p_\lambda` (the expected number of labels
      of a sample) and :math:`Dens = Card / |L|`; both are NaN if a label
      has no known entry.
    - ``n_labelsets`` counts the distinct label sets of the samples whose
      labels are all known.

    References
    ----------
    .. [1] F. Charte, A. J. Rivera, M. J. del Jesus and F. Herrera,
       "Addressing imbalance in multilabel classification: Measures and
       random resampling algorithms", Neurocomputing 163, 2015.
    .. [2] F. Charte, A. Rivera, M. J. del Jesus and F. Herrera,
       "Concurrence among imbalanced labels and its influence on multilabel
       resampling algorithms", HAIS 2014.
    .. [3] F. Charte, A. J. Rivera, M. J. del Jesus and F. Herrera,
       "Dealing with difficult minority labels in imbalanced multilabel data
       sets", Neurocomputing 326-327, 2019.

    Examples
    --------
    >>> from skmml.metrics import label_imbalance_report
    >>> Y = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]]
    >>> report = label_imbalance_report(Y, label_names=["a", "b", "c"])
    >>> report.irlbl
    array([1., 2., 4.])
    >>> round(report.mean_ir, 4), report.max_ir, round(report.cvir, 4)
    (2.3333, 4.0, 0.6547)
    >>> print(report)
    Label imbalance: 4 samples, 3 labels, 3 distinct label sets
    cardinality 1.750  density 0.583
    MeanIR 2.333  MaxIR 4.000  CVIR 0.655  SCUMBLE 0.050
    groups (quantile, tail < 0.333, head > 0.667): head 1, medium 1, tail 1
    <BLANKLINE>
    label positives frequency     IRLbl   SCUMBLE  group
    a             4     1.000     1.000     0.050  head
    b             2     0.500     2.000     0.100  medium
    c             1     0.250     4.000     0.143  tail
    """
    Y = check_multilabel_indicator(Y, name="Y", allow_unknown=True)
    n_samples, n_labels = Y.shape
    names = _check_label_names(label_names, n_labels)
    counts = label_counts(Y)
    # validates grouping / thresholds before the measures are computed
    groups = _groups_from_counts(counts, grouping, thresholds)
    if thresholds is None:
        thresholds = _DEFAULT_THRESHOLDS[grouping]
    observed = observed_mask(Y) if has_unknown(Y) else None
    if observed is None:
        n_known = np.full(n_labels, n_samples, dtype=np.int64)
        irlbl = _imbalance_ratios(counts)
    else:
        n_known = observed_counts(Y)
        irlbl = _partial_imbalance_ratios(counts, n_known)
        # the known positives of each sample
        Y = np.where(observed, Y, 0).astype(np.int64)

    defined = irlbl[np.isfinite(irlbl)]
    if defined.size:
        mean_ir = float(defined.mean())
        max_ir = float(defined.max())
    else:
        mean_ir = max_ir = float("nan")
    cvir = float(defined.std(ddof=1) / mean_ir) if defined.size > 1 else float("nan")

    scumble_i = _scumble_per_sample(Y, irlbl)
    with np.errstate(invalid="ignore", divide="ignore"):
        label_scumble = np.asarray(Y.T @ scumble_i, dtype=np.float64).ravel() / counts
    label_scumble[counts == 0] = np.nan

    if observed is None:
        scumble = float(scumble_i.mean())
        n_active = np.asarray(Y.sum(axis=1)).ravel()
        cardinality = float(n_active.mean())
        density = float(n_active.mean() / n_labels)
    else:
        known_rows = observed.any(axis=1)
        scumble = (
            float(scumble_i[known_rows].mean()) if known_rows.any() else float("nan")
        )
        if np.all(n_known > 0):
            cardinality = float(np.sum(counts / n_known))
            density = cardinality / n_labels
        else:
            cardinality = density = float("nan")

    if sp.issparse(Y):
        n_labelsets = len(
            {
                tuple(np.sort(Y.indices[a:b]))
                for a, b in zip(Y.indptr[:-1], Y.indptr[1:], strict=True)
            }
        )
    else:
        complete_rows = Y if observed is None else Y[observed.all(axis=1)]
        n_labelsets = int(np.unique(complete_rows.astype(bool), axis=0).shape[0])

    return LabelImbalanceReport(
        n_samples=int(n_samples),
        n_labels=int(n_labels),
        label_names=names,
        label_counts=counts,
        observed_counts=n_known,
        n_unknown=int(n_samples * n_labels - n_known.sum()),
        irlbl=irlbl,
        mean_ir=mean_ir,
        max_ir=max_ir,
        cvir=cvir,
        scumble=scumble,
        label_scumble=label_scumble,
        cardinality=cardinality,
        density=density,
        n_labelsets=n_labelsets,
        label_groups=groups,
        grouping=grouping,
        thresholds=tuple(float(t) for t in thresholds),
    )
