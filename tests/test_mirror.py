"""The classroom mirror: HF_ENDPOINT honoured, `tilnlp mirror build` / `serve`, stand-ins from the mirror.

Servers listen on 127.0.0.1 only, on a free port, and are stopped by the test that started them.
"""
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, assert_one_clear_error, hub_env, tilnlp
from tilnlp.classroom import mirror, server
from tilnlp.publishing import doctor
from tilnlp.sourcing import cache, fetch, hub, models
from tilnlp.sourcing.models import ProfileError, choose_source

SNAPSHOTS = ("from huggingface_hub import snapshot_download; import sys\n"  # ARGS: type id type id ...
             "for repo_type, repo_id in zip(sys.argv[1::2], sys.argv[2::2]):\n"
             "    print(snapshot_download(repo_id, repo_type=repo_type))")  # one snapshot folder a line


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree_digests(folder: Path) -> dict[str, str]:
    return {name: sha256(path) for name, path in mirror.folder_files(folder).items()}


def snapshots(repos: list[tuple[str, str]], env: dict) -> list[Path]:
    """``snapshot_download`` of each ``(repo_type, repo_id)`` in a process with ``env``: the snapshot folders."""
    out = run_python(SNAPSHOTS, *[part for repo in repos for part in repo], env=env).stdout
    return [Path(line) for line in out.splitlines()[-len(repos):]]


def run_python(code: str, *args, env: dict, timeout=300) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture
def endpoint(monkeypatch):
    """``endpoint(url)`` points this process at ``url`` (HF_ENDPOINT), offline flags off."""
    def use(url):
        for name, value in hub_env(url, Path("unused")).items():
            if not name.endswith(("_HOME", "_CACHE")):
                monkeypatch.setenv(name, value)
        return url
    return use


@pytest.fixture
def dead_endpoint(endpoint):
    """HF_ENDPOINT set to a port on 127.0.0.1 where nothing listens (given with a trailing slash)."""
    url = f"http://127.0.0.1:{server.free_port()}"
    endpoint(url + "/")
    return url


# -- HF_ENDPOINT everywhere -------------------------------------------------------------------------

def test_the_endpoint_is_HF_ENDPOINT_when_set(monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert (hub.hub_endpoint(), hub.endpoint_name()) == ("https://huggingface.co", "the Hugging Face Hub")
    monkeypatch.setenv("HF_ENDPOINT", "http://10.0.0.5:8090/")
    assert hub.hub_endpoint() == "http://10.0.0.5:8090"
    assert hub.endpoint_name() == "HF_ENDPOINT=http://10.0.0.5:8090"


def test_reachability_probes_the_endpoint_not_huggingface_co(dead_endpoint, monkeypatch):
    assert not hub.hub_reachable()
    with socket.socket() as listener:  # something that accepts connections on the endpoint's port
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{listener.getsockname()[1]}")
        assert hub.hub_reachable()
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        assert not hub.hub_reachable()  # an offline flag wins


def test_hub_profile_names_HF_ENDPOINT_when_it_does_not_answer(dead_endpoint):
    with pytest.raises(ProfileError, match=f"HF_ENDPOINT={dead_endpoint} does not answer, and the local cache "
                                           "lacks roberta-base.*--profile offline"):
        choose_source("hub", cached=False, repo_id="roberta-base")
    assert choose_source("auto", cached=False, repo_id="roberta-base") == "offline"
    assert choose_source("hub", cached=True, repo_id="roberta-base") == "hub"


def test_run_with_the_hub_profile_names_HF_ENDPOINT(tmp_path):
    endpoint = f"http://127.0.0.1:{server.free_port()}"
    proc = tilnlp("run", "00", "--profile", "hub", env=hub_env(endpoint, tmp_path))
    assert_one_clear_error(proc, f"HF_ENDPOINT={endpoint} does not answer", "--profile offline")


def test_doctor_says_which_endpoint_and_whether_it_answers(dead_endpoint, monkeypatch):
    assert doctor.endpoint_line() == f"hub endpoint: {dead_endpoint} (HF_ENDPOINT) | answers: no"
    monkeypatch.delenv("HF_ENDPOINT")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert doctor.endpoint_line() == ("hub endpoint: https://huggingface.co (the default; HF_ENDPOINT is not set) "
                                      "| answers: not asked (HF_HUB_OFFLINE set)")


# -- olah's layout ----------------------------------------------------------------------------------

def git(folder: Path, *args) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def test_write_repo_makes_one_commit_on_main_with_large_files_as_lfs(tmp_path):
    big = tmp_path / ("ab" * 32)  # named like an HF cache blob of an LFS file: its sha256 (not this content's)
    big.write_bytes(os.urandom(mirror.LFS_MIN_SIZE))
    small = tmp_path / "config.json"
    small.write_text('{"model_type": "bert"}')
    dest = tmp_path / "mirror" / "models" / "org" / "name"
    mirror.write_repo({"config.json": small, "weights/model.safetensors": big}, dest, "test")
    assert git(dest, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(dest, "rev-list", "--count", "main").strip() == "1"
    pointer = git(dest, "show", "main:weights/model.safetensors")
    assert pointer == ("version https://git-lfs.github.com/spec/v1\n"
                       f"oid sha256:{'ab' * 32}\nsize {mirror.LFS_MIN_SIZE}\n")
    lfs_object = dest / ".git" / "lfs" / "objects" / "ab" / "ab" / ("ab" * 32)
    assert lfs_object.stat().st_ino == big.stat().st_ino  # a hard link, not a copy
    assert git(dest, "show", "main:config.json") == small.read_text()
    mirror.write_repo({"config.json": small}, dest, "again")  # a rebuild replaces the repository
    assert git(dest, "ls-tree", "-r", "--name-only", "main").split() == ["config.json"]
    assert [p.name for p in dest.parent.iterdir()] == ["name"]  # no temporary folder left
    assert mirror.served_repos(tmp_path / "mirror") == [("model", "org/name")]


def test_build_with_nothing_to_mirror_says_how_to_fill_the_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "empty-course-cache"))
    with pytest.raises(mirror.MirrorError, match=r"nothing to mirror.*tilnlp prefetch --profile hub"):
        mirror.build(tmp_path / "mirror", hf_cache=tmp_path / "empty-hf-cache")


