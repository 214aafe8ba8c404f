"""Where the course lives and where it writes: one place for every default folder."""
from __future__ import annotations

from pathlib import Path

from .errors import UserError


def project_root() -> Path:
    """The course folder: the one holding ``notebooks/`` (this checkout for an editable install)."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return Path(__file__).resolve().parents[1]


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def build_dir(*parts: str) -> Path:
    """A folder under ``build/`` (never part of the course's files): ``build_dir("executed")``."""
    return project_root().joinpath("build", *parts)


def make_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) unless it exists; a file in the way is a user error."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{path} is a file, not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path
