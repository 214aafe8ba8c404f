"""Which language the course speaks: English, or Korean for the Korean edition.

The Korean notebooks live in ``notebooks/ko/`` and have exactly the same code as the English
ones, so the language cannot be written in a cell.  A kernel runs in its notebook's folder
(JupyterLab and ``tilnlp run`` both start it there), so the folder tells: ``ko`` means Korean.
``TILNLP_LANG`` overrides it.
"""
from __future__ import annotations

from pathlib import Path

from . import env

LANGS = ("en", "ko")


def current() -> str:
    """``"ko"`` in the Korean edition's folder (or with ``TILNLP_LANG=ko``), else ``"en"``."""
    return env.choice("TILNLP_LANG", LANGS) or ("ko" if Path.cwd().name == "ko" else "en")
