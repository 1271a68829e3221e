"""The preview server: serves the output folder, rebuilds on change, reloads open pages.

- HTTP from the standard library (``ThreadingHTTPServer``) on 127.0.0.1 by
  default; percent-encoded (Arabic) paths are decoded; ``index.html`` is served
  for folders and the site's ``404.html`` (status 404) for missing files;
  nothing outside the output folder is ever served (``..``, ``%2e%2e``,
  absolute paths, symlinks pointing out). Text types carry ``charset=utf-8``.
- Live reload by Server-Sent Events (``/__jarida/events``); the small script
  that listens is injected into HTML responses by the server only, never into
  the files of the output folder. Events: ``version`` (reload when it differs
  from the version the page was served at), ``css`` (swap the stylesheets, no
  reload), ``build-error`` (show an overlay listing ``path:line`` and the
  message; the last good site stays served) and ``build-ok`` (hide it). A page
  that connects is told the current state at once.
- watchdog watches ``seeds/``, ``content/``, ``themes/``, ``static/`` and the
  site root itself (for ``site.toml``), never the output folder; events are
  batched until quiet for :data:`QUIET_SECONDS`, and editors' temporary files
  are ignored. A rebuild runs only after the batch; the events are sent only
  after the rebuild has finished writing.
"""
from __future__ import annotations

import collections
import http.server
import json
import os
import posixpath
import re
import socket
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote, unquote, urlsplit

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from . import cache
from .problems import ContentProblems, JaridaError, Problem, tally

EVENTS_PATH = "/__jarida/events"
#: Folders of the site root whose changes trigger a rebuild (with ``site.toml``).
WATCHED_DIRS = ("seeds", "content", "themes", "static")
QUIET_SECONDS = 0.1
#: Seconds between keep-alive comments on an idle event stream.
KEEP_ALIVE_SECONDS = 15
_TEMP_NAME = re.compile(
    r"(?:~|\.sw[a-px]|\.tmp|\.temp|\.part|\.crdownload|\.kate-swp|___jb_(?:tmp|old)___)$|^\.#|^#.*#$|^4913$",
    re.IGNORECASE,
)

#: Content types by file suffix, so answers do not depend on the machine's mime.types.
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
    ".mjs": "text/javascript", ".json": "application/json", ".xml": "application/xml",
    ".txt": "text/plain", ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
    ".map": "application/json", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
    ".otf": "font/otf", ".ico": "image/x-icon", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif",
    ".pdf": "application/pdf", ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg",
}
_TEXT_TYPES = {"application/json", "application/xml", "image/svg+xml", "application/manifest+json"}

#: Served when a page is missing and the site has no 404.html yet (e.g. the first build failed).
FALLBACK_404 = ('<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
                "<title>الصفحة غير موجودة</title></head><body><h1>الصفحة غير موجودة</h1>"
                "<p>لم يُبنَ الموقع بعد أو لا توجد صفحة بهذا العنوان.</p></body></html>\n").encode()

