"""Old module names, from before the package was laid out in three parts, still import (with a FutureWarning).

A learner's notebook that ``tilnlp init`` copied before the new layout imports ``tilnlp.notebooks``
(00) or ``tilnlp.models`` (10); a ``tilnlp`` command installed before it starts ``tilnlp.cli``.  So
that neither breaks on the next update, ``import tilnlp`` puts a finder in front of Python's own:
an old name gives the module it became – the same object, so nothing runs twice – or, where one
module became several (``models``, ``mirror``), a module that reads each name from them.  Each old
name warns once (a moved package's modules say nothing more), in the course's language, with the
new name and how to stop using the old one.  Nothing in the course imports an old name; only a
learner's older copies and installs do.  A module that moves from now on gets a line in ``MOVED``.
"""
from __future__ import annotations

import importlib
import sys
import types
import warnings
from importlib.machinery import ModuleSpec  # here, not in find_spec: an import there would come back to find_spec

from .lang import tr

# old name under tilnlp. -> what it became (under tilnlp.); a package moves with its sub-modules
MOVED = {
    **{name: ("publishing." + name,) for name in ("cli", "runner", "record", "site", "notebooks", "translation",
                                                   "student", "bless", "doctor", "firstcell", "coursefiles")},
    **{name: ("sourcing." + name,) for name in ("cache", "locks", "standins")},
    "models": ("sourcing.models", "sourcing.hub"),
    "mirror": ("classroom.mirror", "classroom.server", "sourcing.fetch"),
}


def new_names(fullname: str) -> tuple[str, ...] | None:
    """What the old module ``fullname`` (``tilnlp.cli``, ``tilnlp.standins.sentiment``) is now; None if it did not move."""
    package, _, rest = fullname.partition(".")
    old, _, below = rest.partition(".")
    if package != __package__ or old not in MOVED or (below and len(MOVED[old]) > 1):
        return None
    return tuple(f"{package}.{new}" + (f".{below}" if below else "") for new in MOVED[old])


def message(old: str, new: tuple[str, ...]) -> str:
    """The warning: the new name, and what to do so that the old one is no longer used."""
    now = " + ".join(new)
    if old == f"{__package__}.cli":
        return tr(f"{old} is now {now}: your `tilnlp` command was installed before the course's new layout – "
                  "run the course's install command once more (pip install -e . in the course folder) to refresh it",
                  f"{old}는 이제 {now}입니다: `tilnlp` 명령이 강의의 새 구성 전에 설치되었습니다 – "
                  "강의 폴더에서 설치 명령(pip install -e .)을 한 번 더 실행하면 새로 고쳐집니다")
    return tr(f"{old} is now {now} (the course's new layout); the old name still works. Write the new one, "
              "or take fresh notebooks with `tilnlp init --force <folder>` (your edited ones are kept in backup-…/)",
              f"{old}는 이제 {now}입니다(강의의 새 구성). 옛 이름도 아직 동작합니다. 새 이름으로 바꿔 쓰거나 "
              "`tilnlp init --force <폴더>`로 새 노트북을 받으십시오(고친 노트북은 backup-…/에 남습니다)")


def _forwarding(module: types.ModuleType, targets: list[types.ModuleType]) -> None:
    """Make ``module`` answer each name from the first of ``targets`` that has it (PEP 562)."""
    missing = object()

    def __getattr__(name):
        for target in targets:
            value = getattr(target, name, missing)
            if value is not missing:
                return value
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

    module.__getattr__ = __getattr__
    module.__dir__ = lambda: sorted({name for target in targets for name in dir(target)})
    module.__doc__ = f"The old {module.__name__}: its names now live in " + ", ".join(t.__name__ for t in targets)


class OldNameLoader:
    def __init__(self, new: tuple[str, ...]):
        self.new = new

    def create_module(self, spec):
        return None  # a plain module; exec_module fills it in or puts the real one in its place

    def exec_module(self, module):
        targets = [importlib.import_module(name) for name in self.new]
        if len(targets) == 1:
            sys.modules[module.__name__] = targets[0]  # the import system hands out what sys.modules holds
        else:
            _forwarding(module, targets)
        if module.__name__.count(".") == 1:  # once per old name: a moved package's modules come with it
            # stacklevel 2 is the learner's import line: warnings skips the import system's own frames
            warnings.warn(message(module.__name__, self.new), FutureWarning, stacklevel=2)


class OldNameFinder:
    """Finds the modules that moved under their old names (first on ``sys.meta_path``)."""

    def find_spec(self, fullname, path=None, target=None):
        new = new_names(fullname)
        return None if new is None else ModuleSpec(fullname, OldNameLoader(new))


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, OldNameFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, OldNameFinder())