def test_serve_without_olah_or_without_a_mirror_is_one_clear_line(tmp_path, monkeypatch):
    assert_one_clear_error(tilnlp("mirror", "serve", "--from", tmp_path / "nothing"),
                           f"no mirror at {tmp_path / 'nothing'}", "tilnlp mirror build")
    monkeypatch.setattr(server, "olah_installed", lambda: False)
    with pytest.raises(mirror.MirrorError, match=r'pip install -c constraints.txt -e "\.\[classroom\]"'):
        server.start(tmp_path)


def test_olah_answers_a_missing_file_as_the_hub_does(tmp_path):
    """olah says "repository not found" (401) for a file a mirrored repository lacks; the hub says 404."""
    (tmp_path / "models" / "roberta-base" / ".git").mkdir(parents=True)
    (tmp_path / "datasets" / "stanfordnlp" / "imdb" / ".git").mkdir(parents=True)
    fix = server.EntryNotFound(app=None, mirrors=[str(tmp_path)])
    assert fix.holds("/roberta-base/resolve/main/added_tokens.json")
    assert fix.holds("/api/models/roberta-base/tree/main/additional_chat_templates")
    assert fix.holds("/datasets/stanfordnlp/imdb/resolve/abc/.huggingface.yaml")
    assert fix.holds("/api/datasets/stanfordnlp/imdb/tree/abc/plain_text")
    assert not fix.holds("/api/models/roberta-base/revision/main")  # a repository question, not a file's
    assert not fix.holds("/gpt2/resolve/main/config.json")  # not in this mirror: olah's answer stands
    assert not fix.holds("/api/datasets/imdb/tree/main")


# -- olah serving a mirror ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_mirror(tmp_path_factory) -> Path:
    """A mirror of one small repository, ``gpt2`` (a config and a tokenizer file)."""
    root = tmp_path_factory.mktemp("tiny")
    (root / "config.json").write_text('{"model_type": "gpt2"}')
    (root / "tokenizer.json").write_text("{}")
    mirror.add(root / "mirror", mirror.Source("model", "gpt2", mirror.folder_files(root), "test"))
    return root / "mirror"


@pytest.fixture(scope="module")
def tiny(tiny_mirror):
    """olah serving ``tiny_mirror``; yields its URL."""
    with server.running(tiny_mirror) as url:
        yield url


def test_serve_on_a_port_in_use_is_one_clear_line(tiny_mirror):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = tilnlp("mirror", "serve", "--from", tiny_mirror, "--port", port, timeout=120)
    assert_one_clear_error(proc, f"olah stopped at once on 127.0.0.1:{port}", "address already in use")


