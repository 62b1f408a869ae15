"""numpydoc validation of the public docstrings.

Every name of a public subpackage's ``__all__`` and every public method that
skmml itself writes on those classes (members inherited from scikit-learn,
torch or skorch are theirs to document) is checked with
:func:`numpydoc.validate.validate`, as imbalanced-learn's
``maint_tools/test_docstring.py`` does. What is not enforced is listed below
with its reason; the docs extra installs numpydoc (``pip install -e
".[docs]"``), and the test is skipped without it.
"""

import importlib
import importlib.util
import inspect

import pytest

from skmml.utils._discovery import _TORCH_SUBPACKAGES, _public_subpackages

numpydoc_validate = pytest.importorskip("numpydoc.validate")

# Checks not enforced anywhere, with the reason.
IGNORED = {
    # One-line summaries of fit / predict / transform say all there is; the
    # class docstring holds the description.
    "ES01": "no extended summary",
    # See Also is written where a related object exists, not everywhere.
    "SA01": "no See Also section",
    # Single return values are named (``self : object``, ``X_new : ndarray``),
    # as scikit-learn writes them.
    "RT02": "named single return value",
}

# Checks not enforced on methods only: the class docstring's Examples
# exercise its methods. Public classes and functions need Examples (their
# doctests run, and skmml/tests/test_readme.py asks for them too).
IGNORED_FOR_METHODS = {"EX01": "no Examples section"}

# Undocumented overrides of a framework hook: torch's ``forward`` and
# ``extra_repr``, skorch's callback hooks and ``NeuralNet`` methods. Their
# contract is the framework's; skmml's behaviour is in the class docstring
# (each loss documents ``forward(logits, target, weight, neg_weight)``).
FRAMEWORK_HOOKS = {"forward", "extra_repr", "initialize", "get_loss", "infer"}

# SS05 asks for an infinitive verb and flags any first word ending in "s";
# these summaries start with a plural noun instead ("Probabilities of
# ``estimator_``", "Log-odds of each label's prior").
PLURAL_NOUNS = {"Probabilities", "Log-probabilities", "Logits", "Log-odds", "Names"}

# Per-object exceptions, with the reason.
OBJECT_IGNORES = {
    # The summary starts with a proper name written in lower case.
    "skmml.losses.SigmoidF1Loss": {"SS02"},  # "sigmoidF1: ..."
    "skmml.losses.FitCriterionPriors": {"SS02"},  # "skorch callback ..."
    "skmml.losses.LossWeightsMixin": {"SS02"},  # "skorch ``NeuralNet`` ..."
    # Result containers made by label_imbalance_report / long_tail_report,
    # never by users: their fields are documented as Attributes.
    "skmml.metrics.LabelImbalanceReport": {"PR01"},
    "skmml.metrics.LongTailReport": {"PR01"},
    # split returns the generator of a helper, so numpydoc asks for Returns;
    # for the caller it yields the folds, which Yields documents.
    "skmml.model_selection.IterativeStratifiedKFold.split": {"RT01"},
}

