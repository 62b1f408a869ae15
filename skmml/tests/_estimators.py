"""Estimator instances shared by the cross-estimator tests.

``estimator_instances()`` builds, for every public skmml estimator found by
:func:`skmml.utils.all_estimators`, the instances that the common checks,
the bad-input matrix and the persistence tests run on: the default
constructor unless ``INSTANCE_FACTORIES`` says otherwise (required
arguments, or cheap settings for neural nets).

A factory returns instances, or ``(instance, {check name: reason})`` pairs:
the checks expected to fail are listed for the instance that fails them (a
solver, a setting), never for every instance of its class.
"""

from skmml.utils import all_estimators

_LIBLINEAR_PROBA = (
    "predict is liblinear's one-vs-rest argmax over powerset classes while "
    "decision_function is the log-odds of calibrated per-label marginals (softmax "
    "at the fitted temperature); a marginal above 1/2 disagrees with the joint "
    "argmax on a few entries"
)


def instances_with_expected_failures(name, cls):
    """``(instance, {check: reason})`` pairs: default unless a factory says more."""
    factory = INSTANCE_FACTORIES.get(name)
    if factory is None:
        try:
            entries = [cls()]
        except TypeError:
            # Reported by test_every_estimator_is_checked instead of breaking
            # collection for everybody.
            entries = []
    else:
        entries = factory()
    return [entry if isinstance(entry, tuple) else (entry, {}) for entry in entries]


def instances_of(name, cls):
    """Instances to check: default construction unless a factory says more."""
    return [inst for inst, _ in instances_with_expected_failures(name, cls)]


def _concatenator_instances():
    from sklearn.preprocessing import StandardScaler

    from skmml.compose import MultiModalConcatenator

    return [
        MultiModalConcatenator([("all", "passthrough", slice(None))]),
        MultiModalConcatenator(
            [("first", "passthrough", [0]), ("all", StandardScaler(), slice(None))],
            block_weighting="unit_variance",
            missing="impute",
        ),
        MultiModalConcatenator(
            [
                ("first", "passthrough", [0]),
                # with_mean=False: the bad-input matrix also passes sparse X
                ("all", StandardScaler(with_mean=False), slice(None)),
            ],
            missing="passthrough",
        ),
    ]


def _ovr_logistic():
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(LogisticRegression(solver="liblinear"))


def _threshold_tuner_instances():
    from skmml.model_selection import MultiLabelThresholdTuner

    return [
        # defaults: on the checks' data the guard keeps the untuned thresholds
        (MultiLabelThresholdTuner(_ovr_logistic(), cv=3), {}),
        # the plain maximisation moves them
        (
            MultiLabelThresholdTuner(
                _ovr_logistic(), cv=3, guard=None, min_positives=0
            ),
            {
                "check_classifiers_train": _TUNED_PREDICT,
                "check_classifier_multioutput": _TUNED_PREDICT,
            },
        ),
    ]


def _fixed_threshold_instances():
    from skmml.model_selection import FixedMultiLabelThresholdClassifier

    return [FixedMultiLabelThresholdClassifier(_ovr_logistic())]


def _label_powerset_instances():
    from skmml.svm import LabelPowersetWeightedSVC

    sample_weight = {
        "check_sample_weight_equivalence_on_dense_data": _SVC_SAMPLE_WEIGHT,
        "check_sample_weight_equivalence_on_sparse_data": _SVC_SAMPLE_WEIGHT,
    }
    return [
        (
            LabelPowersetWeightedSVC(),
            {
                **sample_weight,
                "check_classifiers_train": _POWERSET_PROBA,
                "check_classifier_multioutput": _POWERSET_PROBA,
            },
        ),
        (
            LabelPowersetWeightedSVC(solver="liblinear"),
            {**sample_weight, "check_classifier_multioutput": _LIBLINEAR_PROBA},
        ),
        (
            LabelPowersetWeightedSVC(unknown="drop_rows"),
            {
                **sample_weight,
                "check_classifiers_train": _POWERSET_PROBA,
                "check_classifier_multioutput": _POWERSET_PROBA,
            },
        ),
        (
            LabelPowersetWeightedSVC(solver="least_squares", class_weight="balanced"),
            {**sample_weight, "check_classifiers_train": _LS_PROBA},
        ),
    ]


