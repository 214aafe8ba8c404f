"""Test-wide settings and helpers: everything offline, small CI sizes, a quiet matplotlib backend.

The settings are made at import time so the Jupyter kernels that tests start inherit them too.
Shared helpers (``from conftest import ROOT, tilnlp``): the project folder, and the ``tilnlp``
command run in a subprocess the way a user runs it; ``hub_env()`` and the ``fixture_mirror``
fixture for tests of the hub path (an olah mirror of tiny models under the real ids).

Tests that execute notebooks or build a stand-in are marked ``slow``; ``pytest -m "not slow"``
runs the rest in well under a minute, plain ``pytest`` runs everything.
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TILNLP_PROFILE", "offline")
os.environ.setdefault("TILNLP_PRESET", "ci")
os.environ.setdefault("MPLBACKEND", "Agg")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def tilnlp(*args, env=None, cwd=ROOT, timeout=600):
    """Run ``tilnlp ARGS`` as a user would (a fresh process); returns the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "tilnlp", *map(str, args)], cwd=cwd,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout)


def benchmark(name: str):
    """The script ``benchmarks/<name>.py``, imported as a module (the benchmarks are not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_one_clear_error(proc, *fragments):
    """A non-zero exit with exactly one error line on stderr, containing ``fragments``, and no traceback."""
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    error_lines = [line for line in proc.stderr.splitlines() if "error" in line]
    assert len(error_lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in error_lines[0]


def hub_env(endpoint: str, folder: Path) -> dict[str, str]:
    """The environment of a process that takes the hub path through ``endpoint`` (a mirror on 127.0.0.1),
    with its own Hugging Face cache and course cache in ``folder``."""
    return {"HF_ENDPOINT": endpoint, "HF_HUB_OFFLINE": "0", "HF_DATASETS_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0",
            "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(folder / "hf-home"),
            "TILNLP_CACHE": str(folder / "course-cache")}


@pytest.fixture(scope="session")
def fixture_mirror(tmp_path_factory) -> Path:
    """A folder olah serves: tiny models of the real architectures and the imdb sample, under the real ids."""
    from hub_fixtures import build_mirror

    root = tmp_path_factory.mktemp("fixture-mirror")
    return build_mirror(root / "mirror", root / "work")


@pytest.fixture(autouse=True)
def close_figures():
    """Close every matplotlib figure a test opened (plots are drawn on the Agg backend, never shown)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")

