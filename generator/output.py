"""Writing the output folder atomically: a failed or killed build leaves the previous output intact.

The new site is written into a temporary folder beside the output, then swapped
in: atomically where Linux's ``renameat2`` exchange is available, else with two renames. The output folder carries a marker file; Jarida refuses to
replace a non-empty folder without it, and refuses outright an output folder
that would hold or be inside the site's sources.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import sys
from pathlib import Path

from .problems import JaridaError, Problem

MARKER = ".jarida-build"
SOURCE_DIRS = ("content", "seeds", "themes", "static")


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


def new_tree(output: Path) -> Path:
    """Start a new output tree: an empty temporary folder beside ``output`` holding
    the marker file (leftovers of killed builds are removed first).

    Raises :class:`JaridaError` (exit code 1) when the system refuses (a full disk,
    a folder that cannot be written), naming ``output`` or its marker file, never
    the temporary folder, which is removed."""
    import tempfile

    output = output.resolve()
    tmp, target = None, output
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(output)
        tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
        target = output / MARKER
        put(tmp, MARKER, b"This folder is written by Jarida; it is replaced on every build.\n")
    except BaseException as exc:  # a full disk, Ctrl-C
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _refused(target, "written", exc, output, str(output.parent)) from exc
        raise
    return tmp


_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def put(folder: Path, rel: str, data: bytes) -> None:
    """Write ``data`` to ``folder/rel`` (``rel`` a relative POSIX path), making its
    parent folders. Plain system calls (open, write, close): a build writes
    thousands of files, and ``Path.write_bytes`` costs a file object, a buffer
    and two more system calls each."""
    target = os.path.join(folder, rel)
    try:
        fd = os.open(target, _WRITE, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, _WRITE, 0o666)
    try:
        view, done = memoryview(data), 0
        while done < len(view):
            done += os.write(fd, view[done:])
    finally:
        os.close(fd)


def put_new(tree: Path, output: Path, rel: str, data: bytes) -> None:
    """:func:`put` ``data`` as ``rel`` (a relative POSIX path) into ``tree``, the new
    tree of the output folder ``output`` made by :func:`new_tree` (in any process
    of the build).

    Raises :class:`JaridaError` (exit code 1) when the system refuses (a full disk,
    a quota, a folder that cannot be written), naming the file as it will be in
    ``output`` (``build/tags/غزة/index.html``), never in the temporary folder, with
    the reason and what to do; the caller removes the tree."""
    try:
        put(tree, rel, data)
    except OSError as exc:
        output = output.resolve()
        raise _refused(output / rel, "written", exc, output, str(output.parent)) from exc


def copy(folder: Path, rel: str, source: Path) -> None:
    """Copy ``source`` to ``folder/rel``, making its parent folders."""
    target = folder / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def link(folder: Path, rel: str, source: Path) -> bool:
    """Hard-link the previous output's ``source`` as ``folder/rel`` (a file
    unchanged since the last build); False when it cannot (then write it)."""
    target = folder / rel
    try:
        os.link(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            return False
    except OSError:
        return False
    return True


def finish_tree(tmp: Path, output: Path, written: set[str], keep: tuple[str, ...] = ()) -> Path | None:
    """Swap the complete tree ``tmp`` in as ``output`` (entries of the previous output named in ``keep``, such as ``CNAME`` or ``.git``, that the build did not write are carried over by hard links, so the previous output itself is never touched);
    ``written`` are the output paths the build wrote (kept entries never replace them).
    Returns the folder beside ``output`` that now holds the previous site
    (``None`` when there was none), for the caller to delete with :func:`discard`
    once it has saved its own state: deleting a large site takes seconds, and a
    build interrupted then should not lose what it recorded of the new one (a
    folder left behind is removed by the next build, see :func:`remove_stale`).

    Raises :class:`JaridaError` (exit code 1), with ``tmp`` removed and ``output``
    as it was, when the system refuses to copy a kept entry or to swap the tree in
    (a full disk, a folder that cannot be written), naming the entry or ``output``.
    Without an atomic exchange, ``output`` is moved aside before ``tmp`` is renamed
    in, and moved back when that fails; should that fail too, the error says where
    the previous site is."""
    output = output.resolve()
    target, doing = output, "replaced"
    try:
        if not (tmp / MARKER).is_file():  # the folder was deleted (git clean -x...) while it was being written
            raise JaridaError([Problem(str(tmp), 0, "this temporary folder of the build was deleted while the "
                                                    f"site was being built; {output} was left as it was: build again")])
        tops = {rel.split("/", 1)[0] for rel in written}
        for name in keep:
            source = output / name
            if name not in tops and (source.exists() or source.is_symlink()):
                target, doing = source, "copied into the new site"
                _carry(source, tmp / name)
        target, doing = output, "replaced"
        os.chmod(tmp, 0o755)
        if not output.exists():
            os.rename(tmp, output)
            return None
        if _exchange(tmp, output):  # one atomic step: tmp now holds the previous site
            old = tmp.with_name(tmp.name.replace(".new-", ".old-", 1))
            try:
                os.rename(tmp, old)  # named as old, so a kill before it is deleted leaves a folder cleaned up later
            except OSError:  # the new site is in: the previous one is deleted under the name it has
                return tmp
            return old
        import tempfile

        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        aside = False
        try:
            os.rename(output, old / "site")
            aside = True
            os.rename(tmp, output)
        except BaseException as exc:
            if aside:
                try:
                    os.rename(old / "site", output)  # the previous site back in its place
                except OSError as back:
                    raise JaridaError([Problem(str(output), 0, f"cannot be replaced, and the previous site could "
                                                               f"not be put back ({back.strerror or back}): it is in "
                                                               f"{old / 'site'}; move it back to {output} by hand "
                                                               "before you build again")]) from exc
            shutil.rmtree(old, ignore_errors=True)  # empty
            raise
        return old
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _refused(target, doing, exc, output, str(output.parent)) from exc
        raise


def discard(old: Path) -> None:
    """Delete ``old``, the previous site that :func:`finish_tree` swapped out."""
    shutil.rmtree(old, ignore_errors=True)


def update_in_place(output: Path, files: dict[str, bytes], copies: dict[str, Path], removed: set[str]) -> None:
    """Update an existing output folder as one change: each of ``files`` and
    ``copies`` is first written to a temporary name beside its file, each of the
    ``removed`` output paths moved aside, and each file to be replaced kept under
    another name (a hard link); only then are the new files renamed over the old
    ones, and what was kept or moved aside deleted, with the folders left empty.
    No file is ever seen half-written, and a site is never left with some pages
    new and the pages they link to missing. Used when few files change; nothing
    but those paths is touched.

    Raises :class:`JaridaError`, before writing anything, when a folder on the way
    to a file to write is a symbolic link (written through, it would change files
    outside the output folder; a file to delete behind one is left alone), and,
    with the output folder as it was, when a file cannot be written, replaced or
    removed (a full disk, a folder or a file that cannot be changed), naming it."""
    output = output.resolve()
    linked = next((link for rel in (*files, *copies) if (link := _through_link(output, rel))), None)
    if linked:
        raise JaridaError([Problem(str(linked), 0, f"a symbolic link inside the output folder, to "
                                                   f"{os.readlink(linked)}: the build never writes through one "
                                                   f"(it would change files outside {output}); delete the link, "
                                                   f"then build again")])
    written: list[tuple[Path, Path]] = []  # (temporary file, its file)
    made: list[Path] = []  # the folders made for new files, outermost first
    aside: list[tuple[Path, Path]] = []  # (removed file, where it was moved)
    kept: dict[Path, Path] = {}  # file to be replaced -> its old bytes under another name
    new: set[Path] = set()  # files that were not there
    replaced: list[Path] = []
    target, doing = output, "written"
    try:
        for rel, what in [*files.items(), *copies.items()]:
            target = output / rel
            tmp = _beside(target, "tmp")
            missing = [folder for folder in target.parents if output in folder.parents and not folder.is_dir()]
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            written.append((tmp, target))
            if isinstance(what, bytes):
                put(output, tmp.relative_to(output).as_posix(), what)
            else:
                copy(output, tmp.relative_to(output).as_posix(), what)
        doing = "removed"
        for rel in sorted(removed, reverse=True):
            target = output / rel
            if not is_output_path(rel) or _through_link(output, rel):
                continue  # never a file outside the output folder (a damaged record; what lies behind a link)
            if target.is_file() and not target.is_symlink():
                old = _beside(target, "old")
                old.unlink(missing_ok=True)  # left by a build that was killed
                os.rename(target, old)
                aside.append((target, old))
        doing = "replaced"
        for _, target in written:
            if not target.exists():
                new.add(target)
            elif target.is_file() and not target.is_symlink():
                old = _beside(target, "old")
                old.unlink(missing_ok=True)
                try:
                    os.link(target, old)  # refused for a file that cannot be changed (chattr +i)
                    kept[target] = old
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK):
                        raise
                    # a file system without hard links (FAT): a rename there and back tells whether the
                    # file can be replaced; it is replaced without a copy of its old bytes
                    os.rename(target, old)
                    try:
                        os.rename(old, target)
                    except OSError:
                        aside.append((target, old))
                        raise
        for tmp, target in written:
            os.replace(tmp, target)
            replaced.append(target)
    except BaseException as exc:
        _undo(written, made, aside, kept, new, replaced)
        if not isinstance(exc, OSError):  # Ctrl-C
            raise
        raise _refused(target, doing, exc, output, "the file and its folder") from exc
    for old in [*kept.values(), *(old for _, old in aside)]:
        try:
            old.unlink()
        except OSError:
            pass
    for rel in removed:
        target = output / rel
        if not is_output_path(rel) or _through_link(output, rel):
            continue
        leftover = _beside(target, "tmp")  # of a build killed while writing it
        if leftover.is_file() and not leftover.is_symlink():
            leftover.unlink()
        parent = target.parent
        while parent != output and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _refused(path: Path, doing: str, exc: OSError, output: Path, writable: str) -> JaridaError:
    """The error of ``path``, a file of the output folder ``output`` (or the folder),
    that the system would not let the build have ``doing`` ("written", "replaced"...;
    ``exc`` its error): the reason, that ``output`` is as it was, and what to do:
    free some disk space (a full disk, a quota: ENOSPC, EDQUOT in errno(3)), make
    ``writable`` writable (EACCES, EPERM, EROFS), else fix what the reason says."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        advice = "free some disk space"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = f"make {writable} writable"
    else:
        advice = "fix this"
    kept = f"the site in {output} was left as it was" if output.is_dir() else f"nothing was written to {output}"
    return JaridaError([Problem(str(path), 0, f"cannot be {doing} ({exc.strerror or exc}); {kept}: {advice}, "
                                              "then build again")])


