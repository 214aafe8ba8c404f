"""Student copies (``tilnlp student``): the notebooks ready to hand out.

Every output and checked-cell marker is stripped and the worked solutions stay behind; the
glossary comes along, in the same layout as the course, so the notebooks' links work.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ..paths import make_folder, project_root
from . import notebooks as nbs
from .site import GLOSSARY


def student_copy(nb):
    """``nb`` with every output gone, checked cells' outputs too, and no nbval markers."""
    nbs.clean(nb, keep_checked=False)
    for cell in nb.cells:
        if nbs.is_checked(cell):
            cell.source = cell.source.lstrip().partition("\n")[2]
    return nb


def student_copies(out: Path, lang: str = "en") -> list[Path]:
    """Write student copies of the course's notebooks to ``out/notebooks/`` (Korean: ``out/notebooks/ko/``)
    and GLOSSARY.md to ``out/``.

    The layout mirrors the course's, so the notebooks' glossary links (``../GLOSSARY.md#term``,
    ``../../GLOSSARY.md#용어`` from the Korean ones) work.  The solutions are not copied.
    """
    sources = nbs.lang_dir(lang)
    dest = out / "notebooks" / (lang if lang != "en" else "")
    if dest.resolve() == sources.resolve():
        raise nbs.NotebookError(f"{out} is the course folder itself: student copies would overwrite "
                                f"the sources; choose another --out")
    paths = nbs.course_notebooks(sources)
    if not paths:
        raise nbs.NotebookError(f"no notebooks found in {sources}" + ("; run `tilnlp translate`" if lang != "en" else ""))
    make_folder(out)
    make_folder(dest)
    written = []
    for path in paths:
        nbs.write(student_copy(nbs.read(path)), dest / path.name)
        written.append(dest / path.name)
    glossary = project_root() / GLOSSARY
    if glossary.is_file():
        shutil.copyfile(glossary, out / GLOSSARY)
        written.append(out / GLOSSARY)
    return written
