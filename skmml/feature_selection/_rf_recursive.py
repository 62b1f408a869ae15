"""Random-forest ranked recursive feature elimination (Pouyanfar et al., 2018)."""

import numbers
import time
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectorMixin
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import Bunch, _safe_indexing, check_consistent_length, get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_method_params,
    check_array,
    check_is_fitted,
    validate_data,
)

from ..utils import check_multilabel_indicator, has_unknown
from ..utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
)
from ..utils._random import check_random_state_local
from ..utils._tags import with_unknown_labels
from ..utils._target import complete_label_rows

# step="auto": the paper's step=1 up to this many features, geometric above.
_AUTO_MAX_LINEAR = 500
_AUTO_FRACTION = 0.5


def _fit_and_score(estimator, X, Y, train, test, features, scorer, fit_params):
    """Fit a clone of ``estimator`` on ``X[train][:, features]``, score on test."""
    Xs = X[:, features]
    fit_params = _check_method_params(X, params=fit_params, indices=train)
    est = clone(estimator).fit(Xs[train], Y[train], **fit_params)
    return scorer(est, Xs[test], Y[test])


class RFRecursiveSelector(SelectorMixin, MetaEstimatorMixin, BaseEstimator):
    """Feature selection by random-forest ranking and recursive elimination.

    The fusion module of Pouyanfar et al. (2018), section III.C and
    Algorithm 1: the features are ranked **once** by the mean decrease in Gini
    impurity of a random forest, then the lowest-ranked features are dropped
    round by round (one per round in the paper; by default, half of the
    remaining ones above 500 features, see ``schedule``) and every candidate
    size is scored by cross-validating ``estimator`` (by default a
    label-powerset weighted SVM) on the top-ranked features. The kept size
    is the one before the first decrease of the score
    (``stopping="first_decrease"``, Algorithm 1) or the best size along the
    path (``stopping="best"``).

    Unlike :class:`sklearn.feature_selection.RFECV`, which refits its ranking
    estimator after every step and in every fold, the ranking costs a single
    forest fit, and the (size, fold) evaluations are independent jobs run in
    parallel with joblib.

    Parameters
    ----------
    estimator : estimator object, default=None
        Estimator scored at each candidate size and refitted on the kept
        features (``estimator_``). ``None`` means
        :class:`skmml.svm.LabelPowersetWeightedSVC` with its defaults, except
        ``temperature=1.0`` (only ``predict`` is used, so its probability
        calibration would cost extra fits for nothing). It is cloned, never
        fitted in place.
    forest : estimator object, default=None
        Estimator whose ``feature_importances_`` after ``fit(X, y)`` give the
        ranking. ``None`` means
        ``RandomForestClassifier(n_estimators=100, n_jobs=n_jobs)``. If it
        has a ``random_state`` parameter left to ``None``, it is seeded from
        ``random_state``. It is cloned.
    step : int, float or "auto", default="auto"
        How many features each elimination round drops. An int >= 1 drops
        that many (``step=1`` is Algorithm 1). A float in (0, 1) is a
        fraction, rounded down and at least one: of the number of input
        features with ``schedule="linear"`` (as in
        :class:`~sklearn.feature_selection.RFE`), of the features still
        kept with ``schedule="geometric"``. ``"auto"`` resolves in ``fit``
        (see ``schedule``) and is stored in ``step_``.

        .. versionchanged:: 0.1.0
           The default changed from ``1`` to ``"auto"`` (with
           ``schedule="auto"``): identical results up to 500 features, the
           geometric schedule above. Pass ``step=1`` for the paper's path
           at every width.
    schedule : {"auto", "linear", "geometric"}, default="auto"
        How the candidate sizes shrink; stored, resolved, in ``schedule_``.

        - ``"linear"``: sizes ``n, n - s, n - 2s, ...`` down to
          ``min_features_to_select``, with ``s`` from ``step``
          (``step="auto"`` means ``1``).
        - ``"geometric"``: each round drops the fraction ``step`` of the
          features still kept (``step="auto"`` means ``0.5``; an int
          ``step`` is rejected), so the number of sizes grows with
          :math:`\\log n` instead of :math:`n`; once ``step * k < 1`` the
          rounds drop one feature, as in Algorithm 1. After the first size
          (all features), the features of zero importance are dropped in
          one round: the forest never split on them, so they tie at the
          bottom of the ranking, where the order is only the column order.
        - ``"auto"``: ``"geometric"`` when ``step="auto"`` and there are
          more than 500 input features; ``"linear"`` otherwise, so an
          explicit ``step`` keeps its linear meaning.

        The stopping rule (``stopping``) is the same for every schedule.
    min_features_to_select : int, default=1
        Smallest size evaluated. Clipped to the number of features.
    stopping : {"first_decrease", "best"}, default="first_decrease"
        ``"first_decrease"``: Algorithm 1. Walk from all features down and
        stop as soon as a size scores strictly lower than the size before it;
        keep the size before it (the paper's text: "the previous best result
        will be returned"; line 17 of the printed algorithm would keep the
        decreased score instead). Ties continue the walk, since fewer
        features at an equal score are preferable. ``"best"``: walk the path (see
        ``patience``) and keep the best-scoring size, the smallest one on
        ties.
    patience : int, default=None
        Only used with ``stopping="best"``: stop after ``patience``
        consecutive sizes scoring strictly below the best score so far.
        ``None`` walks the whole path.
    scoring : str, callable or None, default=None
        Score maximised along the path. ``None`` means skmml's micro-F1
        scorer (``skmml.metrics.get_scorer("micro_f1")``) for a multi-label
        ``Y`` and scikit-learn's ``"f1_micro"`` (equal to accuracy) for a
        1-D ``y``. A string is looked up first among skmml's scorer names
        (``skmml.metrics.get_scorer``), then scikit-learn's.
    cv : int, cross-validation generator or iterable, default=None
        ``None`` means 5 folds. An int gives the number of folds of
        :class:`skmml.model_selection.IterativeStratifiedKFold` for a
        multi-label ``Y``, and of the scikit-learn default
        (``StratifiedKFold`` for a classifier) for a 1-D ``y``.
    n_jobs : int, default=None
        Number of joblib workers for the (size, fold) evaluations and for the
        default forest. ``None`` means 1 unless in a joblib context.
    random_state : int, RandomState instance or None, default=None
        Seeds the forest (see ``forest``). Pass an int for reproducible
        output. numpy's global random state is never used: None seeds the
        forest from the operating system's entropy.
    verbose : int, default=0
        ``> 0`` prints the score of each evaluated size; ``> 1`` also turns
        on joblib's progress messages.
    unknown : {"raise", "drop_rows"}, default="raise"
        What to do with a partially labelled ``y`` (NaN = unknown entry).
        The ranking forest and the default ``estimator`` need whole label
        rows, so ``"raise"`` rejects such a ``y`` and ``"drop_rows"`` ranks
        the features, scores the sizes and refits ``estimator_`` on the rows
        without any unknown entry only (with their ``sample_weight`` and
        other per-sample metadata). ``transform`` is unaffected: it keeps
        the selected columns of every row, which lets the selector sit in a
        Pipeline fitted on partial targets, in front of a classifier that
        accepts them. A complete ``y`` is fitted the same way under both.

    Attributes
    ----------
    forest_ : estimator object
        The forest fitted on all of ``X``.
    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Mean decrease in impurity of each feature (``forest_``).
    ranking_ : ndarray of shape (`n_features_in_`,)
        Rank of each feature by importance, 1 for the most important; ties
        are broken by column order. The kept features are exactly those with
        ``ranking_ <= n_features_``. (Unlike :class:`~sklearn.feature_selection.RFE`,
        the ranking is a full order, since it does not depend on the path.)
    n_features_ : int
        Number of kept features.
    step_ : int or float
        The ``step`` used, ``"auto"`` resolved.
    schedule_ : {"linear", "geometric"}
        The ``schedule`` used, ``"auto"`` resolved.
    support_ : ndarray of shape (`n_features_in_`,), dtype=bool
        Mask of the kept features.
    estimator_ : estimator object
        Clone of ``estimator`` fitted on the kept features of all of ``X``.
    cv_results_ : dict of ndarray
        One entry per evaluated size, by increasing size (as in
        :class:`~sklearn.feature_selection.RFECV`): ``"n_features"``,
        ``"mean_test_score"``, ``"std_test_score"`` and
        ``"split{k}_test_score"``. With early stopping, the sizes never
        evaluated are absent.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column
        names. ``get_feature_names_out`` returns the kept ones, so modality
        prefixes such as ``"visual__f3"`` flow through a Pipeline.

    See Also
    --------
    sklearn.feature_selection.RFECV : Recursive elimination that re-ranks the
        features with the estimator after every step.

    Notes
    -----
    **What the forest sees.** With a multi-label ``Y`` the forest is fitted
    on ``Y`` as a multi-output target (one binary output per concept), not
    on label-powerset classes. Scikit-learn's multi-output Gini criterion is
    the mean over the :math:`|C|` outputs of :math:`2 P(j)(1 - P(j))`, i.e.
    proportional to the paper's

    .. math:: GI = \\sum_{j=1}^{|C|} P(j) (1 - P(j)),

    where :math:`P(j)` is the probability of concept :math:`c_j` in the node,
    so the mean decrease in impurity is the paper's ranking criterion up to a
    constant. Powerset classes would instead reward splits that separate
    label *combinations*, many of which occur only a handful of times, which
    makes the importances noisier; the label-powerset transform is kept for
    the classifier (``estimator``), as in Algorithm 1.

    **Selection bias.** As in Algorithm 1 the ranking is computed once on all
    the data given to ``fit``, and the cross-validated scores at each size
    use that ranking, so ``cv_results_`` is optimistic. Score the whole
    selector (for instance inside a Pipeline with an outer cross-validation)
    to estimate generalisation.

    **Cost.** One forest fit, then ``n_folds`` fits of ``estimator`` per
    evaluated size, plus the final refit. With ``step=1`` the path has up to
    ``n_features`` sizes, and ties continue the walk: on wide data, where
    most features have zero importance and dropping them barely moves the
    score, Algorithm 1 visits nearly every size (hours at 10,000 features).
    The geometric schedule with fraction :math:`s` evaluates about
    :math:`2 + \\log(s\\, n_{nz}) / (-\\log(1 - s)) + 1 / s` sizes,
    :math:`n_{nz}` being the number of features of nonzero importance (13
    sizes for :math:`s = 0.5` and :math:`n = 10^4, n_{nz} = 2700`), of
    :math:`n + n_{nz} / s` features in all. The (size, fold) fits stream
    through ``n_jobs`` joblib workers in path order, so workers never wait
    for the slowest fold of a size; once the stopping rule has fired no new
    fit is started (at most the ``n_jobs - 1`` fits already running are
    wasted, and their scores are discarded so that the result does not
    depend on ``n_jobs``).

    **Why ``step="auto"`` halves.** ``stopping="first_decrease"`` ends the
    walk at the first size that scores below the size before it, and
    cross-validated scores are noisy. Neighbouring sizes of a fine schedule
    score almost alike, so a small fraction gives many chances for a dip of
    noise to end the walk while most uninformative features are still kept;
    halving compares clearly different sizes, about :math:`\\log_2 n` times.
    To search more closely, combine a smaller fraction with
    ``stopping="best"``, which walks the whole path
    (``benchmarks/bench_rf_recursive.py --wide`` compares them).

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A Multi-label Multimodal
       Deep Learning Framework for Imbalanced Data Classification", IEEE
       MIPR 2019 (arXiv 2018), section III.C and Algorithm 1.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skmml.feature_selection import RFRecursiveSelector
    >>> X, Y = make_multilabel_classification(
    ...     n_samples=120, n_features=8, n_classes=3, random_state=0)
    >>> selector = RFRecursiveSelector(
    ...     forest=RandomForestClassifier(n_estimators=20),
    ...     stopping="best", cv=3, random_state=0).fit(X, Y)
    >>> selector.ranking_.shape, selector.cv_results_["n_features"].tolist()
    ((8,), [1, 2, 3, 4, 5, 6, 7, 8])
    >>> selector.transform(X).shape[1] == selector.n_features_
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "forest": [HasMethods(["fit"]), None],
        "step": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            StrOptions({"auto"}),
        ],
        "schedule": [StrOptions({"auto", "linear", "geometric"})],
        "min_features_to_select": [Interval(Integral, 1, None, closed="left")],
        "stopping": [StrOptions({"first_decrease", "best"})],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "scoring": [str, callable, None],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "unknown": [StrOptions({"raise", "drop_rows"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        forest=None,
        step="auto",
        schedule="auto",
        min_features_to_select=1,
        stopping="first_decrease",
        patience=None,
        scoring=None,
        cv=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        unknown="raise",
    ):
        self.estimator = estimator
        self.forest = forest
        self.step = step
        self.schedule = schedule
        self.min_features_to_select = min_features_to_select
        self.stopping = stopping
        self.patience = patience
        self.scoring = scoring
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.unknown = unknown

    # -- helpers -------------------------------------------------------------

    def _get_estimator(self):
        if self.estimator is not None:
            return self.estimator
        from ..svm import LabelPowersetWeightedSVC

        estimator = LabelPowersetWeightedSVC(temperature=1.0)
        if _routing_enabled():
            # The default accepts sample_weight: route it.
            estimator.set_fit_request(sample_weight=True)
        return estimator

    def _get_forest_template(self):
        if self.forest is not None:
            return self.forest
        forest = RandomForestClassifier(n_estimators=100, n_jobs=self.n_jobs)
        if _routing_enabled():
            forest.set_fit_request(sample_weight=True)
        return forest

    def _resolve_schedule(self, n_features):
        """``(schedule, step)`` with ``"auto"`` resolved."""
        schedule, step = self.schedule, self.step
        if schedule == "auto":
            wide = isinstance(step, str) and n_features > _AUTO_MAX_LINEAR
            schedule = "geometric" if wide else "linear"
        if isinstance(step, str):  # "auto"
            step = _AUTO_FRACTION if schedule == "geometric" else 1
        elif isinstance(step, numbers.Integral):
            if schedule == "geometric":
                raise ValueError(
                    "schedule='geometric' drops a fraction of the remaining "
                    f"features: step must be a float in (0, 1) or 'auto'; got "
                    f"step={step!r}."
                )
            step = int(step)
        else:
            step = float(step)
        return schedule, step

    def _get_scorer(self, estimator, multilabel):
        from ..metrics import get_scorer

        scoring = self.scoring
        if scoring is None:
            # skmml's micro-F1 needs 2-D Y; on 1-D y micro-F1 is accuracy.
            return get_scorer("micro_f1") if multilabel else get_scorer("f1_micro")
        if isinstance(scoring, str):
            try:
                return get_scorer(scoring)
            except ValueError as exc:
                raise ValueError(f"Invalid scoring={scoring!r}: {exc}") from None
        return check_scoring(estimator, scoring)

    def _get_cv(self, Y, estimator, multilabel):
        cv = 5 if self.cv is None else self.cv
        if multilabel and isinstance(cv, numbers.Integral):
            from ..model_selection import IterativeStratifiedKFold

            return IterativeStratifiedKFold(n_splits=int(cv))
        return check_cv(cv, Y, classifier=is_classifier(estimator))

    def _get_forest(self, rng):
        forest = clone(self._get_forest_template())
        params = forest.get_params(deep=False)
        if "random_state" in params and params["random_state"] is None:
            forest.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
        return forest

    @staticmethod
    def _sizes(n_features, step, min_features):
        sizes = list(range(n_features, min_features, -step))
        sizes.append(min_features)
        return sizes

    @staticmethod
    def _geometric_sizes(n_features, fraction, min_features, n_nonzero):
        """Sizes dropping ``fraction`` of the remaining features per round.

        After all features, the ``n_features - n_nonzero`` features of zero
        importance go in one round (if that drops more than the fraction).
        """
        sizes = [n_features]
        k = n_features
        while k > min_features:
            smaller = k - max(1, int(fraction * k))
            if k > n_nonzero:
                smaller = min(smaller, n_nonzero)
            k = max(smaller, min_features)
            sizes.append(k)
        return sizes

    def _decide(self, scores):
        """Apply the stopping rule to the mean scores of the path so far.

        Returns the position of the kept size and the position at which the
        rule stopped (None if it has not stopped).
        """
        if self.stopping == "first_decrease":
            for i in range(1, len(scores)):
                if scores[i] < scores[i - 1]:  # line 16 of Algorithm 1
                    return i - 1, i
            return len(scores) - 1, None
        best, since = 0, 0
        for i in range(1, len(scores)):
            if scores[i] >= scores[best]:  # ties: fewer features
                best, since = i, 0
            else:
                since += 1
                if self.patience is not None and since >= self.patience:
                    return best, i
        return best, None

    # -- fit -------------------------------------------------------------------

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        ``fit`` routes its metadata (for instance ``sample_weight``) to
        ``forest.fit`` and to every ``estimator.fit`` (cross-validation fits,
        sliced to their training rows, and the final refit), as each requests
        it. The defaults (``forest=None``, ``estimator=None``) request
        ``sample_weight``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter`
            encapsulating routing information.
        """
        return (
            MetadataRouter(owner=self)
            .add(
                estimator=self._get_estimator(),
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
            .add(
                forest=self._get_forest_template(),
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        )

    def _route_fit_params(self, sample_weight, fit_params):
        if _routing_enabled():
            if sample_weight is not None:
                fit_params["sample_weight"] = sample_weight
            routed = process_routing(self, "fit", **fit_params)
            return routed.estimator.fit, routed.forest.fit
        _raise_for_params(fit_params, self, "fit")
        # Legacy behaviour: sample_weight goes to the forest and the estimator.
        legacy = {} if sample_weight is None else {"sample_weight": sample_weight}
        return Bunch(**legacy), Bunch(**legacy)

    @_fit_context(
        # estimator and forest are validated when fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Rank the features with the forest and select the size to keep.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Fused feature matrix (for instance the output of
            :class:`skmml.compose.MultiModalConcatenator`).
        y : array-like of shape (n_samples, n_labels) or (n_samples,)
            Binary label indicator matrix, or a 1-D class vector. NaN
            entries (unknown labels) are rejected, or their rows left out
            with ``unknown="drop_rows"``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, passed to ``forest.fit`` and to every
            ``estimator.fit`` (the cross-validation scores themselves are
            unweighted). With metadata routing enabled, each of them gets
            it only if it requests it (``set_fit_request``).
        **fit_params : dict
            Other metadata; only with metadata routing enabled
            (``sklearn.set_config(enable_metadata_routing=True)``), routed as
            requested by ``forest`` and ``estimator``.

        Returns
        -------
        self : RFRecursiveSelector
            Fitted selector.
        """
        X, y, sample_weight, fit_params = self._drop_unknown_rows(
            X, y, sample_weight, fit_params
        )
        X, Y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=False,
            reset=True,
        )
        multilabel = Y.ndim == 2 and Y.shape[1] > 1
        if multilabel:
            Y = check_multilabel_indicator(Y, name="y", accept_sparse=False)
        elif Y.ndim == 2:
            Y = Y.ravel()
        estimator_params, forest_params = self._route_fit_params(
            sample_weight, fit_params
        )
        n_features = X.shape[1]
        schedule, step = self._resolve_schedule(n_features)
        min_features = min(int(self.min_features_to_select), n_features)
        rng = check_random_state_local(self.random_state)
        estimator = self._get_estimator()
        scorer = self._get_scorer(estimator, multilabel)
        cv = self._get_cv(Y, estimator, multilabel)

        # Line 6 of Algorithm 1: one ranking R, never recomputed.
        t0 = time.perf_counter()
        forest = self._get_forest(rng).fit(X, Y, **forest_params)
        importances = getattr(forest, "feature_importances_", None)
        if importances is None:
            raise ValueError(
                f"forest {type(forest).__name__} has no feature_importances_ "
                "after fit; pass a tree ensemble such as RandomForestClassifier."
            )
        importances = np.asarray(importances, dtype=np.float64)
        if importances.shape != (n_features,):
            raise ValueError(
                f"forest.feature_importances_ has shape {importances.shape}; "
                f"expected ({n_features},)."
            )
        order = np.argsort(-importances, kind="stable")
        ranking = np.empty(n_features, dtype=np.int64)
        ranking[order] = np.arange(1, n_features + 1)
        if self.verbose > 0:
            print(
                f"[RFRecursiveSelector] ranked {n_features} features with "
                f"{type(forest).__name__} in {time.perf_counter() - t0:.1f}s"
            )

        splits = list(cv.split(X, Y))
        n_folds = len(splits)
        if schedule == "geometric":
            n_nonzero = int(np.count_nonzero(importances > 0))
            sizes = self._geometric_sizes(n_features, step, min_features, n_nonzero)
        else:
            linear_step = step if isinstance(step, int) else int(step * n_features)
            sizes = self._sizes(n_features, max(1, linear_step), min_features)

        # The (size, fold) fits stream through the workers in path order; the
        # task generator stops yielding once the rule has stopped, so at most
        # the fits already in flight are wasted and no worker waits for the
        # slowest fold of a size before starting the next size.
        stopped = False

        def tasks():
            for k in sizes:
                # Columns in their original order: transform keeps that order.
                features = np.sort(order[:k])
                for train, test in splits:
                    if stopped:
                        return
                    yield delayed(_fit_and_score)(
                        estimator, X, Y, train, test, features, scorer, estimator_params
                    )

        parallel = Parallel(
            n_jobs=self.n_jobs,
            return_as="generator",
            pre_dispatch="n_jobs",
            batch_size=1,
            verbose=max(0, self.verbose - 1),
        )
        fold_scores = []  # one array of n_folds scores per evaluated size
        current = []
        keep, stop = 0, None
        for score in parallel(tasks()):
            if stopped:
                continue  # a fit dispatched before the stop: drain, discard
            current.append(score)
            if len(current) < n_folds:
                continue
            row = np.asarray(current, dtype=np.float64)
            current = []
            fold_scores.append(row)
            if self.verbose > 0:
                print(
                    f"[RFRecursiveSelector] n_features={sizes[len(fold_scores) - 1]}"
                    f": score={row.mean():.4f} (+/- {row.std():.4f})"
                )
            keep, stop = self._decide([s.mean() for s in fold_scores])
            stopped = stop is not None

        n_kept = sizes[keep]
        support = ranking <= n_kept
        evaluated = np.array(sizes[: len(fold_scores)])
        scores = np.vstack(fold_scores)[::-1]  # increasing size, as RFECV
        self.forest_ = forest
        self.feature_importances_ = importances
        self.ranking_ = ranking
        self.n_features_ = int(n_kept)
        self.step_ = step
        self.schedule_ = schedule
        self.support_ = support
        self.cv_results_ = {
            "n_features": evaluated[::-1].copy(),
            "mean_test_score": scores.mean(axis=1),
            "std_test_score": scores.std(axis=1),
            **{f"split{k}_test_score": scores[:, k].copy() for k in range(n_folds)},
        }
        self.estimator_ = clone(estimator).fit(X[:, support], Y, **estimator_params)
        if self.verbose > 0:
            print(
                f"[RFRecursiveSelector] kept {n_kept} of {n_features} features "
                f"after evaluating {len(fold_scores)} of {len(sizes)} sizes"
            )
        return self

    def _drop_unknown_rows(self, X, y, sample_weight, fit_params):
        """Inputs of ``fit`` without the rows where ``y`` has an unknown entry.

        Unchanged when ``y`` is complete, or not a valid label matrix (then
        ``validate_data`` reports it).
        """
        unchanged = X, y, sample_weight, fit_params
        if y is None:
            return unchanged
        try:
            shape = getattr(y, "shape", None)
            if shape is None:
                shape = np.asarray(y).shape
            if len(shape) != 2:
                return unchanged
            Y = check_multilabel_indicator(
                y, name="y", accept_sparse=True, allow_unknown=True
            )
        except (ValueError, TypeError):
            return unchanged
        if not has_unknown(Y):
            return unchanged
        keep = complete_label_rows(
            Y,
            self.unknown,
            name="y",
            needs=(
                f"{type(self).__name__} "
                "ranks and scores the features on complete label rows. Set "
                "unknown='drop_rows' to fit it on the rows without unknown "
                "entries (transform still keeps every row), or drop the "
                "incomplete rows or fill the unknown entries first."
            ),
            to="fit",
        )
        check_consistent_length(X, Y)
        rows = np.flatnonzero(keep)
        if sample_weight is not None:
            sample_weight = _safe_indexing(np.asarray(sample_weight), rows)
        fit_params = _check_method_params(X, params=fit_params, indices=rows)
        return _safe_indexing(X, rows), Y[rows], sample_weight, fit_params

    def transform(self, X):
        """Reduce ``X`` to the selected features.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Numeric input samples.

        Returns
        -------
        X_r : {ndarray, sparse matrix, DataFrame} of shape (n_samples, `n_features_`)
            The kept columns of ``X``, in their original order.
        """
        check_is_fitted(self)
        if not sp.issparse(X):
            # SelectorMixin checks X with dtype=None and would select columns
            # of strings: the selector was fitted on numbers only.
            check_array(X, dtype="numeric", input_name="X", ensure_all_finite=False)
        return super().transform(X)

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        try:
            sub = get_tags(self._get_estimator())
        except ImportError:
            sub = None
        # The forest takes sparse input; the estimator decides.
        tags.input_tags.sparse = sub.input_tags.sparse if sub is not None else False
        tags.input_tags.allow_nan = False
        return with_unknown_labels(tags, self.unknown == "drop_rows")
