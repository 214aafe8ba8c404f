"""File locks between processes: the cache's per-asset build lock and ``tilnlp run``'s output-folder lock.

A lock is an operating-system lock on a small file that holds the holder's process id:
``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows (one byte far past the process
id, so a process that waits can still read who holds it).  The system releases it when the holder
exits, however it exits (``kill -9``, a closed terminal), so a lock is never left behind by a dead
process.  The file is read and written with plain ``lseek``/``read``/``write`` (``os.pread`` does
not exist on Windows), and never truncated: the process id is written padded to a fixed width.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """The lock is held by another process (``pid``, when it could be read)."""

    def __init__(self, path: Path, pid: int | None):
        super().__init__(f"{path} is locked by process {pid if pid is not None else '(unknown)'}")
        self.path = path
        self.pid = pid


def pid_alive(pid: int, started_by: float | None = None) -> bool:
    """Whether a process with this id runs on this machine.

    With ``started_by`` (a time, e.g. when a folder that process made was last changed), a process
    that started later cannot have made it: it only got the same id again once the maker was gone
    (ids are reused, soon in a container that restarts).  A zombie – exited, not yet reaped by
    its parent – does not run either.
    """
    import psutil

    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        # 2 s of slack: the start time is derived from the boot time and clock ticks
        return started_by is None or proc.create_time() <= started_by + 2
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # it exists, and belongs to another user
        return True


_WIDTH = 32  # bytes of the process-id record at the start of the file
_WINDOWS_OFFSET = 1 << 30  # the byte msvcrt locks: past the record, so readers are not blocked


def _holder(fd: int) -> int | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, _WIDTH).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _write_holder(fd: int) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n".ljust(_WIDTH).encode("ascii"))


def _lock_posix(fd: int, wait: bool) -> None:
    """Raise BlockingIOError when ``wait`` is False and another process holds the lock."""
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))


def _lock_windows(fd: int, wait: bool) -> None:
    import msvcrt

    while True:
        os.lseek(fd, _WINDOWS_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return
        except OSError:  # held by another process (msvcrt's own blocking mode gives up after 10 s)
            if not wait:
                raise BlockingIOError(f"locked: fd {fd}") from None
            time.sleep(0.1)


_lock = _lock_windows if sys.platform == "win32" else _lock_posix


@contextmanager
def exclusive(path: Path, wait: bool = True):
    """Hold an exclusive lock on ``path`` (created if needed) for the ``with`` block.

    ``wait=True`` waits for another holder to finish; ``wait=False`` raises :class:`Busy`
    (naming the holder's process id) instead.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        try:
            _lock(fd, wait)
        except BlockingIOError:
            raise Busy(Path(path), _holder(fd)) from None
        _write_holder(fd)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock (Windows: so does the process's exit)