_MINIBATCH_WEIGHTS = (
    "minibatch Adam: a duplicated row and a weight of 2 give different batches "
    "and a different loss denominator, so the fits differ"
)


def _rmlc_instances():
    from skmml.neural import RMLCClassifier

    # one explicit modality: the checks' arrays carry no modality names
    params = dict(modalities={"all": slice(None)}, hidden_size=8, max_epochs=10)
    return [
        (
            RMLCClassifier(**params, lr=0.05, random_state=0),
            {
                "check_sample_weight_equivalence_on_dense_data": _MINIBATCH_WEIGHTS,
                "check_classifiers_train": _THRESHOLD_04,
                "check_classifier_multioutput": _THRESHOLD_04,
            },
        ),
        (
            # at 0.5 the checks of predict against predict_proba hold
            RMLCClassifier(**params, lr=0.05, threshold=0.5, random_state=0),
            {"check_sample_weight_equivalence_on_dense_data": _MINIBATCH_WEIGHTS},
        ),
    ]


def _resbilstm_encoder_instances():
    from skmml.neural import ResBiLSTMEncoder

    return [
        (
            ResBiLSTMEncoder(hidden_size=4, dense_size=8, max_epochs=3, random_state=0),
            {"check_sample_weight_equivalence_on_dense_data": _MINIBATCH_WEIGHTS},
        )
    ]


def _resbilstm_classifier_instances():
    from skmml.neural import ResBiLSTMClassifier

    return [
        (
            ResBiLSTMClassifier(
                hidden_size=8, dense_size=16, max_epochs=20, lr=0.02, random_state=0
            ),
            {"check_sample_weight_equivalence_on_dense_data": _MINIBATCH_WEIGHTS},
        )
    ]


def _rf_selector_instances():
    from sklearn.ensemble import RandomForestClassifier

    from skmml.feature_selection import RFRecursiveSelector

    reason = (
        "the ranking forest bootstraps and the default scoring SVM uses libsvm, "
        "so a weight of 2 is not a repeated row (scikit-learn lists the same "
        "failure for RandomForestClassifier and SVC)"
    )
    return [
        (
            RFRecursiveSelector(forest=RandomForestClassifier(n_estimators=5), cv=3),
            {
                "check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason,
            },
        ),
        (
            RFRecursiveSelector(
                forest=RandomForestClassifier(n_estimators=5),
                cv=3,
                unknown="drop_rows",
            ),
            {
                "check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason,
            },
        ),
    ]


def _partial_binary_relevance_instances():
    from sklearn.linear_model import LogisticRegression

    from skmml.multioutput import PartialBinaryRelevance

    return [PartialBinaryRelevance(LogisticRegression())]


def _partial_classifier_chain_instances():
    from sklearn.linear_model import LogisticRegression

    from skmml.multioutput import PartialClassifierChain

    return [
        PartialClassifierChain(LogisticRegression()),
        PartialClassifierChain(
            LogisticRegression(), order="random", chain_method="predict_proba"
        ),
    ]


# Estimators that need constructor arguments or cheap settings for the checks.
_CROSSFIT = (
    "fit_transform returns out-of-fold features (each row transformed by a "
    "clone fitted without its fold) while transform uses the clone fitted on "
    "all rows, so the two differ on purpose (as for sklearn's TargetEncoder)"
)
_CROSSFIT_WEIGHTS = (
    "zero weights and removed rows give different folds, so the out-of-fold "
    "clones are trained on different rows (and the encoder uses minibatches)"
)


