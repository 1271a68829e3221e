"""End-to-end tests of ``jarida serve``: HTTP, path safety and live reload."""
from __future__ import annotations

import http.client
import queue
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from conftest import REPO_ROOT, jarida_env, parse_html

pytestmark = pytest.mark.slow

WAIT = 30  # seconds: the bound of every wait in this module
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


class Server:
    """A ``jarida serve`` subprocess with its stdout read by a thread into a queue."""

    def __init__(self, site: Path):
        self.site = site
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.log: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0"],
            cwd=str(REPO_ROOT), env=jarida_env({"PYTHONUNBUFFERED": "1"}),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_for_url()
        match = re.match(r"http://([^:/]+):(\d+)/", self.url)
        self.host, self.port = match[1], int(match[2])

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for_line(self, needle: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line with {needle!r} within {timeout} s; output:\n" + "\n".join(self.log))
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"the server exited ({self.proc.poll()}) before printing {needle!r}:\n" + "\n".join(self.log))
            self.log.append(line)
            if needle in line:
                return line

    def _wait_for_url(self) -> str:
        line = self.wait_for_line("Serving")
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line
        return match[0]

    def request(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """Send ``path`` exactly as given (no normalisation) and return status, headers, body."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
        finally:
            conn.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture
def server(bundled_site):
    srv = None
    try:
        srv = Server(bundled_site)
        yield srv
    finally:
        if srv is not None:
            srv.stop()


def article_for_seed(site: Path) -> tuple[Path, Path]:
    """A (seed, converted article) pair of the site whose Markdown is pristine."""
    for md in sorted((site / "content" / "articles").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
        source = meta.get("source") or {}
        seed = site / "seeds" / str(source.get("file"))
        if source.get("converted") and seed.is_file():
            return seed, md
    raise AssertionError("no converted article with its seed in the bundled site")


class EventStream:
    """The server-sent events of ``/__jarida/events`` read with a socket timeout."""

    def __init__(self, server: Server):
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=WAIT)
        self.conn.request("GET", "/__jarida/events", headers={"Accept": "text/event-stream"})
        self.sock = self.conn.sock  # http.client lets go of it for a "Connection: close" response
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type", "").startswith("text/event-stream")

    def next_version(self, deadline: float) -> int:
        """The ``data:`` of the next ``version`` event, waiting until ``deadline`` (monotonic)."""
        event = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no version event before the deadline")
            self.sock.settimeout(min(left, WAIT))
            try:
                raw = self.resp.fp.readline()
            except (socket.timeout, TimeoutError):
                continue
            if not raw:
                raise AssertionError("the event stream was closed")
            line = raw.decode("utf-8").rstrip("\r\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "version":
                return int(line[5:].strip())
            elif line == "":
                event = None

    def close(self):
        self.resp.close()
        self.conn.close()


def test_front_page_and_article_and_404(server, bundled_site):
    status, headers, body = server.request("/")
    assert status == 200
    assert headers["content-type"].lower().replace(" ", "") == "text/html;charset=utf-8"
    page = parse_html(body)
    assert (page.lang, page.dir) == ("ar", "rtl")
    assert b"/__jarida/events" in body, "the live-reload script is injected"
    assert b"/__jarida/events" not in (bundled_site / "build" / "index.html").read_bytes(), \
        "the live-reload script must not be written into the output"

    slug = sorted(p.stem for p in (bundled_site / "content" / "articles").glob("*.md"))[0]
    status, headers, body = server.request(f"/articles/{quote(slug)}/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    expected = parse_html((bundled_site / "build" / "articles" / slug / "index.html").read_bytes())
    assert parse_html(body).title == expected.title

    status, headers, _ = server.request(f"/articles/{quote(slug)}")
    assert status == 301
    assert headers["location"].endswith(f"/articles/{quote(slug)}/") or \
        headers["location"].endswith(f"/articles/{slug}/")

    status, headers, body = server.request("/no-such-page")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert "الصفحة غير موجودة" in parse_html(body).title

    status, headers, body = server.request("/feed.xml")
    assert status == 200
    assert "xml" in headers["content-type"]


@pytest.mark.parametrize("path", [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/articles/../../../../etc/passwd",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/..%5c..%5c..%5cetc%5cpasswd",
])
def test_no_path_escapes_the_output_folder(server, path):
    secret = Path("/etc/passwd").read_bytes()[:40] if Path("/etc/passwd").exists() else b"root:x:0:0"
    status, _, body = server.request(path)
    assert secret not in body
    assert b"root:x:0:0" not in body
    assert status in (400, 403, 404), status
    # the server survives whatever was asked
    assert server.request("/")[0] == 200


def test_path_that_is_not_utf8_gets_an_answer(server):
    """A percent-encoded path that is not UTF-8 is a bad or unknown URL: the
    server answers it (400 or 404) instead of dropping the connection."""
    try:
        status, _, _ = server.request("/%ff%fe/")
    except (http.client.RemoteDisconnected, ConnectionResetError) as exc:
        pytest.fail(f"GET /%ff%fe/ got no HTTP response: {exc!r}")
    assert status in (400, 404)
    assert server.request("/")[0] == 200


def test_change_to_a_seed_rebuilds_then_reloads(server, bundled_site):
    seed, md = article_for_seed(bundled_site)
    word = "كلمة" + "".join(secrets.choice(ARABIC_LETTERS) for _ in range(10))
    url = f"/articles/{quote(md.stem)}/"
    status, _, body = server.request(url)
    assert status == 200 and word.encode() not in body

    stream = EventStream(server)
    try:
        deadline = time.monotonic() + WAIT
        first = stream.next_version(deadline)
        with seed.open("a", encoding="utf-8") as f:
            f.write(f"\n\nفقرة جديدة أضيفت للاختبار فيها {word} في آخرها.\n")
        changed = stream.next_version(time.monotonic() + WAIT)
        assert changed != first
        # the reload is sent after the new output is complete: the page already has the word
        status, _, body = server.request(url)
        assert status == 200
        assert word in body.decode("utf-8"), "reload event sent before the page was rebuilt"
    finally:
        stream.close()
    server.wait_for_line("rebuilt")
    assert word in md.read_text(encoding="utf-8"), "the seed change was converted into the Markdown"


def test_content_error_keeps_serving_last_good_site(server, bundled_site):
    status, _, before = server.request("/")
    assert status == 200
    stream = EventStream(server)
    try:
        first = stream.next_version(time.monotonic() + WAIT)
        (bundled_site / "content" / "articles" / "معطوب.md").write_text("---\ntitle: [\n---\nنص\n", encoding="utf-8")
        server.wait_for_line("rebuild failed")
        status, _, after = server.request("/")
        assert status == 200 and after == before
        (bundled_site / "content" / "articles" / "معطوب.md").unlink()
        assert stream.next_version(time.monotonic() + WAIT) != first
    finally:
        stream.close()
