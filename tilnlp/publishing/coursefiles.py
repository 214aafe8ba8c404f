"""``tilnlp init DIR``: put the course's notebooks where the learner wants them.

Copies, from the installed course (:func:`tilnlp.paths.course_source`: the checkout, or the copy
inside the wheel), the English notebooks, the Korean ones (``notebooks/ko/``) and ``GLOSSARY.md``
(the notebooks link it as ``../GLOSSARY.md``), plus – ``--solutions``, for teachers – the worked
solutions (``notebooks/solutions/``, what ``tilnlp run --solutions`` fills in).  It writes the
marker ``.tilnlp-course``, so every ``tilnlp`` command run in the folder (or below it) uses it:
``tilnlp run`` executes its notebooks into ``DIR/build/executed``.

A folder that is not empty is refused unless ``force``; then a file that differs from the
course's copy – a learner's edited notebook – is first copied into ``DIR/backup-<time>/``, so
nothing a learner wrote is ever lost.
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..paths import MARKER, course_source

LEARNER_FILES = ("notebooks/*.ipynb", "notebooks/ko/*.ipynb", "GLOSSARY.md")
TEACHER_FILES = ("notebooks/solutions/*.py",)


@dataclass
class Copied:
    folder: Path
    written: list[Path] = field(default_factory=list)  # new or changed files, relative to folder
    unchanged: list[Path] = field(default_factory=list)
    backup: Path | None = None  # where the files that were replaced were kept
    backed_up: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        files = self.written + self.unchanged
        english = sum(p.parent == Path("notebooks") and p.suffix == ".ipynb" for p in files)
        korean = sum(p.parent == Path("notebooks/ko") for p in files)
        solutions = sum(p.parent == Path("notebooks/solutions") for p in files)
        parts = [f"{english} notebook(s)", f"{korean} Korean notebook(s) (notebooks/ko)"]
        parts += ["GLOSSARY.md"] if Path("GLOSSARY.md") in files else []
        parts += [f"{solutions} solution file(s) (notebooks/solutions)"] if solutions else []
        line = f"tilnlp init: {', '.join(parts)} -> {self.folder}"
        if self.unchanged:
            line += f" ({len(self.unchanged)} already up to date)"
        if self.backed_up:
            line += f"\nkept {len(self.backed_up)} file(s) you had changed in {self.backup}"
        return line


def course_files(solutions: bool = False) -> list[Path]:
    """The files ``tilnlp init`` copies, relative to the course source."""
    source = course_source()
    patterns = LEARNER_FILES + (TEACHER_FILES if solutions else ())
    found = [p.relative_to(source) for pattern in patterns for p in sorted(source.glob(pattern)) if p.is_file()]
    if not any(p.suffix == ".ipynb" for p in found):
        raise UserError(f"no notebooks in {source / 'notebooks'}; reinstall tilnlp")
    return found


def init(folder: Path, force: bool = False, solutions: bool = False) -> Copied:
    folder = Path(folder)
    source = course_source()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder; choose a new folder name")
    if folder.exists() and folder.resolve() == source.resolve():
        raise UserError(f"{folder} is the course's own source; choose another folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UserError(f"{folder} is not empty; choose a new folder, or add --force to update the course's "
                        "files in it (a notebook you changed is kept in a backup folder first)")
    result = Copied(folder)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for rel in course_files(solutions):
        new = (source / rel).read_bytes()
        dest = folder / rel
        if dest.is_file() and dest.read_bytes() == new:
            result.unchanged.append(rel)
            continue
        if dest.exists():
            if not dest.is_file():
                raise UserError(f"{dest} is in the way (not a file); move it, then run tilnlp init again")
            result.backup = folder / f"backup-{stamp}"
            kept = result.backup / rel
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(dest, kept)
            result.backed_up.append(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".tilnlp-tmp")
        tmp.write_bytes(new)
        tmp.replace(dest)  # replaces an existing file on Windows too (os.rename would not)
        result.written.append(rel)
    from .. import __version__

    (folder / MARKER).write_text(json.dumps({"tilnlp": __version__, "solutions": solutions}) + "\n", encoding="utf-8")
    return result
