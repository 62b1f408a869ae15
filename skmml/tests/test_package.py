"""Packaging contracts: import without torch, lazy top-level exports."""

import subprocess
import sys

import pytest

import skmml


def _run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )


def test_import_skmml_does_not_import_torch():
    code = (
        "import sys, skmml\n"
        "for name in skmml.__all__:\n"
        "    if name != 'RMLCClassifier':\n"
        "        getattr(skmml, name)\n"
        "import skmml.metrics, skmml.model_selection, skmml.datasets\n"
        "import skmml.compose\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "print('ok')\n"
    )
    res = _run(code)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


def test_torch_backed_export_without_torch_names_the_extra():
    if "RMLCClassifier" not in skmml.__all__:
        pytest.skip("RMLCClassifier is not exported")
    code = (
        "import sys\n"
        "class Hide:\n"  # a finder that makes `import torch` fail
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('torch', 'skorch'):\n"
        "            raise ImportError(f'No module named {name!r}')\n"
        "sys.meta_path.insert(0, Hide())\n"
        "import skmml\n"
        "try:\n"
        "    skmml.RMLCClassifier\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    res = _run(code)
    assert res.returncode == 0, res.stderr
    assert "pip install 'skmml[neural]'" in res.stdout


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        getattr(skmml, "Nope")  # noqa: B009


@pytest.mark.parametrize("name", skmml.__all__)
def test_top_level_exports_resolve(name):
    if name == "RMLCClassifier":
        pytest.importorskip("torch")
        pytest.importorskip("skorch")
    obj = getattr(skmml, name)
    assert obj.__name__ == name