def _beside(target: Path, what: str) -> Path:
    """The hidden name beside ``target`` for its new bytes (``tmp``) or its old ones (``old``)."""
    return target.with_name(f".{target.name}.jarida-{what}")


def _undo(written: list, made: list, aside: list, kept: dict, new: set, replaced: list) -> None:
    """Put an output folder back as :func:`update_in_place` found it, as far as the
    system lets (each step is tried): a file replaced without a copy of its old bytes
    (a file system without hard links) keeps its new ones."""
    def attempt(step, *args) -> None:
        try:
            step(*args)
        except OSError:
            pass

    for target in replaced:
        if target in kept:
            attempt(os.replace, kept.pop(target), target)
        elif target in new:
            attempt(os.unlink, target)
    for old in kept.values():
        attempt(os.unlink, old)
    for tmp, _ in written:
        attempt(os.unlink, tmp)
    for target, old in aside:
        attempt(os.replace, old, target)
    for folder in reversed(made):
        attempt(os.rmdir, folder)


def is_output_path(rel) -> bool:
    """Whether ``rel`` is a path a build may write or remove inside the output folder:
    a relative POSIX path with no empty, ``.`` or ``..`` part (``articles/x/index.html``)."""
    return isinstance(rel, str) and all(part not in ("", ".", "..") for part in rel.split("/"))


