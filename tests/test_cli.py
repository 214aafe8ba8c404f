"""The tilnlp command: bad input gets one clear line, good input runs a notebook end to end."""
import json
import os
import re
import subprocess
import sys
import time

import pytest

from conftest import ROOT, assert_one_clear_error, tilnlp
from tilnlp.sourcing.models import MODELS, offline_path


def _notebook(path, *sources):
    """Write a notebook of code cells ``sources`` (Python 3 kernel) to ``path``; returns ``path``."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(source) for source in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_help_imports_neither_torch_nor_transformers():
    code = "import sys, tilnlp.publishing.cli; print(sorted(m for m in ('torch', 'transformers', 'datasets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    proc = tilnlp("--help")
    assert proc.returncode == 0 and "run" in proc.stdout and "doctor" in proc.stdout


def test_list_names_every_notebook_with_a_description():
    proc = tilnlp("list")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("00_setup_and_tour") and "tour" in lines[0]
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_unknown_notebook():
    assert_one_clear_error(tilnlp("run", "99_nope"), "unknown notebook '99_nope'", "00_setup_and_tour")


def test_unknown_parameter():
    assert_one_clear_error(tilnlp("run", "00", "-p", "epochs=3"), "no selected notebook has the parameter(s) epochs")


def test_ill_typed_parameter():
    assert_one_clear_error(tilnlp("run", "00", "-p", "n_preview=lots"), "n_preview", "takes a int")


def test_malformed_parameter():
    assert_one_clear_error(tilnlp("run", "00", "-p", "n_preview"), "KEY=VALUE")


def test_corrupt_notebook(tmp_path):
    bad = tmp_path / "01_bad.ipynb"
    bad.write_text("{not json")
    assert_one_clear_error(tilnlp("run", str(bad)), "is not a readable notebook")
    assert bad.read_text() == "{not json"  # nothing the user made is touched


def test_unknown_profile():
    proc = tilnlp("run", "00", "--profile", "cloud")
    assert_one_clear_error(proc, "invalid choice: 'cloud'")


def test_unknown_preset_in_environment():
    assert_one_clear_error(tilnlp("run", "00", env={"TILNLP_PRESET": "huge"}), "unknown preset 'huge'")


def test_hub_forced_while_offline_hints_at_offline():
    proc = tilnlp("run", "00", "--profile", "hub", env={"HF_HUB_OFFLINE": "1", "HF_HOME": "/nonexistent"})
    assert_one_clear_error(proc, "--profile offline")


@pytest.mark.slow
def test_doctor_shows_every_offline_asset_ready():
    for model in MODELS.values():
        offline_path(model)  # builds a stand-in that is not built yet
    proc = tilnlp("doctor")
    assert proc.returncode == 0, proc.stderr
    assert "NOT BUILT" not in proc.stdout
    for real_id in ("gpt2", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "roberta-base",
                    "bert-base-uncased"):
        assert real_id in proc.stdout
    assert re.search(r"accuracy 0\.\d{3} on 200 Pang & Lee sentences \(95% CI 0\.\d{3}-0\.\d{3}\)", proc.stdout)
    assert re.search(r"accuracy 0\.\d{3} on 1,000 IMDb test reviews", proc.stdout)
    assert re.search(r"1\.\d\d bits per character on first 128 tokens of 50 vendored IMDb test reviews", proc.stdout)


@pytest.mark.slow
def test_run_notebook_00_end_to_end(tmp_path):
    source = ROOT / "notebooks" / "00_setup_and_tour.ipynb"
    before = source.read_bytes()
    proc = tilnlp("run", "00", "--profile", "offline", "--preset", "ci", "--out", str(tmp_path),
                  "-p", "n_preview=1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "00_setup_and_tour" in proc.stdout and "passed" in proc.stdout and "1/1 passed" in proc.stdout
    executed = json.loads((tmp_path / "00_setup_and_tour.ipynb").read_text())
    text = json.dumps(executed)
    assert "offline stand-in for gpt2" in text
    assert "n_preview = 1" in text  # papermill injected the parameter
    assert source.read_bytes() == before  # the source is never modified
    assert not [line for line in (proc.stdout + proc.stderr).splitlines() if "ERROR" in line]
    if os.name != "nt":  # the kernel talks over IPC sockets: no warning about unencrypted TCP
        assert "running over TCP" not in proc.stderr
        leftovers = [p.name for p in source.parent.iterdir() if "ipc" in p.name]
        assert not leftovers, leftovers  # and its socket files are not left beside the notebooks


@pytest.mark.slow
def test_failing_notebook_keeps_partial_copy_and_names_the_cell(tmp_path):
    path = _notebook(tmp_path / "src" / "42_broken.ipynb", "x = 1", "raise ValueError('boom')", "y = 2")
    out = tmp_path / "out"
    proc = tilnlp("run", str(path), "--out", str(out))
    assert proc.returncode == 1
    failed = [line for line in proc.stdout.splitlines() + proc.stderr.splitlines() if line.startswith("FAILED")]
    assert failed and "42_broken" in failed[0] and "ValueError: boom" in failed[0] and "cell" in failed[0]
    assert (out / "42_broken.ipynb").is_file()
    assert "failed" in proc.stdout and "0/1 passed" in proc.stdout


def test_a_user_error_is_one_line_and_exit_2(monkeypatch, capsys):
    from tilnlp.errors import UserError
    from tilnlp.publishing import cli

    def broken(args):
        raise UserError("the thing you asked for is not there")

    monkeypatch.setitem(cli.COMMANDS, "list", broken)
    assert cli.main(["list"]) == 2
    assert capsys.readouterr().err == "tilnlp: error: the thing you asked for is not there\n"


def test_an_internal_bug_keeps_its_traceback(monkeypatch):
    """A KeyError inside the package is a bug, not a user error: it is not turned into one line."""
    from tilnlp.publishing import cli

    monkeypatch.setitem(cli.COMMANDS, "list", lambda args: {}["missing"])
    with pytest.raises(KeyError, match="missing"):
        cli.main(["list"])


def test_keep_going_is_the_default_and_not_a_flag():
    proc = tilnlp("run", "--keep-going")
    assert proc.returncode == 2 and "unrecognized arguments: --keep-going" in proc.stderr


@pytest.mark.slow
def test_kernels_get_the_run_settings_and_the_runner_keeps_its_own(tmp_path, monkeypatch):
    import nbformat

    from tilnlp.publishing import runner

    monkeypatch.delenv("TILNLP_STRICT_EXERCISES", raising=False)
    monkeypatch.setenv("TILNLP_PROFILE", "auto")
    code = ("import os\nprint({k: os.environ.get(k) for k in "
            "('TILNLP_PRESET', 'TILNLP_PROFILE', 'HF_HUB_OFFLINE', 'TILNLP_STRICT_EXERCISES')})")
    path = _notebook(tmp_path / "43_env.ipynb", code)
    before = dict(os.environ)
    [result] = runner.run([path], tmp_path / "out", {}, preset="full", profile="offline", solutions=True,
                          echo=lambda *a: None)
    assert result.status == "passed", result.error
    assert dict(os.environ) == before  # the runner's own environment is untouched
    printed = nbformat.read(str(tmp_path / "out" / path.name), as_version=4).cells[0].outputs[0]["text"]
    assert printed.strip() == str({"TILNLP_PRESET": "full", "TILNLP_PROFILE": "offline", "HF_HUB_OFFLINE": "1",
                                   "TILNLP_STRICT_EXERCISES": "1"})


# --- two runs into one folder; a quiet shutdown ---------------------------------------------------

HOLD = """import sys, time
from pathlib import Path
from tilnlp.publishing.runner import claim
with claim(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_run_into_a_folder_another_process_holds_refuses_in_one_line(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        proc = tilnlp("run", "00", "--out", out)
        assert_one_clear_error(proc, f"another tilnlp run (process {holder.pid}) is writing into {out}", "--out")
        assert [p.name for p in out.iterdir()] == [".tilnlp-run.lock"]  # nothing written, nothing started
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_two_runs_into_the_same_folder_at_once_the_second_refuses(tmp_path):
    started, go = tmp_path / "started", tmp_path / "go"
    path = _notebook(tmp_path / "src" / "44_wait.ipynb",
                     f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\n"
                     f"while not pathlib.Path({str(go)!r}).exists():\n    time.sleep(0.1)",
                     "print('first run done')")
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "tilnlp", "run", str(path), "--out", str(out)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while not started.exists() and first.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        assert started.exists(), "the first run never reached its first cell"
        second = tilnlp("run", str(path), "--out", out)  # a second terminal, same command
        assert_one_clear_error(second, f"another tilnlp run (process {first.pid}) is writing into {out}")
        go.touch()
        stdout, stderr = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, stdout + stderr
    assert "1/1 passed" in stdout
    assert "first run done" in json.dumps(json.loads((out / path.name).read_text()))
    assert list(json.loads((out / "run.json").read_text())["notebooks"]) == ["44_wait"]


LINGER = """import time
kernel = get_ipython().kernel
answer_kernel_info = kernel.shell_handlers["kernel_info_request"]

async def answer_then_linger(*args):  # widen the moment between a reply and the kernel's return to idle
    await answer_kernel_info(*args)
    time.sleep(3)

kernel.shell_handlers["kernel_info_request"] = answer_then_linger"""


@pytest.mark.slow
def test_a_passing_run_prints_no_error_line_when_its_kernel_shuts_down(tmp_path):
    """papermill's last request (kernel_info) is answered just before the kernel shuts down; a
    SIGINT then made ipykernel log 'ERROR | KeyboardInterrupt caught in kernel.' on the terminal."""
    path = _notebook(tmp_path / "45_quiet.ipynb", LINGER, "print('done')")
    proc = tilnlp("run", str(path), "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1/1 passed" in proc.stdout
    assert not [line for line in (proc.stdout + proc.stderr).splitlines() if "ERROR" in line], proc.stderr



def test_papermill_warnings_about_parameters_it_cannot_read_are_dropped(caplog):
    """papermill cannot parse `preset(...)` in a parameters cell and calls every given parameter
    "unknown"; the runner checks the names itself, so those two warnings go, and no other."""
    import logging

    from tilnlp.publishing import runner

    runner._quiet_papermill_parameter_warnings()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("papermill").warning("Passed unknown parameter: n_test")
        logging.getLogger("papermill.translators").warning("Unable to parse line 3 'n_test = preset(full=500, ci=48)'.")
        logging.getLogger("papermill").warning("Input notebook does not contain a cell with tag 'parameters'")
    assert [r.getMessage() for r in caplog.records] == ["Input notebook does not contain a cell with tag 'parameters'"]
