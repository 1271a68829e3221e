"""The preview server: serves the output folder, rebuilds on change, reloads open pages.

- HTTP from the standard library (``ThreadingHTTPServer``) on 127.0.0.1 by
  default; percent-encoded (Arabic) paths are decoded; ``index.html`` is served
  for folders and the site's ``404.html`` for missing files; nothing outside the
  output folder is ever served.
- Live reload by Server-Sent Events (``/__jarida/events``); the small script
  that listens is injected into HTML responses by the server only, never into
  the files of the output folder.
- watchdog watches the site root; events are batched until quiet for
  :data:`QUIET_SECONDS`, and editors' temporary files are ignored.
"""
from __future__ import annotations

import http.server
import mimetypes
import posixpath
import threading
import time
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

EVENTS_PATH = "/__jarida/events"
#: Folders of the site root whose changes trigger a rebuild (with ``site.toml``).
WATCHED_DIRS = ("seeds", "content", "themes", "static")
QUIET_SECONDS = 0.1
RELOAD_SCRIPT = (
    "<script>(function(){var v=null,s=new EventSource('" + EVENTS_PATH + "');"
    "s.addEventListener('version',function(e){if(v===null){v=e.data}else if(e.data!==v){location.reload()}});"
    "})();</script>"
)
_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")


def is_ignored(path: Path, site_root: Path, output: Path) -> bool:
    """True for changes that must not trigger a rebuild: the output folder, hidden
    folders and files (``.git``, ``.cache``, the build's temporary folders) and
    editors' temporary files (``*.swp``, ``*~``, ``.#*``, ``4913``)."""
    try:
        rel = path.resolve().relative_to(site_root.resolve())
    except ValueError:
        return True
    try:
        path.resolve().relative_to(output.resolve())
        return True
    except ValueError:
        pass
    name = path.name
    if any(part.startswith(".") for part in rel.parts):
        return True
    return name.endswith(_TEMP_SUFFIXES) or name.startswith(".#") or name == "4913" or "__pycache__" in rel.parts


class Reloader:
    """The site version seen by open pages; :meth:`bump` tells every page to reload."""

    def __init__(self) -> None:
        self.version = 0
        self._cond = threading.Condition()
        self.closed = False

    def bump(self) -> None:
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the version differs from ``seen`` or ``timeout`` seconds pass."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


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
            parts = urlsplit(self.path)
            path = parts.path
            if path == EVENTS_PATH:
                return self._events(head)
            file = resolve(root, path)
            status = 200
            if file is not None and file.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/" + (f"?{parts.query}" if parts.query else ""))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                file = file / "index.html"
            if file is None or not file.is_file():
                status, file = 404, root / "404.html"
            try:
                body = file.read_bytes()
            except OSError:
                status, body, file = 404, b"Not found", Path("404.txt")
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in ("application/javascript", "application/xml", "application/json"):
                ctype += "; charset=utf-8"
            if ctype.startswith("text/html"):
                body = inject(body)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _events(self, head: bool):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if head:
                return
            seen = None
            try:
                while not reloader.closed:
                    version = reloader.version if seen is None else reloader.wait(seen, 15)
                    if version != seen:
                        self.wfile.write(f"event: version\ndata: {version}\n\n".encode())
                        seen = version
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


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


def inject(html: bytes) -> bytes:
    """Insert the live-reload script before ``</body>`` (or at the end)."""
    script = RELOAD_SCRIPT.encode()
    index = html.rfind(b"</body>")
    return html[:index] + script + html[index:] if index >= 0 else html + script


class _Watcher(FileSystemEventHandler):
    def __init__(self, site_root: Path, output: Path, changed: Callable[[Path], None]):
        self.site_root, self.output, self.changed = site_root, output, changed

    def on_any_event(self, event):
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return  # a folder's "modified" event only echoes the file events inside it
        for attr in ("src_path", "dest_path"):
            raw = getattr(event, attr, "")
            if raw:
                path = Path(raw.decode() if isinstance(raw, bytes) else raw)
                if not is_ignored(path, self.site_root, self.output):
                    self.changed(path)


class DevServer:
    """Serves ``output`` on ``host``:``port`` (0 = any free port) and calls
    ``rebuild()`` after changes under ``site_root`` settle; ``rebuild`` returns a
    short description of what it did and the set of source files it wrote
    itself (their change events are dropped), or raises (the last good site
    stays served). ``log`` receives one line per event."""

    def __init__(self, site_root: Path, output: Path, rebuild: Callable[[], tuple[str, set[Path]]], log: Callable[[str], None],
                 host: str = "127.0.0.1", port: int = 8000):
        self.site_root, self.output, self.rebuild, self.log = site_root, output, rebuild, log
        self.reloader = Reloader()
        self.httpd = http.server.ThreadingHTTPServer((host, port), make_handler(output, self.reloader))
        self.httpd.daemon_threads = True
        self._dirty = threading.Event()
        self._pending: set[Path] = set()
        self._own_writes: dict[Path, float] = {}
        self._watched: set[Path] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.observer = Observer()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def _changed(self, path: Path) -> None:
        if path.parent.resolve() == self.site_root.resolve() and path.name in WATCHED_DIRS and path.is_dir():
            self._watch()  # a source folder was created after the server started
        with self._lock:
            until = self._own_writes.get(path.resolve())
            if until is not None and time.monotonic() < until:
                return
            self._pending.add(path)
        self._dirty.set()

    def _forget(self, written: set[Path]) -> None:
        """Drop the change events caused by the build itself (articles the converter
        wrote), including those that arrive up to two seconds later."""
        now = time.monotonic()
        until = now + 2.0
        with self._lock:
            # Forget expired entries, so a server open all day does not collect every path it ever wrote.
            self._own_writes = {p: t for p, t in self._own_writes.items() if t > now}
            for path in written:
                self._own_writes[path.resolve()] = until
            self._pending = {p for p in self._pending if p.resolve() not in self._own_writes}
            if not self._pending:
                self._dirty.clear()

    def _rebuild_loop(self) -> None:
        while not self._stop.is_set():
            if not self._dirty.wait(0.2):
                continue
            while self._dirty.is_set():  # wait for quiet
                self._dirty.clear()
                time.sleep(QUIET_SECONDS)
            with self._lock:
                changed, self._pending = sorted(self._pending), set()
            names = ", ".join(p.relative_to(self.site_root).as_posix() for p in changed[:3] if p.is_relative_to(self.site_root))
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            started = time.perf_counter()
            try:
                what, written = self.rebuild()
            except Exception as exc:  # the server never dies on a build error
                self.log(f"rebuild failed after change to {names}{more}:\n{exc}")
                continue
            self._forget(written)
            self.reloader.bump()
            self.log(f"rebuilt ({what}) after change to {names}{more} in {time.perf_counter() - started:.2f} s")

    def _watch(self) -> None:
        """Watch the source folders recursively and the site root itself (for
        ``site.toml`` and source folders created later); never the output."""
        handler = _Watcher(self.site_root, self.output, self._changed)
        for name in WATCHED_DIRS:
            folder = self.site_root / name
            if folder.is_dir() and folder.resolve() not in self._watched:
                self.observer.schedule(handler, str(folder), recursive=True)
                self._watched.add(folder.resolve())
        if self.site_root.resolve() not in self._watched:
            self.observer.schedule(handler, str(self.site_root), recursive=False)
            self._watched.add(self.site_root.resolve())

    def start(self) -> None:
        """Start serving, watching and rebuilding in background threads."""
        self._watch()
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
        self.observer.join(timeout=5)