# The script added to served HTML pages. Messages are put in the page as text
# nodes only (they may hold '<'); the overlay is right-to-left Arabic, with the
# file and line shown left-to-right inside <bdi dir="ltr">.
_SCRIPT = """<script>(function(){
var v=%(version)d,box=null,es=new EventSource('%(events)s');
function el(t,x,s){var e=document.createElement(t);if(x!=null)e.textContent=x;if(s)e.style.cssText=s;return e}
function hide(){if(box){box.remove();box=null}}
function show(list){hide();
box=el('div',null,'position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;padding:2rem;background:#18181b;color:#fafafa;font:17px/1.8 system-ui,sans-serif;text-align:start');
box.id='jarida-error';box.dir='rtl';box.lang='ar';box.setAttribute('role','alert');
box.appendChild(el('h2','تعذّر بناء الموقع','margin:0 0 .5rem;font-size:1.6rem;color:#fca5a5'));
box.appendChild(el('p','ما زالت الصفحات تعرض آخر نسخة سليمة من الموقع. أصلح ما يلي واحفظ الملف، فتختفي هذه الرسالة وحدها.','margin:0 0 1rem'));
var ul=el('ul',null,'margin:0;padding-inline-start:1.5rem');
list.forEach(function(p){var li=el('li',null,'margin-bottom:1rem');
if(p.path){var w=el('bdi',p.line?p.path+':'+p.line:p.path,'font-family:ui-monospace,monospace;color:#fde68a');w.dir='ltr';w.className='jarida-where';li.appendChild(w)}
var m=el('div',p.message,'white-space:pre-wrap;text-align:right');m.dir='auto';m.className='jarida-message';li.appendChild(m);ul.appendChild(li)});
box.appendChild(ul);(document.body||document.documentElement).appendChild(box)}
function path(l){try{return decodeURIComponent(new URL(l.href,location.href).pathname)}catch(e){return ''}}
function restyle(paths){var all=[].slice.call(document.querySelectorAll('link[rel~="stylesheet"]'));
var hit=all.filter(function(l){var p=path(l);return paths.some(function(x){return p.slice(-x.length-1)==='/'+x})});
(hit.length?hit:all).forEach(function(l){var u=new URL(l.href,location.href),n=l.cloneNode();u.searchParams.set('jarida',Date.now());n.href=u.href;n.onload=n.onerror=function(){l.remove()};l.after(n)})}
es.addEventListener('version',function(e){if(+e.data!==v)location.reload()});
es.addEventListener('css',function(e){var d=JSON.parse(e.data);v=d.version;restyle(d.paths)});
es.addEventListener('build-error',function(e){show(JSON.parse(e.data))});
es.addEventListener('build-ok',hide);
})();</script>"""


def reload_script(version: int) -> str:
    """The live-reload script for a page served at site ``version`` (an int)."""
    return _SCRIPT % {"version": version, "events": EVENTS_PATH}


