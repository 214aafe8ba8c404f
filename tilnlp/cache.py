"""The course's model cache: build an asset once, atomically, safe under concurrency.

Location: ``$TILNLP_CACHE``, else ``$XDG_CACHE_HOME/tilnlp``, else ``~/.cache/tilnlp``.

``build_once(name, builder)`` calls ``builder(tmp_dir)`` in a private temporary folder
inside the cache, writes a ``BUILD_INFO.json`` there, and only then renames the folder
to its final name.  A rename is atomic, so a crash mid-build never leaves a half model
under the final name; a file lock makes a second process (another notebook) wait for the
first build instead of building the same thing twice.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

BUILD_INFO = "BUILD_INFO.json"


def cache_dir() -> Path:
    """The folder holding every built asset (created on demand)."""
    if os.environ.get("TILNLP_CACHE"):
        root = Path(os.environ["TILNLP_CACHE"]).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        root = Path(base).expanduser() / "tilnlp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def asset_path(name: str) -> Path:
    return cache_dir() / name


def is_ready(name: str) -> bool:
    return (asset_path(name) / BUILD_INFO).is_file()


def build_info(name: str) -> dict | None:
    path = asset_path(name) / BUILD_INFO
    return json.loads(path.read_text()) if path.is_file() else None


@contextmanager
def _locked(name: str):
    lock_path = cache_dir() / f".{name}.lock"
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_once(name: str, builder: Callable[[Path], dict | None]) -> Path:
    """Return the folder of asset ``name``, building it with ``builder(folder)`` if needed.

    ``builder`` may return a dict of facts (e.g. a measured accuracy); it is stored in
    ``BUILD_INFO.json`` together with the build time.
    """
    final = asset_path(name)
    if is_ready(name):
        return final
    with _locked(name):
        if is_ready(name):  # another process built it while we waited
            return final
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=cache_dir()))
        try:
            start = time.perf_counter()
            facts = builder(tmp) or {}
            info = {"name": name, "build_seconds": round(time.perf_counter() - start, 1), **facts}
            (tmp / BUILD_INFO).write_text(json.dumps(info, indent=2))
            if final.exists():  # a leftover without BUILD_INFO (from an older layout)
                shutil.rmtree(final)
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return final


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def clean_stale_temps() -> list[Path]:
    """Remove temporary build folders left by a crashed build (no lock is held on them)."""
    removed = []
    for tmp in cache_dir().glob(".*.tmp-*"):
        name = tmp.name[1:].split(".tmp-")[0]
        with _locked(name):
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
                removed.append(tmp)
    return removed
