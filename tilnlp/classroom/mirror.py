"""The classroom mirror's folder: the course's models and data laid out as olah's offline mirror reads them.

At home, the teacher fills the Hugging Face cache (``tilnlp prefetch --profile hub``) and builds
the offline stand-ins (``tilnlp prefetch --profile offline``).  In class, ``tilnlp mirror build``
turns both into the folder layout of olah's offline local mirror (``build()``): the real models and
the imdb data set from the Hugging Face cache, under their hub ids, and every built stand-in under
``tilnlp/<asset>`` (:func:`tilnlp.sourcing.fetch.standin_repo`); ``tilnlp mirror serve``
(:mod:`tilnlp.classroom.server`) serves that folder to the room.

The layout olah reads (``mirrors-path``): one git repository per hub repository, at
``models/<id>`` or ``datasets/<id>`` (``models/gpt2``, ``datasets/stanfordnlp/imdb``); olah
answers ``/api/<type>/<id>/revision/main`` and ``/<id>/resolve/<rev>/<file>`` from its branch
``main``.  A file of ``LFS_MIN_SIZE`` or more is stored as git LFS stores it: a pointer in the
commit, the bytes in ``.git/lfs/objects/`` – a hard link to the Hugging Face cache's blob where
the file system allows it, so weights are neither compressed into git nor copied.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..sourcing.fetch import standin_repo

LFS_MIN_SIZE = 1 << 20  # files this large or larger are stored as LFS objects
REPO_TYPES = {"model": "models", "dataset": "datasets"}  # hub repo type -> olah's folder
_SHA256 = re.compile(r"[0-9a-f]{64}")
_GIT_IDENTITY = ["-c", "user.name=tilnlp mirror", "-c", "user.email=tilnlp@localhost",
                 "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]


class MirrorError(UserError):
    """A mirror that cannot be built or served as asked."""


@dataclass
class Source:
    """One hub repository to put into the mirror: its files, by their name inside the repository."""

    repo_type: str  # "model" or "dataset"
    repo_id: str
    files: dict[str, Path] = field(default_factory=dict)
    origin: str = ""  # where the files come from, for the build summary

    @property
    def size(self) -> int:
        return sum(path.stat().st_size for path in self.files.values())


def repo_folder(mirror: Path, repo_type: str, repo_id: str) -> Path:
    """Where olah looks for ``repo_id`` inside the mirror folder."""
    return Path(mirror) / REPO_TYPES[repo_type] / repo_id


def folder_files(folder: Path) -> dict[str, Path]:
    """Every file below ``folder`` by its relative name (``/``-separated), hidden folders skipped."""
    folder = Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts[:-1]):
            files[rel.as_posix()] = path
    return files


# -- what the teacher's machine holds ----------------------------------------------------------

def hf_cache_sources(cache_dir: Path | None = None) -> list[Source]:
    """The course's real models and the imdb data set, as the Hugging Face cache holds them.

    For each repository the snapshot that ``refs/main`` names is taken (else the newest).  A
    model counts when its config, weights and tokenizer are there (``hub.in_hf_cache``), the
    data set when its card and train and test files are (``hub.imdb_in_hf_cache``); it is
    served under every id the notes or the hub use for it.
    """
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    from ..data import IMDB_REPO_IDS
    from ..sourcing.hub import imdb_in_hf_cache, in_hf_cache
    from ..sourcing.models import MODELS

    try:
        repos = {(r.repo_type, r.repo_id): r for r in scan_cache_dir(cache_dir).repos}
    except CacheNotFound:
        return []

    def snapshot(repo) -> dict[str, Path]:
        revisions = sorted(repo.revisions, key=lambda rev: ("main" in rev.refs, rev.last_modified))
        if not revisions:
            return {}
        rev = revisions[-1]
        return {f.file_path.relative_to(rev.snapshot_path).as_posix(): f.blob_path for f in rev.files}

    sources = []
    for model in MODELS.values():
        if ("model", model.real_id) in repos and in_hf_cache(model.real_id, cache_dir=cache_dir):
            sources.append(Source("model", model.real_id, snapshot(repos["model", model.real_id]),
                                  "Hugging Face cache"))
    held = [repo_id for repo_id in IMDB_REPO_IDS if ("dataset", repo_id) in repos]
    if held and imdb_in_hf_cache(cache_dir):
        files = snapshot(repos["dataset", held[0]])
        sources += [Source("dataset", alias, files, f"Hugging Face cache, {held[0]}") for alias in IMDB_REPO_IDS]
    return sources


def standin_modules():
    """The modules of the course's stand-ins that are built into the course cache."""
    from ..sourcing.models import MODELS, standin_module

    return [module for module in map(standin_module, MODELS.values()) if module is not None]