def _crossfit_instances():
    from skmml.compose import CrossFitTransformer
    from skmml.neural import ResBiLSTMEncoder

    encoder = ResBiLSTMEncoder(
        hidden_size=4, dense_size=8, max_epochs=3, random_state=0
    )
    return [
        (
            CrossFitTransformer(encoder, cv=2),
            {
                "check_transformer_general": _CROSSFIT,
                "check_transformer_data_not_an_array": _CROSSFIT,
                "check_sample_weight_equivalence_on_dense_data": _CROSSFIT_WEIGHTS,
            },
        )
    ]


INSTANCE_FACTORIES = {
    "CrossFitTransformer": _crossfit_instances,
    "RFRecursiveSelector": _rf_selector_instances,
    "ResBiLSTMEncoder": _resbilstm_encoder_instances,
    "ResBiLSTMClassifier": _resbilstm_classifier_instances,
    "RMLCClassifier": _rmlc_instances,
    "LabelPowersetWeightedSVC": _label_powerset_instances,
    "MultiModalConcatenator": _concatenator_instances,
    "MultiLabelThresholdTuner": _threshold_tuner_instances,
    "FixedMultiLabelThresholdClassifier": _fixed_threshold_instances,
    "PartialBinaryRelevance": _partial_binary_relevance_instances,
    "PartialClassifierChain": _partial_classifier_chain_instances,
}

_TUNED_PREDICT = (
    "predict applies the tuned per-label thresholds while decision_function / "
    "predict_proba return the wrapped estimator's raw output, so thresholding "
    "them at 0 / 0.5 need not agree with predict (scikit-learn expects the "
    "same failure for TunedThresholdClassifierCV)"
)

_THRESHOLD_04 = (
    "the default threshold=0.4 predicts a label where predict_proba >= 0.4, "
    "so predict is not predict_proba rounded or its argmax (decision_function "
    "is shifted and agrees with predict); scikit-learn expects the same "
    "failure for FixedThresholdClassifier. The instance with threshold=0.5 "
    "passes these checks"
)

_SVC_SAMPLE_WEIGHT = (
    "libsvm/liblinear solutions with sample_weight are not exactly those of "
    "removed or repeated samples (scikit-learn lists the same for SVC)"
)
_POWERSET_PROBA = (
    "predict returns the powerset class chosen by the libsvm vote while "
    "predict_proba is the marginal of a pairwise-coupling distribution; the "
    "two disagree on a few samples, as libsvm's own probabilities do"
)
_LS_PROBA = (
    "predict is the one-vs-one vote over powerset classes while predict_proba "
    "couples the least-squares decision values pairwise like libsvm's, so "
    "thresholded marginals disagree with predict on a few samples"
)


def estimator_instances():
    """One or more instances of every public estimator."""
    return [inst for inst, _ in estimator_instances_with_expected_failures()]


def estimator_instances_with_expected_failures():
    """``(instance, {check name: reason})`` for every public estimator."""
    return [
        pair
        for name, cls in all_estimators()
        for pair in instances_with_expected_failures(name, cls)
    ]


def _random_labelsets_instances():
    from skmml.svm import RandomLabelsetsWeightedSVC

    sample_weight = {
        "check_sample_weight_equivalence_on_dense_data": _SVC_SAMPLE_WEIGHT,
        "check_sample_weight_equivalence_on_sparse_data": _SVC_SAMPLE_WEIGHT,
    }
    return [
        (
            # 3 labels in the multi-output check: one subset, the full powerset
            RandomLabelsetsWeightedSVC(),
            {
                **sample_weight,
                "check_classifiers_train": _POWERSET_PROBA,
                "check_classifier_multioutput": _POWERSET_PROBA,
            },
        ),
        (
            RandomLabelsetsWeightedSVC(
                labelset_size=2,
                labelset_mode="overlapping",
                solver="liblinear",
                unknown="drop_rows",
            ),
            {**sample_weight, "check_classifier_multioutput": _RAKEL_VOTE},
        ),
    ]


_RAKEL_VOTE = (
    "predict is the mean vote of the labelsets holding each label while "
    "predict_proba averages their marginal probabilities, so thresholded "
    "probabilities disagree with the vote on a few samples"
)
INSTANCE_FACTORIES["RandomLabelsetsWeightedSVC"] = _random_labelsets_instances
