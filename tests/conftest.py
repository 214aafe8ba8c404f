"""Test-wide settings: everything offline, small CI sizes, a quiet matplotlib backend.

Set at import time so the Jupyter kernels nbval starts inherit them too.
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TILNLP_PROFILE", "offline")
os.environ.setdefault("TILNLP_PRESET", "ci")
os.environ.setdefault("MPLBACKEND", "Agg")
