"""The preview server in-process, with stand-in rebuilds: what open pages are
told after a failed, a stylesheet-only or an ordinary rebuild, how failures
become ``path:line`` problems, which changes are ignored, and that the
watching and rebuilding threads survive whatever happens."""
from __future__ import annotations

import errno
import json
import time
from pathlib import Path

import jinja2
import pytest
from watchdog.events import FileModifiedEvent

from generator.build import ConvertFailed
from generator.convert import Action
from generator.problems import ContentProblems, JaridaError, Problem
from generator.server import DevServer, Outcome, Reloader, as_outcome, failure_problems, inject, is_ignored
from test_serve import WAIT, EventStream

PAGE = '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><link rel="stylesheet" href="style.css"></head><body><p>{}</p></body></html>\n'


class InProcess:
    """A DevServer over ``tmp_path/site`` whose rebuild runs ``self.next`` (a callable)."""

    def __init__(self, tmp_path: Path):
        self.site = tmp_path / "site"
        self.out = self.site / "build"
        (self.site / "content").mkdir(parents=True)
        self.out.mkdir()
        (self.out / "index.html").write_text(PAGE.format("الأولى"), encoding="utf-8")
        (self.out / "style.css").write_text("p { color: red }\n", encoding="utf-8")
        self.log: list[str] = []
        self.next = lambda: Outcome("1 page")
        self.server = DevServer(self.site, self.out, lambda: self.next(), self.log.append, port=0)
        self.server.start()
        host, port = self.server.httpd.server_address[:2]
        self.host, self.port = host, port

    def request(self, path: str):
        import http.client

        conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


@pytest.fixture
def inproc(tmp_path):
    srv = InProcess(tmp_path)
    try:
        yield srv
    finally:
        srv.server.stop()


def test_any_exception_keeps_the_last_good_site_and_shows_the_problem(inproc):
    stream = EventStream(inproc)
    try:
        version = int(stream.wait_for("version")[1])

        def broken():
            (inproc.out / "index.html").read_text(encoding="utf-8")
            raise RuntimeError("unexpected <script>alert(1)</script> in a converter")

        inproc.next = broken
        assert inproc.server.rebuild_now([inproc.site / "content" / "a.md"]) is False
        name, data = stream.wait_for("build-error", "version")
        assert name == "build-error"
        problems = json.loads(data)
        assert problems == [{"path": "", "line": 0, "warning": False,
                             "message": "RuntimeError: unexpected <script>alert(1)</script> in a converter"}]
        status, body = inproc.request("/")
        assert status == 200 and "الأولى" in body.decode("utf-8")
        assert any(line.startswith("rebuild failed after change to content/a.md") and
                   line.endswith("; the last good site is still served:") for line in inproc.log)
        assert any("Traceback" in line for line in inproc.log), "an unexpected failure shows where it happened"

        def good():
            (inproc.out / "index.html").write_text(PAGE.format("الثانية"), encoding="utf-8")
            return Outcome("1 page")

        inproc.next = good
        assert inproc.server.rebuild_now([inproc.site / "content" / "a.md"]) is True
        assert stream.wait_for("build-ok", "version")[0] == "build-ok"
        name, data = stream.wait_for("version", "css")
        assert name == "version" and int(data) == version + 1
        assert "الثانية" in inproc.request("/")[1].decode("utf-8")
    finally:
        stream.close()


def test_a_rebuild_stopped_by_problems_in_the_content_counts_them_as_a_build_does(inproc):
    def broken():
        raise ContentProblems([Problem("content/articles/a.md", 2, "front matter is not valid YAML"),
                               Problem("content/articles/a.md", 4, "unknown key", warning=True),
                               Problem("content/articles/b.md", 3, "missing 'title'")])

    inproc.next = broken
    assert inproc.server.rebuild_now([inproc.site / "content" / "articles" / "a.md"]) is False
    header = inproc.log[-4]
    assert header.startswith("rebuild failed after change to content/articles/a.md (")
    assert header.endswith("): 2 errors and 1 warning in 2 files; the last good site is still served:")
    assert inproc.log[-3:] == ["content/articles/a.md:2: front matter is not valid YAML",
                               "content/articles/b.md:3: missing 'title'",
                               "content/articles/a.md:4: warning: unknown key"]


def test_messages_reach_the_page_as_text_only():
    """The overlay is built from text nodes: no message is ever parsed as HTML."""
    script = inject(b"<body></body>", 7).decode("utf-8")
    assert "var v=7" in script
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script
    assert "textContent" in script
    assert "تعذّر بناء الموقع" in script
    assert "dir='ltr'" in script.replace('"', "'") or "w.dir='ltr'" in script
    assert script.index("<script>") < script.index("</body>")


