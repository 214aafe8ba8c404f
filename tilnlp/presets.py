"""Presets: one switch between the seed's real sizes and the small sizes CI uses.

A notebook's parameters cell writes ``n_test = preset(full=500, ci=48)``.  Opened in
JupyterLab it gets the ``full`` value (the sizes of the study notes); under CI, nbval
or ``tilnlp run --preset ci`` it gets the ``ci`` value.  Papermill can still override
any parameter, because the cell is plain assignments.

Which preset is active: ``TILNLP_PRESET`` (``full`` or ``ci``) when set, otherwise
``ci`` when the ``CI`` environment variable is true (as on CI services), otherwise ``full``.
"""
from __future__ import annotations

import os

PRESETS = ("full", "ci")


class PresetError(ValueError):
    """An unknown preset name."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def active_preset() -> str:
    """The preset in force: TILNLP_PRESET, else ``ci`` under CI=true, else ``full``."""
    name = os.environ.get("TILNLP_PRESET", "").strip().lower()
    if name:
        if name not in PRESETS:
            raise PresetError(f"unknown preset {name!r} (TILNLP_PRESET); choose one of: {', '.join(PRESETS)}")
        return name
    return "ci" if _truthy(os.environ.get("CI")) else "full"


def preset(full, ci=None):
    """Return ``full`` or ``ci`` for the active preset (``ci`` falls back to ``full``)."""
    if ci is not None and active_preset() == "ci":
        return ci
    return full