def test_olah_serves_a_file_and_says_entry_not_found_for_a_missing_one(tiny):
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(f"{tiny}/gpt2/resolve/main/config.json", method="HEAD")) as r:
        assert (r.status, r.headers["content-length"]) == (200, "22")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(urllib.request.Request(f"{tiny}/gpt2/resolve/main/added_tokens.json", method="HEAD"))
    assert (missing.value.code, missing.value.headers["x-error-code"]) == (404, "EntryNotFound")
    with pytest.raises(urllib.error.HTTPError) as unknown:  # a repository the mirror lacks keeps olah's answer
        urllib.request.urlopen(urllib.request.Request(f"{tiny}/roberta-base/resolve/main/config.json", method="HEAD"))
    assert (unknown.value.code, unknown.value.headers["x-error-code"]) == (401, "RepoNotFound")


def test_hub_profile_says_when_the_mirror_lacks_a_model(tiny, endpoint):
    endpoint(tiny)
    assert hub.hub_serves("gpt2") is True and hub.hub_serves("roberta-base") is False
    assert choose_source("hub", cached=False, repo_id="gpt2") == "hub"
    assert choose_source("auto", cached=False, repo_id="roberta-base") == "offline"
    with pytest.raises(ProfileError, match=f"HF_ENDPOINT={tiny} answers but does not serve the model roberta-base"):
        choose_source("hub", cached=False, repo_id="roberta-base")


def test_a_mirror_without_the_standin_leaves_the_build_to_the_laptop(tiny, endpoint, monkeypatch, tmp_path):
    endpoint(tiny)
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path))
    assert fetch.fetch_standin("gpt2-lee-v1") is None
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def served(fixture_mirror):
    """olah serving the fixture models and imdb under the real ids; yields its URL."""
    with server.running(fixture_mirror) as url:
        yield url


@pytest.mark.slow
def test_the_real_clients_download_every_fixture_intact(served, fixture_mirror, tmp_path):
    """snapshot_download, from_pretrained and load_dataset through olah, files byte for byte as built."""
    env = hub_env(served, tmp_path)
    repos = mirror.served_repos(fixture_mirror)
    for (repo_type, repo_id), snapshot in zip(repos, snapshots(repos, env)):
        source = fixture_mirror.parent / "work" / mirror.REPO_TYPES[repo_type] / repo_id
        if repo_id == "imdb":
            source = fixture_mirror.parent / "work" / "datasets" / "stanfordnlp" / "imdb"
        assert tree_digests(snapshot) == tree_digests(source), repo_id
    code = ("from transformers import AutoModelForSequenceClassification, AutoTokenizer\n"
            "from datasets import load_dataset\n"
            "tok = AutoTokenizer.from_pretrained('roberta-base')\n"
            "model = AutoModelForSequenceClassification.from_pretrained('roberta-base')\n"
            "imdb = load_dataset('stanfordnlp/imdb')\n"
            "print(tok.convert_ids_to_tokens(tok('The police')['input_ids']), type(model).__name__,"
            " imdb['train'].num_rows, imdb['train'].features['label'].names)")
    out = run_python(code, env=env).stdout.strip().splitlines()[-1]
    assert out == "['<s>', 'The', 'Ġpolice', '</s>'] RobertaForSequenceClassification 1000 ['neg', 'pos']"


@pytest.mark.slow
def test_the_notes_old_name_imdb_fails_in_datasets_itself(served, tmp_path):
    """Why the course asks for stanfordnlp/imdb: with datasets 5 and huggingface_hub >= 1, load_dataset("imdb")
    fails before any data is asked for (huggingface/datasets#8612).  When this test fails, that is fixed:
    tilnlp.data.IMDB_HUB_ID can go back to the notes' "imdb"."""
    code = ("from datasets import load_dataset\n"
            "try:\n    load_dataset('imdb')\nexcept Exception as e:\n    print(repr(e))")
    out = run_python(code, env=hub_env(served, tmp_path)).stdout
    assert "Repository id must be 'namespace/name', got 'imdb'" in out


