"""Serving the classroom mirror with olah: ``tilnlp mirror serve`` and the one line students set.

``tilnlp mirror serve`` starts olah (``pip install -e ".[classroom]"``) on a folder that
``tilnlp mirror build`` made (:mod:`tilnlp.classroom.mirror`) and prints the line students set:
``HF_ENDPOINT=http://<address>:<port>``.  On a laptop with that setting, ``from_pretrained("<real id>")``
and ``load_dataset`` of IMDb download from the teacher's machine, and under the auto profile a missing
stand-in is copied from the mirror (:func:`tilnlp.sourcing.fetch.fetch_standin`) instead of being built
for minutes.

olah runs as ``python -m tilnlp.classroom.server`` (its own command line, plus :class:`EntryNotFound`,
which gives a missing file the hub's answer – transformers and datasets depend on it).
"""
from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .mirror import REPO_TYPES, MirrorError, served_repos

OLAH_DIR = ".olah"  # inside the mirror folder: olah's config, its own cache and its logs
DEFAULT_PORT = 8090


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
        proc = subprocess.Popen([sys.executable, "-m", "tilnlp.classroom.server", "--config", str(config),
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


if __name__ == "__main__":  # how start() runs olah: python -m tilnlp.classroom.server --config FILE --log-path DIR
    run_olah()
