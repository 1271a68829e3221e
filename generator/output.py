"""Writing the output folder atomically: a failed or killed build leaves the previous output intact.

The new site is written into a temporary folder beside the output, then swapped
in: atomically where Linux's ``renameat2`` exchange is available, else with two renames. The output folder carries a marker file; Jarida refuses to
replace a non-empty folder without it, and refuses outright an output folder
that would hold or be inside the site's sources.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .problems import JaridaError, Problem

MARKER = ".jarida-build"
SOURCE_DIRS = ("content", "seeds", "themes")


def check_output(output: Path, site_root: Path) -> None:
    """Raise :class:`JaridaError` (exit code 2) when ``output`` must not be replaced."""
    out = output.resolve()
    root = site_root.resolve()
    home = Path.home().resolve()
    reasons = []
    if out in (root, home, Path(out.anchor)) or out in root.parents:
        reasons.append("it is the site root, a folder above it, the home folder or /")
    for name in SOURCE_DIRS:
        source = (root / name).resolve()
        if out == source or source in out.parents or out in source.parents:
            reasons.append(f"it holds or is inside the site's {name}/ folder")
    if out.exists() and not out.is_dir():
        reasons.append("it is a file, not a folder")
    elif out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        reasons.append(f"it is not empty and was not made by Jarida (no {MARKER} file in it); empty it or choose another --output")
    if reasons:  # the first reason is the one that matters; the others follow from it
        raise JaridaError([Problem(str(output), 0, f"refusing to write the site here: {reasons[0]}")], 2)


def write_tree(output: Path, files: dict[str, bytes], copies: dict[str, Path]) -> None:
    """Write ``files`` (output path -> bytes) and ``copies`` (output path -> source
    file) as the new content of ``output``, swapping it in only when complete."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        for rel, data in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel, source in copies.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        (tmp / MARKER).write_text("This folder is written by Jarida; it is replaced on every build.\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if not output.exists():
            os.rename(tmp, output)
        elif _exchange(tmp, output):  # one atomic step: tmp now holds the previous site
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
            os.rename(output, old / "site")
            os.rename(tmp, output)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's ``renameat2(RENAME_EXCHANGE)``;
    False where the system or file system does not offer it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
