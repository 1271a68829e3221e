"""The build pipeline: read sources -> parse -> assemble the Site -> plan pages -> render -> write.

Everything between the first read and the last write takes data and returns
data; :func:`build` is the only function here that touches the disk.

Builds are incremental, with a persistent cache (:mod:`generator.cache`):

1. When no input changed since the last build (the stat of every source,
   theme and static file, ``site.toml``, the options), nothing is read,
   parsed, rendered or written.
2. Only article files whose bytes changed are parsed and their bodies
   rendered; the others come from the cache.
3. Every output file has a fingerprint of what it is made from (its page's
   view model and the templates it uses, a feed's articles...). Only files
   whose fingerprint changed are rendered, and only those whose bytes changed
   are written. A full rebuild gives exactly the same bytes.
4. Large amounts of work (a cold build) are spread over forked worker
   processes, one per core (``fork``: the workers share the planned site).
   While a cold build plans its pages (in one process), another one makes
   the feeds and the search index, which need the articles but not the plan.

The output is written as a whole new tree swapped in atomically when many
files change (a cold build, a settings or base template change), and file by
file (each renamed into place) when few do.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, output
from .lock import CACHE_DIR, close_in_child, site_lock
from .model import record_key
from .problems import ContentProblems, JaridaError, Problem, not_utf8
from .settings import Settings, load_settings

#: Below this many items of work, a build does not start worker processes.
PARALLEL_MIN = 400
#: Files per task sent to a worker.
CHUNK = 64
#: Serialised feed entries and escaped article contents kept for reuse by the next
#: feeds (three per article: its Atom entry, its RSS item and the content they share,
#: about 30 KB in all for a typical article).
FEED_MEMO = 3000


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the conversion ``actions``, the number of HTML ``pages``,
    the number of ``files`` in the output, the time it took in ``seconds``,
    the ``warnings``, when the next scheduled article falls due, the number of
    article files ``parsed`` and of files ``rendered``, and ``changed``: the
    output paths (relative, POSIX) written or removed because their bytes changed."""

    actions: list = field(default_factory=list)
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    warnings: list = field(default_factory=list)
    next_due: dt.datetime | None = None
    parsed: int = 0
    rendered: int = 0
    changed: frozenset = frozenset()


class ConvertFailed(JaridaError):
    """Seeds that could not be converted stop a build (exit code 1); ``actions``
    holds every conversion action, so the caller can report them all; ``planned``:
    they were only planned (``--strict`` converts nothing unless all seeds can be)."""

    def __init__(self, actions: list, planned: bool = False):
        self.actions, self.planned = actions, planned
        super().__init__([], 1)

    def __str__(self) -> str:
        return "\n".join(a.message for a in self.actions if a.kind == "error")

    def __reduce__(self):
        return (type(self), (self.actions, self.planned))


def feed_specs(site) -> list:
    """The lists that get feeds: the whole site, each section, tag and author."""
    from . import feeds, urls

    by_slug = {a.slug: a for a in site.articles}
    specs = [feeds.FeedSpec(site.settings.title, "", "", site.articles)]
    for taxonomy, terms in site.taxonomies.items():
        for term in terms:
            specs.append(feeds.FeedSpec(f"{term.name} – {site.settings.title}", urls.term_url(term),
                                        f"{taxonomy}/{term.slug}/", tuple(map(by_slug.__getitem__, term.articles))))
    return specs


