"""tilnlp – the helper package of a Hugging Face Transformers basics course.

Notebooks teach, tilnlp plumbs.  The modules at this level are the lesson helpers a notebook
imports (``similarity``, ``wordvectors``, ``finetune``, ``plots``, ``data`` ...) and what they all
share (``presets``, ``seeding``, ``device``, ``lang``, ``paths``); three sub-packages hold the rest:
``sourcing`` (where models and data come from), ``publishing`` (the ``tilnlp`` command) and
``classroom`` (a teacher's mirror).  Importing this package is cheap: heavy libraries (torch,
transformers) load only when a function needs them.
"""
from __future__ import annotations

from . import moved
from .presets import active_preset, preset

moved.install()  # a notebook copied, or a `tilnlp` command installed, before the new layout still imports

__version__ = "0.1.0"
__all__ = ["setup", "preset", "active_preset", "check", "__version__"]


def setup(seed: int = 42, profile: str | None = None, quiet: bool = False):
    """Seed, style, targeted warning filters, versions; returns the model/data resolver."""
    from .preamble import setup as _setup

    return _setup(seed=seed, profile=profile, quiet=quiet)


def check(number, answer, test, hint: str = "") -> None:
    """Check an exercise answer and print the verdict (see :mod:`tilnlp.exercises`)."""
    from .exercises import check as _check

    _check(number, answer, test, hint)
