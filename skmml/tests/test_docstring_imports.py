"""Docstring examples import public paths only."""

import ast
import doctest
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
PRIVATE_IMPORT = re.compile(
    r"^\s*(from\s+skmml(\.\w+)*\._\w+|import\s+skmml(\.\w+)*\._\w+)", re.M
)


def _source_files():
    return sorted(
        p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts
    )


def _docstrings(path):
    tree = ast.parse(path.read_text())
    nodes = [tree, *ast.walk(tree)]
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in nodes:
        if isinstance(node, kinds):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield getattr(node, "name", "<module>"), doc


@pytest.mark.parametrize(
    "path", _source_files(), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_docstring_examples_import_public_paths(path):
    parser = doctest.DocTestParser()
    bad = []
    for name, doc in _docstrings(path):
        for example in parser.get_examples(doc):
            if PRIVATE_IMPORT.search(example.source):
                bad.append(f"{name}: {example.source.strip()}")
    assert not bad, f"private imports in docstring examples of {path.name}: {bad}"


def test_the_check_sees_a_private_import():
    doc = ">>> from skmml.svm._label_powerset import LabelPowersetWeightedSVC\n"
    examples = doctest.DocTestParser().get_examples(doc)
    assert PRIVATE_IMPORT.search(examples[0].source)
    public = doctest.DocTestParser().get_examples(">>> from skmml.svm import X\n")
    assert not PRIVATE_IMPORT.search(public[0].source)