def site_static(site_root: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The site's own ``static/`` folder, copied as is to the root of the output
    (favicon, images, ``CNAME``...): output path -> file, sorted by output path;
    and a warning for each symbolic link, to a file or a folder, that leads outside
    the site (it is published, but what it points to may not be meant for the web).
    Linked folders are followed (see :func:`generator.cache.files_under`)."""
    folder = site_root / "static"
    if not folder.is_dir():
        return {}, []
    files = {f.relative_to(folder).as_posix(): f for f in cache.files_under(folder)}
    root, warnings, told = site_root.resolve(), [], set()
    for rel, file in files.items():
        real = file.resolve()
        if real == file.absolute() or real.is_relative_to(root):
            continue
        # said once for a linked folder (static/images -> a shared folder), at the link
        parts = rel.split("/")
        link = next(("/".join(parts[:i]) for i in range(1, len(parts)) if (folder / "/".join(parts[:i])).is_symlink()),
                    rel)
        if link not in told:
            told.add(link)
            target = (folder / link).resolve()
            warnings.append(Problem(f"static/{link}", 0, f"a link to {target}, outside the site, which is published "
                                                         "with the site; copy the "
                                                         f"{'file' if link == rel else 'folder'} in if that is meant, "
                                                         "else remove the link", warning=True))
    return files, warnings


#: How a rendered body shows an image by a site path (see :class:`generator.markup._SafeLinks`).
_SITE_IMAGE = 'src="\x1fjarida-root\x1f/'
_SITE_IMAGE_RE = re.compile('<img [^>]*?src="\x1fjarida-root\x1f/([^"]*)"')
#: The start of the warning for an image of an article's text (see :func:`missing_images`).
_TEXT_IMAGE = "the text shows the image"


def _body_images(html_body: str, text: str) -> tuple[tuple[int, str], ...]:
    """The images the rendered body ``html_body`` shows by a site path, as (line of the
    article file ``text`` that names it, path as written) pairs (line 1 when not found)."""
    import html

    found = []
    lines = text.split("\n")
    for src in dict.fromkeys(_SITE_IMAGE_RE.findall(html_body)):
        path = html.unescape(src)
        line = next((n for n, row in enumerate(lines, 1) if path in row), 1)
        found.append((line, path))
    return tuple(found)


def missing_images(site_root: Path, settings: Settings | None, articles, profiles, files,
                   texts: dict | None = None) -> list[Problem]:
    """A warning for each image that the site names by a path and that no static
    file provides, so its pages would show a broken image: an article's
    ``image:``, an author profile's ``avatar:``, the ``logo`` of ``site.toml``
    (not checked when ``settings`` is None) and the images the articles' texts
    show (``texts``: article file -> (line, path) pairs, see :func:`_body_images`).
    ``articles`` and ``profiles`` are :class:`~generator.model.Article` and
    :class:`~generator.model.Profile` records, ``files`` the output paths of the
    static files (``images/a.jpg``, ``theme/logo.svg``). URLs (``https://...``)
    are not checked. Each warning names the file and the line of its key or image."""
    import posixpath
    from urllib.parse import unquote

    from . import frontmatter
    from .settings import SETTINGS_FILE, key_line
    from .urls import is_url

    def missing(path: str | None, what: str = "no image {path!r} in") -> str | None:
        if not path or is_url(path) or path.startswith("data:"):
            return None
        rel = posixpath.normpath(unquote(path.split("#")[0].split("?")[0]).lstrip("/"))
        if rel in files:
            return None
        if rel == ".." or rel.startswith("../"):
            return f"{what.format(path=path)} the site's static files, so pages show it broken: it points " \
                   "outside the site; put the image in static/ and give its path there"
        hint = f"; the file static/{rel[7:]} is there: write '{rel[7:]}'" \
            if rel.startswith("static/") and rel[7:] in files else \
            f"; put the image at static/{rel}"
        return f"{what.format(path=path)} the site's static files, so pages show it broken{hint}"

    def line(rel: str, key: str) -> int:
        try:
            if rel == SETTINGS_FILE:
                return key_line(site_root / rel, key)
            return frontmatter.key_line((site_root / rel).read_text(encoding="utf-8"), key)
        except (OSError, UnicodeDecodeError):
            return 1

    warnings = []
    for record, key, path in [*((a, "image", a.image) for a in articles),
                              *((p, "avatar", p.avatar) for p in profiles)]:
        message = missing(path)
        if message:
            warnings.append(Problem(record.path, line(record.path, key), message, warning=True))
    message = missing(settings.logo) if settings is not None else None
    if message:
        warnings.append(Problem(SETTINGS_FILE, line(SETTINGS_FILE, "logo"), message, warning=True))
    for rel, images in (texts or {}).items():
        for number, path in images:
            message = missing(path, _TEXT_IMAGE + " {path!r}, which is not in")
            if message:
                warnings.append(Problem(rel, number, message, warning=True))
    return warnings


def _with_text_images(found: list[Problem], site_root: Path, settings: Settings, entries: dict) -> list[Problem]:
    """The problems ``found`` by the last full build, with the warnings for images of
    the articles' texts made again from ``entries`` (rel -> SourceEntry): a rebuild
    of edited texts alone may add or mend one. Lists the static files only where a
    text shows an image by a site path or such a warning was given."""
    from . import render

    if not any(e.images for e in entries.values()) and not any(p.message.startswith(_TEXT_IMAGE) for p in found):
        return found
    own, _ = site_static(site_root)
    files = {*own, *render.static_files(render.theme_dirs(site_root, settings.theme))}
    return [p for p in found if not p.message.startswith(_TEXT_IMAGE)] + missing_images(
        site_root, None, (), (), files, {rel: e.images for rel, e in entries.items() if e.images})


def _marker(out: Path) -> list | None:
    """The stat of the output folder's marker file (a replaced or deleted output
    folder has another one)."""
    try:
        st = os.stat(out / output.MARKER)
    except OSError:
        return None
    return [st.st_ino, st.st_mtime_ns]


def _touch_marker(out: Path) -> list | None:
    """Give the output folder's marker file a new modification time; its new :func:`_marker`."""
    try:
        os.utime(out / output.MARKER)
    except OSError:
        return None
    return _marker(out)


def _stamps(out: Path) -> list | None:
    """What tells a rebuild with nothing changed that the output folder is as the
    last build left it: its :func:`_marker`, and the modification times of the
    folder and of the folders directly in it (files or folders deleted or added
    there by hand change them). None when there is no marker."""
    marker = _marker(out)
    if marker is None:
        return None
    try:
        stamps = [*marker, os.stat(out).st_mtime_ns]
        with os.scandir(out) as entries:
            stamps += sorted([entry.name, entry.stat(follow_symlinks=False).st_mtime_ns] for entry in entries
                             if entry.is_dir(follow_symlinks=False))
    except OSError:
        return None
    return stamps


def _number(value) -> float:
    """A number read from ``fresh.json``; NaN (never in range) for anything else."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")


def _problem_rows(problems: list[Problem]) -> list:
    return [[p.path, p.line, p.message, p.warning] for p in problems]


def build(site_root: Path, out: Path | None = None, base_url: str | None = None,
          settings: Settings | None = None, now: dt.datetime | None = None, run_convert: bool = True,
          drafts: bool = False, strict: bool = False, future: bool = False) -> BuildReport:
    """Convert new or changed seeds, then build the site into ``out`` (default ``<site>/build``).

    ``now`` is the build time (only used where no article gives a date);
    defaults to the current time. Articles with ``draft: true`` are left out
    unless ``drafts``; articles dated after ``now`` wait until then unless
    ``future``, and the report says when the next one falls due (also written
    to ``.cache/jarida/next-due.txt`` for a scheduled rebuild). With ``strict``, warnings (a seed not in UTF-8, an
    unknown front matter key...) stop the build like errors. Raises
    :class:`JaridaError` for settings (exit 2) and content (exit 1) problems,
    :class:`ContentProblems` (exit 1) for problems in the input files found
    before anything is written, :class:`ConvertFailed` for seeds that cannot be
    converted; the previous output stays intact. Builds of one site are serialised by a
    lock (see :func:`generator.lock.site_lock`).
    """
    started = time.perf_counter()
    settings = (settings or load_settings(site_root)).with_base_url(base_url)
    out = (out or site_root / "build")
    output.check_output(out, site_root)
    now = now or dt.datetime.now(dt.timezone.utc)
    with site_lock(site_root) as waited:
        started += waited  # the reported time is the build's own
        store = cache.Store(site_root, out)
        # The cache state, the site and the plan are large and live for the whole build: the
        # cyclic garbage collector would scan them over and over (a fifth of a rebuild at
        # 10,000 articles). They are frozen out of its reach as they are made (gc.freeze).
        collecting = gc.isenabled()
        try:
            try:
                return _build(site_root, out, settings, now, run_convert, drafts, strict, future, store, started)
            except cache.CacheDamaged:
                store.clear()
                _LAST.clear()
                try:
                    return _build(site_root, out, settings, now, run_convert, drafts, strict, future, store, started)
                except cache.CacheDamaged as exc:  # a fresh cache fails too: a full disk, a read-only folder
                    raise JaridaError([Problem(str(store.dir), 0, f"the build's cache cannot be used ({exc.args[0]}); "
                                                                  "free some disk space or make the folder writable, "
                                                                  "then build again")]) from exc
        except JaridaError as exc:  # template errors name files by their full path: shown from the site root
            exc.problems = _from_site_root(exc.problems, site_root)
            raise
        finally:
            store.close()
            gc.unfreeze()
            if collecting:
                gc.enable()


def _strict_seeds(actions: list, planned: bool = False, settings: Settings | None = None,
                  site_root: Path | None = None, drafts: bool = False) -> None:
    """Under ``--strict``: raise :class:`ConvertFailed` when a seed cannot be converted, and
    :class:`ContentProblems` when one is converted with a warning (``actions`` of
    :func:`generator.convert.convert`, only ``planned`` or taken). A seed left out
    because its article was deleted is no problem: a takedown is an editor's choice,
    and a strict build would otherwise fail until the seed is deleted too. With
    ``settings`` and ``site_root``, the content as it would be once the planned
    articles are written is read as the build reads it,
    and what the build would say of it (a headline too long, two sections shown
    with one name, two articles with one slug...) stops it too, before anything
    is written."""
    if any(a.kind == "error" for a in actions):
        raise ConvertFailed(actions, planned)
    warned = [_warned(a.seed, line) for a in actions
              if a.kind in ("write", "update") for line in a.message.splitlines()]
    writes = [a for a in actions if a.kind in ("write", "update")]
    if settings is not None and site_root is not None and writes:
        from .content import ARTICLES_DIR, assemble, parse_article, parse_profile, read_content, sections_of_one_name

        articles, profiles, found = read_content(site_root, settings)
        new = {}
        for action in writes:
            for rel, text in action.files:
                if rel.startswith(ARTICLES_DIR + "/") and rel.endswith(".md"):
                    new[rel], problems = parse_article(rel, text, settings)
                    warned += [dataclasses.replace(p, message=f"{p.message} (in the article {action.seed} would "
                                                              "become; nothing was written)") for p in problems]
            profiles += [p for rel, text in action.profiles if (p := parse_profile(rel, text)[0])]
        found = [p for p in found if p.path not in new]
        articles = [a for a in articles if a.path not in new] + [a for a in new.values() if a is not None]
        try:
            found += sections_of_one_name(assemble(settings, articles, profiles, drafts, found))
        except ContentProblems as exc:
            found = exc.problems
        warned += found
    warned = [dataclasses.replace(p, warning=False) for p in warned]
    if warned:
        raise ContentProblems(warned)


def _warned(seed: str, line: str) -> Problem:
    """The problem of a converter's warning ``line`` (``seeds/x.txt[:N]: warning: ...``)."""
    where, _, message = line.partition(": warning: ")
    number = where[len(seed) + 1:] if where.startswith(seed + ":") else ""
    return Problem(seed, int(number) if number.isdigit() else 0, message)


def _from_site_root(problems: list[Problem], site_root: Path) -> list[Problem]:
    """``problems`` with the paths inside ``site_root`` (as the problem's file, or
    named in its message) written relative to it, as the user types them."""
    prefix = str(site_root.absolute()) + os.sep
    shown = []
    for problem in problems:
        path = problem.path[len(prefix):] if problem.path.startswith(prefix) else problem.path
        shown.append(dataclasses.replace(problem, path=path, message=problem.message.replace(prefix, "")))
    return shown


def _watched(site_root: Path, settings: Settings) -> list[Path]:
    from . import theme

    return [site_root / "seeds", site_root / "content", site_root / "static",
            *theme.theme_dirs(site_root, settings.theme)]


#: Files outside ``seeds/`` that conversion reads: the settings, and the lists of
#: :data:`generator.convert.DELETED` and :data:`generator.convert.RECORD`.
_CONVERTER_FILES = ("site.toml", os.path.join("content", "deleted-seeds.txt"),
                    os.path.join("content", "converted-seeds.txt"))


def _signatures(site_root: Path, watched: list[Path], options: tuple):
    """From one scan of the inputs: the signature of them all (nothing to do when it
    matches) and a function giving the rest, wanted only when it does not: the
    signature of what conversion depends on (``seeds/``, ``site.toml``, the names
    of the article files and the converter's lists in ``content/``: a line deleted
    from the list of deleted articles' seeds publishes its article at the next
    build), that of everything but the article files (a body-only
    rebuild needs those unchanged), and the article files, as
    :func:`_read_sources` takes them."""
    stats = cache.scan(site_root, watched)  # paths relative to the site

    def parts() -> tuple[str, str, list]:
        seeds, articles = "seeds" + os.sep, os.path.join("content", "articles") + os.sep
        converting = [s for s in stats if s[0].startswith(seeds) or s[0] in _CONVERTER_FILES]
        converting += [s[0] for s in stats if s[0].startswith(articles)]
        others = [s for s in stats if not s[0].startswith(articles)]
        folder = str(site_root / "content" / "articles") + os.sep
        listing = [(f"content/articles/{path[len(articles):]}", folder + path[len(articles):], (mtime, size, ino, ctime))
                   for path, mtime, size, ino, ctime in stats
                   if path.startswith(articles) and path.endswith(".md") and os.sep not in path[len(articles):]]
        return cache.signature(converting, options), cache.signature(others, options), listing

    return cache.signature(stats, options), parts


def _build(site_root, out, settings, now, run_convert, drafts, strict, future, store, started) -> BuildReport:
    options = (str(out.resolve()), repr(settings), cache.zone_stamp(settings.timezone), drafts, strict, future,
               run_convert)
    watched = _watched(site_root, settings)
    signature, parts = _signatures(site_root, watched, options)
    fresh = store.fresh()
    if (fresh.get("signature") == signature and fresh.get("marker") == _stamps(out)
            and _number(fresh.get("built_at")) <= now.timestamp() < _number(fresh.get("valid_until"))
            and isinstance(fresh.get("outputs"), str) and _outputs_present(out, fresh["outputs"].split("\0"))):
        due = dt.datetime.fromisoformat(fresh["next_due"]) if fresh.get("next_due") else None
        output.remove_stale(out)  # a previous site left by a build stopped while deleting it
        return BuildReport([], fresh["pages"], fresh["files"], time.perf_counter() - started,
                           [Problem(*row) for row in fresh.get("warnings", [])], due)
    store.forget_fresh()
    seeds_signature, others, listing = parts()

    actions = []
    if run_convert and (site_root / "seeds").is_dir() and (fresh.get("seeds") != seeds_signature or strict):
        from . import convert

        if strict:  # a seed converted with a warning stops the build before anything is written
            _strict_seeds(convert.convert(site_root, settings, dry_run=True), planned=True, settings=settings,
                          site_root=site_root, drafts=drafts)
        actions = convert.convert(site_root, settings)
        failed = [a for a in actions if a.kind == "error"]
        if failed:  # the good seeds are converted; the site is not built with some missing
            raise ConvertFailed(actions)
        if strict:
            _strict_seeds(actions)
        # A conversion may also have written content/deleted-seeds.txt or content/converted-seeds.txt.
        signature, parts = _signatures(site_root, watched, options)
        seeds_signature, others, listing = parts()

    result = _incremental(site_root, out, settings, now, drafts, strict, future, store, others, listing)
    due = site_root / CACHE_DIR / "next-due.txt"
    due.write_text(result.next_due.isoformat() + "\n" if result.next_due else "", encoding="utf-8")
    store.save_fresh({"signature": signature, "seeds": seeds_signature, "marker": _stamps(out),
                      "built_at": now.timestamp(),
                      "valid_until": result.valid_until, "pages": result.pages, "files": result.files,
                      "warnings": _problem_rows(result.warnings),
                      # one string, NUL apart (no file name holds one): quick to read back
                      "outputs": "\0".join(result.outputs),
                      "next_due": result.next_due.isoformat() if result.next_due else None})
    warnings = result.warnings
    if result.left is not None:
        warnings = warnings + [Problem(str(result.left), 0, "the site is built, but deleting the previous site "
                                       "was stopped: it is left in this folder, and the next build deletes it",
                                       warning=True)]
    return BuildReport(actions, result.pages, result.files, time.perf_counter() - started, warnings,
                       result.next_due, result.parsed, result.rendered, result.changed)


@dataclass
class _Result:
    pages: int
    files: int
    warnings: list
    next_due: dt.datetime | None
    valid_until: float
    parsed: int
    rendered: int
    changed: frozenset
    left: Path | None = None  # the previous site, when deleting it was stopped
    outputs: tuple = ()  # the output files, relative to the output folder


# -- work shared with the worker processes (inherited by fork) ----------------------------
_JOB: dict = {}


def _workers(items: int) -> int:
    """How many processes share ``items`` items of work: the cores when the work is
    large enough, the system can fork and this process runs no other thread; else 0."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if items < PARALLEL_MIN or cores < 2 or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 0
    return cores


class _Workers:
    """``count`` forked worker processes doing ``work`` (a function of one chunk, giving
    a list of results) on the chunks of ``chunks``, each taking the next one from a
    shared counter (see :meth:`take`), and sending what it made through its own
    pipe: each chunk's results when ``streamed``, else all of them once it is done
    (this process may then do chunks too, with :meth:`take`, without reading).

    Not a ``multiprocessing.Pool``: a pool replaces a worker killed by the system
    (for lack of memory) but never finishes its task, and a worker killed while it
    waited for a task leaves the pool's queue locked, so that stopping the pool
    waits for ever. Here a killed worker closes its pipe, which :meth:`results`
    sees at once, and :meth:`stop` kills the workers without any lock.
    ``site_root`` is named in the messages."""

    def __init__(self, count: int, work, chunks: list, site_root: Path, streamed: bool):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.counter, self.chunks = context.Value("i", 0), chunks
        self.site_root, self.processes, self.pipes = site_root, [], []
        self.parent, self.prctl = os.getpid(), _prctl()
        try:
            for _ in range(count):
                receive, send = context.Pipe(duplex=False)
                # Forked: ``work`` and the build's data are inherited, not pickled.
                process = context.Process(target=self._work, args=(send, work, streamed), daemon=True)
                process.start()
                send.close()
                self.processes.append(process)
                self.pipes.append(receive)
        except BaseException:
            self.stop()
            raise

    def results(self):
        """What the workers send (lists of results), as it comes, until all are done.
        Raises what a worker raised, or :class:`JaridaError` when one ended without
        finishing (killed)."""
        from multiprocessing.connection import wait

        waiting = dict(zip(self.pipes, self.processes))
        while waiting:
            for pipe in wait(list(waiting)):
                try:
                    kind, value = pipe.recv()
                except EOFError:
                    process = waiting.pop(pipe)
                    process.join()
                    if process.exitcode != 0:
                        raise JaridaError([Problem(str(self.site_root.resolve()), 0, "a worker process of the build ended "
                                                   f"unexpectedly (exit code {process.exitcode}; killed, out of "
                                                   "memory?); nothing was changed: build again")]) from None
                    continue
                if kind == "error":
                    raise value
                yield value

    def stop(self) -> None:
        """Kill the workers that are still running (after an error or Ctrl-C)."""
        for process in self.processes:
            if process.is_alive():
                process.kill()
        for process in self.processes:
            process.join()
        for pipe in self.pipes:
            pipe.close()

    def take(self, work):
        """The results of ``work`` on each chunk taken from the shared counter, until none is left."""
        while True:
            with self.counter.get_lock():
                index = self.counter.value
                self.counter.value += 1
            if index >= len(self.chunks):
                return
            yield work(self.chunks[index])

    def _work(self, send, work, streamed: bool) -> None:
        """In a worker process: do chunks until none is left, sending ``("chunk",
        results)`` for each (``streamed``) or ``("chunk", all results)`` at the end;
        ``("error", exception)`` on the first that fails. The worker dies with
        the build (a build killed with SIGKILL must not leave workers holding the
        site's lock, or blocked for ever on a full pipe)."""
        _child_signals()
        close_in_child()
        if self.prctl is not None:
            self.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != self.parent:  # the build died before that was set
            os._exit(1)
        try:
            if streamed:
                for results in self.take(work):
                    send.send(("chunk", results))
            else:
                send.send(("chunk", [result for results in self.take(work) for result in results]))
        except BaseException as exc:  # given to the build that waits for it
            send.send(("error", exc))
        send.close()


#: ``prctl`` option: the signal a process gets when its parent dies (Linux, prctl(2)).
_PR_SET_PDEATHSIG = 1


def _prctl():
    """Linux's ``prctl`` from the C library, or None where it cannot be had."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):  # pragma: no cover - not Linux
        return None


def _hold_signals():
    """Hold back SIGINT and SIGTERM: until :func:`_release_signals`, one that comes
    is only recorded. Done with Python handlers, not a signal mask: a mask holds
    signals back in one thread only, and the system gives a signal sent to the
    process to any thread that does not block it (``jarida serve`` has several),
    whose handler then runs in the main thread at once. Returns what
    :func:`_release_signals` needs; None outside the main thread, where handlers
    cannot be set."""
    if threading.current_thread() is not threading.main_thread():
        return None
    caught: list[int] = []

    def hold(signum, frame):
        caught.append(signum)

    previous = {signum: signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
    return previous, caught


def _release_signals(held) -> None:
    """Undo :func:`_hold_signals` (``held``: what it returned); a signal that came
    meanwhile is raised again now, for the handler it was held back from. Nothing
    for None, or when ``held`` was released already (the handler may raise)."""
    if held is None:
        return
    previous, caught = held
    restore, pending = dict(previous), list(dict.fromkeys(caught))
    previous.clear()
    caught.clear()
    for signum, handler in restore.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    for signum in pending:
        signal.raise_signal(signum)


def _child_signals() -> None:
    """In a process forked by a build: Ctrl-C (SIGINT, sent to the whole process
    group) is left to the main process, which stops its children; SIGTERM has
    its default action."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _chunks(items: list, size: int | None = None) -> list[list]:
    """``items`` in lists of ``size`` (default :data:`CHUNK`, read at each call)."""
    size = size or CHUNK
    return [items[i:i + size] for i in range(0, len(items), size)]


def _parse_chunk(chunk: list) -> list:
    """Parse article files: ``(rel, path, stat)`` -> ``(rel, SourceEntry)``; the
    rendered bodies are stored in the cache by the process that renders them
    (sending them to the main process took it a third of a second at 10,000 articles)."""
    from . import content, search
    from .dates import word_count
    from .markup import Renderer

    settings = _JOB["settings"]
    md = _JOB.get("md") or _JOB.setdefault("md", Renderer(allow_html=settings.allow_html))
    results, rows = [], []
    memo = cache.FrontMatterMemo(_JOB["store"], lookup=_JOB.get("known", True))
    for rel, path, stat in chunk:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:  # moved or deleted since it was listed, unreadable: not kept in the cache
            problem = Problem(rel, 0, f"could not be read ({exc.strerror or exc}); if it was moved or deleted "
                                      "while the site was being built, build again")
            results.append((rel, cache.SourceEntry(None, "", None, [problem])))
            continue
        key = cache.digest(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = not_utf8(rel, exc)
            results.append((rel, cache.SourceEntry(stat, key, None, [problem])))
            continue
        memo.key = ""
        article, problems = content.parse_article(rel, text, settings, memo)
        if article is None:
            results.append((rel, cache.SourceEntry(stat, key, None, problems)))
            continue
        html = md.render(article.body)
        words = word_count(html)
        keys = search.article_keys(article)
        entry = cache.SourceEntry(stat, key, dataclasses.replace(article, body=""), problems, words, keys,
                                  _body_images(html, text) if _SITE_IMAGE in html else (), memo.key)
        results.append((rel, entry))
        rows.append((key, html))
    _JOB["store"].put_bodies(rows, memo.rows)
    return results


class _Bodies:
    """Article bodies by slug, read from the cache (for feeds with full content)."""

    def __init__(self, store: cache.Store, keys: dict[str, str]):
        self.store, self.keys, self.memo = store, keys, {}

    def __getitem__(self, slug: str) -> str:
        key = self.keys[slug]
        if key not in self.memo:
            if len(self.memo) > 512:
                self.memo.clear()
            self.memo[key] = self.store.body(key)
        return self.memo[key]


def _produce(job: tuple) -> bytes:
    """The bytes of one output file from its job description."""
    kind = job[0]
    if kind == "page":
        return _JOB["renderer"](_JOB["planned"][job[1]])
    if kind == "feed":
        return _feed(_JOB["site"], _JOB["specs"][job[1]], job[2], _JOB["bodies"], _JOB["now"],
                     _JOB.setdefault("feed_memo", {}))
    return job[1]


def _feed(site, spec, kind: str, bodies, now: dt.datetime, memo: dict) -> bytes:
    """The ``"atom"`` or ``"rss"`` feed (``kind``) of the list ``spec``; ``memo``
    holds serialised entries for the next feeds of this process."""
    from . import feeds

    if len(memo) > FEED_MEMO:  # entries carry whole articles: keep the memo small
        memo.clear()
    return (feeds.atom_feed if kind == "atom" else feeds.rss_feed)(site, spec, bodies, now, memo)


def _render_chunk(chunk: list) -> list:
    """Render ``(rel, job)`` items; write them into ``_JOB["tree"]`` when set (a new
    tree of the output folder ``_JOB["out"]``) and return ``(rel, digest, None)``,
    else return ``(rel, digest, bytes)``. Raises :class:`JaridaError` naming the
    output file that cannot be written (see :func:`generator.output.put_new`)."""
    tree = _JOB.get("tree")
    results = []
    for rel, job in chunk:
        data = _produce(job)
        if tree is not None:
            output.put_new(tree, _JOB["out"], rel, data)
            results.append((rel, cache.digest(data), None))
        else:
            results.append((rel, cache.digest(data), data))
    return results


def _render_new_chunk(chunk: list) -> list:
    """:func:`_render_chunk` for a build with no previous output, whose page
    fingerprints are made here, by the process that renders the page, not
    beforehand in the main process: ``(rel, digest, fingerprint)``, the
    fingerprint ``None`` for files other than pages (see :func:`_page_fp`)."""
    planned, templates, common = _JOB["planned"], _JOB["templates"], _JOB["common"]
    return [(rel, digest, _page_fp(planned[job[1]], templates, common) if job[0] == "page" else None)
            for (rel, digest, _), (_, job) in zip(_render_chunk(chunk), chunk)]


def _read_sources(site_root: Path, settings: Settings, state: cache.State, store: cache.Store, listing: list):
    """Article records from the cache, parsing only the files that changed.
    ``listing`` holds the article files as ``(relative path, path, (mtime_ns, size,
    inode))`` (see :func:`_signatures`)."""
    entries: dict[str, cache.SourceEntry] = {}
    todo = []
    for rel, path, stat in listing:
        old = state.sources.get(rel)
        if old is not None and old.stat == stat:
            entries[rel] = old
            continue
        todo.append((rel, path, stat))
    parsed = 0
    if todo:
        changed = []
        for rel, path, stat in todo:  # same bytes (a touched file): only the stat changes
            old = state.sources.get(rel)
            if old is not None and old.digest == _digest_of(path):
                entries[rel] = dataclasses.replace(old, stat=stat)
            else:
                changed.append((rel, path, stat))
        _JOB.clear()
        # known: the cache knew sources before; on a cold build it holds no front matter to look up
        _JOB.update(settings=settings, store=store, known=bool(state.sources))
        zones: dict = {}
        store.db()  # the database and its table exist before the workers open it
        store.close()  # each process opens its own connection
        cores = _workers(len(changed))
        workers = _Workers(cores, _parse_chunk, _chunks(changed), site_root, streamed=True) if cores else None
        try:
            for chunk in workers.results() if workers else map(_parse_chunk, _chunks(changed)):
                for rel, entry in chunk:
                    # One string object per distinct search key, across all articles.
                    entry.keys = tuple(map(sys.intern, entry.keys))
                    if entry.article is not None:
                        entry.article = _shared(entry.article, zones)
                    entries[rel] = entry
        finally:
            if workers:  # after an error or Ctrl-C, the chunks still to do are not done
                workers.stop()
        parsed = len(changed)
    return dict(sorted(entries.items())), parsed


def _digest_of(path: str) -> str | None:
    """The content hash of the file ``path``; ``None`` when it cannot be read (it is
    then parsed, which reports why)."""
    try:
        return cache.digest(Path(path).read_bytes())
    except OSError:
        return None


def _shared(article, zones: dict):
    """``article`` with its section, author and tag names interned and the fixed UTC
    offsets of its dates taken from ``zones`` (``repr`` of a ``datetime.timezone`` ->
    the first one seen): one object for each, not one per article that has it
    (about 400 bytes an article)."""
    def zone(date: dt.datetime | None) -> dt.datetime | None:
        if date is None or type(date.tzinfo) is not dt.timezone:
            return date
        tz = zones.setdefault(repr(date.tzinfo), date.tzinfo)
        return date if tz is date.tzinfo else date.replace(tzinfo=tz)

    return dataclasses.replace(article, section=article.section and sys.intern(article.section),
                               authors=tuple(map(sys.intern, article.authors)),
                               tags=tuple(map(sys.intern, article.tags)),
                               date=zone(article.date), updated=zone(article.updated))


#: What the last build of each output folder in this process planned, for
#: :func:`_body_only`: output folder -> its plan, fingerprints and inputs.
_LAST: dict = {}


def _static_clashes(own: dict[str, Path], written) -> list[Problem]:
    """The files of the site's ``static/`` folder (``own``: output path -> file) that
    cannot be copied beside the files the build writes (``written``: output paths):
    one of the same name, a folder where the build writes a file, or a file where
    the build needs a folder."""
    if not own:
        return []
    folders = set()
    for rel in written:
        while "/" in rel:
            rel = rel.rsplit("/", 1)[0]
            folders.add(rel)
    problems = []
    for rel in sorted(own):
        parents = [rel.rsplit("/", depth)[0] for depth in range(1, rel.count("/") + 1)]
        taken = next((parent for parent in parents if parent in written), None)
        if rel in written:
            message = "a file the build writes has this name; rename or remove it"
        elif rel in folders:
            message = "the build writes a folder of this name; rename or remove this file"
        elif taken is not None:
            message = f"the build writes a file named {taken}, which cannot also be a folder; rename or move this file"
        else:
            continue
        problems.append(Problem(f"static/{rel}", 0, message))
    return problems


def _feed_fp(spec, feed_common: str, entries: dict, settings: Settings, now: dt.datetime) -> str:
    """The fingerprint of a list's feeds: its title and place, and the source
    hashes of the articles it shows (the build time only for an empty list)."""
    shown = spec.articles[: settings.feed_items]
    return cache.digest(repr((feed_common, spec.title, spec.page, spec.folder,
                              [(a.path, entries[a.path].digest) for a in shown],
                              None if shown else now.isoformat())).encode())


def _feed_jobs(specs: list, feed_common: str, entries: dict, settings: Settings, now: dt.datetime,
               slugs: set[str] | None = None) -> dict[str, tuple[str, tuple]]:
    """The Atom and RSS feed files of the lists ``specs`` (those showing an article
    of ``slugs`` among their newest ``feed_items``; all when ``None``), as output
    path -> (fingerprint, job for :func:`_produce`)."""
    jobs = {}
    for index, spec in enumerate(specs):
        if slugs is None or any(a.slug in slugs for a in spec.articles[: settings.feed_items]):
            fp = _feed_fp(spec, feed_common, entries, settings, now)
            jobs[f"{spec.folder}feed.xml"] = (fp + "a", ("feed", index, "atom"))
            jobs[f"{spec.folder}rss.xml"] = (fp + "r", ("feed", index, "rss"))
    return jobs


def _page_fp(page, templates: dict, common: str) -> str:
    """The fingerprint of a page: its templates, the site-wide context, its path, body and view model."""
    return cache.digest(repr((templates[page.template], common, page.path, page.body, page.context)).encode())


def _edited_bodies(old: dict, entries: dict) -> list[str] | None:
    """The article files (relative paths) whose bodies alone changed between the
    source entries ``old`` and ``entries`` (relative path -> :class:`cache.SourceEntry`):
    same files, and for each edited one the same record, problems and search
    keys. ``None`` when nothing changed or anything else did."""
    if entries.keys() != old.keys():
        return None
    edited = [rel for rel, entry in entries.items() if entry.digest != old[rel].digest]
    for rel in edited:
        new, before = entries[rel], old[rel]
        if new.article is None or before.article is None \
                or record_key(new.article) != record_key(before.article) \
                or new.problems != before.problems or new.keys != before.keys:
            return None
    return edited or None


def _outputs_present(out: Path, outputs: dict) -> bool:
    """Whether every output file the cache describes (``outputs``: paths relative to
    ``out``, ``/``-separated) is in ``out``: one deleted by hand, however deep, is
    written again by the full way. About 4 µs a file."""
    base = str(out) + os.sep
    isfile = os.path.isfile
    return all(isfile(base + rel) for rel in outputs)


def _write_edits(jobs: dict, state: cache.State, store: cache.Store, out: Path, entries: dict,
                 edited: list[str]) -> tuple[int, frozenset]:
    """Render the output files in ``jobs`` (relative path -> (fingerprint, job), the
    job as :func:`_produce` takes it, with ``_JOB`` set up) whose fingerprint
    changed, replace in ``out`` those whose bytes changed, and save the state
    with the ``entries`` (``edited``: the relative paths of those that changed).
    Returns how many files were rendered and which changed."""
    todo = [rel for rel in jobs if state.outputs.get(rel, (None,))[0] != jobs[rel][0]]
    files = {}
    outputs = dict(state.outputs)
    for rel, key, data in _run(_render_chunk, [(rel, jobs[rel][1]) for rel in todo], store):
        if outputs.get(rel, (None, None))[1] != key:
            files[rel] = data
        outputs[rel] = (jobs[rel][0], key)
    _JOB.clear()
    store.begin_writes(set(files))
    output.update_in_place(out, files, {}, set())
    # The output folder's marker gets a new time, recorded with the edits: should the edits
    # record be lost, state.pickle alone no longer matches the folder, and the next build
    # renders everything again instead of trusting pages that are not what it describes.
    state.marker = _touch_marker(out)
    state.sources, state.outputs = entries, outputs
    state.garbage += len(edited)
    store.save_edits(state, {rel: entries[rel] for rel in edited}, {rel: outputs[rel] for rel in todo})
    store.end_writes()
    return len(todo), frozenset(files)


def _body_only(last: dict, entries: dict, state: cache.State, store: cache.Store, out: Path, now: dt.datetime):
    """Rebuild after edits that changed only the bodies of articles (the preview
    server's common case: an editor typing in an article), from the plan this
    process made last: the article's page (body, reading time) and the feeds
    that carry its content are rendered again, nothing else is planned. Returns
    ``None`` when the change is of any other kind (then the whole plan is made
    again)."""
    from .dates import minutes_for

    if not last["built_at"] <= now.timestamp() < last["valid_until"]:
        return None
    edited = _edited_bodies(last["entries"], entries)
    if not edited or not _outputs_present(out, last["units"]):
        return None
    planned, units, settings = list(last["planned"]), dict(last["units"]), last["settings"]
    jobs = {}
    for rel in edited:
        article = entries[rel].article
        index = last["page_index"].get(f"articles/{article.slug}/index.html")
        if index is None:
            continue  # a draft or a scheduled article: on no page
        page = planned[index]
        view = dict(page.context["article"], reading_time=last["fmt"].plural(
            minutes_for(entries[rel].words), last["strings"]["reading_time"]))
        page = dataclasses.replace(page, context=dict(page.context, article=view), body=entries[rel].digest)
        planned[index] = page
        jobs[page.path] = units[page.path] = (_page_fp(page, last["templates"], last["common"]), ("page", index))
    feeds = _feed_jobs(last["specs"], last["feed_common"], entries, settings, now,
                       {entries[rel].article.slug for rel in edited})
    jobs.update(feeds)
    units.update(feeds)
    body_keys = {entries[a.path].article.slug: entries[a.path].digest for a in last["site"].articles}
    _JOB.clear()
    from .render import PageRenderer

    _JOB.update(settings=settings, planned=planned, specs=last["specs"], site=last["site"], now=now,
                renderer=PageRenderer(last["env"], last["site_context"], settings.base_url, last["strings"], store.body),
                bodies=_Bodies(store, body_keys))
    done = _write_edits(jobs, state, store, out, entries, edited)
    last.update(planned=planned, units=units, entries=entries, outputs=state.outputs)
    return done


def _edited_only(site_root: Path, out: Path, settings: Settings, now: dt.datetime, drafts: bool, future: bool,
                 store: cache.Store, state: cache.State, entries: dict, plan_key: tuple):
    """Rebuild after edits that changed only the bodies of articles, from what the
    cache recorded of the last full build (``state.last``), in a new process (a
    ``jarida build`` after an editor saved an article): the site is assembled
    from the cached records, and only each edited article's page and the feeds
    that carry it are planned and rendered. Returns ``None`` when the change is
    of any other kind, the options or inputs other than article files changed,
    or the last build's output is no longer valid at ``now`` (a scheduled
    article fell due...); then the whole site is planned."""
    from . import content, pages, render

    info = state.last
    if not info or info.get("key") != plan_key or not info["built_at"] <= now.timestamp() < info["valid_until"]:
        return None
    edited = _edited_bodies(state.sources, entries)
    if not edited or not _outputs_present(out, state.outputs):
        return None
    profiles, _ = _profiles(site_root, store)
    site = content.assemble(settings, [e.article for e in entries.values() if e.article is not None], profiles,
                            drafts, [], None if future else now)
    dirs = render.theme_dirs(site_root, settings.theme)
    strings, _ = render.load_strings(dirs)  # its warnings are those of the last full build, as the theme is
    env = render.environment(dirs, site_root / CACHE_DIR / "templates")
    site_context = _site_context(site, strings, now)
    templates = render.template_fingerprints(env, {"article.html"})
    common = _common(site_context, strings, settings)
    fmt, fmt_key = pages.formatter(site)
    terms = pages.term_index(site)
    order = pages.article_order(site)
    views = pages.LazyViews(site, fmt, fmt_key, terms)
    shown = {a.slug: a for a in site.articles}
    planned, jobs = [], {}
    for rel in edited:
        article = shown.get(entries[rel].article.slug)
        if article is None:
            continue  # a draft or a scheduled article: on no page
        bios = _bios(settings, [terms["authors"][content.term_key(name)] for name in article.authors])
        page = pages.article_page(article, site, views, pages.Body(entries[rel].digest, entries[rel].words), bios,
                                  strings, fmt, terms, order, {})
        jobs[page.path] = (_page_fp(page, templates, common), ("page", len(planned)))
        planned.append(page)
    specs = feed_specs(site)
    jobs.update(_feed_jobs(specs, _feed_common(settings), entries, settings, now,
                           {entries[rel].article.slug for rel in edited}))
    if any(rel not in state.outputs for rel in jobs):
        return None
    body_keys = {a.slug: entries[a.path].digest for a in site.articles}
    _JOB.clear()
    _JOB.update(settings=settings, planned=planned, specs=specs, site=site, now=now,
                renderer=render.PageRenderer(env, site_context, settings.base_url, strings, store.body),
                bodies=_Bodies(store, body_keys))
    return _write_edits(jobs, state, store, out, entries, edited)


def _profiles(site_root: Path, store: cache.Store | None = None) -> tuple[list, list[Problem]]:
    """The author profiles in ``content/authors/*.md`` and the problems found in them.
    With ``store``, front matter read before is taken from its cache, and what is
    read now is stored there (see :class:`generator.cache.FrontMatterMemo`)."""
    from . import content

    memo = cache.FrontMatterMemo(store) if store is not None else None
    profiles, problems = [], []
    for file in sorted((site_root / content.AUTHORS_DIR).glob("*.md")):
        rel = file.relative_to(site_root).as_posix()
        profile, found = content.parse_profile(rel, file.read_text(encoding="utf-8"), memo)
        problems += found
        if profile:
            profiles.append(profile)
    if memo is not None:
        store.put_bodies([], memo.rows)
    return profiles, problems


def _bios(settings: Settings, terms) -> dict[str, str]:
    """The rendered biographies of the author ``terms`` that have a profile, by term slug."""
    from .markup import Renderer

    with_profile = [t for t in terms if t.profile]
    if not with_profile:
        return {}
    md = Renderer(allow_html=settings.allow_html)
    return {t.slug: md.render(t.profile.bio) for t in with_profile}


def _site_context(site, strings: dict, now: dt.datetime) -> dict:
    """What every template gets as ``site``: title, navigation, sections, feeds..."""
    from . import pages, urls
    from .arabic import to_arabic_digits

    settings = site.settings
    return {
        "title": settings.title,
        "description": settings.description,
        "base_url": settings.base_url,
        "lang": "ar",
        "dir": "rtl",
        "nav": [{"title": strings["home"], "url": ""}] + [
            {"title": strings[name], "url": f"{name}/"} for name in (*pages.TAXONOMIES, "archive", "search")],
        "sections": [{"name": t.name, "url": urls.term_url(t)} for t in site.taxonomies["sections"]],
        "feed_url": "feed.xml",
        "rss_url": "rss.xml",
        "year": to_arabic_digits(str(now.year)) if settings.arabic_digits else str(now.year),
        # The CLDR numbering system of numbers a script writes (the search page's count).
        "digits": "arab" if settings.arabic_digits else "latn",
    }


def _common(site_context: dict, strings: dict, settings: Settings) -> str:
    """The part of every page's fingerprint that is the same for all pages."""
    return cache.digest(repr((site_context, strings, settings.base_url)).encode())


def _feed_common(settings: Settings) -> str:
    """The part of every feed's fingerprint that is the same for all feeds."""
    return repr((settings.title, settings.description, settings.base_url, settings.feed_items, settings.feed_content))


def _incremental(site_root, out, settings, now, drafts, strict, future, store: cache.Store, others: str,
                 listing: list) -> _Result:
    from . import arabic, content, dates, feeds, pages, render, search
    from .dates import Formatter

    parse_key = cache.digest(repr((settings.timezone, cache.zone_stamp(settings.timezone), settings.default_author,
                                   settings.summary_length, settings.allow_html)).encode())
    state = store.load(parse_key)
    dates.TEXTS.update(state.texts)
    arabic.SLUGS.update(state.slugs)
    marker = _marker(out)
    valid_output = bool(state.outputs) and state.output == str(out.resolve()) and marker is not None \
        and state.marker == marker
    entries, parsed = _read_sources(site_root, settings, state, store, listing)
    gc.freeze()
    # Planning makes millions of objects that live to the end of the build and hold few
    # cycles; the collector's passes over them took a third of planning at 100,000
    # articles. It is paused until they are frozen (and resumed by build() on any return).
    collecting = gc.isenabled()
    gc.disable()
    plan_key = (str(out.resolve()), repr(settings), drafts, strict, future, others)
    last = _LAST.get(str(out.resolve()))
    # Under --strict the last build had no problem; a text whose edit shows a missing image
    # makes one, which must stop the build before anything is written: the full way does.
    quick = not (strict and _with_text_images([], site_root, settings, entries))
    if quick and last is not None and last["key"] == plan_key and last["outputs"] is state.outputs and valid_output:
        done = _body_only(last, entries, state, store, out, now)
        if done is not None:
            rendered, changed = done
            found = _with_text_images(last["problems"], site_root, settings, entries)
            return _Result(len(last["page_index"]), len(last["units"]), found, last["next_due"],
                           last["valid_until"], parsed, rendered, changed, outputs=tuple(last["units"]))
    _LAST.pop(str(out.resolve()), None)
    if quick and valid_output:
        done = _edited_only(site_root, out, settings, now, drafts, future, store, state, entries, plan_key)
        if done is not None:
            rendered, changed = done
            info = state.last
            due = dt.datetime.fromisoformat(info["next_due"]) if info["next_due"] else None
            found = _with_text_images([Problem(*row) for row in info["problems"]], site_root, settings, entries)
            return _Result(info["pages"], len(state.outputs), found, due,
                           info["valid_until"], parsed, rendered, changed, outputs=tuple(state.outputs))
    problems = [p for e in entries.values() for p in e.problems]
    articles = [e.article for e in entries.values() if e.article is not None]
    profiles, found = _profiles(site_root, store)
    problems += found
    own, found = site_static(site_root)
    problems += found + content.ignored_sources(site_root)
    dirs = render.theme_dirs(site_root, settings.theme)
    themed = render.static_files(dirs)
    problems += [Problem(f"static/{rel}", 0, f"replaces the theme's file {rel} (its theme/ folder); to change the "
                                             f"theme's files, put them in themes/{settings.theme}/static/ instead",
                         warning=True) for rel in own if rel in themed]
    copies = {**themed, **own}
    problems += missing_images(site_root, settings, articles, profiles, copies,
                               {rel: e.images for rel, e in entries.items() if e.images})
    if strict and problems:
        problems = [dataclasses.replace(p, warning=False) for p in problems]
    site = content.assemble(settings, articles, profiles, drafts, problems, None if future else now)
    found = content.sections_of_one_name(site)
    problems += [dataclasses.replace(p, warning=False) for p in found] if strict else found
    if strict and found:
        raise ContentProblems(problems)
    strings, found = render.load_strings(dirs)
    found = _from_site_root(found, site_root)
    problems += [dataclasses.replace(p, warning=False) for p in found] if strict else found
    if strict and found:  # a theme's problem, as its errors are
        raise JaridaError(problems, 2)
    by_path = {a.path: entries[a.path] for a in site.articles}
    body_keys = {a.slug: by_path[a.path].digest for a in site.articles}
    bodies = {a.slug: pages.Body(by_path[a.path].digest, by_path[a.path].words) for a in site.articles}
    bios = _bios(settings, site.taxonomies["authors"])
    specs = feed_specs(site)
    feed_common = _feed_common(settings)
    feed_units = _feed_jobs(specs, feed_common, entries, settings, now)
    section_keys: dict[str, frozenset] = {}
    for term in site.taxonomies.get("sections", ()):
        section_keys[term.key] = frozenset(search.keys(term.name))
    # Files made from the articles alone, not from the page plan.
    unplanned = {
        "news-sitemap.xml": lambda: feeds.news_sitemap(site, now),
        "search/index.json": lambda: search.index_from_keys(
            site, {a.slug: by_path[a.path].keys for a in site.articles}, section_keys),
        "robots.txt": lambda: feeds.robots_txt(site),
    }
    if "robots.txt" in own:  # the site's own rules (Disallow: /search/...) replace the generated ones
        del unplanned["robots.txt"]
    tree = early = previous = held = None
    makers: dict = {}  # what the other process makes
    try:
        if not valid_output and _workers(len(site.articles) + len(feed_units)):
            # A cold build: the feeds and the files above are made by another process
            # while this one plans the pages, which would leave the other cores waiting.
            tree = output.new_tree(out)
            feed_bodies, memo = _Bodies(store, body_keys), {}
            makers = {rel: functools.partial(_feed, site, specs[job[1]], job[2], feed_bodies, now, memo)
                      for rel, (_, job) in feed_units.items()}
            makers.update(unplanned)
            store.close()  # each process opens its own connection
            try:
                early = _Workers(1, functools.partial(_write_made, tree, out), [list(makers.items())], site_root,
                                 streamed=False)
            except OSError:  # no process can be started now (a limit on processes or files): made below
                early, makers = None, {}
        planned = pages.plan(site, bodies, bios, strings)
        env = render.environment(dirs, site_root / CACHE_DIR / "templates")
        site_context = _site_context(site, strings, now)

        # Every output file: its fingerprint and how to make it.
        units: dict[str, tuple[str, tuple]] = {}
        templates = render.template_fingerprints(env, {p.template for p in planned})
        common = _common(site_context, strings, settings)
        # With no previous output every page is rendered whatever its fingerprint: the
        # processes that render the pages make their fingerprints (a twentieth of a cold build).
        deferred = not valid_output
        for index, page in enumerate(planned):
            units[page.path] = (None if deferred else _page_fp(page, templates, common), ("page", index))
        units.update(feed_units)
        extra = dict(feeds.sitemaps(site, [p.path for p in planned]))
        for rel, make in unplanned.items():
            extra[rel] = None if early else make()
        for rel, data in extra.items():  # those of the other process: fingerprinted by their digests
            units[rel] = (None, ("bytes", None)) if data is None else (cache.digest(data), ("bytes", data))
        del extra
        clashes = _static_clashes(own, units)
        if clashes:
            raise ContentProblems(clashes)
        for rel, source in copies.items():
            st = source.stat()
            units[rel] = (cache.digest(repr((str(source), st.st_mtime_ns, st.st_size, st.st_ctime_ns)).encode()),
                          ("copy", source))

        gc.freeze()
        if collecting:
            gc.enable()
        old = state.outputs if valid_output else {}
        todo = [rel for rel, (fp, _) in units.items() if old.get(rel, (None,))[0] != fp]
        missing = []
        if valid_output:  # files deleted from the output by hand are written again
            waiting = set(todo)
            missing = [rel for rel in units if rel not in waiting and not os.path.isfile(out / rel)]
            todo += missing
        removed = set(old) - set(units)
        whole = not valid_output or len(todo) > max(64, len(units) // 4)

        _JOB.clear()
        renderer = render.PageRenderer(env, site_context, settings.base_url, strings, store.body)
        _JOB.update(settings=settings, planned=planned, specs=specs, site=site, now=now, templates=templates,
                    common=common, renderer=renderer, bodies=_Bodies(store, body_keys))
        digests: dict[str, str] = {}
        changed: set[str] = set()
        rendered = 0
        if whole:
            tree = tree or output.new_tree(out)
            produce = []
            for rel, (fp, job) in units.items():
                if rel in makers:
                    continue
                if job[0] == "copy":
                    if rel in old and old[rel][0] == fp and output.link(tree, rel, out / rel):
                        digests[rel] = old[rel][1]
                    else:
                        data = job[1].read_bytes()
                        output.put_new(tree, out, rel, data)
                        digests[rel] = cache.digest(data)
                        if old.get(rel, (None, None))[1] != digests[rel]:
                            changed.add(rel)
                elif rel in old and old[rel][0] == fp and output.link(tree, rel, out / rel):
                    digests[rel] = old[rel][1]
                elif job[0] == "bytes":  # made already (the search index, sitemaps): written now, not kept
                    output.put_new(tree, out, rel, job[1])
                    units[rel] = (fp, ("bytes", None))
                    digests[rel] = fp
                    if old.get(rel, (None, None))[1] != fp:
                        changed.add(rel)
                else:
                    produce.append((rel, job))
            # Pages showing the same articles are rendered close together, each article's card
            # once (see pages.Page.position): in the plan's order, a tag page of an archive of
            # 100,000 articles came long after the front page that showed the same cards.
            produce.sort(key=lambda item: planned[item[1][1]].position if item[1][0] == "page" else -1)
            _JOB.update(tree=tree, out=out)
            rendered = len(produce)
            for rel, key, fp in _run(_render_new_chunk if deferred else _render_chunk, produce, store):
                digests[rel] = key
                if fp is not None:
                    units[rel] = (fp, units[rel][1])
                if old.get(rel, (None, None))[1] != key:
                    changed.add(rel)
            for rel, key in (made for done in early.results() for made in done) if early else ():
                digests[rel] = key
                if rel in unplanned:
                    units[rel] = (key, ("bytes", None))
                if old.get(rel, (None, None))[1] != key:
                    changed.add(rel)
            # From the swap until the cache records the new site, Ctrl-C and SIGTERM wait: stopped
            # in between, the next build would not know the site it finds and write it all again.
            held = _hold_signals()
            previous = output.finish_tree(tree, out, set(units), tuple(settings.keep))
            changed |= removed
            changed.update(missing)
        else:
            output.remove_stale(out)
            produce = [(rel, units[rel][1]) for rel in todo if units[rel][1][0] != "copy"]
            rendered = len(produce)
            files: dict[str, bytes] = {}
            for rel, key, data in _run(_render_chunk, produce, store):
                digests[rel] = key
                if old.get(rel, (None, None))[1] != key or not (out / rel).is_file():
                    files[rel] = data
            copy_todo = {}
            for rel in todo:  # static files: compared by content when their stat changed
                if units[rel][1][0] == "copy":
                    digests[rel] = cache.digest(units[rel][1][1].read_bytes())
                    if old.get(rel, (None, None))[1] != digests[rel] or not (out / rel).is_file():
                        copy_todo[rel] = units[rel][1][1]
            store.begin_writes(set(files) | set(copy_todo) | removed)
            output.update_in_place(out, files, copy_todo, removed)
            for rel in units:
                if rel not in digests:
                    digests[rel] = old[rel][1]
            changed = set(files) | set(copy_todo) | removed
    except BaseException:
        if early is not None:
            early.stop()
        if tree is not None:
            import shutil

            shutil.rmtree(tree, ignore_errors=True)
        _release_signals(held)
        raise
    _JOB.clear()
    saved, left = False, None
    try:
        state.sources = entries
        state.outputs = {rel: (units[rel][0], digests[rel]) for rel in units}
        state.output = str(out.resolve())
        state.marker = _marker(out)
        state.garbage += parsed + len(removed)
        if state.garbage > max(100, len(entries) // 10):
            store.prune_bodies({e.digest for e in entries.values()},
                               {e.front for e in entries.values()} | store.front_seen)
            state.garbage = 0

        scheduled = [a.date for a in articles if a.date > now and (drafts or not a.draft)]
        next_due = None if future or not scheduled else min(scheduled)
        limits = [dt.datetime(now.year + 1, 1, 1, tzinfo=dt.timezone.utc)]
        if next_due:
            limits.append(next_due)
        since = now - dt.timedelta(days=feeds.NEWS_DAYS)
        limits += [a.date + dt.timedelta(days=feeds.NEWS_DAYS) for a in site.articles if since <= a.date <= now]
        if not site.articles:
            limits.append(now)  # an empty site's feeds carry the build time
        valid_until = min(limits).timestamp()
        state.last = {"key": plan_key, "built_at": now.timestamp(), "valid_until": valid_until, "pages": len(planned),
                      "problems": _problem_rows(problems), "next_due": next_due.isoformat() if next_due else None}
        state.texts = dict(dates.TEXTS)
        state.slugs = dict(arabic.SLUGS)
        store.save(state)
        store.end_writes()
        saved = True
        _release_signals(held)  # a signal held back since the swap arrives now, and stops the deletion
        held = None
        if previous is not None:  # deleted once the state is saved: stopping the build now loses nothing
            output.discard(previous)
    except (KeyboardInterrupt, SystemExit):
        if not saved:
            raise
        left = previous  # the new site is built and recorded: it is the deletion that stops
    finally:
        _release_signals(held)
    _LAST[str(out.resolve())] = {
        "key": plan_key, "planned": planned, "units": units, "entries": entries, "outputs": state.outputs,
        "page_index": {page.path: index for index, page in enumerate(planned)}, "specs": specs, "site": site,
        "settings": settings, "templates": templates, "common": common, "feed_common": feed_common,
        "fmt": Formatter(settings.locale, settings.arabic_digits, settings.hijri, settings.hijri_offset),
        "strings": strings, "env": env, "site_context": site_context,
        "problems": problems, "next_due": next_due, "valid_until": valid_until, "built_at": now.timestamp(),
    }
    return _Result(len(planned), len(units), problems, next_due, valid_until, parsed, rendered, frozenset(changed),
                   left, tuple(units))


def _run(work, items: list, store: cache.Store):
    """Run ``work`` over chunks of ``items``; when they are many, this process and
    one worker process per other core share the chunks (each takes the next one
    from a shared counter), so no core waits and no extra copy of the plan is
    made for a process that would only collect results."""
    chunks = _chunks(items)
    cores = _workers(len(items))
    if not cores:
        for chunk in chunks:
            yield from work(chunk)
        return
    store.close()  # each process opens its own connection
    _trim()
    workers = _Workers(cores - 1, work, chunks, store.site_root, streamed=False)
    try:
        for chunk in workers.take(work):
            yield from chunk
        for done in workers.results():
            yield from done
    finally:
        workers.stop()


def _write_made(tree: Path, out: Path, chunk: list) -> list[tuple[str, str]]:
    """Write ``(path, function giving its bytes)`` items into ``tree``, the new tree of
    the output folder ``out``; ``(path, digest)`` of each. Raises :class:`JaridaError`
    naming the output file that cannot be written (see :func:`generator.output.put_new`)."""
    done = []
    for rel, make in chunk:
        data = make()
        output.put_new(tree, out, rel, data)
        done.append((rel, cache.digest(data)))
    return done


def _trim() -> None:
    """Give the free pages of the C heap back to the system (glibc's ``malloc_trim``)
    before forking: the temporaries of planning (the search index...) leave many, and
    a worker that allocated into them would copy them."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
