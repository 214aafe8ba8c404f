"""Exercises with checked answers.

In a notebook an exercise is a markdown cell with the task, then a code cell tagged
``exercise`` that sets ``answer_N`` and calls ``check``::

    answer_1 = None  # your code here
    check(1, answer_1, lambda a: a == len(ids), hint="count the ids, not the characters")

``check`` tells the learner "not answered yet", "correct" or "not quite: <hint>".
The worked solutions live in ``notebooks/solutions/<notebook>.py`` (``# %% exercise N``
blocks), out of the learner's way; ``tilnlp run --solutions`` puts each block in place of
its exercise cell's first line and sets ``TILNLP_STRICT_EXERCISES=1``, so a wrong or missing
answer fails the run – CI does this, so the exercises never rot.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import env


class ExerciseFailed(AssertionError):
    """A solution that does not pass its check (strict mode only)."""


def strict() -> bool:
    """Strict mode (``TILNLP_STRICT_EXERCISES``): a missing or wrong answer raises instead of printing."""
    return env.flag("TILNLP_STRICT_EXERCISES")


def check(number: int, answer, test, hint: str = "") -> None:
    """Check ``answer`` with the predicate ``test`` and print the verdict.

    Returns nothing, so the verdict line is all an exercise cell shows.
    """
    if answer is None:
        if strict():
            raise ExerciseFailed(f"exercise {number}: no answer")
        print(f"Exercise {number}: not answered yet.")
        return
    try:
        ok = bool(test(answer))
    except Exception as exc:  # a malformed answer is a wrong answer, with the reason shown
        ok, hint = False, f"{hint} ({type(exc).__name__}: {exc})".strip()
    if ok:
        print(f"Exercise {number}: correct.")
    elif strict():
        raise ExerciseFailed(f"exercise {number}: the answer {answer!r} does not pass its check")
    else:
        print(f"Exercise {number}: not quite{': ' + hint if hint else '.'}")


_BLOCK = re.compile(r"^# %% exercise (\d+)\s*$", re.M)


def read_solutions(path: str | Path) -> dict[int, str]:
    """The ``# %% exercise N`` blocks of a solutions file, as ``{N: code}``."""
    text = Path(path).read_text(encoding="utf-8")
    parts = _BLOCK.split(text)
    return {int(num): code.strip("\n") for num, code in zip(parts[1::2], parts[2::2])}
