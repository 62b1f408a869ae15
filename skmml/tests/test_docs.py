"""The documentation sources in ``docs/`` and ``examples/`` stay in step with
the package: every public name is in the API reference, the hand-written pages
reference only names that exist, every gallery script is a valid
sphinx-gallery example, and the README's Quick start keeps its two commands.

These tests parse the ``.rst`` and ``.py`` sources; they need no Sphinx.
"""

import ast
import fnmatch
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

from skmml.utils._discovery import _TORCH_SUBPACKAGES, _public_subpackages

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
SUBPACKAGES = sorted(_public_subpackages())

pytestmark = pytest.mark.skipif(
    not (DOCS / "conf.py").exists(), reason="needs the repository's docs/ folder"
)


def _has_torch():
    return all(importlib.util.find_spec(m) for m in ("torch", "skorch"))


def _skip_without_torch(subpackage):
    if subpackage in _TORCH_SUBPACKAGES and not _has_torch():
        pytest.skip(f"skmml.{subpackage} needs torch and skorch")


def _api_pages_module():
    spec = importlib.util.spec_from_file_location(
        "api_pages", DOCS / "sphinxext" / "api_pages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _autosummary_entries(text):
    """Names listed under the ``.. autosummary::`` directives of a page."""
    names, inside = [], False
    for line in text.splitlines():
        if line.startswith(".. autosummary::"):
            inside = True
        elif inside and line.strip() and not line.startswith("   "):
            inside = False
        elif inside and line.strip() and not line.strip().startswith(":"):
            names.append(line.strip())
    return names


def _toctree_entries(text):
    entries, inside = [], False
    for line in text.splitlines():
        if line.startswith(".. toctree::"):
            inside = True
        elif inside and line.strip() and not line.startswith("   "):
            inside = False
        elif inside and line.strip() and not line.strip().startswith(":"):
            entries.append(line.strip())
    return entries


# -- API reference ---------------------------------------------------------


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_api_reference_lists_every_public_name(subpackage, tmp_path):
    _skip_without_torch(subpackage)
    module = importlib.import_module(f"skmml.{subpackage}")
    text = _api_pages_module().api_page(subpackage)
    (tmp_path / f"skmml.{subpackage}.rst").write_text(text)
    listed = _autosummary_entries((tmp_path / f"skmml.{subpackage}.rst").read_text())
    missing = sorted(set(module.__all__) - set(listed))
    assert not missing, f"skmml.{subpackage} names missing from its API page: {missing}"
    assert len(listed) == len(set(listed)), "a name is listed twice"
    assert set(listed) <= set(module.__all__), "the page lists a non-public name"
    assert f".. automodule:: skmml.{subpackage}" in text


def test_api_index_includes_every_subpackage_page():
    entries = _toctree_entries((DOCS / "api.rst").read_text())
    pages = [f"api/skmml.{sub}" for sub in SUBPACKAGES]
    missing = [
        page
        for page in pages
        if not any(fnmatch.fnmatch(page, entry) for entry in entries)
    ]
    assert not missing, f"docs/api.rst toctree misses {missing}"


def test_every_subpackage_has_a_user_guide_page():
    guide = _api_pages_module().GUIDE
    missing = sorted(set(SUBPACKAGES) - set(guide))
    assert not missing, (
        f"say which user-guide page documents {missing} in "
        "docs/sphinxext/api_pages.py (GUIDE)"
    )
    for target in guide.values():
        assert (DOCS / f"{target}.rst").exists(), target


def test_the_generated_pages_are_not_committed_by_hand():
    ignored = (ROOT / ".gitignore").read_text().split()
    for path in ("docs/_build/", "docs/api/", "docs/auto_examples/"):
        assert path in ignored


# -- hand-written pages ----------------------------------------------------

GENERATED = {"_build", "_templates", "api", "auto_examples", "gen_modules"}
HAND_WRITTEN = sorted(
    p
    for p in DOCS.rglob("*.rst")
    if p.relative_to(DOCS).parts[0] not in GENERATED
    and p.name != "sg_execution_times.rst"
)
ROLE = re.compile(r":(?:class|func|meth|mod|attr|obj|data):`([^`]+)`")
EXTERNAL = ("sklearn", "torch", "skorch", "imblearn", "numpy", "scipy", "joblib")


def _resolve(target):
    """Import ``target`` (``module.attr.attr``); return False if it fails."""
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def _references(path):
    """``(line number, target, current module)`` of the Python roles."""
    current = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = re.match(r"\.\. (?:currentmodule|module):: (\S+)", line.strip())
        if match:
            current = match.group(1)
        for text in ROLE.findall(line):
            target = re.sub(r"^.*<(.+)>$", r"\1", text).lstrip("~.")
            yield number, target, current


def test_user_guide_toctree_lists_every_page():
    listed = set(_toctree_entries((DOCS / "user_guide" / "index.rst").read_text()))
    pages = {p.stem for p in (DOCS / "user_guide").glob("*.rst")} - {"index"}
    assert pages <= listed, f"not in the user guide's toctree: {pages - listed}"


@pytest.mark.parametrize("path", HAND_WRITTEN, ids=lambda p: str(p.relative_to(DOCS)))
def test_hand_written_pages_reference_existing_names(path):
    bad = []
    for number, target, current in _references(path):
        if target.split(".")[0] in EXTERNAL:
            continue
        if target.startswith("skmml.neural") or target.startswith("skmml.losses."):
            if not _has_torch():
                continue
        candidates = [target] if target.startswith("skmml") else []
        if current and current.startswith("skmml"):
            candidates.append(f"{current}.{target}")
        if not candidates:
            bad.append(f"line {number}: {target} (no skmml module)")
        elif not any(_resolve(c) for c in candidates):
            bad.append(f"line {number}: {target}")
    assert not bad, f"{path.name} references names that do not exist: {bad}"


def test_the_reference_check_sees_a_missing_name(tmp_path):
    page = tmp_path / "page.rst"
    page.write_text(
        ".. currentmodule:: skmml.svm\n\n:class:`LabelPowersetWeightedSVC`, "
        ":func:`~skmml.metrics.micro_f1`, :class:`NoSuchEstimator`\n"
    )
    found = {
        t: _resolve(t if t.startswith("skmml") else f"{c}.{t}")
        for _, t, c in _references(page)
    }
    assert found == {
        "LabelPowersetWeightedSVC": True,
        "skmml.metrics.micro_f1": True,
        "NoSuchEstimator": False,
    }


# -- docstrings -------------------------------------------------------------

PACKAGE = ROOT / "skmml"
# "\frac", "\beta", "\alpha", "\vec" in a non-raw docstring are a form feed,
# a backspace, a bell, a vertical tab: the page shows garbage and the
# directive around them breaks. Write such docstrings as r"""...""".
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Defects in package code, to fix there (then remove the entry).
CONTROL_KNOWN = {}


def _source_files():
    return sorted(
        p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts
    )


def _control_params():
    for path in _source_files():
        rel = str(path.relative_to(PACKAGE))
        marks = ()
        if rel in CONTROL_KNOWN:
            marks = pytest.mark.xfail(reason=CONTROL_KNOWN[rel], strict=True)
        yield pytest.param(path, id=rel, marks=marks)


@pytest.mark.parametrize("path", list(_control_params()))
def test_docstrings_hold_no_control_characters(path):
    tree = ast.parse(path.read_text())
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    bad = [
        getattr(node, "name", "<module>")
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and CONTROL.search(ast.get_docstring(node, clean=False) or "")
    ]
    assert not bad, f'control characters in the docstrings of {bad}: use r"""'


# -- gallery ----------------------------------------------------------------


def _gallery_conf():
    tree = ast.parse((DOCS / "conf.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "sphinx_gallery_conf" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("docs/conf.py defines no sphinx_gallery_conf")


def _gallery_scripts():
    conf = _gallery_conf()
    return [
        p
        for p in sorted(EXAMPLES.glob("*.py"))
        if re.search(conf["filename_pattern"], str(p))
        and not re.search(conf["ignore_pattern"], str(p))
    ]


def test_the_gallery_runs_the_examples():
    scripts = _gallery_scripts()
    assert len(scripts) >= 6, scripts
    assert (EXAMPLES / "GALLERY_HEADER.rst").exists()


@pytest.mark.parametrize("path", _gallery_scripts(), ids=lambda p: p.name)
def test_gallery_script_is_a_sphinx_gallery_example(path):
    source = path.read_text()
    tree = ast.parse(source)
    doc = ast.get_docstring(tree, clean=False)
    assert doc, f"{path.name} needs a module docstring"
    lines = doc.strip("\n").splitlines()
    title, underline = lines[0].strip(), lines[1].strip()
    assert set(underline) == {"="} and len(underline) >= len(title), (
        f"{path.name}: the docstring must start with a reST title underlined "
        "by '=' at least as long as it"
    )
    # sphinx-gallery defines no __file__; examples find their data through
    # sys.argv[0] or --data-dir
    assert "__file__" not in source, f"{path.name} uses __file__"
    assert "def main(argv=None)" in source and 'if __name__ == "__main__"' in source


# -- README -----------------------------------------------------------------


def test_readme_quick_start_has_two_commands_after_the_torch_note():
    text = (ROOT / "README.md").read_text()
    section = re.search(r"## Quick start\n(.*?)\n## ", text, re.S).group(1)
    blocks = re.findall(r"```(?:bash|sh|console|shell)?\n(.*?)```", section, re.S)
    commands = [
        line
        for block in blocks
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert len(commands) == 2, commands
    # one editable install: no second install, no build/ folder in the checkout
    installs = [c for c in commands if "pip install" in c]
    assert len(installs) == 1 and "pip install -e " in installs[0]
    assert "skmml.demo" in commands[0] and "pytest" in commands[1]
    # what a user must know before pasting comes first
    assert section.index("download.pytorch.org/whl/cpu") < section.index("```")