def is_ignored(path: Path, site_root: Path, output: Path) -> bool:
    """True for changes that must not trigger a rebuild: the output folder, hidden
    folders and files (``.git``, ``.cache``, the build's temporary folders) and
    editors' temporary files (``*.swp``, ``*~``, ``.#*``, ``#*#``, ``4913``,
    ``*.tmp``). ``path`` need not exist any more (a deleted file)."""
    real = path.resolve()
    try:
        rel = real.relative_to(site_root.resolve())
    except ValueError:
        return True
    out = output.resolve()
    if real == out or out in real.parents:
        return True
    if any(part.startswith(".") for part in rel.parts) or "__pycache__" in rel.parts:
        return True
    return bool(_TEMP_NAME.search(path.name))


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did: a short ``summary`` for the console (``"45 pages"``),
    the source files the build ``written`` itself (their change events are
    dropped), the output paths (relative, POSIX) whose bytes ``changed``, or
    ``None`` when unknown (open pages then reload), and when the next scheduled
    article falls ``due`` (seconds since the epoch; ``None``: none is scheduled),
    when the server builds again by itself."""

    summary: str
    written: frozenset = frozenset()
    changed: frozenset | None = None
    due: float | None = None


def as_outcome(result) -> Outcome:
    """Accept what a rebuild callable returns: an :class:`Outcome`, or a tuple
    ``(summary, written)`` or ``(summary, written, changed)``."""
    if isinstance(result, Outcome):
        return result
    summary, written, *rest = result
    changed = rest[0] if rest else None
    return Outcome(str(summary), frozenset(written or ()), None if changed is None else frozenset(changed))


def failure_problems(exc: BaseException, site_root: Path) -> list[Problem]:
    """The problems a failed rebuild reports, paths relative to ``site_root``:
    those of a :class:`JaridaError`, the failed seeds of a ``ConvertFailed``
    (its ``actions``), the file and line of a Jinja2 template error, the file
    of an ``OSError``; any other exception becomes one problem without a file.
    Errors come before warnings; never empty."""
    problems: list[Problem] = []
    actions = getattr(exc, "actions", None)
    if actions:
        for action in actions:
            if getattr(action, "kind", "") != "error":
                continue
            seed, message = str(action.seed), str(action.message)
            line = 0
            if message.startswith(seed + ":"):
                rest = message[len(seed) + 1:]
                match = re.match(r"(\d+): (.*)", rest, re.S)
                line, message = (int(match[1]), match[2]) if match else (0, rest.lstrip())
            problems.append(Problem(seed, line, message))
    if not problems and isinstance(exc, JaridaError):
        problems = list(exc.problems)
    if not problems:
        filename = getattr(exc, "filename", None)
        lineno = getattr(exc, "lineno", None)
        if isinstance(exc, OSError):
            message = f"{exc.strerror or exc}"
        else:
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            if type(exc).__module__.startswith("jinja2"):
                message = f"template error: {message}"
            elif not isinstance(exc, JaridaError):
                message = f"{type(exc).__name__}: {message}"
        problems = [Problem(str(filename or ""), lineno if isinstance(lineno, int) else 0, str(message))]
    root = site_root.resolve()
    out = []
    for p in problems:
        path = p.path
        if path and Path(path).is_absolute():
            try:
                path = Path(path).resolve().relative_to(root).as_posix()
            except ValueError:
                pass
        out.append(Problem(path, p.line or 0, p.message, p.warning))
    errors = [p for p in out if not p.warning]
    return errors + [p for p in out if p.warning] if errors else out


def _describe(problem: Problem) -> str:
    if not problem.path:
        return problem.message
    return str(problem)


class Reloader:
    """What open pages are told. ``version`` is the site version (bumped by each
    rebuild that changed the output; it starts from the clock, so pages left
    open across a restart reload); ``problems`` are those of the failing build
    (``None`` while the last build succeeded). Every change is also published as
    a numbered event (``seq``) so each open page gets all of them in order."""

    KEEP = 64  # events kept for slow readers; one that falls further behind gets the current state

    def __init__(self) -> None:
        self.version = int(time.time() * 1000) % 1_000_000_000
        self.problems: list[dict] | None = None
        self.seq = 0
        self._log: collections.deque = collections.deque(maxlen=self.KEEP)
        self._cond = threading.Condition()
        self.closed = False

    def _publish(self, name: str, data: str) -> None:
        self.seq += 1
        self._log.append((self.seq, name, data))
        self._cond.notify_all()

    def bump(self) -> None:
        """A new site version: every open page reloads."""
        with self._cond:
            self.version += 1
            self._publish("version", str(self.version))

    def restyle(self, paths: Iterable[str]) -> None:
        """A new site version where only stylesheets changed (output paths such as
        ``theme/style.css``; empty: all of them): pages swap them, no reload."""
        with self._cond:
            self.version += 1
            self._publish("css", json.dumps({"version": self.version, "paths": sorted(paths)}, ensure_ascii=False))

    def fail(self, problems: list[Problem]) -> None:
        """The rebuild failed: pages show ``problems`` over the last good site."""
        shown = [{"path": p.path, "line": p.line, "message": p.message, "warning": p.warning} for p in problems]
        with self._cond:
            self.problems = shown
            self._publish("build-error", json.dumps(shown, ensure_ascii=False))

    def recover(self) -> None:
        """A build succeeded: pages hide the overlay (if one was shown)."""
        with self._cond:
            if self.problems is not None:
                self.problems = None
                self._publish("build-ok", "")

    def state(self) -> tuple[int, int, list[dict] | None]:
        """``(seq, version, problems)`` read together."""
        with self._cond:
            return self.seq, self.version, self.problems

    def events_after(self, seq: int, timeout: float) -> list[tuple[int, str, str]] | None:
        """The events published after ``seq``, waiting up to ``timeout`` seconds for
        one; ``[]`` on timeout or close, ``None`` when some were already dropped."""
        with self._cond:
            self._cond.wait_for(lambda: self.seq != seq or self.closed, timeout)
            if self.seq == seq:
                return []
            if not self._log or self._log[0][0] > seq + 1:
                return None
            return [e for e in self._log if e[0] > seq]

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the version differs from ``seen`` or ``timeout`` seconds pass; the version."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        """Wake every waiting event stream so it ends."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()


