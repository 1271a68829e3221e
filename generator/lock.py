"""One build at a time per site: an advisory file lock in the site's cache folder.

Two ``jarida build`` runs, or a build and ``jarida serve``, on the same site
are serialised: the second waits for the first to finish instead of
interleaving their writes (``fcntl.flock``, released by the kernel when a
process dies, so a killed build never leaves the site locked).
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

CACHE_DIR = ".cache/jarida"
LOCK_FILE = "build.lock"

#: Descriptors of the locks this process holds (see :func:`close_in_child`).
_HELD: set[int] = set()


def _say_waiting(lock: Path) -> None:
    print(f"waiting for another build or conversion of this site to finish (it holds {lock}) ...",
          file=sys.stderr, flush=True)


@contextlib.contextmanager
def site_lock(site_root: Path, waiting=_say_waiting):
    """Hold the site's build lock for the ``with`` block (blocking until it is free).

    When another process holds it, ``waiting(lock_path)`` is called once before
    waiting (by default it says so on standard error). The block is given the
    seconds spent waiting (float), so that a build can leave them out of its
    reported time. Where ``fcntl`` is missing (Windows), the block runs without a
    lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield 0.0
        return
    folder = site_root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.perf_counter()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting(path)
            fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD.add(fd)
        yield time.perf_counter() - started
    finally:
        _HELD.discard(fd)
        os.close(fd)


def close_in_child() -> None:
    """In a process forked while a lock was held: close the inherited descriptors.

    A ``flock`` lock belongs to the open file, shared by every descriptor
    that refers to it, so a forked worker would otherwise keep the site locked
    after the build that started it was killed.
    """
    for fd in list(_HELD):
        _HELD.discard(fd)
        try:
            os.close(fd)
        except OSError:  # pragma: no cover - already closed
            pass
