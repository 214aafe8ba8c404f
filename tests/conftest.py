"""Test-wide settings: everything offline, small CI sizes, a quiet matplotlib backend.

Set at import time so the Jupyter kernels nbval starts inherit them too.
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TILNLP_PROFILE", "offline")
os.environ.setdefault("TILNLP_PRESET", "ci")
os.environ.setdefault("MPLBACKEND", "Agg")

import sys  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    """Close every matplotlib figure a test opened (plots are drawn on the Agg backend, never shown)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