def _through_link(output: Path, rel: str) -> str | None:
    """The first folder on the way from ``output`` to ``output/rel`` that is a
    symbolic link, or None."""
    parts = rel.split("/")[:-1]
    return next((folder for i in range(1, len(parts) + 1)
                 if os.path.islink(folder := os.path.join(output, *parts[:i]))), None)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _carry(source: Path, target: Path) -> None:
    """Copy a kept entry of the previous output into the new one."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(target))


def remove_stale(output: Path) -> None:
    """Remove what killed builds left beside ``output`` (see :func:`_remove_stale`)."""
    _remove_stale(output.resolve())


def _remove_stale(output: Path) -> None:
    """Remove the temporary folders of builds that were killed: siblings named
    exactly as :func:`new_tree` and :func:`finish_tree` name them (``.<output>.new-XXXXXXXX``,
    ``.<output>.old-XXXXXXXX``, the suffix from :func:`tempfile.mkdtemp`).
    Only the build (under the site lock) writes there, so a folder of that name
    is a leftover whether or not its marker survived."""
    pattern = re.compile(rf"^\.{re.escape(output.name)}\.(?:new|old)-[a-z0-9_]{{8}}$")
    for stale in output.parent.iterdir():
        if pattern.match(stale.name) and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's ``renameat2(RENAME_EXCHANGE)``;
    False where the system or file system does not offer it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
