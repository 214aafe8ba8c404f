"""The hub path end to end: the series against an olah mirror on 127.0.0.1, and the mirror dying mid-run.

The mirror serves tiny models of the real architectures under the real ids (``hub_fixtures``);
every model comes from the mirror's repository of its real id and IMDb through ``load_dataset``,
as a user with a network gets them.  Besides the mirror ``tilnlp mirror build``/``serve`` make,
the series runs against one a teacher makes by hand from olah's documentation (plain git
repositories, plain ``olah-cli -c configs.toml``).  Every server here listens on 127.0.0.1, on a
free port, and is stopped at the end of its test.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from hub_fixtures import MODEL_IDS

from conftest import assert_one_clear_error, hub_env, tilnlp
from tilnlp.classroom import server
from tilnlp.data import IMDB_HUB_ID
from tilnlp.publishing.notebooks import course_notebooks
from tilnlp.sourcing import hub

pytestmark = pytest.mark.slow


def outputs(notebook: Path) -> str:
    """Everything an executed notebook printed."""
    text = []
    for cell in json.loads(notebook.read_text())["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("text") or out.get("data", {}).get("text/plain", "")
            text.append("".join(data) if isinstance(data, list) else data)
    return "\n".join(text)


def hf_cache_is_sound(hub_cache: Path) -> None:
    """Every file a snapshot lists is a whole blob: no dangling link, no leftover of a broken download in use."""
    for link in hub_cache.glob("*/snapshots/*/**/*"):
        if link.is_symlink():
            assert link.exists(), f"dangling {link}"


def test_the_series_on_the_hub_path(fixture_mirror, tmp_path):
    """All ten notebooks, CI sizes, --profile hub: every model and IMDb from the mirror, no stand-in."""
    with server.running(fixture_mirror) as url:
        proc = tilnlp("run", "--profile", "hub", "--preset", "ci", "--out", tmp_path / "executed",
                      env=hub_env(url, tmp_path), timeout=900)
    assert_series_from_the_mirror(proc, tmp_path, url)


def assert_series_from_the_mirror(proc, folder: Path, url: str, log: str = "") -> None:
    """The run of the series into ``folder`` (``hub_env(url, folder)``, ``--out folder/executed``) passed
    every notebook with each model and IMDb from ``url``, none of them a stand-in, and built nothing."""
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:] + log[-3000:]
    assert f"{len(course_notebooks())}/{len(course_notebooks())} passed" in proc.stdout
    printed = {path.stem: outputs(path) for path in sorted((folder / "executed").glob("*.ipynb"))}
    assert "stand-in" not in "".join(printed.values())
    for real_id in MODEL_IDS:
        assert f"[tilnlp] model {real_id}: from HF_ENDPOINT={url}" in printed["00_setup_and_tour"]
    assert f"[tilnlp] data set imdb: from HF_ENDPOINT={url}" in printed["09_imdb_finetuning"]
    # the tiny fixture BERT (64 wide), not the packaged 384-wide stand-in, answered notebook 06
    assert "hidden size 64" in printed["06_bert_sentence_similarity"]
    assert "Offline, bert-base-uncased is stood in" not in printed["07_pretraining_objectives"]
    hub_cache = folder / "hf-home" / "hub"
    assert {p.name for p in hub_cache.iterdir() if "--" in p.name} == {
        "models--gpt2", "models--distilbert--distilbert-base-uncased-finetuned-sst-2-english",
        "models--roberta-base", "models--bert-base-uncased", "datasets--stanfordnlp--imdb"}
    assert not (folder / "course-cache").exists() or not any((folder / "course-cache").iterdir())  # nothing built
    hf_cache_is_sound(hub_cache)


def teacher_made_mirror(folder: Path, work: Path) -> Path:
    """An olah local mirror made by hand as olah's documentation says, not by ``tilnlp mirror build``.

    ``mirrors-path`` holds one git repository per hub repository, at ``models/<org>/<repo>`` or
    ``datasets/<org>/<repo>`` (``models/gpt2`` for an id without owner); each is ``git init``, the
    files copied in, ``git add``, ``git commit`` on the branch ``main`` (the hub's), no git LFS.
    IMDb is there as the hub has it, ``stanfordnlp/imdb``.  The files are the session's fixture
    folders in ``work`` (plain model folders ``hub_fixtures`` wrote).
    """
    repos = {("models", real_id): work / "models" / real_id for real_id in MODEL_IDS}
    repos["datasets", IMDB_HUB_ID] = work / "datasets" / IMDB_HUB_ID
    git = ["git", "-c", "user.name=teacher", "-c", "user.email=teacher@localhost", "-c", "commit.gpgsign=false",
           "-c", "core.hooksPath=/dev/null"]
    for (kind, repo_id), files in repos.items():
        repo = folder / kind / repo_id
        shutil.copytree(files, repo)
        for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", f"{repo_id} by hand"]):
            subprocess.run(git + args, cwd=repo, check=True, capture_output=True,
                           env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    return folder


def olah_config(path: Path, mirrors: Path, port: int) -> Path:
    """olah's configuration file as its documentation gives it: serve ``mirrors`` on 127.0.0.1, offline."""
    path.write_text(f"""[basic]
host = "127.0.0.1"
port = {port}
repos-path = {json.dumps(str(path.parent / "repos"))}
mirror-scheme = "http"
mirror-netloc = "127.0.0.1:{port}"
mirror-lfs-netloc = "127.0.0.1:{port}"
mirrors-path = [{json.dumps(str(mirrors))}]

[accessibility]
offline = true
""")
    return path


def test_the_series_on_a_mirror_the_teacher_made_by_hand(fixture_mirror, tmp_path):
    """issue 24: a mirror not made by the course's own export, served by plain olah (no course code
    in the server) – every notebook passes, every model and IMDb from HF_ENDPOINT."""
    mirrors = teacher_made_mirror(tmp_path / "mirrors_dir", fixture_mirror.parent / "work")
    port = server.free_port()
    url = f"http://127.0.0.1:{port}"
    config = olah_config(tmp_path / "configs.toml", mirrors, port)
    log = tmp_path / "olah.log"
    with open(log, "w") as out:
        olah = subprocess.Popen([sys.executable, "-m", "olah.server", "-c", str(config), "--log-path",
                                 str(tmp_path / "olah-logs")], cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:  # ready: it serves a repository of the mirror
            assert olah.poll() is None and time.monotonic() < deadline, f"olah did not start: {log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{url}/api/models/gpt2/revision/main", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        proc = tilnlp("run", "--profile", "hub", "--preset", "ci", "--out", tmp_path / "executed",
                      env=hub_env(url, tmp_path), timeout=900)
    finally:
        server.stop(olah)
    assert_series_from_the_mirror(proc, tmp_path, url, log.read_text())


class DyingLink:
    """A TCP relay in front of olah that plays the mirror dying in the middle of a download.

    It relays everything; once a request matches ``trigger`` (a regular expression on its bytes),
    it passes on ``cut_after`` bytes of the answer, then calls ``die()`` (stops olah), drops every
    connection and stops listening.  Without ``trigger`` it only relays.
    """

    def __init__(self, upstream: int, port: int, trigger: bytes | None = None, die=None, cut_after: int = 65536):
        self.upstream, self.die, self.cut_after = upstream, die, cut_after
        self.trigger = re.compile(trigger) if trigger else None
        self.listener = socket.create_server(("127.0.0.1", port))
        self.sockets: list[socket.socket] = []
        self.died = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.died.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:  # the relay was closed
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:  # olah has gone: so does this connection
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            asked = threading.Event()
            threading.Thread(target=self._pump, args=(client, server, asked, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, asked, False), daemon=True).start()

    def _pump(self, source, target, asked, request):
        sent = 0
        try:
            while data := source.recv(65536):
                if request and self.trigger and self.trigger.search(data):
                    asked.set()
                if not request and asked.is_set():
                    data = data[: self.cut_after - sent]
                    sent += len(data)
                target.sendall(data)
                if not request and asked.is_set() and sent >= self.cut_after:
                    self.kill()
                    return
        except OSError:
            pass

    def kill(self):
        """The mirror machine goes away: olah stops, every connection drops, nobody answers."""
        if not self.died.is_set():
            self.died.set()
            if self.die:
                self.die()
        self.close()

    def close(self):
        self.died.set()
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()


# notebook 00's tour of the models downloads all four (course.model hands out the downloaded folder through
# HF_ENDPOINT), then it loads imdb: its train file, then its test file
TEST_SPLIT = rb"GET /datasets/stanfordnlp/imdb/resolve/[0-9a-f]+/plain_text/test-"


def test_the_mirror_dies_mid_run_then_a_rerun_succeeds(fixture_mirror, tmp_path):
    """olah goes away while notebook 00 downloads imdb's test split: one clear line naming HF_ENDPOINT,
    nothing half-written that a later run trusts, and a rerun passes once the mirror is back."""
    olah_port, link_port = server.free_port(), server.free_port()
    endpoint = f"http://127.0.0.1:{link_port}"
    env = hub_env(endpoint, tmp_path)
    olah, _ = server.start(fixture_mirror, port=olah_port)
    link = DyingLink(olah_port, link_port, trigger=TEST_SPLIT, die=lambda: server.stop(olah))
    try:
        proc = tilnlp("run", "00", "03", "--profile", "hub", "--preset", "ci", "--out", tmp_path / "first", env=env)
    finally:
        link.close()
        server.stop(olah)
    assert link.died.is_set(), "the relay never saw imdb's test split being downloaded"
    assert_one_clear_error(proc, f"HF_ENDPOINT={endpoint} stopped answering during the run",
                           "1 notebook(s) failed: 00_setup_and_tour)", "start it again")
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1
    # notebook 03 needs only roberta-base, which notebook 00 downloaded whole before imdb: it runs from the cache
    assert re.search(r"03_roberta_without_finetuning +passed", proc.stdout)
    hub_cache = tmp_path / "hf-home" / "hub"
    hf_cache_is_sound(hub_cache)
    # what was downloaded whole is kept
    assert all(hub.in_hf_cache(real_id, cache_dir=hub_cache) for real_id in MODEL_IDS)
    assert not hub.imdb_in_hf_cache(cache_dir=hub_cache)  # half a data set is not taken for the data set
    assert not list((tmp_path / "hf-home" / "datasets").rglob("*.arrow"))  # nor prepared from half its files

    olah, _ = server.start(fixture_mirror, port=olah_port)  # the teacher starts it again, at the same address
    link = DyingLink(olah_port, link_port)
    try:
        proc = tilnlp("run", "00", "03", "--profile", "hub", "--preset", "ci", "--out", tmp_path / "rerun", env=env)
    finally:
        link.close()
        server.stop(olah)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "2/2 passed" in proc.stdout
    assert hub.imdb_in_hf_cache(cache_dir=hub_cache) and hub.in_hf_cache("roberta-base", cache_dir=hub_cache)
    hf_cache_is_sound(hub_cache)
