"""Environment variables the course reads, parsed one way everywhere.

A *flag* is on when its value is ``1``, ``true``, ``yes`` or ``on`` in any letter case
(``CI=TRUE``, ``HF_HUB_OFFLINE=1``); a *choice* is one of a few names, also in any case
(``TILNLP_PRESET=CI``).  Empty or unset means "not given".
"""
from __future__ import annotations

import os

from .errors import UserError

TRUE = frozenset({"1", "true", "yes", "on"})


def flag(name: str) -> bool:
    """Whether the environment variable ``name`` is switched on."""
    return os.environ.get(name, "").strip().lower() in TRUE


def choice(name: str, options, error: type[UserError] = UserError) -> str | None:
    """The value of ``name`` lowercased, when it is one of ``options``; ``None`` when unset.

    Any other value raises ``error`` with one line naming the variable and the choices.
    """
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    if value not in options:
        raise error(f"unknown {name.removeprefix('TILNLP_').lower()} {value!r} ({name}); "
                    f"choose one of: {', '.join(options)}")
    return value
