"""The classroom mirror: one machine serves the course's models and data to a room of laptops.

At home, the teacher fills the Hugging Face cache (``tilnlp prefetch --profile hub``) and builds
the offline stand-ins (``tilnlp prefetch --profile offline``).  In class:

* ``tilnlp mirror build`` turns both into the folder layout of olah's offline local mirror
  (``build()``): the real models and the imdb data set from the Hugging Face cache, under their
  hub ids, and every built stand-in under ``tilnlp/<asset>`` (``standin_repo()``);
* ``tilnlp mirror serve`` starts olah (``pip install -e ".[classroom]"``) on that folder and
  prints the one line students set: ``HF_ENDPOINT=http://<address>:<port>``.

On a laptop with that setting, ``from_pretrained("<real id>")`` and ``load_dataset`` of IMDb
download from the teacher's machine, and under the auto profile a missing stand-in is copied
from the mirror (:func:`tilnlp.sourcing.fetch.fetch_standin`) instead of being built for minutes.

The layout olah reads (``mirrors-path``): one git repository per hub repository, at
``models/<id>`` or ``datasets/<id>`` (``models/gpt2``, ``datasets/stanfordnlp/imdb``); olah
answers ``/api/<type>/<id>/revision/main`` and ``/<id>/resolve/<rev>/<file>`` from its branch
``main``.  A file of ``LFS_MIN_SIZE`` or more is stored as git LFS stores it: a pointer in the
commit, the bytes in ``.git/lfs/objects/`` – a hard link to the Hugging Face cache's blob where
the file system allows it, so weights are neither compressed into git nor copied.

olah runs as ``python -m tilnlp.classroom.mirror`` (its own command line, plus :class:`EntryNotFound`, which
gives a missing file the hub's answer – transformers and datasets depend on it).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..sourcing.fetch import standin_repo

LFS_MIN_SIZE = 1 << 20  # files this large or larger are stored as LFS objects
REPO_TYPES = {"model": "models", "dataset": "datasets"}  # hub repo type -> olah's folder
OLAH_DIR = ".olah"  # inside the mirror folder: olah's config, its own cache and its logs
DEFAULT_PORT = 8090
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


# -- serving it with olah ---------------------------------------------------------------------------

def olah_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("olah") is not None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def lan_address() -> str:
    """This machine's address on its local network (what students type); 127.0.0.1 without one.

    Connecting a UDP socket sends no packet: it only asks the system which interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def student_address(host: str) -> str:
    """The address students use to reach a server bound to ``host``."""
    return lan_address() if host in ("0.0.0.0", "::", "") else host


def olah_config(mirror: Path, host: str, port: int) -> Path:
    """Write olah's configuration for serving ``mirror`` offline; returns its path."""
    mirror = Path(mirror).resolve()
    work = mirror / OLAH_DIR
    (work / "repos").mkdir(parents=True, exist_ok=True)
    netloc = json.dumps(endpoint_url(host, port).removeprefix("http://"))  # a JSON string is a TOML string
    path = work / f"olah-{port}.toml"  # one per port: two servers of one mirror do not share files
    path.write_text(
        "# written by `tilnlp mirror serve`: olah serves the local mirror and never goes online\n"
        "[basic]\n"
        f"host = {json.dumps(host)}\n"
        f"port = {port}\n"
        f"repos-path = {json.dumps(str(work / 'repos'))}\n"
        f"mirror-netloc = {netloc}\n"
        f"mirror-lfs-netloc = {netloc}\n"
        f"mirrors-path = [{json.dumps(str(mirror))}]\n"
        "\n[accessibility]\n"
        "offline = true\n")
    return path


def log_path(mirror: Path, port: int) -> Path:
    """Where olah serving ``mirror`` on ``port`` writes what it prints (one line per request)."""
    return Path(mirror).resolve() / OLAH_DIR / f"olah-{port}.log"


