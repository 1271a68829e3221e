"""End-to-end tests of ``jarida serve``: HTTP, path safety and live reload."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import queue
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

#: Where ``jarida serve`` writes the preview (apart from build/).
SERVED = ".cache/jarida/serve"
import yaml

from conftest import REPO_ROOT, copy_site, jarida_env, parse_html

pytestmark = pytest.mark.slow

WAIT = 30  # seconds: the bound of every wait in this module
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


class Server:
    """A ``jarida serve`` subprocess with its stdout read by a thread into a queue."""

    def __init__(self, site: Path, env: dict[str, str] | None = None):
        self.site = site
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.log: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0"],
            cwd=str(REPO_ROOT), env=jarida_env({"PYTHONUNBUFFERED": "1", **(env or {})}),
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


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """One server for the tests that only read: a site with an SVG in static/ and,
    once built, symlinks in the output pointing out of it."""
    site = copy_site(tmp_path_factory.mktemp("serve") / "site")
    (site / "static").mkdir()
    (site / "static" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")
    srv = None
    try:
        srv = Server(site)
        outside = tmp_path_factory.mktemp("outside")
        (outside / "secret.txt").write_text("root:x:0:0 secret outside the output\n", encoding="utf-8")
        (site / SERVED / "leak.txt").symlink_to(outside / "secret.txt")
        (site / SERVED / "leak").symlink_to(outside, target_is_directory=True)
        yield srv
    finally:
        if srv is not None:
            srv.stop()


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
    """The server-sent events of ``/__jarida/events``, read by a thread into a
    queue of ``(name, data)`` as they arrive."""

    def __init__(self, server: Server):
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=WAIT)
        self.conn.request("GET", "/__jarida/events", headers={"Accept": "text/event-stream"})
        self.sock = self.conn.sock  # http.client lets go of it for a "Connection: close" response
        self.resp = self.conn.getresponse()
        self.sock.settimeout(None)  # the reader thread waits as long as the stream is open
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type", "").startswith("text/event-stream")
        self.events: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        name, data = "message", []
        try:
            for raw in self.resp.fp:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif line == "":
                    if data:
                        self.events.put((name, "\n".join(data)))
                    name, data = "message", []
        except (OSError, ValueError):
            pass
        self.events.put(None)

    def next_event(self, deadline: float) -> tuple[str, str]:
        """The next ``(name, data)``, waiting until ``deadline`` (monotonic)."""
        left = deadline - time.monotonic()
        try:
            event = self.events.get(timeout=max(left, 0.01))
        except queue.Empty:
            raise AssertionError(f"no event before the deadline; events so far: {self.seen}") from None
        if event is None:
            raise AssertionError(f"the event stream was closed; events so far: {self.seen}")
        self.seen.append(event)
        return event

    def wait_for(self, *names: str, timeout: float = WAIT) -> tuple[str, str]:
        """The next event named one of ``names``; other events are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            name, data = self.next_event(deadline)
            if name in names:
                return name, data

    def next_version(self, deadline: float) -> int:
        """The ``data:`` of the next ``version`` event, waiting until ``deadline`` (monotonic)."""
        return int(self.wait_for("version", timeout=deadline - time.monotonic())[1])

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # ends the reader thread's read at once
        except OSError:
            pass
        self.resp.close()
        self.conn.close()