# Docstrings that do not pass yet: each entry is a defect to fix in the
# package (then remove it here; the strict xfail fails once it passes).
KNOWN_FAILURES = {
    # fit_priors of the label-prior losses (skmml/losses/_label_priors.py)
    "skmml.losses.ClassBalancedLoss.fit_priors": "RT03: describe the return",
    "skmml.losses.SAdF1Scheduler.beta_at": "PR01, RT01: epoch, return value",
    "skmml.losses.SigmoidF1Loss": "GL07: See Also must come before Notes",
    "skmml.losses.ignore_missing_weights": "SA03: capitalise See Also text",
    "skmml.metrics.LabelImbalanceReport.to_text": "RT03: describe the return",
    "skmml.metrics.LongTailReport.to_text": "RT03: describe the return",
    "skmml.neural.RMLCClassifier": "SA03: capitalise See Also text",
    # methods of the neural base classes (skmml/neural/_base.py), checked
    # under the first public class that inherits them
    "skmml.neural.RMLCClassifier.decision_function": "PR07, RT03: X, return",
    "skmml.neural.RMLCClassifier.get_params": "RT03: describe the return",
    "skmml.neural.RMLCClassifier.load_params": "RT03: describe the return",
    "skmml.neural.RMLCClassifier.predict": "PR07: describe X",
    "skmml.neural.RMLCClassifier.predict_proba": "PR07: describe X",
    "skmml.neural.RMLCClassifier.save_params": "RT03: describe the return",
    "skmml.neural.RMLCClassifier.set_params": "RT03: describe the return",
    "skmml.neural.RMLCModule.dense_penalty": "RT01: no Returns section",
    "skmml.neural.RMLCModule.full_input_weight": "RT03: describe the return",
    "skmml.neural.ResBiLSTMClassifier": "PR03: parameters out of order",
    "skmml.neural.ResBiLSTMEncoder.get_feature_names_out": (
        "SS05, RT03: summary verb, return description"
    ),
    "skmml.neural.ResBiLSTMEncoder.transform": "PR07, RT03: X, return",
    "skmml.neural.ResBiLSTMModule.encode": "PR01, RT01: X, return value",
    "skmml.neural.ResBiLSTMModule.frames": "PR01, RT01: X, return value",
    "skmml.neural.make_early_fusion_classifier": "RT03: describe the return",
    "skmml.neural.make_late_fusion_pipeline": "PR04: types of 3 parameters",
    "skmml.utils.ModalityLayout.reorder": "PR01, RT01: order, param, return",
    "skmml.utils.check_modality_name": "PR01: name, param",
    "skmml.utils.modality_feature_name": "PR01, RT01: parameters, return",
    "skmml.utils.split_modality_feature_name": "PR01, RT01: name, return",
}


def _importable(subpackage):
    if subpackage in _TORCH_SUBPACKAGES:
        return all(importlib.util.find_spec(m) for m in ("torch", "skorch"))
    return True


def _definition(member):
    """``(module, qualname)`` of the function behind a method or property."""
    func = getattr(member, "fget", member)
    func = getattr(func, "__func__", func)
    return getattr(func, "__module__", None) or "", getattr(func, "__qualname__", "")


def _public_objects():
    """Import paths of the public objects and of the methods skmml writes.

    A method inherited by several public classes is checked once, under the
    first class that has it.
    """
    seen = set()
    for sub in sorted(_public_subpackages()):
        if not _importable(sub):
            continue
        module = importlib.import_module(f"skmml.{sub}")
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or callable(obj)):
                continue
            path = f"skmml.{sub}.{name}"
            yield path, False
            if not inspect.isclass(obj):
                continue
            for attr, member in inspect.getmembers(obj):
                if attr.startswith("_") and attr != "__call__":
                    continue
                if not (callable(member) or isinstance(member, property)):
                    continue
                key = _definition(member)
                if inspect.isclass(member) or not key[0].startswith("skmml"):
                    continue
                if key not in seen:
                    seen.add(key)
                    yield f"{path}.{attr}", True


def _errors(path, is_method):
    result = numpydoc_validate.validate(path)
    name = path.rsplit(".", 1)[-1]
    ignored = set(IGNORED) | OBJECT_IGNORES.get(path, set())
    if result["docstring"].strip().split(" ", 1)[0] in PLURAL_NOUNS:
        ignored.add("SS05")
    if is_method:
        ignored |= set(IGNORED_FOR_METHODS)
        if name in FRAMEWORK_HOOKS or name.startswith("on_"):
            ignored.add("GL08")
    return [f"{code}: {msg}" for code, msg in result["errors"] if code not in ignored]


def _params():
    for path, is_method in _public_objects():
        marks = ()
        if path in KNOWN_FAILURES:
            marks = pytest.mark.xfail(reason=KNOWN_FAILURES[path], strict=True)
        yield pytest.param(path, is_method, id=path, marks=marks)


@pytest.mark.parametrize("path, is_method", list(_params()))
def test_docstring(path, is_method):
    errors = _errors(path, is_method)
    assert not errors, f"{path}:\n" + "\n".join(errors)


def test_known_failures_name_public_objects():
    paths = {path for path, _ in _public_objects()}
    stale = [
        path
        for path in KNOWN_FAILURES
        if path not in paths and _importable(path.split(".")[1])
    ]
    assert not stale, f"remove these entries of KNOWN_FAILURES: {stale}"