def test_stylesheet_only_changes_are_swapped_other_changes_reload(inproc):
    reloader = inproc.server.reloader
    stream = EventStream(inproc)
    try:
        stream.wait_for("version")
        inproc.next = lambda: Outcome("1 page", frozenset(), frozenset({"style.css", "theme/print.css"}))
        inproc.server.rebuild_now([inproc.site / "themes" / "default" / "static" / "style.css"])
        name, data = stream.wait_for("css", "version")
        assert name == "css"
        assert json.loads(data) == {"version": reloader.version, "paths": ["style.css", "theme/print.css"]}

        inproc.next = lambda: Outcome("1 page", frozenset(), frozenset({"style.css", "index.html"}))
        inproc.server.rebuild_now([inproc.site / "content" / "a.md"])
        assert stream.wait_for("css", "version") == ("version", str(reloader.version))

        seq = reloader.seq
        inproc.next = lambda: Outcome("1 page", frozenset(), frozenset())
        inproc.server.rebuild_now([inproc.site / "content" / "a.md"])
        assert reloader.seq == seq, "nothing changed: open pages are left alone"
        assert inproc.log[-1].endswith("nothing changed")

        # output changes unknown: the edited files decide
        inproc.next = lambda: ("1 page", set())
        inproc.server.rebuild_now([inproc.site / "static" / "a.css", inproc.site / "static" / "b.css"])
        assert stream.wait_for("css", "version") == ("css", json.dumps({"version": reloader.version, "paths": []}))
        inproc.server.rebuild_now([inproc.site / "static" / "a.css", inproc.site / "site.toml"])
        assert stream.wait_for("css", "version")[0] == "version"
    finally:
        stream.close()


def test_pages_are_served_with_the_version_they_show(inproc):
    version = inproc.server.reloader.version
    assert f"var v={version};".encode() in inproc.request("/")[1] or f"var v={version},".encode() in inproc.request("/")[1]
    inproc.server.rebuild_now([inproc.site / "content" / "a.md"])
    assert f"var v={version + 1},".encode() in inproc.request("/")[1]
    assert b"__jarida" not in (inproc.out / "index.html").read_bytes()


def test_a_reader_that_falls_behind_gets_the_current_state():
    reloader = Reloader()
    for _ in range(Reloader.KEEP + 5):
        reloader.bump()
    assert reloader.events_after(0, 0) is None
    seq = reloader.seq
    reloader.fail([Problem("content/articles/a.md", 3, "x")])
    assert [name for _, name, _ in reloader.events_after(seq, 0)] == ["build-error"]
    assert reloader.state()[2] == [{"path": "content/articles/a.md", "line": 3, "message": "x", "warning": False}]
    assert reloader.events_after(reloader.seq, 0) == []


def test_failures_become_path_and_line(tmp_path):
    site = tmp_path / "site"
    (site / "themes" / "mine" / "templates").mkdir(parents=True)
    (site / "themes" / "mine" / "templates" / "page.html").write_text("<p>\n{% if %}\n", encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(site / "themes" / "mine" / "templates")))
    with pytest.raises(jinja2.TemplateSyntaxError) as template_error:
        env.get_template("page.html")

    failed = ConvertFailed([Action("unchanged", "seeds/a.txt"),
                            Action("error", "seeds/b.txt", message="seeds/b.txt:3: not UTF-8"),
                            Action("error", "seeds/c.txt", message="seeds/c.txt: empty file")])
    assert failure_problems(failed, site) == [Problem("seeds/b.txt", 3, "not UTF-8"), Problem("seeds/c.txt", 0, "empty file")]

    content_error = JaridaError([Problem(str(site / "content" / "articles" / "x.md"), 2, "missing 'title'"),
                                 Problem("content/articles/y.md", 0, "unknown key", warning=True)])
    assert failure_problems(content_error, site) == [Problem("content/articles/x.md", 2, "missing 'title'"),
                                                     Problem("content/articles/y.md", 0, "unknown key", warning=True)]

    (problem,) = failure_problems(template_error.value, site)
    assert (problem.path, problem.line) == ("themes/mine/templates/page.html", 2)
    assert problem.message.startswith("template error:")

    (problem,) = failure_problems(OSError(errno.EACCES, "Permission denied", str(site / "content" / "z.md")), site)
    assert problem == Problem("content/z.md", 0, "Permission denied")

    assert failure_problems(ValueError("boom"), site) == [Problem("", 0, "ValueError: boom")]


