"""The persistent build cache in ``<site>/.cache/jarida/`` (deleting it gives a cold build).

Three files:

- ``fresh.json``: the signature of every input of the last build (the stat of
  each source, theme and static file, ``site.toml``, Jarida's own code, the
  build options), the output files, and until when that output stays valid.
  A rebuild whose signature matches, with every output file still there, before
  the next scheduled article falls due, reads, parses, renders and writes nothing.
- ``state.pickle`` (and ``state-edits.pickle``, the entries changed by small
  rebuilds since it was written): for each article file, its stat, the hash of its bytes and
  what parsing it gave (the record without its Markdown body, the problems,
  the word count, its search keys, the key of its front matter); for each output file, the fingerprint of
  the inputs it was rendered from and the hash of its bytes.
- ``bodies.sqlite``: rendered article bodies (HTML), keyed by the hash of the
  source file they came from (SQLite, so a build loads only the bodies of the
  pages it renders), and the front matter read from each article (see
  :class:`FrontMatterMemo`).
- ``writing.json``, only while a build replaces output files in place: their
  paths, so that a build killed meanwhile has them written again by the next.
- ``converted.json``, written by the converter: the article each seed from a
  folder outside the site became (``jarida convert DIR``); those of the site's
  own seeds are in its ``content/converted-seeds.txt`` (see
  :func:`generator.convert.convert`), made once from this file where an earlier
  version kept them all here.

Any file that cannot be read, or that was written by another version of
Jarida's code or for other parse settings, is ignored: the build is then cold.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import importlib.util
import json
import os
import pickle
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .lock import CACHE_DIR
from .output import MARKER, is_output_path

#: The layout of what the cache holds; another value makes the next build a cold one.
#: 2: :func:`digest` is SHA-256 (it was BLAKE2b).
FORMAT = 2
_CODE_DIR = Path(__file__).resolve().parent


def digest(data: bytes) -> str:
    """A short content hash of ``data``: the first 16 bytes of its SHA-256 (FIPS 180-4), as 32
    hex digits. SHA-256 rather than BLAKE2b: a build hashes every source and every
    output file (about 600 MB at 10,000 articles), and OpenSSL's SHA-256 uses the SHA
    instructions of current x86 and ARM processors, over twice as fast as BLAKE2b."""
    return hashlib.sha256(data).hexdigest()[:32]


def _walk(folder: str, shown: str, out: list | None, hidden: bool = False, within: tuple[str, ...] = (),
          links: list | None = None) -> None:
    """Append ``(path, mtime_ns, size, inode, ctime_ns)`` of every regular file under ``folder``
    (symbolic links to files and to folders followed, see :func:`files_under`; hidden
    folders only when ``hidden``) to ``out``; ``path`` is the file's path with ``folder``
    spelled ``shown``. ``within``: the real paths of the folders walked down to ``folder``;
    ``links``: where to append the real path of each linked folder followed. With
    ``out`` None only the links are looked for: no file is given a ``stat``."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    within = within or (os.path.realpath(folder),)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if hidden or not entry.name.startswith("."):
                _walk(entry.path, shown + os.sep + entry.name, out, hidden, (*within, within[-1] + os.sep + entry.name),
                      links)
            continue
        if out is None and not entry.is_symlink():  # only links are wanted: a file's type is known without stat
            continue
        try:
            st = entry.stat()
        except OSError:
            continue  # a broken link, or one that loops on itself
        if stat.S_ISREG(st.st_mode):
            if out is not None:
                out.append((shown + os.sep + entry.name, st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns))
        elif stat.S_ISDIR(st.st_mode) and (hidden or not entry.name.startswith(".")):
            real = os.path.realpath(entry.path)
            if any(up == real or up.startswith(real.rstrip(os.sep) + os.sep) for up in within):
                continue  # a loop
            if os.path.exists(os.path.join(real, MARKER)):
                continue  # an output folder of Jarida's (build/): copied into itself, it would grow at each build
            if links is not None:
                links.append(real)
            _walk(entry.path, shown + os.sep + entry.name, out, hidden, (*within, real), links)


def files_under(folder: Path, hidden: bool = True) -> list[Path]:
    """The regular files under ``folder``, sorted, as paths below ``folder`` (not
    resolved). Symbolic links to files and to folders are followed, as web servers
    and git show them: a newsroom may link a shared ``static/images`` or a theme's
    ``templates/partials`` into its site. A link that leads back into a folder it is
    in (a loop), or to an output folder of Jarida's (``build/``), is not followed.
    ``hidden``: whether hidden folders (``.well-known``) are walked; hidden files are always listed. A missing ``folder`` has no files."""
    found: list = []
    _walk(str(folder), str(folder), found, hidden)
    return sorted(Path(row[0]) for row in found)


