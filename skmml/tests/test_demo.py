"""The Quick start demo runs and prints its comparison table."""

from skmml import demo


def test_demo_prints_a_comparison_table(capsys):
    demo.main(["--n-splits", "2", "--no-neural"])
    out = capsys.readouterr().out
    assert "micro-F1" in out and "MAP" in out
    for name in ("visual only", "audio only", "text only", "LP weighted SVM"):
        assert name in out
    rows = [line for line in out.splitlines() if "OvR logistic" in line]
    assert len(rows) == 4
    # fusion beats every single modality on the disaster-like data
    micro = {line.split(",")[0]: float(line.split()[-5]) for line in rows}
    assert micro["concatenation"] > max(
        v for k, v in micro.items() if k != "concatenation"
    )
