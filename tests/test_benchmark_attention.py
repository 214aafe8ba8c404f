"""benchmarks/attention_kernels.py: its argument checks, and a tiny side-by-side run."""
import re

import pytest
from conftest import benchmark


@pytest.fixture(scope="module")
def bench():
    return benchmark("attention_kernels")


@pytest.mark.parametrize("argv", [["--n", "4"], ["--max-length", "4"], ["--rounds", "0"]])
def test_sizes_too_small_are_one_clear_line(bench, argv):
    with pytest.raises(SystemExit, match="at least"):
        bench.main(argv)


def test_both_implementations_train_the_same_model_from_the_same_start(bench, capsys):
    assert bench.main(["--n", "16", "--max-length", "32", "--rounds", "1", "--profile", "offline"]) == 0
    out = capsys.readouterr().out
    losses = dict(re.findall(r"round 1, (sdpa|eager)\s*:.*training loss ([0-9.]+)", out))
    assert set(losses) == {"sdpa", "eager"}
    # the same weights, head, batches and order: only the attention code differs
    assert abs(float(losses["sdpa"]) - float(losses["eager"])) < 0.01
    difference = float(re.search(r"differ by at most ([0-9.e+-]+)", out).group(1))
    assert difference < 0.1
    assert re.search(r"eager trains [0-9.]+x as fast", out)
