"""Where the course lives and where it writes: one place for every default folder.

The course's files (``notebooks/``, ``GLOSSARY.md``, ``i18n/``) come from one of three places:

* a **course folder** found from the current folder upwards: a checkout of the repository (it
  holds ``notebooks/`` and ``pyproject.toml``) or a folder made by ``tilnlp init`` (``notebooks/``
  and the marker file ``.tilnlp-course``).  ``build/`` is made there.
* else the **checkout this package was installed from** (an editable install), ``build/`` likewise;
* else the **copy inside the installed package** (a wheel: ``tilnlp/course/``, put there by
  ``setup.py``).  It is only read: ``build/`` is then made in the current folder, never in the
  installed package.
"""
from __future__ import annotations

from pathlib import Path

from .errors import UserError

PACKAGE = Path(__file__).resolve().parent
PACKAGED_COURSE = PACKAGE / "course"  # in a wheel; absent in a checkout (setup.py copies the files at build time)
MARKER = ".tilnlp-course"  # written by `tilnlp init` into the folder it fills


def _is_course_folder(folder: Path) -> bool:
    return (folder / "notebooks").is_dir() and ((folder / "pyproject.toml").is_file() or (folder / MARKER).is_file())


def checkout() -> Path | None:
    """The repository this package is imported from (an editable install), or None (an installed wheel)."""
    root = PACKAGE.parent
    return root if (root / "notebooks").is_dir() and (root / "pyproject.toml").is_file() else None


def course_source() -> Path:
    """The course's own files, as this installation carries them: the checkout, else the packaged copy."""
    root = checkout()
    if root is not None:
        return root
    if (PACKAGED_COURSE / "notebooks").is_dir():
        return PACKAGED_COURSE
    raise UserError(f"this tilnlp installation ({PACKAGE}) carries no notebooks; reinstall it from the "
                    "course's wheel or repository")


def project_root() -> Path:
    """The course folder: the nearest one above the current folder, else :func:`course_source`."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if _is_course_folder(folder):
            return folder
    return course_source()


def is_packaged(path: Path) -> bool:
    """Whether ``path`` lies in the course copy inside the installed package (read only)."""
    return Path(path).resolve().is_relative_to(PACKAGED_COURSE)


def editable_sources(command: str) -> Path:
    """The course folder, for a command that rewrites its notebooks; never the installed package's copy."""
    root = project_root()
    if is_packaged(root):
        raise UserError(f"{command} rewrites the course's notebooks: run it in a checkout of the repository or in "
                        "a folder made by `tilnlp init`, not on the copy inside the installed package")
    return root


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def build_dir(*parts: str) -> Path:
    """A folder under ``build/`` (never part of the course's files): ``build_dir("executed")``.

    ``build/`` sits in the course folder; with the packaged copy it sits in the current folder.
    """
    root = project_root()
    if not is_packaged(root):
        return root.joinpath("build", *parts)
    if Path.cwd().resolve().is_relative_to(PACKAGE):
        raise UserError(f"the current folder {Path.cwd()} is inside the installed package; run tilnlp from a "
                        "folder of your own (`tilnlp init DIR` makes one)")
    return Path.cwd().joinpath("build", *parts)


def make_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) unless it exists; a file in the way is a user error."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{path} is a file, not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path
