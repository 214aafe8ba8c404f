"""benchmarks/mirror_load.py: a small room (two clients) gets every file intact, and says so."""
import os
import subprocess
import sys

import pytest
from conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "mirror_load.py"


@pytest.mark.slow
def test_two_clients_get_identical_files_and_the_table_says_so(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "bert"}')
    (folder / "model.safetensors").write_bytes(os.urandom(3 << 20))  # served as an LFS object
    proc = subprocess.run([sys.executable, str(SCRIPT), "--clients", "2", "--folder", str(folder)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "2 files, 3.1 MB" in lines[0]
    assert lines[1].split() == ["clients", "wall", "s", "MB/s", "median", "s", "identical", "failures", "olah",
                                "peak", "MB"]
    row = lines[2].split()
    assert (row[0], row[4], row[5]) == ("2", "2/2", "0")
    assert float(row[2]) > 0  # MB/s