def linked_folders(folders: list[Path]) -> set[str]:
    """The real paths of the folders that symbolic links under ``folders`` lead to
    and that a build follows (see :func:`files_under`): what the preview server
    watches besides the site's own folders."""
    links: list = []
    for folder in folders:
        _walk(str(folder), str(folder), None, True, (), links)
    return set(links)


#: The libraries whose behaviour shapes what a build caches and writes: front matter
#: (PyYAML), slugs (python-slugify and its transliteration), rendered bodies
#: (Python-Markdown), dates and plural forms (Babel's CLDR data, hijridate), pages
#: (Jinja2, MarkupSafe). Importable names, looked up without importing them.
LIBRARIES = ("yaml", "slugify", "text_unidecode", "markdown", "babel", "hijridate", "jinja2", "markupsafe")


@functools.lru_cache(maxsize=8)
def _libraries(names: tuple[str, ...]) -> tuple:
    """``(name, file, mtime_ns, size, inode)`` of the file each of ``names`` is imported
    from (a package's ``__init__.py``), ``(name,)`` for one that is not installed. Installing
    another version (pip writes new files) changes them. Looked up once per process: the
    libraries a process has imported do not change while it runs."""
    found: list = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
            st = os.stat(spec.origin)
        except (ImportError, ValueError, AttributeError, TypeError, OSError):
            found.append((name,))
            continue
        found.append((name, spec.origin, st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(found)


def zone_stamp(name: str) -> tuple:
    """Where the tz database gives the zone ``name`` (``Africa/Cairo``) from, as
    ``zoneinfo`` looks for it (the folders of ``zoneinfo.TZPATH``, then the
    ``tzdata`` package), with that file's ``(mtime_ns, size, inode)``: a tz database
    update (a country's new daylight saving rules) changes it, and with it the
    offsets given to dates written without one."""
    import zoneinfo

    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, name)
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(st.st_mode):
            return (path, st.st_mtime_ns, st.st_size, st.st_ino)
    return _libraries(("tzdata",))


def code_fingerprint() -> str:
    """A fingerprint of Jarida's own code (stat of the package's ``.py`` files), of
    the installed :data:`LIBRARIES` and of the Python version (its ``unicodedata``,
    ``html``...), so that an upgrade of any of them never reuses what was cached
    before it: the next build is a cold one."""
    found: list = []
    for entry in sorted(os.scandir(_CODE_DIR), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            st = entry.stat()
            found.append((entry.name, st.st_mtime_ns, st.st_size))
    return digest(repr((FORMAT, found, _libraries(LIBRARIES), sys.version)).encode())


def scan(site_root: Path, folders: list[Path]) -> list[tuple]:
    """The inputs of a build as ``(path, mtime_ns, size, inode, ctime_ns)``, sorted: every file
    in ``folders`` (the site's ``seeds/``, ``content/``, ``static/``, the theme
    folders in use) and ``site.toml``. One walk serves every signature of a build.
    Paths inside the site are relative to it (``content/articles/x.md``), so that
    ``--site .`` and ``--site /path/to/site`` give the same signatures; others (a
    bundled theme) are absolute."""
    found: list = []
    root = os.path.abspath(site_root) + os.sep
    for folder in folders:
        full = os.path.abspath(folder)
        # the site's static/ is copied whole, hidden folders (.well-known) included
        _walk(full, full[len(root):] if full.startswith(root) else full, found, os.path.basename(full) == "static")
    try:
        st = os.stat(site_root / "site.toml")
        found.append(("site.toml", st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns))
    except FileNotFoundError:
        pass
    return sorted(found)


def signature(stats: list[tuple], options: tuple) -> str:
    """The signature of ``stats`` (from :func:`scan`, or a part of it), Jarida's
    code and ``options`` (a tuple of the build options)."""
    return digest(repr((code_fingerprint(), options, stats)).encode())


def _unpickle(path: Path):
    """The object pickled in ``path``. The cyclic garbage collector is paused
    meanwhile: the many records it creates would set it off again and again
    (half the load time of a 10,000-article state), and they hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    finally:
        if enabled:
            gc.enable()


class CacheDamaged(KeyError):
    """A rendered body the cache should hold is missing, or its database cannot be
    read (the cache folder was changed by hand, or a disk failed): the build
    starts again cold."""


@dataclass
class SourceEntry:
    """What the cache knows of one article file: its ``stat`` (mtime_ns, size,
    inode), the ``digest`` of its bytes, and what parsing gave: the ``article``
    (without its Markdown body; ``None`` when it has errors), its ``problems``,
    the ``words`` of its body, its search ``keys`` (sorted, see
    :func:`generator.search.article_keys`), the ``images`` its body shows by a
    site path: (line in the file, path as written) pairs, and ``front``, the key
    of its front matter in :class:`FrontMatterMemo` (``""``: none stored)."""

    stat: tuple
    digest: str
    article: object
    problems: list
    words: int = 0
    keys: tuple = ()
    images: tuple = ()
    front: str = ""


@dataclass
class State:
    """The cache of one site, as loaded from ``state.pickle``: ``parse_key`` (the
    settings parsing depends on), ``sources`` (relative path -> :class:`SourceEntry`),
    ``outputs`` (output path -> (fingerprint, bytes digest)), ``output`` (the
    output folder it describes), ``marker`` (the stat of that folder's marker
    file, so a deleted or replaced output folder is noticed), ``code`` (see
    :func:`code_fingerprint`), ``garbage`` (at most how many stored bodies no
    source uses any more) and ``last``: what the last full build planned with
    (its options and inputs other than article files, when it was made, until
    when its output is valid, its pages, problems and next scheduled article),
    so that a later build after body-only edits plans only the edited pages;
    ``edits``: the entries saved by :meth:`Store.save_edits` since the last full save;
    ``texts``: the dates and plural forms Babel made (see :data:`generator.dates.TEXTS`);
    ``slugs``: the slugs python-slugify made (see :data:`generator.arabic.SLUGS`)."""

    parse_key: str = ""
    sources: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    output: str = ""
    marker: tuple | None = None
    code: str = ""
    garbage: int = 0
    last: dict = field(default_factory=dict)
    edits: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    slugs: dict = field(default_factory=dict)


class Store:
    """The cache folder of ``site_root``: load and save :class:`State`, the
    ``fresh.json`` signature and the rendered bodies.

    The state describes one output folder: that of ``out`` (default: the site's
    ``build/``, whose state is in the cache folder itself; another one's, such as
    the preview of ``jarida serve``, is in ``outputs/<hash of its path>/``), so
    that building into one does not make the next build into the other rewrite
    every file. The rendered bodies (keyed by source hash) are shared.

    A process that builds again (the preview server) keeps the state it saved
    last in memory and reuses it while ``state.pickle`` is the file it wrote.
    """

    _memory: dict = {}

    def __init__(self, site_root: Path, out: Path | None = None):
        self.site_root = site_root
        self.dir = site_root / CACHE_DIR
        self.states = self.dir
        if out is not None and os.path.abspath(out) != os.path.abspath(site_root / "build"):
            self.states = self.dir / "outputs" / digest(os.path.abspath(out).encode())[:16]
        self._db = None
        #: The keys of the front matter this process looked up or stored (see :class:`FrontMatterMemo`).
        self.front_seen: set[str] = set()

    # -- fresh.json: the no-change check, cheap enough to run before anything is imported
    def fresh(self) -> dict:
        """The last build's signature record, ``{}`` when there is none."""
        try:
            record = json.loads((self.states / "fresh.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    def save_fresh(self, record: dict) -> None:
        """Write ``fresh.json`` atomically."""
        self.states.mkdir(parents=True, exist_ok=True)
        tmp = self.states / "fresh.json.tmp"
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, self.states / "fresh.json")

    def forget_fresh(self) -> None:
        """Remove ``fresh.json`` (before a build changes the output)."""
        (self.states / "fresh.json").unlink(missing_ok=True)

    # -- writing.json: the output files a build is replacing in place
    def begin_writes(self, paths: set[str]) -> None:
        """Record the output paths about to be replaced or removed in place, so that
        a build killed while writing them has them rendered again by the next one."""
        self.states.mkdir(parents=True, exist_ok=True)
        tmp = self.states / "writing.json.tmp"
        tmp.write_text(json.dumps(sorted(paths), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.states / "writing.json")

    def end_writes(self) -> None:
        """The writes recorded by :meth:`begin_writes` are done and the state saved."""
        (self.states / "writing.json").unlink(missing_ok=True)

    def _unfinished(self, state: "State") -> "State":
        """Apply a ``writing.json`` left by a killed build: its paths are marked
        unknown (rendered and written again), or, when it cannot be read, the
        whole output is."""
        path = self.states / "writing.json"
        if not path.exists():
            return state
        try:
            paths = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(paths, list):
                raise ValueError(paths)
        except (OSError, ValueError):
            state.outputs = {}
            return state
        state.outputs = dict(state.outputs)
        for rel in paths:
            if is_output_path(rel):  # a damaged record never names a file outside the output folder
                state.outputs[rel] = (None, None)
        return state

    # -- state.pickle and state-edits.pickle
    def _stamp(self) -> tuple:
        """The stat of ``state.pickle`` and of ``state-edits.pickle`` (``None`` when missing)."""
        out = []
        for name in ("state.pickle", "state-edits.pickle"):
            try:
                st = os.stat(self.states / name)
                out.append((st.st_ino, st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def load(self, parse_key: str) -> State:
        """The saved state, or an empty one when missing, unreadable, or made by
        other code or for other parse settings (then the bodies are dropped too).
        The edits saved since ``state.pickle`` (:meth:`save_edits`) are applied."""
        try:
            stamp = self._stamp()
            kept = Store._memory.get(str(self.states))
            if kept is not None and kept[0] == stamp:
                state = kept[1]
            else:
                state = _unpickle(self.states / "state.pickle")
                if stamp[1] is not None and isinstance(state, State):
                    edits = _unpickle(self.states / "state-edits.pickle")
                    if edits["base"] == stamp[0]:  # else written before the last full save, which holds it
                        state.sources.update(edits["sources"])
                        state.outputs.update(edits["outputs"])
                        state.garbage = edits["garbage"]
                        state.marker = edits.get("marker", state.marker)
                        state.edits = edits
            if isinstance(state, State) and state.code == code_fingerprint() and state.parse_key == parse_key:
                return self._unfinished(state)
        except Exception:  # noqa: BLE001 - any unreadable cache means a cold build, never a failure
            pass
        self.clear()
        return State(parse_key=parse_key, code=code_fingerprint())

    def _remember(self, state: State) -> None:
        Store._memory.clear()
        Store._memory[str(self.states)] = (self._stamp(), state)

    def save(self, state: State) -> None:
        """Write the whole state to ``state.pickle`` atomically (then the edits file,
        which it includes, is removed)."""
        self.states.mkdir(parents=True, exist_ok=True)
        state.edits = {}
        _dump(state, self.states / "state.pickle")
        (self.states / "state-edits.pickle").unlink(missing_ok=True)
        self._remember(state)

    def save_edits(self, state: State, sources: dict, outputs: dict) -> None:
        """Save ``state`` after a few of its ``sources`` and ``outputs`` entries were
        replaced (relative path -> new entry), without writing it all again: the
        entries changed since the last full save go to ``state-edits.pickle``,
        which names the ``state.pickle`` it applies to, with the stat of the
        output folder's marker (see ``generator.build._write_edits``). When they have grown to a
        twentieth of the site, the whole state is saved instead."""
        base = self._stamp()[0]
        pending = state.edits if state.edits.get("base") == base else {"sources": {}, "outputs": {}}
        pending = {"base": base, "sources": {**pending["sources"], **sources},
                   "outputs": {**pending["outputs"], **outputs}, "garbage": state.garbage, "marker": state.marker}
        if base is None or len(pending["sources"]) + len(pending["outputs"]) > max(200, len(state.outputs) // 20):
            self.save(state)
            return
        _dump(pending, self.states / "state-edits.pickle")
        state.edits = pending
        self._remember(state)

    # -- bodies.sqlite
    def db(self):
        """The bodies database, a ``sqlite3.Connection`` (created on first use)."""
        if self._db is None:
            import sqlite3

            self.dir.mkdir(parents=True, exist_ok=True)
            try:
                self._db = sqlite3.connect(self.dir / "bodies.sqlite", isolation_level=None, check_same_thread=False)
                self._db.execute("PRAGMA synchronous=OFF")  # a killed process loses nothing; a power cut may
                self._db.execute("CREATE TABLE IF NOT EXISTS bodies (digest TEXT PRIMARY KEY, html TEXT NOT NULL)")
                self._db.execute("CREATE TABLE IF NOT EXISTS front_matter (digest TEXT PRIMARY KEY, data BLOB NOT NULL)")
            except sqlite3.DatabaseError as exc:
                self._db = None
                raise CacheDamaged(str(exc)) from exc
        return self._db

    def _query(self, *args, many: bool = False):
        """Run one statement; a damaged database raises :class:`CacheDamaged`."""
        import sqlite3

        try:
            db = self.db()
            return db.executemany(*args) if many else db.execute(*args)
        except sqlite3.DatabaseError as exc:
            raise CacheDamaged(str(exc)) from exc

    def put_bodies(self, rows: list[tuple[str, str]], front: list[tuple[str, bytes]] = ()) -> None:
        """Store ``(digest, html)`` rows, and the ``(key, pickled mapping)`` rows of
        ``front`` (see :class:`FrontMatterMemo`). Worker processes store theirs at the same
        time: each takes the write lock at the start of its transaction, and
        waits for it (SQLite's busy timeout, 5 s by default) while another has it."""
        if rows or front:
            self._query("BEGIN IMMEDIATE")
            self._query("INSERT OR REPLACE INTO bodies VALUES (?, ?)", rows, many=True)
            self._query("INSERT OR REPLACE INTO front_matter VALUES (?, ?)", front, many=True)
            self._query("COMMIT")

    def body(self, key: str) -> str:
        """The rendered body stored under ``key``. Raises :class:`CacheDamaged` when missing."""
        row = self._query("SELECT html FROM bodies WHERE digest = ?", (key,)).fetchone()
        if row is None:
            raise CacheDamaged(key)
        return row[0]

    def prune_bodies(self, keep: set[str], keep_front: set[str] = frozenset()) -> None:
        """Delete the bodies of sources that are gone (``keep``: the digests of those
        there are), and the front matter no source has any more (``keep_front``:
        the keys of what they have)."""
        gone = {row[0] for row in self._query("SELECT digest FROM bodies")} - keep
        gone_front = {row[0] for row in self._query("SELECT digest FROM front_matter")} - keep_front
        if gone or gone_front:
            self._query("BEGIN")
            self._query("DELETE FROM bodies WHERE digest = ?", [(g,) for g in gone], many=True)
            self._query("DELETE FROM front_matter WHERE digest = ?", [(g,) for g in gone_front], many=True)
            self._query("COMMIT")

    def clear(self) -> None:
        """Forget everything cached (the next build is cold)."""
        self.close()
        Store._memory.clear()
        for name in ("bodies.sqlite", "bodies.sqlite-journal"):
            (self.dir / name).unlink(missing_ok=True)
        for name in ("state.pickle", "state-edits.pickle", "fresh.json", "writing.json"):
            (self.states / name).unlink(missing_ok=True)

    def close(self) -> None:
        """Close the database (before a fork, and at the end of a build)."""
        if self._db is not None:
            self._db.close()
            self._db = None


class FrontMatterMemo:
    """Front matter read before, for :func:`generator.frontmatter.split`: the
    mapping read from a YAML text is kept in ``bodies.sqlite`` (pickled) under the
    :func:`digest` of that text, so that an article whose body alone changed is
    parsed again without reading its YAML, and a rebuild after such an edit does
    not import PyYAML. What :meth:`put` gets is stored by the next
    :meth:`Store.put_bodies` of ``rows``; ``key`` is the key of the last YAML
    text looked up (``""`` before any). Without ``lookup`` (a cold build, whose cache
    holds none), nothing is looked up, only stored."""

    def __init__(self, store: Store, lookup: bool = True):
        self.store, self.rows, self.key, self.lookup = store, [], "", lookup

    def get(self, source: str) -> dict | None:
        """The mapping stored for the YAML text ``source``, ``None`` when none is.
        Raises :class:`CacheDamaged` when the database cannot be read."""
        self.key = digest(source.encode("utf-8", "surrogatepass"))
        self.store.front_seen.add(self.key)
        if not self.lookup:
            return None
        row = self.store._query("SELECT data FROM front_matter WHERE digest = ?", (self.key,)).fetchone()
        if row is None:
            return None
        try:
            data = pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - a damaged row is read again from the YAML text
            return None
        return data if isinstance(data, dict) else None

    def put(self, source: str, data: dict) -> None:
        """Remember that the YAML text ``source`` gives the mapping ``data``."""
        self.key = digest(source.encode("utf-8", "surrogatepass"))
        self.store.front_seen.add(self.key)
        self.rows.append((self.key, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)))


def _dump(value, target: Path) -> None:
    """Pickle ``value`` into ``target`` atomically: through ``<target>.tmp``, which
    is removed when writing it fails or is stopped (a full disk, Ctrl-C)."""
    tmp = target.with_name(target.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
