"""Presets: one switch between the seed's real sizes and the small sizes CI uses.

A notebook's parameters cell writes ``n_test = preset(full=500, ci=48)``.  Opened in
JupyterLab it gets the ``full`` value (the sizes of the study notes); under CI, nbval
or ``tilnlp run --preset ci`` it gets the ``ci`` value.  Papermill can still override
any parameter, because the cell is plain assignments.

Which preset is active: ``TILNLP_PRESET`` (``full`` or ``ci``) when set, otherwise
``ci`` when the ``CI`` environment variable is true (as on CI services), otherwise ``full``.
"""
from __future__ import annotations

from . import env
from .errors import UserError

PRESETS = ("full", "ci")


class PresetError(UserError):
    """An unknown preset name."""


def active_preset() -> str:
    """The preset in force: TILNLP_PRESET, else ``ci`` under CI=true, else ``full``."""
    return env.choice("TILNLP_PRESET", PRESETS, PresetError) or ("ci" if env.flag("CI") else "full")


def preset(full, ci=None):
    """Return ``full`` or ``ci`` for the active preset (``ci`` falls back to ``full``)."""
    if ci is not None and active_preset() == "ci":
        return ci
    return full
