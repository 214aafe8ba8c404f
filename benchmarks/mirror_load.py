"""A classroom at once: N laptops download one model folder from the mirror at the same moment.

    python benchmarks/mirror_load.py                      # 10, 20 and 30 clients, the packaged MiniLM (87 MB)
    python benchmarks/mirror_load.py --clients 5 30 --rounds 2

The script serves one model folder with olah on 127.0.0.1 (a free port, stopped at the end), as
``tilnlp mirror serve`` does, and starts N client processes on this machine.  Each waits at a
barrier, then calls ``huggingface_hub.snapshot_download`` into its own empty cache, as a student's
first ``from_pretrained`` would.  For each N it prints, side by side: the wall time from the common
start to the last client done, the throughput (bytes delivered to all clients / wall time), the
median client's time, how many clients got every file byte for byte identical to the served
folder (sha256), the failures, and olah's peak memory.

Clients and server share this machine's CPUs, so the figures are a lower bound for a room of real
laptops (whose clients cost the server nothing) and an upper bound for a slow Wi-Fi network.
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ID = "sentence-transformers/all-MiniLM-L6-v2"  # what the course's packaged encoder is on the hub


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 20, 30],
                        help="client counts (default: 10 20 30)")
    parser.add_argument("--rounds", type=int, default=1, help="runs per client count (default: 1)")
    parser.add_argument("--folder", type=Path, default=None,
                        help="the model folder to serve (default: the packaged all-MiniLM-L6-v2)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a client may take (default: 600)")
    return parser


def digests(folder: Path) -> dict[str, str]:
    from tilnlp.classroom.mirror import folder_files

    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in folder_files(folder).items()}


def client(endpoint: str, cache: str, barrier, results) -> None:
    """One laptop: wait for the others, download the folder, report time, bytes and digests (or the error)."""
    os.environ.update({"HF_ENDPOINT": endpoint, "HF_HUB_OFFLINE": "0", "HF_HUB_DISABLE_TELEMETRY": "1",
                       "HF_HUB_DISABLE_PROGRESS_BARS": "1"})
    from huggingface_hub import snapshot_download

    barrier.wait()
    start = time.time()
    try:
        folder = Path(snapshot_download(REPO_ID, cache_dir=cache))
        done = time.time()
        got = digests(folder)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        results.put({"start": start, "end": done, "bytes": size, "digests": got, "error": None})
    except Exception as exc:  # counted as a failure, with its one-line reason
        results.put({"start": start, "end": time.time(), "bytes": 0, "digests": {},
                     "error": f"{type(exc).__name__}: {exc}"})


class PeakMemory:
    """The largest resident memory of a process (olah), sampled every 0.1 s while in a ``with`` block."""

    def __init__(self, pid: int):
        import psutil

        self.process, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()

    def _sample(self):
        while not self._stop.wait(0.1):
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except Exception:
                return

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def one_round(n: int, endpoint: str, expected: dict[str, str], olah_pid: int, timeout: float) -> dict:
    ctx = mp.get_context("spawn")  # fresh interpreters, as separate laptops are
    barrier, results = ctx.Barrier(n + 1), ctx.Queue()
    work = Path(tempfile.mkdtemp(prefix="tilnlp-mirror-load-"))
    procs = [ctx.Process(target=client, args=(endpoint, str(work / f"laptop-{i}"), barrier, results)) for i in range(n)]
    try:
        for proc in procs:
            proc.start()
        barrier.wait(timeout)  # every client has imported huggingface_hub: go
        with PeakMemory(olah_pid) as memory:
            got = [results.get(timeout=timeout) for _ in procs]
        for proc in procs:
            proc.join(timeout)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    ok = [r for r in got if r["error"] is None]
    wall = max(r["end"] for r in got) - min(r["start"] for r in got)
    return {
        "clients": n,
        "wall": wall,
        "mb_per_s": sum(r["bytes"] for r in ok) / wall / 1e6,
        "median": statistics.median(r["end"] - r["start"] for r in got),
        "identical": sum(r["digests"] == expected for r in ok),
        "failures": len(got) - len(ok),
        "errors": sorted({r["error"] for r in got if r["error"]}),
        "olah_peak_mb": memory.peak / 1e6,
    }


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from tilnlp.classroom import mirror, server
    from tilnlp.sourcing.models import encoder_dir

    folder = args.folder or encoder_dir()
    expected = digests(folder)
    size = sum((folder / name).stat().st_size for name in expected)
    with tempfile.TemporaryDirectory(prefix="tilnlp-mirror-") as tmp:
        mirror.add(Path(tmp), mirror.Source("model", REPO_ID, mirror.folder_files(folder), str(folder)))
        olah, endpoint = server.start(Path(tmp))
        try:
            print(f"olah on {endpoint} serves {REPO_ID}: {len(expected)} files, {size / 1e6:.1f} MB "
                  f"(from {folder}); {os.cpu_count()} CPU cores shared by server and clients")
            print(f"{'clients':>7}  {'wall s':>7}  {'MB/s':>7}  {'median s':>8}  {'identical':>9}  "
                  f"{'failures':>8}  {'olah peak MB':>12}")
            failed = False
            for n in args.clients:
                for _ in range(args.rounds):
                    r = one_round(n, endpoint, expected, olah.pid, args.timeout)
                    print(f"{r['clients']:>7}  {r['wall']:7.1f}  {r['mb_per_s']:7.1f}  {r['median']:8.1f}  "
                          f"{r['identical']:>4}/{r['clients']:<4}  {r['failures']:>8}  {r['olah_peak_mb']:12.0f}",
                          flush=True)
                    for error in r["errors"]:
                        print(f"         failure: {error}")
                    failed |= r["failures"] > 0 or r["identical"] < r["clients"]
        finally:
            server.stop(olah)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