def test_front_page_and_article_and_404(server, bundled_site):
    status, headers, body = server.request("/")
    assert status == 200
    assert headers["content-type"].lower().replace(" ", "") == "text/html;charset=utf-8"
    page = parse_html(body)
    assert (page.lang, page.dir) == ("ar", "rtl")
    assert b"/__jarida/events" in body, "the live-reload script is injected"
    assert b"/__jarida/events" not in (bundled_site / SERVED / "index.html").read_bytes(), \
        "the live-reload script must not be written into the output"

    slug = sorted(p.stem for p in (bundled_site / "content" / "articles").glob("*.md"))[0]
    status, headers, body = server.request(f"/articles/{quote(slug)}/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    expected = parse_html((bundled_site / SERVED / "articles" / slug / "index.html").read_bytes())
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


def raw_request(server: Server, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send ``target`` byte for byte over a socket (no client normalises it); status, headers, body."""
    with socket.create_connection((server.host, server.port), timeout=WAIT) as sock:
        sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split(" ", 2)[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize("path", [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/articles/../../../../etc/passwd",
    "/articles/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
    "///etc/passwd",
    "/%2fetc%2fpasswd",
    "/..%5c..%5c..%5cetc%5cpasswd",
    "http://127.0.0.1/../../../../etc/passwd",
    "/leak.txt",
    "/leak/secret.txt",
    "/leak/",
    "/%6c%65%61%6b/secret.txt",
])
def test_no_path_escapes_the_output_folder(reader, path):
    secret = Path("/etc/passwd").read_bytes()[:40] if Path("/etc/passwd").exists() else b"root:x:0:0"
    for method in ("GET", "HEAD"):
        status, _, body = raw_request(reader, path, method)
        assert secret not in body
        assert b"root:x:0:0" not in body and b"secret outside" not in body
        assert status in (400, 403, 404), (method, status)
    # the server survives whatever was asked
    assert reader.request("/")[0] == 200


def test_folder_redirect_stays_on_the_site(reader):
    """A folder asked for without its slash is redirected to a path of this site,
    never to ``//host`` (which a browser would take for another site)."""
    status, headers, _ = raw_request(reader, "//articles")
    assert status == 301
    assert headers["location"] == "/articles/"


@pytest.mark.parametrize(("path", "ctype"), [
    ("/", "text/html; charset=utf-8"),
    ("/theme/style.css", "text/css; charset=utf-8"),
    ("/theme/search.js", "text/javascript; charset=utf-8"),
    ("/search/index.json", "application/json; charset=utf-8"),
    ("/feed.xml", "application/xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/logo.svg", "image/svg+xml; charset=utf-8"),
])
def test_content_types_and_head(reader, path, ctype):
    status, headers, body = reader.request(path)
    assert status == 200
    assert headers["content-type"] == ctype
    assert int(headers["content-length"]) == len(body)
    status, head_headers, head_body = reader.request(path, "HEAD")
    assert status == 200 and head_body == b""
    assert head_headers["content-type"] == ctype
    assert head_headers["content-length"] == headers["content-length"]


def test_arabic_paths_and_the_sites_404_page(reader):
    slug = sorted(p.stem for p in (reader.site / "content" / "articles").glob("*.md"))[-1]
    status, headers, body = reader.request(f"/articles/{quote(slug)}/index.html")
    assert status == 200
    assert b"/__jarida/events" in body
    status, headers, body = reader.request(f"/articles/{quote(slug + 'ـمفقود')}/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "الصفحة غير موجودة" in parse_html(body).title
    assert b"/__jarida/events" in body, "the 404 page reloads too"


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


def test_warnings_are_shown_once_and_again_when_they_change(bundled_site):
    article = sorted((bundled_site / "content" / "articles").glob("*.md"))[0]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\ntitle:", "\ntitel: x\ntitle:", 1), encoding="utf-8")
    srv = Server(bundled_site)
    try:
        [warning] = [line for line in srv.log if "warning:" in line]  # printed before the address
        assert warning.startswith(f"content/articles/{article.name}:2: warning: unknown front matter key 'titel'")
        article.write_text(text.replace("\ntitle:", "\ntitel: x\ntitle:", 1) + "\nفقرة.\n", encoding="utf-8")
        srv.wait_for_line("rebuilt")
        assert sum("warning:" in line for line in srv.log) == 1  # the same warning is not repeated
        article.write_text(text, encoding="utf-8")
        srv.wait_for_line("rebuilt")
        article.write_text(text.replace("\ntitle:", "\ntitel: y\ntitle:", 1), encoding="utf-8")
        srv.wait_for_line("warning: unknown front matter key 'titel'")
    finally:
        srv.stop()


def test_content_error_keeps_serving_last_good_site(server, bundled_site):
    status, _, before = server.request("/")
    assert status == 200
    stream = EventStream(server)
    try:
        stream.next_version(time.monotonic() + WAIT)
        (bundled_site / "content" / "articles" / "معطوب.md").write_text("---\ntitle: [\n---\nنص\n", encoding="utf-8")
        server.wait_for_line("rebuild failed")
        status, _, after = server.request("/")
        assert status == 200 and after == before
        (bundled_site / "content" / "articles" / "معطوب.md").unlink()
        # Fixed: the overlay goes away; the site is the same as before, so no page reloads.
        assert stream.wait_for("build-ok", "version")[0] == "build-ok"
        status, _, again = server.request("/")
        assert status == 200 and again == before
    finally:
        stream.close()


# --------------------------------------------------------------------------- live preview

HAND_SLUG = "مقال-كتب-باليد"
HAND_TAG = "وسم المعاينة الحية"


def hand_article(title: str = "مقال كتب باليد للمعاينة", body: str = "نص المقال كتب باليد.") -> str:
    """A hand-written article (no seed), dated an hour ago so the front page lists it."""
    date = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).replace(microsecond=0).isoformat()
    return f"---\ntitle: {title}\ndate: '{date}'\nauthor: فريق التحرير\ntags:\n- {HAND_TAG}\n---\n\n{body}\n"


def fresh_word() -> str:
    return "كلمة" + "".join(secrets.choice(ARABIC_LETTERS) for _ in range(10))


def linked_slugs(body: bytes) -> set[str]:
    """The article slugs a page links to."""
    return {unquote(h).rstrip("/").rsplit("/", 1)[-1] for h in parse_html(body).hrefs if "articles/" in unquote(h)}


class Live:
    """A served site with a hand-written article, the theme's article template and
    stylesheet copied into the site (to be edited), and an open event stream."""

    def __init__(self, site: Path):
        self.site = site
        self.article = site / "content" / "articles" / f"{HAND_SLUG}.md"
        self.article.write_text(hand_article(), encoding="utf-8")
        theme = site / "themes" / "default"
        (theme / "templates").mkdir(parents=True)
        (theme / "static").mkdir()
        self.template = theme / "templates" / "article.html"
        self.stylesheet = theme / "static" / "style.css"
        shutil.copyfile(REPO_ROOT / "themes" / "default" / "templates" / "article.html", self.template)
        shutil.copyfile(REPO_ROOT / "themes" / "default" / "static" / "style.css", self.stylesheet)
        self.server = Server(site)
        self.stream = EventStream(self.server)
        self.version = int(self.stream.wait_for("version")[1])

    def page(self, url: str) -> tuple[int, bytes]:
        status, _, body = self.server.request(url)
        return status, body

    def after(self, *names: str, url: str = "/") -> tuple[str, str, int, bytes]:
        """Wait for the next event named one of ``names`` and fetch ``url`` at once:
        (event, data, status, body). What the page shows then is what a reload sees."""
        name, data = self.stream.wait_for(*names)
        status, body = self.page(url)
        if name == "version":
            assert int(data) != self.version
            self.version = int(data)
        return name, data, status, body

    def close(self):
        self.stream.close()
        self.server.stop()


@pytest.fixture
def live(bundled_site):
    served = None
    try:
        served = Live(bundled_site)
        yield served
    finally:
        if served is not None:
            served.close()


def article_url(slug: str) -> str:
    return f"/articles/{quote(slug)}/"


def test_edit_of_an_article_reloads_after_the_page_is_rebuilt(live):
    word = fresh_word()
    live.article.write_text(hand_article(body=f"فقرة معدلة فيها {word} للاختبار."), encoding="utf-8")
    _, _, status, body = live.after("version", url=article_url(HAND_SLUG))
    assert status == 200
    assert word in body.decode("utf-8"), "the reload event came before the page was rebuilt"
    line = live.server.wait_for_line("rebuilt")
    assert f"content/articles/{HAND_SLUG}.md" in line and (" ms" in line or " s" in line), line
    count, noun = re.search(r"(\d+) (files?) changed", line).groups()
    assert (noun == "file") == (count == "1"), line


def test_edit_of_a_template_then_a_template_error_then_its_fix(live):
    url = article_url(HAND_SLUG)
    original = live.template.read_text(encoding="utf-8")
    assert '<article class="article">' in original
    live.template.write_text(original.replace('<article class="article">', '<article class="article" data-live="first">'),
                             encoding="utf-8")
    _, _, status, body = live.after("version", url=url)
    assert status == 200 and b'data-live="first"' in body

    lines = original.split("\n")
    broken_line = 15
    lines.insert(broken_line - 1, "{% if %}")
    live.template.write_text("\n".join(lines), encoding="utf-8")
    name, data, status, body = live.after("build-error", url=url)
    problems = json.loads(data)
    assert problems[0]["path"] == "themes/default/templates/article.html"
    assert problems[0]["line"] == broken_line
    assert "template" in problems[0]["message"]
    assert status == 200 and b'data-live="first"' in body, "the last good site stays served"
    live.server.wait_for_line("rebuild failed")
    live.server.wait_for_line(f"themes/default/templates/article.html:{broken_line}:")

    live.template.write_text(original.replace('<article class="article">', '<article class="article" data-live="fixed">'),
                             encoding="utf-8")
    assert live.stream.wait_for("build-ok", "version")[0] == "build-ok", "the overlay is cleared first"
    _, _, status, body = live.after("version", url=url)
    assert status == 200 and b'data-live="fixed"' in body


def test_stylesheet_change_swaps_the_stylesheet_without_a_reload(live):
    rule = ".live-test-" + secrets.token_hex(4) + " { color: rgb(1, 2, 3); }"
    with live.stylesheet.open("a", encoding="utf-8") as f:
        f.write("\n" + rule + "\n")
    name, data, status, body = live.after("css", "version", url="/theme/style.css")
    assert name == "css", "a stylesheet-only change must not reload the page"
    change = json.loads(data)
    assert isinstance(change["version"], int)
    assert set(change["paths"]) <= {"theme/style.css"}
    assert status == 200 and rule.encode() in body, "the event came before the stylesheet was written"
    # the next page load carries the new version, so it does not reload again
    _, page = live.page("/")
    assert f"var v={change['version']}".encode() in page


def test_settings_change_rebuilds_everything(live):
    toml = live.site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('title = "جريدة"', 'title = "جريدة المعاينة"'), encoding="utf-8")
    _, _, status, body = live.after("version", url=article_url(HAND_SLUG))
    assert status == 200 and "جريدة المعاينة" in parse_html(body).title
    assert "site.toml" in live.server.wait_for_line("rebuilt")


def test_deleting_an_article_removes_its_page_and_every_link_to_it(live):
    url = article_url(HAND_SLUG)
    assert live.page(url)[0] == 200
    assert HAND_SLUG in linked_slugs(live.page("/")[1])
    assert HAND_TAG in parse_html(live.page("/tags/")[1]).text
    live.article.unlink()
    _, _, status, _ = live.after("version", url=url)
    assert status == 404
    assert HAND_SLUG not in linked_slugs(live.page("/")[1])
    assert HAND_TAG not in parse_html(live.page("/tags/")[1]).text
    assert HAND_SLUG not in live.page("/feed.xml")[1].decode("utf-8")


def test_renaming_an_article_moves_its_page_and_its_links(live):
    new_slug = "مقال-باسم-جديد"
    live.article.rename(live.article.with_name(f"{new_slug}.md"))
    _, _, status, body = live.after("version", url=article_url(new_slug))
    assert status == 200 and "مقال كتب باليد للمعاينة" in parse_html(body).title
    assert live.page(article_url(HAND_SLUG))[0] == 404
    front = linked_slugs(live.page("/")[1])
    assert new_slug in front and HAND_SLUG not in front


def test_save_by_temporary_file_and_rename_is_seen_and_temporary_files_are_not(live):
    folder = live.article.parent
    temporary = [folder / f".#{live.article.name}", folder / f".{live.article.name}.swp",
                 folder / f"{live.article.name}~", folder / "4913", folder / f"#{live.article.name}#"]
    for path in temporary:  # what editors write beside the file, then remove
        path.write_text("---\ntitle: [\n", encoding="utf-8")
    for path in temporary:
        path.unlink()
    word = fresh_word()
    staged = folder / f"{live.article.name}.tmp"
    staged.write_text(hand_article(body=f"حفظ بملف مؤقت ثم إعادة تسمية {word}."), encoding="utf-8")
    os.replace(staged, live.article)
    _, _, status, body = live.after("version", url=article_url(HAND_SLUG))
    assert status == 200 and word in body.decode("utf-8")
    line = live.server.wait_for_line("rebuilt")
    assert line.count("content/articles/") == 1 and "more" not in line, f"temporary files triggered a rebuild: {line}"
    assert not any(("rebuil" in l or "fail" in l) and (".swp" in l or "4913" in l or "~" in l) for l in live.server.log)


def test_broken_front_matter_shows_the_problem_until_it_is_fixed(live):
    url = article_url(HAND_SLUG)
    _, before = live.page(url)
    live.article.write_text("---\ntitle: [عنوان مكسور\ndate: 2024-01-01\n---\nنص\n", encoding="utf-8")
    _, data, status, body = live.after("build-error", url=url)
    problems = json.loads(data)
    rel = f"content/articles/{HAND_SLUG}.md"
    assert problems and problems[0]["path"] == rel and problems[0]["line"] >= 1, problems
    assert status == 200 and parse_html(body).title == parse_html(before).title, "the last good site stays served"
    live.server.wait_for_line(f"{rel}:{problems[0]['line']}:")

    # a page opened while the problem persists is told at once
    late = EventStream(live.server)
    try:
        assert late.wait_for("version", "build-error")[0] == "version"
        assert json.loads(late.wait_for("build-error", timeout=5)[1]) == problems
    finally:
        late.close()

    word = fresh_word()
    live.article.write_text(hand_article(body=f"أصلحت المقدمة {word}."), encoding="utf-8")
    assert live.stream.wait_for("build-ok", "version")[0] == "build-ok"
    _, _, status, body = live.after("version", url=url)
    assert status == 200 and word in body.decode("utf-8")


def test_many_files_at_once_make_one_rebuild(live):
    """A checkout of many files is one batch: the first rebuild already saw them all."""
    folder = live.article.parent
    for i in range(40):
        (folder / f"دفعة-{i}.md").write_text(hand_article(title=f"مقال الدفعة رقم {i}"), encoding="utf-8")
    _, _, status, _ = live.after("version", url=article_url("دفعة-39"))
    assert status == 200
    line = live.server.wait_for_line("rebuilt")
    assert "more" in line, line


def test_a_fixed_clock_schedules_no_build_for_a_time_it_never_reaches(bundled_site):
    """With SOURCE_DATE_EPOCH the builds' clock stands still: an article dated after it
    (though before now) is said to be not shown, and no build is made for its time."""
    epoch = int(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    (bundled_site / "content" / "articles" / "مقال-بعد-الساعة.md").write_text(
        "---\ntitle: مقال بعد الساعة\ndate: '2021-06-01T09:00:00+00:00'\nauthor: فريق التحرير\n---\n\nنص.\n",
        encoding="utf-8")
    server = Server(bundled_site, {"SOURCE_DATE_EPOCH": str(epoch)})
    try:
        needle = "the next scheduled article falls due at"  # said by the first build, before "Serving"
        line = next((seen for seen in server.log if needle in seen), None) or server.wait_for_line(needle)
        assert "SOURCE_DATE_EPOCH fixes the clock" in line and "preview shows it then" not in line, line
        assert server.request(article_url("مقال-بعد-الساعة"))[0] == 404
        with pytest.raises(AssertionError):  # the time is past by the wall clock: it would build at once
            server.wait_for_line("building again", timeout=3)
        assert server.proc.poll() is None, server.log  # still serving: the quiet was not its exit
    finally:
        server.stop()


def test_a_scheduled_article_appears_in_the_preview_when_it_falls_due(live):
    """An editor schedules an article a few seconds ahead: the server says when it
    falls due and shows it then, with no further save."""
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=4)).replace(microsecond=0)
    path = live.site / "content" / "articles" / "مقال-مجدول.md"
    path.write_text(f"---\ntitle: مقال مجدول\ndate: '{due.isoformat()}'\nauthor: فريق التحرير\n---\n\nنص مجدول.\n",
                    encoding="utf-8")
    live.server.wait_for_line("the next scheduled article falls due at")
    assert live.page(article_url("مقال-مجدول"))[0] == 404
    live.server.wait_for_line("a scheduled article falls due; building again", timeout=WAIT + 6)
    deadline = time.monotonic() + WAIT
    while live.page(article_url("مقال-مجدول"))[0] != 200:
        assert time.monotonic() < deadline, "the scheduled article was not built when due"
        time.sleep(0.1)
