import json
import multiprocessing as mp
import time

import pytest

from tilnlp import cache


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