@pytest.mark.parametrize(("rel", "ignored"), [
    ("content/articles/خبر.md", False),
    ("site.toml", False),
    ("themes/default/static/style.css", False),
    ("content/articles/.خبر.md.swp", True),
    ("content/articles/خبر.md.swx", True),
    ("content/articles/خبر.md~", True),
    ("content/articles/.#خبر.md", True),
    ("content/articles/#خبر.md#", True),
    ("content/articles/4913", True),
    ("content/articles/خبر.md.tmp", True),
    ("content/articles/خبر.md___jb_tmp___", True),
    ("build/index.html", True),
    (".git/index", True),
    (".cache/jarida/next-due.txt", True),
    (".build.new-abcd1234/index.html", True),
])
def test_ignored_changes(tmp_path, rel, ignored):
    site = tmp_path / "site"
    assert is_ignored(site / rel, site, site / "build") is ignored
    assert is_ignored(tmp_path / "elsewhere" / "a.md", site, site / "build")


def test_rebuild_results_of_every_shape():
    assert as_outcome(("3 pages", {Path("a")})) == Outcome("3 pages", frozenset({Path("a")}), None)
    assert as_outcome(("3 pages", set(), {"a.css"})).changed == frozenset({"a.css"})
    outcome = Outcome("x", frozenset(), None)
    assert as_outcome(outcome) is outcome


def test_watching_survives_exceptions_and_a_dead_watcher(inproc):
    def explode(path, gone=False, born=False):
        raise RuntimeError("disk on fire")

    handler = inproc.server._handler
    original = inproc.server._changed
    inproc.server._changed = explode
    handler.on_any_event(FileModifiedEvent(str(inproc.site / "content" / "a.md")))  # must not raise
    assert any("disk on fire" in line for line in inproc.log)
    inproc.server._changed = original

    inproc.server.observer.stop()  # as if watchdog's thread had died
    inproc.server.observer.join(timeout=WAIT)
    deadline = time.monotonic() + WAIT
    while not any("restarted" in line for line in inproc.log):
        assert time.monotonic() < deadline, inproc.log
        time.sleep(0.05)
    assert inproc.server.observer.is_alive()

    (inproc.site / "content" / "b.md").write_text("x", encoding="utf-8")
    wait_log(inproc, "after change to content/b.md")


def wait_log(inproc: InProcess, needle: str, start: int = 0) -> int:
    """Wait for a log line from ``start`` on containing ``needle``; its index."""
    deadline = time.monotonic() + WAIT
    while True:
        for index, line in enumerate(inproc.log[start:], start):
            if needle in line:
                return index
        assert time.monotonic() < deadline, f"no {needle!r} in {inproc.log}"
        time.sleep(0.05)


def test_a_save_through_a_temporary_file_names_only_the_saved_file(inproc):
    """``sed -i`` and many editors write a temporary file and move it onto the
    article: the temporary file is no change of its own."""
    import os

    article = inproc.site / "content" / "a.md"
    article.write_text("x", encoding="utf-8")
    seen = wait_log(inproc, "after change to content/a.md")
    tmp = inproc.site / "content" / "sedX1b2c3"
    tmp.write_text("y", encoding="utf-8")
    os.replace(tmp, article)
    seen = wait_log(inproc, "after change to content/a.md", seen + 1)
    assert inproc.log[seen].startswith("rebuilt 1 page after change to content/a.md in "), inproc.log
    # A file that comes and goes between two rebuilds causes none.
    tmp.write_text("z", encoding="utf-8")
    tmp.unlink()
    time.sleep(1.0)
    assert len(inproc.log) == seen + 1, inproc.log


@pytest.mark.parametrize("fails", [False, True], ids=["built", "failed"])
def test_changes_during_the_quiet_period_give_one_rebuild(inproc, fails):
    if fails:
        def broken():
            raise JaridaError([Problem("content/a.md", 2, "front matter is not valid YAML")])

        inproc.next = broken
    for name in ("a.md", "b.md"):
        (inproc.site / "content" / name).write_text("x", encoding="utf-8")
    inproc.server._changed(inproc.site / "content" / "a.md")
    time.sleep(0.03)  # the rebuilding thread has seen the first change and waits for quiet
    inproc.server._changed(inproc.site / "content" / "b.md")
    wait_log(inproc, "content/b.md")
    time.sleep(1.0)
    reports = [line for line in inproc.log if line.startswith(("rebuil", "built"))]
    assert len(reports) == 1 and "content/a.md, content/b.md" in reports[0], inproc.log


