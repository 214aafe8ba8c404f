"""The course's model cache: assets built once, atomically, checked every time they are used.

Location: ``$TILNLP_CACHE``, else ``$XDG_CACHE_HOME/tilnlp``, else ``~/.cache/tilnlp``.

An *asset* is a folder in the cache made by ``build_once(name, builder)``: ``builder(tmp)``
fills a private temporary folder ``.<name>.tmp-<pid>-*``; then ``BUILD_INFO.json`` is written
there – the builder's facts and a manifest: the size and sha256 of every file – and only then
is the folder renamed to ``<name>``.  A rename is atomic, so a crash mid-build never leaves a
half asset under the final name; a per-asset file lock makes a second process wait for the
first build instead of building the same thing twice.

Every use checks the manifest's sizes (cheap: no file is read); ``damage(name, checksums=True)``
also compares the sha256 of every file (``tilnlp doctor``, ``tilnlp prefetch``).  A damaged
asset – a file missing, cut short or altered, or no ``BUILD_INFO.json`` – is rebuilt by the
next ``build_once`` with one line saying so.  Temporary folders of dead builds are removed by
the next build of the same asset, and by ``tidy()`` (``tilnlp run``, ``setup()``, ``tilnlp doctor``).
``export``/``import_archive`` move assets between machines in one tar file that carries the
manifests; an import verifies every file before it installs any.
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath
from typing import Callable

from ..errors import UserError
from ..lang import tr
from .locks import Busy, exclusive, pid_alive

BUILD_INFO = "BUILD_INFO.json"
ARCHIVE_INDEX = "tilnlp-cache.json"  # the first member of an exported archive: every asset's BUILD_INFO
ARCHIVE_FORMAT = 1
REPAIR = "tilnlp prefetch --profile offline"  # the command that rebuilds every offline stand-in
LOW_SPACE = 16 * 2**20  # a build that fails with less free space than this failed for lack of it
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_OWN_TEMPS: set[Path] = set()  # temporary folders this process is filling right now


class CacheError(UserError):
    """A cache problem the user can fix: a full disk, a damaged asset that cannot be rebuilt here,
    a bad archive."""


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


def assets() -> list[str]:
    """The names of the assets in the cache, intact or damaged: the folders holding a BUILD_INFO.json.

    Any other folder there is not tilnlp's and is never touched (TILNLP_CACHE may name a folder
    that holds other things too).
    """
    root = cache_dir()
    return sorted(p.name for p in root.iterdir()
                  if not p.name.startswith(".") and (p / BUILD_INFO).is_file())


def build_info(name: str) -> dict | None:
    """The asset's ``BUILD_INFO.json`` (facts and manifest); ``None`` when missing or unreadable."""
    try:
        info = json.loads((asset_path(name) / BUILD_INFO).read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(folder: Path) -> dict[str, dict]:
    """``{relative path: {"size": bytes, "sha256": hex}}`` for every file of ``folder`` but BUILD_INFO."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p != folder / BUILD_INFO)
    return {p.relative_to(folder).as_posix(): {"size": p.stat().st_size, "sha256": sha256(p)} for p in files}


def damage(name: str, checksums: bool = False) -> list[str]:
    """What is wrong with the cached asset ``name``, one entry per broken file; ``[]`` when intact.

    Without ``checksums`` only presence and sizes are checked (no file is read); with them every
    file's sha256 is compared too.
    """
    folder = asset_path(name)
    info = build_info(name)
    if info is None:
        state = "unreadable" if (folder / BUILD_INFO).exists() else "missing"
        return [f"{BUILD_INFO}: {state}"]
    files = info.get("files")
    if not isinstance(files, dict):
        return [f"{BUILD_INFO}: no checksums (built by an older tilnlp)"]
    if not all(_is_entry(entry) for entry in files.values()):
        return [f"{BUILD_INFO}: unreadable checksums"]
    problems = []
    for rel, expected in files.items():
        path = folder / rel
        try:
            size = path.stat().st_size
        except OSError:
            problems.append(f"{rel}: missing")
            continue
        if size != expected["size"]:
            problems.append(f"{rel}: {size:,} bytes instead of {expected['size']:,}")
        elif checksums and sha256(path) != expected["sha256"]:
            problems.append(f"{rel}: altered (its sha256 differs)")
    return problems


def _is_entry(entry) -> bool:
    """Whether a manifest entry has the shape ``{"size": int, "sha256": str}``."""
    return isinstance(entry, dict) and isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str)


def describe(problems: list[str], most: int = 3) -> str:
    """Problems from :func:`damage` as one short phrase."""
    shown = "; ".join(problems[:most])
    return shown + (f"; and {len(problems) - most} more" if len(problems) > most else "")


def is_ready(name: str) -> bool:
    """Whether the asset is built and every file has its recorded size."""
    return not damage(name)


def _lock(name: str, wait: bool = True):
    return exclusive(cache_dir() / f".{name}.lock", wait=wait)


def _temp_owner(tmp: Path) -> int | None:
    """The process id in a temporary folder's name ``.<name>.tmp-<pid>-*`` (None: older layout)."""
    pid, sep, _ = tmp.name.split(".tmp-", 1)[-1].partition("-")
    return int(pid) if sep and pid.isdigit() else None


def _is_stale(tmp: Path) -> bool:
    """Whether ``tmp`` is litter: its process (named in it) no longer runs, or is this one and does not own it."""
    if tmp in _OWN_TEMPS:
        return False
    pid = _temp_owner(tmp)
    try:
        changed = tmp.stat().st_mtime
    except OSError:  # removed meanwhile
        return False
    return pid is None or pid == os.getpid() or not pid_alive(pid, started_by=changed)


def remove_stale_temps(name: str | None = None) -> list[Path]:
    """Remove temporary folders left by dead builds or imports of ``name`` (of every asset: None).

    Never one a live process is filling: its process id is in the folder's name.  With ``name``
    the caller holds that asset's lock; without, an asset whose lock is held is passed over.
    """
    removed = []
    if not cache_dir().is_dir():
        return removed
    for tmp in sorted(cache_dir().glob(f".{name}.tmp-*" if name else ".*.tmp-*")):
        if not tmp.is_dir() or not _is_stale(tmp):
            continue
        with ExitStack() as stack:
            if name is None:
                try:
                    stack.enter_context(_lock(tmp.name[1:].split(".tmp-", 1)[0], wait=False))
                except Busy:
                    continue
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


def tidy(say: Callable[[str], None] = print) -> list[Path]:
    """Remove the temporary folders of dead builds and imports of every asset, one line each.

    ``tilnlp run``, ``tilnlp doctor``, ``tilnlp prefetch`` and every notebook's ``setup()`` call
    it, so a build killed midway (a kernel restarted, a laptop shut) leaves no litter for long.
    """
    removed = remove_stale_temps()
    for tmp in removed:
        owner = _temp_owner(tmp)
        if owner is not None:
            whose = tr(f"process {owner}, which no longer runs", f"이제 실행 중이 아닌 프로세스 {owner}")
        else:
            whose = tr("an older tilnlp", "이전 버전의 tilnlp")
        say(tr(f"[tilnlp] removed {tmp.name} from {tmp.parent}: a temporary folder of an interrupted build "
               f"or import ({whose})",
               f"[tilnlp] {tmp.parent}에서 {tmp.name}을(를) 지웠습니다: 중단된 빌드나 가져오기가 남긴 임시 폴더입니다 ({whose})"))
    return removed


def _aside(name: str) -> Path:
    """A fresh temporary name in the cache to move asset ``name`` to before it is deleted."""
    return cache_dir() / f".{name}.tmp-{os.getpid()}-aside-{time.time_ns()}"


@contextmanager
def _temp_folder(name: str):
    """A new temporary folder for asset ``name`` in the cache; removed afterwards unless installed."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-{os.getpid()}-", dir=cache_dir()))
    _OWN_TEMPS.add(tmp)
    try:
        yield tmp
    finally:
        _OWN_TEMPS.discard(tmp)
        shutil.rmtree(tmp, ignore_errors=True)


def _install(name: str, tmp: Path, info: dict) -> None:
    """Write ``info`` (with its manifest) into ``tmp`` and put ``tmp`` in place of the asset.

    The caller holds the asset's lock.  Each step is a rename: a crash leaves either the old
    asset, or none (rebuilt when needed) and a temporary folder that the next build removes.
    """
    (tmp / BUILD_INFO).write_text(json.dumps(info, indent=2))
    final = asset_path(name)
    if final.exists():
        aside = _aside(name)
        os.rename(final, aside)
        os.rename(tmp, final)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.rename(tmp, final)


def _disk_full(exc: BaseException, folder: Path) -> bool:
    """Whether ``exc`` (or what caused it) says the disk is full, or the disk of ``folder`` is
    nearly full – libraries such as torch report a failed write without the OS error."""
    chain = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    for seen in chain:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "No space left on device" in str(seen):  # the OS error's text, wrapped by a library
            return True
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE
    except OSError:
        return False


@contextmanager
def _space_for(what: str, folder: Path, elsewhere: str):
    """Turn a failure for lack of disk space into one line naming ``folder`` and the way out."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:
        if _disk_full(exc, folder):
            raise CacheError(f"no space left on the disk of {folder} for {what}: free some space there, "
                             f"or {elsewhere}") from exc
        raise


def _cache_space(what: str):
    return _space_for(what, cache_dir(), "set TILNLP_CACHE to a folder on a disk with room")


def build_once(name: str, builder: Callable[[Path], dict | None]) -> Path:
    """Return the folder of asset ``name``, building it with ``builder(folder)`` if needed.

    ``builder`` may return a dict of facts (e.g. a measured accuracy); it is stored in
    ``BUILD_INFO.json`` together with the build time and the manifest of the files.  A damaged
    asset is rebuilt, with one line saying which file is broken.
    """
    final = asset_path(name)
    if is_ready(name):
        return final
    with _lock(name):
        remove_stale_temps(name)
        broken = damage(name)
        if not broken:  # another process built it while we waited
            return final
        damaged = final.exists()
        if damaged:
            print(tr(f"[tilnlp] the cached {name} is damaged ({describe(broken)}); rebuilding it",
                     f"[tilnlp] 캐시에 있는 {name}이(가) 손상되었습니다 ({describe(broken)}). 다시 만듭니다"), flush=True)
        try:
            with _temp_folder(name) as tmp, _cache_space(f"building {name}"):  # space: before tmp goes
                start = time.perf_counter()
                facts = builder(tmp) or {}
                info = {"name": name, "build_seconds": round(time.perf_counter() - start, 1), **facts,
                        "files": manifest(tmp)}
                _install(name, tmp, info)
        except UserError as exc:
            if damaged:
                raise CacheError(f"the cached {name} is damaged ({describe(broken)}) and cannot be rebuilt "
                                 f"here: {exc}") from exc
            raise
    return final


def remove_damaged() -> list[str]:
    """Verify every asset's checksums; remove each damaged one (its next use rebuilds it)."""
    removed = []
    for name in assets():
        with _lock(name):
            broken = damage(name, checksums=True)
            if broken:
                print(tr(f"[tilnlp] the cached {name} is damaged ({describe(broken)}); removing it",
                         f"[tilnlp] 캐시에 있는 {name}이(가) 손상되었습니다 ({describe(broken)}). 지웁니다"), flush=True)
                aside = _aside(name)
                os.rename(asset_path(name), aside)
                shutil.rmtree(aside, ignore_errors=True)
                removed.append(name)
    return removed


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def size_text(n: int) -> str:
    """``n`` bytes for a reader: ``95.3 MB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


# ----------------------------------------------------------------------------------------------
# Moving assets between machines: one tar file, the manifests first, verified on import.
# ----------------------------------------------------------------------------------------------

def export(file: Path, names: list[str] | None = None) -> list[str]:
    """Write the assets ``names`` (default: all) into the tar file ``file``; returns the names.

    Every file is checked against its sha256 first: a damaged asset is not exported.  The archive
    is written beside ``file`` under a temporary name and renamed at the end.
    """
    file = Path(file)
    names = sorted(set(names or assets()))
    if not names:
        raise CacheError(f"the cache {cache_dir()} holds no assets to export; `{REPAIR}` builds them")
    available = assets()
    unknown = [n for n in names if n not in available]
    if unknown:
        raise CacheError(f"no asset {unknown[0]!r} in the cache {cache_dir()}; it holds: "
                         f"{', '.join(available) or 'nothing'}")
    if file.is_dir():
        raise CacheError(f"{file} is a folder; name the archive file to write, e.g. {file / 'tilnlp-cache.tar'}")
    if not file.parent.is_dir():
        raise CacheError(f"no such folder: {file.parent}")
    with ExitStack() as stack:
        for name in names:  # sorted: the same order everywhere, so two exports cannot deadlock
            stack.enter_context(_lock(name))
        infos = {}
        for name in names:
            broken = damage(name, checksums=True)
            if broken:
                raise CacheError(f"the cached {name} is damaged ({describe(broken)}); not exported. "
                                 f"`{REPAIR}` rebuilds it")
            infos[name] = build_info(name)
        part = file.with_name(f".{file.name}.tmp-{os.getpid()}")
        try:
            with _space_for(f"the archive {file.name}", file.parent, "write the archive to another disk"):
                with tarfile.open(part, "w", format=tarfile.PAX_FORMAT) as tar:
                    index = json.dumps({"format": ARCHIVE_FORMAT, "assets": infos}, indent=1).encode()
                    entry = tarfile.TarInfo(ARCHIVE_INDEX)
                    entry.size, entry.mtime, entry.mode = len(index), int(time.time()), 0o644
                    tar.addfile(entry, io.BytesIO(index))
                    for name in names:
                        for rel in infos[name]["files"]:
                            entry = tar.gettarinfo(asset_path(name) / rel, arcname=f"{name}/{rel}")
                            entry.uid = entry.gid = 0
                            entry.uname = entry.gname = ""
                            with open(asset_path(name) / rel, "rb") as handle:
                                tar.addfile(entry, handle)
            os.replace(part, file)
        finally:
            part.unlink(missing_ok=True)
    return names


def _bad_archive(file: Path, why: str) -> CacheError:
    return CacheError(f"{file} is not a complete tilnlp cache archive ({why}); nothing was imported. "
                      "Export it again with `tilnlp cache export FILE` and copy it once more")


def _archive_index(file: Path, tar: tarfile.TarFile) -> dict[str, dict]:
    """The assets named by the archive's index (checked for shape and safe names)."""
    first = tar.next()
    if first is None or first.name != ARCHIVE_INDEX or not first.isfile():
        raise _bad_archive(file, f"it does not start with {ARCHIVE_INDEX}")
    try:
        index = json.loads(tar.extractfile(first).read())
        found = index["assets"]
        if index["format"] != ARCHIVE_FORMAT:
            raise _bad_archive(file, f"format {index['format']!r}; this tilnlp reads format {ARCHIVE_FORMAT}")
        for name, info in found.items():
            if not _NAME.fullmatch(name) or ".tmp-" in name:
                raise _bad_archive(file, f"bad asset name {name!r}")
            for rel, meta in info["files"].items():
                parts = PurePosixPath(rel).parts
                if rel.startswith("/") or not parts or ".." in parts or rel == BUILD_INFO:
                    raise _bad_archive(file, f"bad file name {name}/{rel}")
                if not _is_entry(meta):
                    raise _bad_archive(file, f"bad manifest entry for {name}/{rel}")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _bad_archive(file, f"unreadable {ARCHIVE_INDEX}: {type(exc).__name__}") from None
    return found


def import_archive(file: Path) -> list[str]:
    """Install the assets of an archive written by :func:`export`; returns their names.

    Every file is extracted into a temporary folder in the cache and its size and sha256 checked
    against the archive's index; only when all of them match is each asset put in place (one
    rename each).  A damaged, truncated or foreign archive changes nothing in the cache.
    """
    file = Path(file)
    if not file.is_file():
        raise CacheError(f"no such file: {file}")
    with ExitStack() as temps, _cache_space(f"importing {file.name}"):
        try:
            with tarfile.open(file, "r:") as tar:  # plain tar: model files do not compress
                found = _archive_index(file, tar)
                staged = {name: temps.enter_context(_temp_folder(name)) for name in found}
                expected = {f"{name}/{rel}": meta for name, info in found.items() for rel, meta in info["files"].items()}
                while (member := tar.next()) is not None:
                    meta = expected.pop(member.name, None)
                    if meta is None or not member.isfile():
                        raise _bad_archive(file, f"unexpected member {member.name}")
                    name, _, rel = member.name.partition("/")
                    target = staged[name] / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    digest, size = hashlib.sha256(), 0
                    with tar.extractfile(member) as source, open(target, "wb") as sink:
                        for block in iter(lambda: source.read(2**20), b""):
                            digest.update(block)
                            size += len(block)
                            sink.write(block)
                    if size != meta["size"] or digest.hexdigest() != meta["sha256"]:
                        raise _bad_archive(file, f"{member.name}: its size or sha256 differs from the index")
                if expected:
                    raise _bad_archive(file, f"{len(expected)} file(s) missing, e.g. {next(iter(expected))}")
        except (tarfile.TarError, EOFError) as exc:
            raise _bad_archive(file, (str(exc).strip().splitlines() or [type(exc).__name__])[0]) from None
        for name in sorted(found):
            with _lock(name):
                _install(name, staged[name], found[name])
    return sorted(found)
