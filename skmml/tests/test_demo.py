"""The Quick start demo runs, shows its progress and prints its comparison table."""

import pytest

from skmml import demo


def _table_rows(out):
    """``{approach: [micro-F1, macro-F1, Hamming, MAP, seconds]}`` of the table."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("approach"))
    rows = {}
    for line in lines[start + 2 :]:
        if line.startswith("Higher is better"):  # the legend closes the table
            break
        name, cells = line.split("  ", 1)
        rows[name.strip()] = [float(v) for v in cells.split()]
    return rows


@pytest.fixture(scope="module")
def demo_output():
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        demo.main(["--n-splits", "2", "--no-neural"])
    return buffer.getvalue()


def test_demo_prints_a_comparison_table(demo_output):
    rows = _table_rows(demo_output)
    names = ["visual only", "audio only", "text only", "concatenation"]
    ovr = {name.split(",")[0]: v for name, v in rows.items() if "OvR" in name}
    assert sorted(ovr) == sorted(names)
    assert any("LP weighted SVM" in name for name in rows)
    # fusion beats every single modality on the disaster-like data
    micro = {name: values[0] for name, values in ovr.items()}
    assert micro["concatenation"] > max(
        v for k, v in micro.items() if k != "concatenation"
    )


def test_demo_reports_progress_per_approach(demo_output):
    progress = [line for line in demo_output.splitlines() if line.startswith("[")]
    assert len(progress) == len(_table_rows(demo_output))
    assert progress[0].startswith("[1/") and progress[-1].endswith(" s")


def test_demo_says_which_way_is_better_and_explains_the_result(demo_output):
    assert "lower is better for the Hamming loss" in demo_output
    explanation = demo_output.rstrip().splitlines()[-2:]
    assert explanation[0].startswith("Why LP trails OvR")
    assert "combinations" in explanation[0]


def test_demo_help_names_the_module(capsys):
    with pytest.raises(SystemExit):
        demo.main(["--help"])
    assert capsys.readouterr().out.startswith("usage: python -m skmml.demo")