def endpoint_url(host: str, port: int) -> str:
    address = student_address(host)
    return f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(mirror: Path, host: str = "127.0.0.1", port: int | None = None,
          timeout: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start olah on ``mirror`` and wait until it answers; returns the process and its URL."""
    if not olah_installed():
        raise MirrorError('serving the mirror needs olah: pip install -c constraints.txt -e ".[classroom]"')
    mirror = Path(mirror)
    repos = served_repos(mirror)
    if not repos:
        raise MirrorError(f"no mirror at {mirror}: build it first with `tilnlp mirror build`")
    port = free_port() if port is None else port
    config = olah_config(mirror, host, port)
    log = log_path(mirror, port)
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tilnlp.classroom.mirror", "--config", str(config),
                                 "--log-path", str(config.with_name(f"logs-{port}"))],
                                cwd=config.parent, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    local = endpoint_url({"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host), port)
    repo_type, repo_id = repos[0]
    probe = f"{local}/api/{REPO_TYPES[repo_type]}/{repo_id}/revision/main"  # ready = it serves the mirror
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise MirrorError(f"olah stopped at once on {host}:{port}: {_why(log)} (log: {log})")
        if _answers(probe):
            return proc, endpoint_url(host, port)
        time.sleep(0.2)
    stop(proc)
    raise MirrorError(f"olah did not answer on {host}:{port} within {timeout:.0f} s (log: {log})")


def _why(log: Path) -> str:
    """The reason olah gave for stopping: its last error line, without the logger's prefix."""
    said = [line.split(" | ")[-1].strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    errors = [line for line in said if re.search(r"ERROR:|Error|Errno", line)]
    return (errors or said or ["no output"])[-1].removeprefix("ERROR:").strip()


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop an olah process started by ``start()`` (and wait for it)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def running(mirror: Path, host: str = "127.0.0.1", port: int | None = None):
    """olah serving ``mirror`` for the duration of a ``with`` block; yields its URL (the HF_ENDPOINT)."""
    proc, url = start(mirror, host, port)
    try:
        yield url
    finally:
        stop(proc)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(mirror: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, echo=print) -> int:
    """Serve ``mirror`` in the foreground until Ctrl-C; prints the line students set."""
    proc, url = start(mirror, host, port)
    repos = served_repos(mirror)
    echo(f"tilnlp mirror: olah serves {len(repos)} repositories from {mirror} on {host}:{port} "
         f"(log: {log_path(mirror, port)}); Ctrl-C stops it")
    for repo_type, repo_id in repos:
        echo(f"  {repo_type:<8} {repo_id}")
    if host in ("0.0.0.0", "::") and student_address(host) == "127.0.0.1":
        echo("(no network found here: give students this machine's address on the classroom network instead)")
    # Ctrl-C (and a plain `kill`) stop olah with us, even where this process was started with
    # SIGINT ignored (a shell's background job): without a handler, Python would ignore it too.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        echo("On every laptop, before starting Jupyter or `tilnlp run`:")
        echo(f"HF_ENDPOINT={url}")
        proc.wait()
    except KeyboardInterrupt:
        echo("tilnlp mirror: stopping olah")
    finally:
        stop(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if proc.returncode not in (0, -signal.SIGTERM, -signal.SIGINT):
        raise MirrorError(f"olah stopped with exit status {proc.returncode} (log: {log_path(mirror, port)})")
    return 0


# -- olah, as the course runs it -----------------------------------------------------------------------

class EntryNotFound:
    """ASGI middleware that gives olah's local mirror the hub's answer for a missing file.

    For a file or folder that a mirrored repository lacks, olah 0.5.4 answers 401 "repository
    not found"; the hub answers 404 "entry not found".  The difference matters: transformers
    asks for optional files on every load (``added_tokens.json``, the folder
    ``additional_chat_templates/``) and datasets for an optional ``.huggingface.yaml``; both
    take "entry not found" as "there is none" but give up on "repository not found".  Only
    ``resolve`` and ``tree`` requests for repositories the mirror holds are corrected.
    """

    def __init__(self, app, mirrors: list[str]):
        self.app = app
        self.mirrors = [Path(m) for m in mirrors]

    def holds(self, path: str) -> bool:
        """Whether ``path`` (a URL path) asks for a file or folder of a repository in the mirror."""
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) > 3:
            parts = parts[1:]  # /api/<type>s/<id>/tree/<rev>/<path>
            marker = "tree"
        else:
            marker = "resolve"  # /[<type>s/]<id>/resolve/<rev>/<file>
            if parts[0] not in REPO_TYPES.values():
                parts = ["models", *parts]
        if marker not in parts[2:]:
            return False
        end = parts.index(marker, 2)
        repo = Path(parts[0], *parts[1:end])
        return any((mirror / repo / ".git").is_dir() for mirror in self.mirrors)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.holds(scope["path"]):
            return await self.app(scope, receive, send)

        async def send_as_hub(message):
            if message["type"] == "http.response.start" and message["status"] == 401:
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"x-error-code", b"x-error-message")]
                headers += [(b"x-error-code", b"EntryNotFound"), (b"x-error-message", b"Entry not found")]
                message = {**message, "status": 404, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_as_hub)


def run_olah() -> None:
    """olah's own command line (``--config FILE --log-path DIR``), with the :class:`EntryNotFound` correction."""
    from olah import server

    args = server.init()
    server.app.add_middleware(EntryNotFound, mirrors=server.app.state.app_settings.config.mirrors_path)
    server.run_server(args)


if __name__ == "__main__":  # how start() runs olah: python -m tilnlp.classroom.mirror --config FILE --log-path DIR
    run_olah()
