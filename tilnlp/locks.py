"""File locks between processes: the cache's per-asset build lock and ``tilnlp run``'s output-folder lock.

A lock is ``fcntl.flock`` on a small file that holds the holder's process id.  The kernel
releases it when the holder exits, however it exits (``kill -9`` included), so a lock is never
left behind by a dead process.  POSIX only (Linux, macOS), like the rest of the course's tooling.
"""
from __future__ import annotations

import fcntl
import os
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


def _holder(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


@contextmanager
def exclusive(path: Path, wait: bool = True):
    """Hold an exclusive lock on ``path`` (created if needed) for the ``with`` block.

    ``wait=True`` waits for another holder to finish; ``wait=False`` raises :class:`Busy`
    (naming the holder's process id) instead.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise Busy(Path(path), _holder(fd)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