def test_a_removed_served_folder_is_built_again(inproc):
    import shutil

    def good():
        inproc.out.mkdir(exist_ok=True)
        (inproc.out / "index.html").write_text(PAGE.format("الثانية"), encoding="utf-8")
        return Outcome("1 page")

    inproc.next = good
    assert inproc.server.rebuild_now() is True
    shutil.rmtree(inproc.out)  # the cache folder it lives in was deleted
    wait_log(inproc, "the served folder was removed; building it again")
    wait_log(inproc, "built 1 page in")
    assert inproc.request("/")[0] == 200


def test_source_folder_removed_and_created_again_is_watched_again(inproc):
    import shutil

    shutil.rmtree(inproc.site / "content")
    seen = wait_log(inproc, "rebuilt 1 page after change to content")
    (inproc.site / "content").mkdir()
    seen = wait_log(inproc, "rebuilt 1 page after change to content", seen + 1)
    (inproc.site / "content" / "again.md").write_text("x", encoding="utf-8")
    wait_log(inproc, "after change to content/again.md", seen + 1)


def test_a_first_build_that_fails_still_shows_the_problem(tmp_path):
    """No site was ever built: missing pages get a small Arabic page that carries
    the script, so the overlay shows and the page reloads once the fix builds."""
    site, out = tmp_path / "site", tmp_path / "site" / "build"
    site.mkdir()
    log: list[str] = []

    def broken():
        raise JaridaError([Problem("content/articles/a.md", 2, "front matter is not valid YAML")])

    server = DevServer(site, out, broken, log.append, port=0)
    try:
        assert server.rebuild_now() is False
        server.start()
        stream = EventStream(type("Address", (), {"host": server.httpd.server_address[0],
                                                  "port": server.httpd.server_address[1]})())
        try:
            assert stream.wait_for("version", "build-error")[0] == "version"
            assert json.loads(stream.wait_for("build-error")[1])[0]["line"] == 2
        finally:
            stream.close()
        import http.client

        conn = http.client.HTTPConnection(*server.httpd.server_address[:2], timeout=WAIT)
        conn.request("GET", "/")
        resp = conn.getresponse()
        body = resp.read().decode("utf-8")
        conn.close()
        assert resp.status == 404 and resp.getheader("Content-Type") == "text/html; charset=utf-8"
        assert 'dir="rtl"' in body and "/__jarida/events" in body
        assert log[0] == "rebuild failed (" + log[0].split("(", 1)[1]
        assert log[0].endswith("; no site is served until a build succeeds:")  # there is no last good site
        assert log[-1] == "content/articles/a.md:2: front matter is not valid YAML"
    finally:
        server.stop()


def test_an_edit_inside_a_linked_folder_rebuilds(inproc, tmp_path):
    """inotify does not follow symbolic links: a folder linked into the sources (a
    shared static/images) is watched where it is, also when linked after the start."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (inproc.site / "static").mkdir()
    (inproc.site / "static" / "images").symlink_to(shared, target_is_directory=True)
    seen = wait_log(inproc, "after change to static")
    time.sleep(0.5)  # the links are looked for again after that rebuild
    (shared / "photo.txt").write_text("x", encoding="utf-8")
    seen = wait_log(inproc, "built 1 page in", seen + 1)
    (shared / "photo.txt").write_text("y", encoding="utf-8")
    seen = wait_log(inproc, "built 1 page in", seen + 1)
    (shared / ".photo.txt.swp").write_text("z", encoding="utf-8")  # an editor's: no change
    time.sleep(1.0)
    assert not [line for line in inproc.log[seen + 1:] if line.startswith("built")], inproc.log


def test_a_scheduled_article_is_built_when_it_falls_due(inproc):
    """The build says when the next scheduled article falls due; the server builds
    again then, without a save, and only once for a time that a build with a fixed
    clock (SOURCE_DATE_EPOCH) gives again."""
    due = time.time() + 0.6
    inproc.next = lambda: Outcome("1 page", due=due)
    assert inproc.server.rebuild_now() is True
    seen = wait_log(inproc, "a scheduled article falls due; building again")
    wait_log(inproc, "built 1 page in", seen + 1)
    time.sleep(1.0)
    assert sum("falls due" in line for line in inproc.log) == 1, inproc.log
