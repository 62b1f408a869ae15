"""The README's tour runs end to end (all ``python`` blocks, in order), and it
shows every public name; every public class and function has an example."""

import importlib
import importlib.util
import inspect
import io
import re
import tokenize
from pathlib import Path

import pytest

from skmml.utils._discovery import _TORCH_SUBPACKAGES, _public_subpackages

README = Path(__file__).resolve().parents[2] / "README.md"
SUBPACKAGES = sorted(_public_subpackages())


def _python_blocks():
    text = README.read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def _import_public(subpackage):
    """Import ``skmml.<subpackage>``, skipping the torch ones without torch."""
    if subpackage in _TORCH_SUBPACKAGES:
        for dependency in ("torch", "skorch"):
            if importlib.util.find_spec(dependency) is None:
                pytest.skip(f"skmml.{subpackage} needs {dependency}")
    return importlib.import_module(f"skmml.{subpackage}")


def _code_identifiers(blocks):
    """Names used as code in the blocks (comments and strings excluded)."""
    names = set()
    for block in blocks:
        tokens = tokenize.generate_tokens(io.StringIO(block).readline)
        names.update(tok.string for tok in tokens if tok.type == tokenize.NAME)
    return names


def test_readme_has_a_tour():
    assert len(_python_blocks()) >= 3


def test_public_subpackages_found():
    assert {"compose", "metrics", "losses", "neural"} <= set(SUBPACKAGES)


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_readme_tour_shows_every_public_name(subpackage):
    module = _import_public(subpackage)
    shown = _code_identifiers(_python_blocks())
    missing = [name for name in module.__all__ if name not in shown]
    assert not missing, (
        f"skmml.{subpackage} names never used in the README's python blocks: {missing}"
    )


def _has_example(obj):
    doc = inspect.cleandoc(obj.__doc__ or "")  # own docstring, not inherited
    match = re.search(r"^Examples\n-{8,}\n(.*)", doc, re.S | re.M)
    return match is not None and ">>>" in match.group(1)


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_public_objects_have_doctest_examples(subpackage):
    module = _import_public(subpackage)
    objects = {name: getattr(module, name) for name in module.__all__}
    public = {
        name: obj
        for name, obj in objects.items()
        if inspect.isclass(obj) or inspect.isfunction(obj)
    }
    assert public, f"skmml.{subpackage} exports no class or function"
    missing = [name for name, obj in public.items() if not _has_example(obj)]
    assert not missing, (
        f"skmml.{subpackage} objects without an 'Examples' section with >>>: {missing}"
    )


def test_example_detection():
    def documented():
        """Do nothing.

        Examples
        --------
        >>> documented()
        """

    def prose_only():
        """Do nothing.

        Examples
        --------
        Call it.
        """

    class Parent:
        """Parent.

        Examples
        --------
        >>> Parent()
        """

    class Child(Parent):
        pass

    assert _has_example(documented)
    assert _has_example(Parent)
    assert not _has_example(prose_only)
    assert not _has_example(Child)  # the parent's example does not count


def test_readme_tour_runs(tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__readme__"}
    for i, block in enumerate(_python_blocks()):
        try:
            exec(compile(block, f"README.md[python block {i}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            raise AssertionError(f"README python block {i} failed: {exc!r}") from exc