def standin_sources() -> list[Source]:
    """Every stand-in that is built in the course cache, as ``tilnlp/<asset>``."""
    from ..sourcing.cache import asset_path, is_ready

    return [Source("model", standin_repo(module.ASSET), folder_files(asset_path(module.ASSET)),
                   "course cache, built stand-in")
            for module in standin_modules() if is_ready(module.ASSET)]


# -- writing olah's layout ------------------------------------------------------------------------

def _git(*args, cwd: Path) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    proc = subprocess.run(["git", *_GIT_IDENTITY, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise MirrorError(f"git {args[0]} failed in {cwd}: {(proc.stderr or proc.stdout).strip().splitlines()[-1:]}")


def _lfs_oid(path: Path) -> str:
    """The sha256 of ``path``; a Hugging Face cache blob of an LFS file is named by it already."""
    from ..sourcing.cache import sha256

    return path.name if _SHA256.fullmatch(path.name) else sha256(path)


def _link_or_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:  # another file system, or no hard links there
        shutil.copyfile(src, dest)


def write_repo(files: dict[str, Path], dest: Path, message: str) -> None:
    """Write ``files`` as a git repository with one commit on ``main`` at ``dest`` (replaced atomically)."""
    if shutil.which("git") is None:
        raise MirrorError("the mirror's repositories are git repositories, and git is not installed here")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        _git("init", "-q", cwd=tmp)
        _git("symbolic-ref", "HEAD", "refs/heads/main", cwd=tmp)
        lfs_objects = tmp / ".git" / "lfs" / "objects"
        for name, src in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            size = src.stat().st_size
            if size >= LFS_MIN_SIZE:
                oid = _lfs_oid(src)
                _link_or_copy(src, lfs_objects / oid[:2] / oid[2:4] / oid)
                target.write_text(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n")
            else:
                shutil.copyfile(src, target)
        _git("add", "-A", "-f", ".", cwd=tmp)
        _git("commit", "-q", "--allow-empty", "-m", message, cwd=tmp)
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.rename(dest, old)
            os.rename(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def add(mirror: Path, source: Source) -> Path:
    """Put one repository into the mirror folder; returns its folder."""
    dest = repo_folder(mirror, source.repo_type, source.repo_id)
    write_repo(source.files, dest, f"{source.repo_id} from the {source.origin or 'files given'}")
    return dest


def build(mirror: Path, hf_cache: Path | None = None, standins: bool = True) -> list[Source]:
    """Fill ``mirror`` with the course's models, imdb and built stand-ins; returns what it holds."""
    from ..sourcing.hub import hub_endpoint

    sources = hf_cache_sources(hf_cache) + (standin_sources() if standins else [])
    if not sources:
        where = hf_cache or "the Hugging Face cache"
        raise MirrorError(f"nothing to mirror: {where} holds none of the course's models or imdb, and no "
                          f"stand-in is built; fill it first with `tilnlp prefetch --profile hub` "
                          f"(from {hub_endpoint()}) and `tilnlp prefetch --profile offline`")
    for source in sources:
        add(mirror, source)
    return sources


def build_summary(sources: list[Source]) -> list[str]:
    """One line per repository in the mirror, then what laptops will not find there."""
    from ..sourcing.cache import size_text
    from ..sourcing.models import MODELS

    lines = [f"  {s.repo_type:<8} {s.repo_id:<60} {len(s.files):>3} files {size_text(s.size):>9}  ({s.origin})"
             for s in sources]
    ids = {s.repo_id for s in sources}
    absent = [m.real_id for m in MODELS.values() if m.real_id not in ids]
    if absent:
        lines.append(f"not (completely) in the Hugging Face cache, so not mirrored: {', '.join(absent)} "
                     "(fill it with `tilnlp prefetch --profile hub`)")
    unbuilt = [module.ASSET for module in standin_modules() if standin_repo(module.ASSET) not in ids]
    if unbuilt:
        lines.append(f"stand-ins not built, so not mirrored: {', '.join(unbuilt)} "
                     "(build them with `tilnlp prefetch --profile offline`)")
    return lines


def served_repos(mirror: Path) -> list[tuple[str, str]]:
    """``(repo_type, repo_id)`` of every repository in the mirror folder."""
    found = []
    for repo_type, folder in REPO_TYPES.items():
        root = Path(mirror) / folder
        for git_dir in sorted(root.glob("*/.git")) + sorted(root.glob("*/*/.git")):
            found.append((repo_type, git_dir.parent.relative_to(root).as_posix()))
    return found
