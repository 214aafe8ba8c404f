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


def tr(en: str, ko: str) -> str:
    """The message in the language of the notebook being run: ``ko`` in the Korean edition, else ``en``.

    Every sentence the course itself prints or draws goes through here (the notebooks' own printed
    strings are translated by the Korean edition's string table instead, see :mod:`tilnlp.publishing.translation`).
    """
    return ko if current() == "ko" else en