def _sse(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode("utf-8")


def make_handler(output: Path, reloader: Reloader):
    """An HTTP request handler class serving ``output`` with live reload."""
    root = output.resolve()

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "Jarida"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - quiet: the CLI prints rebuilds
            pass

        def do_HEAD(self):
            self.do_GET(head=True)

        def do_GET(self, head: bool = False):
            target = self.path
            if not target.startswith("/"):  # absolute form: http://host/path
                target = urlsplit(target).path or "/"
            path = target.split("#", 1)[0].split("?", 1)[0]
            if path == EVENTS_PATH:
                return self._events(head)
            version = reloader.version  # read before the file: a page is never newer than its version
            file = resolve(root, path)
            if file is not None and file.is_dir():
                if not path.endswith("/"):
                    return self._redirect(path)
                file = file / "index.html"
            status = 200
            body = _read(file) if file is not None else None
            if body is None:
                status, file = 404, root / "404.html"
                body = _read(file) or FALLBACK_404
            ctype = content_type(file.name)
            if ctype.startswith("text/html"):
                body = inject(body, version)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _redirect(self, path: str):
            parts = [p for p in unquote(path).split("/") if p]
            location = "/" + "".join(quote(p) + "/" for p in parts)  # never '//host': no open redirect
            query = urlsplit(self.path).query
            self.send_response(301)
            self.send_header("Location", location + (f"?{query}" if query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _events(self, head: bool):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if head:
                return
            try:
                seq = self._send_state(b"retry: 1000\n\n")
                while not reloader.closed:
                    events = reloader.events_after(seq, KEEP_ALIVE_SECONDS)
                    if events is None:  # fell behind: the current state says it all
                        seq = self._send_state(b"")
                        continue
                    if events:
                        self.wfile.write(b"".join(_sse(name, data) for _, name, data in events))
                        seq = events[-1][0]
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except OSError:  # the page went away
                return

        def _send_state(self, prefix: bytes) -> int:
            seq, version, problems = reloader.state()
            chunk = prefix + _sse("version", str(version))
            if problems is not None:
                chunk += _sse("build-error", json.dumps(problems, ensure_ascii=False))
            self.wfile.write(chunk)
            self.wfile.flush()
            return seq

    return Handler


def _read(file: Path | None) -> bytes | None:
    """The bytes of a regular file, ``None`` when it is missing or not a file."""
    try:
        return file.read_bytes() if file is not None and file.is_file() else None
    except OSError:
        return None


def content_type(name: str) -> str:
    """The ``Content-Type`` for a file name; text types get ``; charset=utf-8``."""
    ctype = CONTENT_TYPES.get(os.path.splitext(name)[1].lower())
    if ctype is None:
        import mimetypes

        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in _TEXT_TYPES or ctype.endswith("+xml") or ctype.endswith("+json"):
        ctype += "; charset=utf-8"
    return ctype


def resolve(root: Path, url_path: str) -> Path | None:
    """Map a URL path to a file inside ``root``; ``None`` when it would leave ``root``
    (``..``, encoded ``%2e%2e``, absolute paths, symlinks pointing out)."""
    try:
        decoded = unquote(url_path, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:  # percent-escapes that are not UTF-8 name no file
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    normal = posixpath.normpath("/" + decoded.lstrip("/"))
    parts = [p for p in normal.split("/") if p]
    if any(p in ("..", ".") for p in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):
        return None
    if real != root and root not in real.parents:
        return None
    return candidate


def inject(html: bytes, version: int = 0) -> bytes:
    """Insert the live-reload script for site ``version`` before the last ``</body>`` (or at the end)."""
    script = reload_script(version).encode("utf-8")
    index = html.rfind(b"</body>")
    return html[:index] + script + html[index:] if index >= 0 else html + script


class _Watcher(FileSystemEventHandler):
    """Changes inside the site's source folders, by path (see :meth:`DevServer._changed`)."""

    def __init__(self, server: "DevServer"):
        self.server = server

    def on_any_event(self, event):
        try:
            if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
                return  # a folder's "modified" event only echoes the file events inside it
            self.handle(event)
        except Exception as exc:  # an exception here would end watchdog's thread
            self.server.log(f"warning: a change could not be handled: {exc!r}")

    def handle(self, event) -> None:
        for attr in ("src_path", "dest_path"):  # a save by rename arrives as a move onto the file
            raw = getattr(event, attr, "")
            if raw:
                path = Path(os.fsdecode(raw))
                gone = attr == "src_path" and event.event_type in ("deleted", "moved")
                born = event.event_type == "created" or attr == "dest_path"
                self.server._changed(path, gone, born)


class _LinkWatcher(_Watcher):
    """Changes inside a folder that a symbolic link in the sources leads to (see
    :meth:`DevServer._watch_links`)."""

    def handle(self, event) -> None:
        names = [Path(os.fsdecode(raw)).name for raw in (event.src_path, getattr(event, "dest_path", "")) if raw]
        if not all(name.startswith(".") or _TEMP_NAME.search(name) for name in names):  # an editor's, hidden
            self.server._linked_changed()


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a dropped connection is not worth a traceback
        pass


class DevServer:
    """Serves ``output`` on ``host``:``port`` (0 = any free port) and calls
    ``rebuild()`` after changes under ``site_root`` settle.

    ``rebuild`` returns an :class:`Outcome` (or a tuple, see :func:`as_outcome`)
    or raises: the last good site then stays served and open pages show the
    problems (see :func:`failure_problems`) until a rebuild succeeds. ``log``
    receives one line per rebuild (and each problem on a line of its own).
    Raises ``OSError`` when it cannot listen on ``host``:``port``.
    """

    def __init__(self, site_root: Path, output: Path, rebuild: Callable[[], object], log: Callable[[str], None],
                 host: str = "127.0.0.1", port: int = 8000):
        self.site_root, self.output, self.rebuild, self.log = Path(site_root), Path(output), rebuild, log
        self._root = self.site_root.resolve()
        self.reloader = Reloader()
        server_class = _HTTPServer
        if ":" in host:
            server_class = type("_HTTPServer6", (_HTTPServer,), {"address_family": socket.AF_INET6})
        self.httpd = server_class((host, port), make_handler(self.output, self.reloader))
        self._dirty = threading.Event()
        self._last_change = 0.0  # time.monotonic() of the latest change event
        self._pending: set[Path] = set()
        self._born: set[Path] = set()  # created since the pending changes were taken
        self._missed = False  # changes may have been missed: rebuild even with none pending
        self._own_writes: dict[Path, float] = {}
        self._watches: dict[Path, object] = {}
        self._link_watches: dict[str, object] = {}  # real folders that links in the sources lead to
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._handler = _Watcher(self)
        self.observer = Observer()
        self.ok = False  # did the last build succeed?
        self._due: float | None = None  # time.time() when a scheduled article falls due
        self._fired: float | None = None  # the due time last built for (a build whose clock is fixed gives it again)

    @property
    def url(self) -> str:
        """``http://HOST:PORT/`` of the server."""
        host, port = self.httpd.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    # ------------------------------------------------------------------ watching

    def _changed(self, path: Path, gone: bool = False, born: bool = False) -> None:
        """Note a change of ``path``: ``gone`` when it was deleted or moved away,
        ``born`` when it was created or moved there. A file that comes and goes
        between two rebuilds (an editor's temporary file, ``sed -i``'s) is no
        change at all."""
        real = path.resolve()
        if real.parent == self._root:
            if path.name in WATCHED_DIRS:
                self._watch(renew=real if gone or not path.is_dir() else None)  # a source folder came or went
            elif path.name != "site.toml":
                return  # other files beside site.toml are not sources
        if is_ignored(path, self._root, self.output):
            return
        with self._lock:
            until = self._own_writes.get(real)
            if until is not None and time.monotonic() < until:
                return
            if born:
                self._born.add(real)
            if gone and real in self._born:  # came and went: only the quiet period starts again
                self._born.discard(real)
                self._pending.discard(real)
            else:
                self._pending.add(real)
            self._last_change = time.monotonic()
        self._dirty.set()

    def _forget(self, written: Iterable[Path]) -> None:
        """Drop the change events caused by the build itself (articles the converter
        wrote), including those that arrive up to two seconds later."""
        now = time.monotonic()
        until = now + 2.0
        with self._lock:
            # Forget expired entries, so a server open all day does not collect every path it ever wrote.
            self._own_writes = {p: t for p, t in self._own_writes.items() if t > now}
            for path in written:
                self._own_writes[Path(path).resolve()] = until
            self._pending = {p for p in self._pending if p not in self._own_writes}
            if not self._pending:
                self._dirty.clear()

    def _watch(self, renew: Path | None = None) -> None:
        """Watch the source folders recursively and the site root itself (for
        ``site.toml`` and source folders created later); never the output.
        ``renew``: a source folder that was removed or replaced, whose old watch
        is dropped first."""
        if renew is not None and renew in self._watches:
            try:
                self.observer.unschedule(self._watches.pop(renew))
            except Exception:  # noqa: BLE001 - the watch may be gone with its folder
                pass
        for folder in [self._root / name for name in WATCHED_DIRS] + [self._root]:
            if folder in self._watches or not folder.is_dir():
                continue
            try:
                self._watches[folder] = self.observer.schedule(self._handler, str(folder), recursive=folder != self._root)
            except OSError as exc:  # e.g. the system's limit of watches
                self.log(f"warning: cannot watch {folder.name or folder}: {exc.strerror or exc}; changes there are not seen")

    def _watch_links(self) -> None:
        """Watch the folders that symbolic links in the source folders lead to (a shared
        ``static/images``, a theme's linked ``templates/partials``): inotify does not
        follow links. A change there is a change whose file is not known: the build
        finds it from its scan of the sources. Watches of links gone are dropped."""
        wanted = cache.linked_folders([self._root / name for name in WATCHED_DIRS])
        for real in set(self._link_watches) - wanted:
            try:
                self.observer.unschedule(self._link_watches.pop(real))
            except Exception:  # noqa: BLE001 - the watch may be gone with its folder
                pass
        for real in sorted(wanted - set(self._link_watches)):
            try:
                self._link_watches[real] = self.observer.schedule(_LinkWatcher(self), real, recursive=True)
            except OSError as exc:
                self.log(f"warning: cannot watch {real}: {exc.strerror or exc}; changes there are not seen")

    def _linked_changed(self) -> None:
        """Note a change inside a linked folder (see :meth:`_watch_links`)."""
        with self._lock:
            self._missed = True
            self._last_change = time.monotonic()
        self._dirty.set()

    def _check_observer(self) -> None:
        """Restart watching if watchdog's thread died."""
        if self._stop.is_set() or self.observer.is_alive():
            return
        self.observer = Observer()
        self._watches, self._link_watches = {}, {}
        self._watch()
        self._watch_links()
        self.observer.start()
        self.log("warning: the file watcher had stopped; it was restarted")
        self._missed = True  # changes may have been missed meanwhile
        self._dirty.set()

    def _check_due(self) -> None:
        """Build again when a scheduled article falls due: the preview shows it then,
        as the deployed site does after its next build, without a save."""
        if self._due is not None and time.time() >= self._due and not self._stop.is_set():
            self._fired, self._due = self._due, None
            self.log("a scheduled article falls due; building again")
            with self._lock:
                self._missed = True
            self._dirty.set()

    def _check_output(self) -> None:
        """Build again when the served folder was deleted (with the cache it lives in)
        after a good build: the preview must not answer 404 until the next edit."""
        if self.ok and not self._stop.is_set() and not self.output.is_dir():
            self.ok = False
            self.log("the served folder was removed; building it again")
            self._missed = True
            self._dirty.set()

    # ------------------------------------------------------------------ rebuilding

    def _names(self, changed: list[Path]) -> str:
        names = []
        for p in changed[:3]:
            try:
                name = p.relative_to(self._root).as_posix()
            except ValueError:
                name = str(p)
            names.append(name if p.exists() else f"{name} (removed)")
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return ", ".join(names) + more

    def rebuild_now(self, changed: Iterable[Path] = ()) -> bool:
        """Rebuild once (``changed``: the source files that changed, for the console
        and for telling stylesheet-only changes), then tell the open pages; True
        when the build succeeded. Never raises for a build error."""
        changed = sorted(changed)
        started = time.perf_counter()
        try:
            outcome = as_outcome(self.rebuild())
        except Exception as exc:  # the server never dies on a build error
            took = _took(time.perf_counter() - started)
            problems = failure_problems(exc, self._root)
            self.ok = False
            self.reloader.fail(problems)
            cause = f" after change to {self._names(changed)}" if changed else ""
            # The output may be gone: never built, or deleted with the cache it lives in.
            served = "the last good site is still served" if self.output.is_dir() else \
                "no site is served until a build succeeds"
            # Problems in the input files are counted, as 'jarida build' does.
            counted = f": {tally(problems)}" if isinstance(exc, ContentProblems) else ""
            self.log(f"rebuild failed{cause} ({took}){counted}; {served}:")
            if not isinstance(exc, (JaridaError, OSError)) and not type(exc).__module__.startswith("jinja2"):
                self.log("".join(traceback.format_exception(exc)).rstrip())
            for problem in problems:
                self.log(_describe(problem))
            return False
        took = _took(time.perf_counter() - started)
        self._forget(outcome.written)
        self._due = outcome.due if outcome.due != self._fired else None
        self.ok = True
        self.reloader.recover()
        if outcome.changed is not None and not outcome.changed:
            told = "nothing changed"
        elif outcome.changed is not None and all(p.endswith(".css") for p in outcome.changed):
            self.reloader.restyle(outcome.changed)
            told = "stylesheets swapped"
        elif outcome.changed is None and changed and all(p.suffix == ".css" for p in changed):
            self.reloader.restyle(())  # only stylesheets were edited: swap them all
            told = "stylesheets swapped"
        else:
            self.reloader.bump()
            told = "pages reloaded"
        if changed:
            self.log(f"rebuilt {outcome.summary} after change to {self._names(changed)} in {took}; {told}")
        else:
            self.log(f"built {outcome.summary} in {took}")
        return True

    def _rebuild_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._check_observer()
                self._check_output()
                self._check_due()
                if not self._dirty.wait(0.2):
                    continue
                self._dirty.clear()
                while True:  # wait until no change came for QUIET_SECONDS
                    quiet = time.monotonic() - self._last_change
                    if quiet >= QUIET_SECONDS:
                        break
                    time.sleep(QUIET_SECONDS - quiet)
                with self._lock:  # changes that come from now on are for the next rebuild
                    changed, self._pending, self._born = sorted(self._pending), set(), set()
                    missed, self._missed = self._missed, False
                    self._dirty.clear()
                if (changed or missed) and not self._stop.is_set():
                    self.rebuild_now(changed)
                    self._watch_links()  # links may have come or gone
            except Exception as exc:  # noqa: BLE001 - this thread must outlive any surprise
                self.log(f"warning: {exc!r}")
                time.sleep(0.2)

    # ------------------------------------------------------------------ life

    def start(self) -> None:
        """Start serving, watching and rebuilding in background threads."""
        self._watch()
        self._watch_links()
        self.observer.start()
        threading.Thread(target=self._rebuild_loop, name="jarida-rebuild", daemon=True).start()
        threading.Thread(target=self.httpd.serve_forever, name="jarida-http", daemon=True).start()

    def stop(self) -> None:
        """Stop every thread and close the socket."""
        self._stop.set()
        self.reloader.close()
        self.observer.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        try:
            self.observer.join(timeout=5)
        except RuntimeError:  # never started
            pass


def _took(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
