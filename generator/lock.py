"""One build at a time per site: an advisory file lock in the site's cache folder.

Two ``jarida build`` runs, or a build and ``jarida serve``, on the same site
are serialised: the second waits for the first to finish instead of
interleaving their writes (``fcntl.flock``, released by the kernel when a
process dies, so a killed build never leaves the site locked).
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

CACHE_DIR = ".cache/jarida"
LOCK_FILE = "build.lock"


@contextlib.contextmanager
def site_lock(site_root: Path):
    """Hold the site's build lock for the ``with`` block (blocking until it is free).

    Where ``fcntl`` is missing (Windows), the block runs without a lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    folder = site_root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