@pytest.mark.slow
def test_mirror_build_from_a_real_hugging_face_cache(served, fixture_mirror, tmp_path):
    """A teacher's HF cache, filled by huggingface_hub itself, becomes a mirror that serves the same files."""
    teacher = hub_env(served, tmp_path / "teacher")
    snapshots([("model", "bert-base-uncased"), ("model", "gpt2"), ("dataset", "stanfordnlp/imdb")], teacher)
    run_python("from huggingface_hub import hf_hub_download as d; d('roberta-base', 'config.json')", env=teacher)
    hf_cache = tmp_path / "teacher" / "hf-home" / "hub"
    out = tmp_path / "classroom-mirror"
    proc = tilnlp("mirror", "build", "--hf-cache", hf_cache, "--out", out, env={"TILNLP_CACHE": str(tmp_path / "none")})
    assert proc.returncode == 0, proc.stderr
    assert sorted(mirror.served_repos(out)) == [("dataset", "imdb"), ("dataset", "stanfordnlp/imdb"),
                                                ("model", "bert-base-uncased"), ("model", "gpt2")]
    assert "so not mirrored: distilbert/distilbert-base-uncased-finetuned-sst-2-english, roberta-base" in proc.stdout
    blobs = {p.stat().st_ino for p in (hf_cache / "models--bert-base-uncased" / "blobs").iterdir()}
    assert any(p.stat().st_ino in blobs for p in (out / "models" / "bert-base-uncased" / ".git" / "lfs").rglob("*")
               if p.is_file())  # the weights are hard links to the HF cache, not copies
    with server.running(out) as url:
        [snapshot] = snapshots([("model", "bert-base-uncased")], hub_env(url, tmp_path / "laptop"))
    assert tree_digests(snapshot) == tree_digests(fixture_mirror.parent / "work" / "models" / "bert-base-uncased")


@pytest.mark.slow
def test_mirror_serve_prints_the_line_students_set_and_stops_on_ctrl_c(fixture_mirror):
    port = server.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tilnlp", "mirror", "serve", "--from", str(fixture_mirror),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (lines and lines[-1].startswith("HF_ENDPOINT=")):
            lines.append(proc.stdout.readline().rstrip("\n"))
        assert lines[-1] == f"HF_ENDPOINT=http://127.0.0.1:{port}", lines
        assert "olah serves 6 repositories" in lines[0]
        assert hub.endpoint_answers(f"http://127.0.0.1:{port}")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert proc.returncode == 0, proc.stderr.read()
    assert not hub.endpoint_answers(f"http://127.0.0.1:{port}")  # olah went with it


def test_a_standin_download_that_breaks_off_leaves_nothing_behind(monkeypatch, tmp_path):
    import huggingface_hub

    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(hub, "hub_has", lambda repo_id, repo_type="model": True)

    def breaks_off(repo_id, local_dir):
        (Path(local_dir) / "model.safetensors").write_bytes(b"half a file")
        raise OSError("connection reset")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", breaks_off)
    said = []
    assert fetch.fetch_standin("fake-v1", echo=lambda line, **kw: said.append(line)) is None
    assert "HF_ENDPOINT=http://127.0.0.1:9 stopped sending tilnlp/fake-v1 (OSError)" in said[-1]
    assert [p.name for p in tmp_path.iterdir() if "fake" in p.name] == [".fake-v1.lock"]  # no half asset
    assert not cache.is_ready("fake-v1")


@pytest.mark.slow
def test_auto_profile_copies_the_standins_from_the_mirror_instead_of_building(tmp_path):
    """The teacher's built stand-ins, served as tilnlp/<asset>, land in a laptop's course cache as they were."""
    modules = mirror.standin_modules()
    for model in models.MODELS.values():
        models.offline_path(model)  # the teacher's stand-ins (built here if the session has not yet)
    out = tmp_path / "mirror"
    proc = tilnlp("mirror", "build", "--hf-cache", tmp_path / "no-hf-cache", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert {repo for _, repo in mirror.served_repos(out)} == {fetch.standin_repo(m.ASSET) for m in modules}
    code = ("import time; from tilnlp.sourcing.models import Course\nc = Course('auto'); start = time.perf_counter()\n"
            "print([c.model(m) for m in ('gpt2', 'sentiment')]); print(round(time.perf_counter() - start, 1))")
    with server.running(out) as url:
        laptop = hub_env(url, tmp_path / "laptop")
        proc = run_python(code, env=laptop)
        doctor_says = tilnlp("doctor", env=laptop).stdout
    assert proc.stdout.count("instead of building it here") == len(modules)
    assert f"hub endpoint: {url} (HF_ENDPOINT) | answers: yes" in doctor_says
    assert doctor_says.count(f"copied from HF_ENDPOINT={url} tilnlp/") == len(modules)
    assert "offline stand-in for gpt2" in proc.stdout
    for module in modules:
        copied = tree_digests(tmp_path / "laptop" / "course-cache" / module.ASSET)
        built = tree_digests(cache.asset_path(module.ASSET))
        assert copied.pop("BUILD_INFO.json") and built.pop("BUILD_INFO.json")  # each cache writes its own
        assert copied == built
        info = json.loads((tmp_path / "laptop" / "course-cache" / module.ASSET / "BUILD_INFO.json").read_text())
        assert info["fetched_from"] == f"HF_ENDPOINT={url} {fetch.standin_repo(module.ASSET)}"
    assert float(proc.stdout.strip().splitlines()[-1]) < 60  # copied, not built (a build takes minutes)
