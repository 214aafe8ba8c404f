"""Exercises with checked answers: a verdict and a hint for the learner, the solutions for the test runs.

In a notebook an exercise is a markdown cell with the task, then a code cell tagged
``exercise`` that sets ``answer_N`` and calls ``check``::

    answer_1 = None  # your code here
    check(1, answer_1, lambda a: a == len(ids), hint="count the ids, not the characters")

``check`` tells the learner "not answered yet", "correct" or "not quite: <hint>".
The worked solutions live in ``notebooks/solutions/<notebook>.py``, out of the learner's way:
for every exercise a block ``# %% exercise N`` (the worked solution) and a block
``# %% exercise N: wrong`` (a tempting wrong answer).  ``tilnlp run --solutions`` (and the
test suite) puts both in place of the exercise cell's ``answer_N = None`` line – the wrong
one first, handed to ``expect_rejection`` – and sets ``TILNLP_STRICT_EXERCISES=1``.  Then a
wrong or missing solution fails the run, and so does a check that accepts the wrong answer:
every check is proved to reject something.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import env
from .lang import tr

_MUST_REJECT: dict[int, list] = {}  # exercise number -> wrong answers its next check must reject


class ExerciseFailed(AssertionError):
    """A solution that does not pass its check (strict mode only)."""


def strict() -> bool:
    """Strict mode (``TILNLP_STRICT_EXERCISES``): a missing or wrong answer raises instead of printing."""
    return env.flag("TILNLP_STRICT_EXERCISES")


def expect_rejection(number: int, answer) -> None:
    """Register a wrong ``answer`` that exercise ``number``'s next ``check`` must reject (strict mode)."""
    _MUST_REJECT.setdefault(number, []).append(answer)


def _passes(test, answer) -> bool:
    try:
        return bool(test(answer))
    except Exception:  # a malformed answer is a wrong answer
        return False


def check(number: int, answer, test, hint: str = "") -> None:
    """Check ``answer`` with the predicate ``test`` and print the verdict.

    Returns nothing, so the verdict line is all an exercise cell shows.  In strict mode it
    first tries the wrong answers registered with :func:`expect_rejection`: a check that
    accepts one of them cannot tell right from wrong, and fails.
    """
    for wrong in _MUST_REJECT.pop(number, []):
        if _passes(test, wrong):
            raise ExerciseFailed(f"exercise {number}: its check accepts the wrong answer {wrong!r}")
    if answer is None:
        if strict():
            raise ExerciseFailed(f"exercise {number}: no answer")
        print(tr(f"Exercise {number}: not answered yet.", f"연습 {number}: 아직 답하지 않았습니다."))
        return
    try:
        ok = bool(test(answer))
    except Exception as exc:  # a malformed answer is a wrong answer, with the reason shown
        ok, hint = False, f"{hint} ({type(exc).__name__}: {exc})".strip()
    if ok:
        print(tr(f"Exercise {number}: correct.", f"연습 {number}: 정답입니다."))
    elif strict():
        raise ExerciseFailed(f"exercise {number}: the answer {answer!r} does not pass its check")
    else:
        print(tr(f"Exercise {number}: not quite{': ' + hint if hint else '.'}",
                 f"연습 {number}: 아직 아닙니다{'. 힌트: ' + hint if hint else '.'}"))


_BLOCK = re.compile(r"^# %% exercise (\d+)(: wrong)?\s*$", re.M)


@dataclass(frozen=True)
class Solution:
    right: str  # code that sets answer_N to the worked solution
    wrong: str | None  # code that sets answer_N to a tempting wrong answer (None: not written yet)


def read_solutions(path: str | Path) -> dict[int, Solution]:
    """The ``# %% exercise N`` and ``# %% exercise N: wrong`` blocks of a solutions file, by N."""
    parts = _BLOCK.split(Path(path).read_text(encoding="utf-8"))
    right, wrong = {}, {}
    for number, is_wrong, code in zip(parts[1::3], parts[2::3], parts[3::3]):
        (wrong if is_wrong else right)[int(number)] = code.strip("\n")
    return {n: Solution(right[n], wrong.get(n)) for n in sorted(set(right) | set(wrong)) if n in right}


def solved_source(number: int, solution: Solution) -> str:
    """What replaces ``answer_N = None`` in a solved exercise cell: the wrong answer, then the solution."""
    lines = []
    if solution.wrong is not None:
        lines += ["# a tempting wrong answer, which the check below must reject", solution.wrong,
                  "from tilnlp.exercises import expect_rejection", f"expect_rejection({number}, answer_{number})",
                  "# the worked solution"]
    return "\n".join(lines + [solution.right])
