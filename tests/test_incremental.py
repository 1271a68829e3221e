"""Incremental builds: the persistent cache, dependency-aware rebuilds, parallel rendering.

Every incremental build is compared byte for byte with a cold build of the same
sources (a copy of the site without output or cache).
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import random
import re
import shutil
import signal
from pathlib import Path

import pytest

from conftest import copy_site, snapshot, write_fails
from generator import build as build_module
from generator.build import build

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def site(tmp_path) -> Path:
    """The bundled site without its seeds (written in Markdown directly)."""
    root = copy_site(tmp_path / "site")
    shutil.rmtree(root / "seeds")
    return root


def cold(site: Path, tmp_path: Path, **options) -> dict[str, bytes]:
    """A cold build of a copy of ``site`` (no output, no cache); its files."""
    twin = tmp_path / "twin"
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("build", ".cache"))
    build(twin, now=NOW, **options)
    return snapshot(twin / "build")


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def articles(site: Path) -> list[Path]:
    return sorted((site / "content" / "articles").glob("*.md"))


def test_a_rebuild_with_nothing_changed_reads_renders_and_writes_nothing(site):
    first = build(site, now=NOW)
    assert first.parsed == 31 and first.pages <= first.rendered < first.files  # static files are copied
    before = mtimes(site / "build")
    again = build(site, now=NOW)
    assert (again.parsed, again.rendered, again.changed) == (0, 0, frozenset())
    assert (again.pages, again.files) == (first.pages, first.files)
    assert mtimes(site / "build") == before


def test_a_touched_file_is_not_parsed_again(site):
    build(site, now=NOW)
    path = articles(site)[3]
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = build(site, now=NOW)
    assert (report.parsed, report.changed) == (0, frozenset())


def test_one_edited_article_renders_only_the_pages_that_show_it(site, tmp_path):
    first = build(site, now=NOW)
    path = articles(site)[5]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\nفقرة جديدة أضافها المحرر.\n", encoding="utf-8")
    before = mtimes(site / "build")
    report = build(site, now=NOW)
    assert report.parsed == 1
    assert 0 < report.rendered < first.files / 4
    slug = next(p for p in report.changed if p.startswith("articles/")).split("/")[1]
    assert f"articles/{slug}/index.html" in report.changed
    page = (site / "build" / "articles" / slug / "index.html").read_text(encoding="utf-8")
    assert "فقرة جديدة أضافها المحرر." in page
    after = mtimes(site / "build")
    # and the marker file, whose new time tells the cache's records apart (see _write_edits)
    assert {rel for rel in after if after[rel] != before.get(rel)} == set(report.changed) | {".jarida-build"}
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_partial_change_renders_only_the_pages_that_use_it(site, tmp_path):
    build(site, now=NOW)
    bundled = Path(build_module.__file__).resolve().parent.parent / "themes" / "default" / "templates"
    own = site / "themes" / "default" / "templates" / "partials"
    own.mkdir(parents=True)
    pagination = (bundled / "partials" / "pagination.html").read_text(encoding="utf-8")
    (own / "pagination.html").write_text(pagination + "<!-- ترقيم -->\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert report.parsed == 0
    assert report.changed and not any(p.startswith("articles/") for p in report.changed)
    assert all(p.endswith(".html") for p in report.changed)
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.parametrize("change", ["delete", "rename", "title", "settings", "tags", "static"])
def test_incremental_equals_full_rebuild(site, tmp_path, change):
    build(site, now=NOW)
    path = articles(site)[7]
    text = path.read_text(encoding="utf-8")
    if change == "delete":
        path.unlink()
    elif change == "rename":
        path.rename(path.with_name("مقال-منقول.md"))
    elif change == "title":
        path.write_text(text.replace("title:", "title: عاجل -", 1), encoding="utf-8")
    elif change == "settings":
        toml = site / "site.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('title = "جريدة"', 'title = "جريدة الغد"'),
                        encoding="utf-8")
    elif change == "tags":
        assert "tags:\n- " in text
        path.write_text(text.replace("tags:\n", "tags:\n- وسم جديد\n", 1), encoding="utf-8")
    elif change == "static":
        (site / "static").mkdir(exist_ok=True)
        (site / "static" / "favicon.ico").write_bytes(b"\x00\x01icon")
    report = build(site, now=NOW)
    assert report.changed
    full = cold(site, tmp_path)
    assert snapshot(site / "build") == full
    if change == "delete":
        slug = path.stem  # the bundled articles take their slug from the file name
        assert f"articles/{slug}/index.html" in report.changed
        assert not (site / "build" / "articles" / slug).exists()
        from generator.urls import encode

        assert not any(f"articles/{encode(slug)}/".encode() in data for data in full.values())


def new_process() -> None:
    """Forget what this process kept from earlier builds, as a new ``jarida build`` would."""
    from generator import cache, pages, render

    build_module._LAST.clear()
    cache.Store._memory.clear()
    pages._VIEWS.clear()
    render._ENVIRONMENTS.clear()


@pytest.mark.parametrize("fresh", [False, True], ids=["same-process", "new-process"])
def test_random_edits_always_match_a_full_rebuild(site, tmp_path, fresh):
    rng = random.Random(20261201 + fresh)
    build(site, now=NOW)
    for step in range(8):
        if fresh:
            new_process()
        files = articles(site)
        path = rng.choice(files)
        text = path.read_text(encoding="utf-8")
        action = rng.choice(["body", "section", "author", "delete", "add", "draft"])
        if action == "body":
            path.write_text(text + f"\nسطر إضافي رقم {step}.\n", encoding="utf-8")
        elif action == "section":
            path.write_text(text.replace("section:", "section: sport\nold_section:", 1).replace("old_section:", "#", 1)
                            if "section:" in text else text.replace("---\n", "---\nsection: sport\n", 1), encoding="utf-8")
        elif action == "author":
            path.write_text(text.replace("author:", "author: كاتب جديد\nx_author:", 1).replace("x_author:", "#", 1),
                            encoding="utf-8")
        elif action == "delete" and len(files) > 5:
            path.unlink()
        elif action == "add":
            (path.parent / f"جديد-{step}.md").write_text(
                f"---\ntitle: خبر جديد رقم {step}\ndate: 2025-0{step + 1}-02T10:00:00+03:00\ntags: [غزة, اقتصاد]\n---\n"
                f"نص الخبر الجديد رقم {step}.\n", encoding="utf-8")
        elif action == "draft":
            path.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
        build(site, now=NOW)
        assert snapshot(site / "build") == cold(site, tmp_path), f"step {step}: {action} of {path.name}"


def test_cache_deleted_or_damaged_gives_a_cold_build(site, tmp_path):
    build(site, now=NOW)
    expected = snapshot(site / "build")
    (site / ".cache" / "jarida" / "state.pickle").write_bytes(b"not a pickle")
    report = build(site, now=NOW)
    assert report.parsed == 0  # nothing changed: the signature says so
    articles(site)[0].write_text(articles(site)[0].read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert report.parsed == 31  # the damaged cache was ignored
    shutil.rmtree(site / ".cache")
    report = build(site, now=NOW)
    assert report.parsed == 31
    assert snapshot(site / "build") == cold(site, tmp_path)
    assert snapshot(site / "build") != expected


def test_deleted_output_folder_is_rebuilt(site):
    build(site, now=NOW)
    expected = snapshot(site / "build")
    shutil.rmtree(site / "build")
    report = build(site, now=NOW)
    assert report.parsed == 0 and report.pages <= report.rendered < report.files
    assert snapshot(site / "build") == expected


def test_worker_processes_give_the_same_bytes(site, tmp_path, monkeypatch):
    serial = cold(site, tmp_path)
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build_module, "CHUNK", 3)
    report = build(site, now=NOW)
    assert report.parsed == 31
    assert snapshot(site / "build") == serial


def test_worker_processes_store_the_bodies_they_render(site, tmp_path, monkeypatch):
    """Each worker process stores its rendered bodies in the cache itself (two
    writers of one SQLite database); the main process receives none."""
    from generator import cache

    serial = cold(site, tmp_path)
    log = tmp_path / "stored.txt"

    def spy(self, rows, front=(), _put=cache.Store.put_bodies):
        if rows:  # the main process stores the front matter of author profiles, no body
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {len(rows)}\n")
        return _put(self, rows, front)

    monkeypatch.setattr(cache.Store, "put_bodies", spy)
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build_module, "CHUNK", 3)
    build(site, now=NOW)
    stored = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert sum(int(n) for _, n in stored) == 31
    assert str(os.getpid()) not in {pid for pid, _ in stored} and len({pid for pid, _ in stored}) >= 1
    assert snapshot(site / "build") == serial


def test_page_fingerprints_made_by_workers_are_those_the_next_build_compares(site, tmp_path, monkeypatch):
    """A cold build's page fingerprints are made by the processes that render the
    pages; the next build, in a new process, finds them equal to its own."""
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build_module, "CHUNK", 3)
    first = build(site, now=NOW)
    last = build_module._LAST[str((site / "build").resolve())]
    made = {page.path: build_module._page_fp(page, last["templates"], last["common"]) for page in last["planned"]}
    assert made and {path: last["units"][path][0] for path in made} == made
    build_module._LAST.clear()  # as a new process: the plan is made again and compared with the cache
    path = articles(site)[5]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\nفقرة جديدة.\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert 0 < report.rendered < first.files / 4
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_template_error_in_a_worker_names_the_template(site, monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    own = site / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    (own / "article.html").write_text("{% extends 'base.html' %}{% block main %}{{ article.nothing.here }}{% endblock %}\n",
                                      encoding="utf-8")
    from generator.problems import JaridaError

    with pytest.raises(JaridaError) as error:
        build(site, now=NOW)
    assert "article.html" in str(error.value)
    assert not (site / "build").exists()


def test_a_cold_build_makes_the_feeds_in_another_process_while_it_plans(site, tmp_path, monkeypatch):
    """With worker processes, a cold build's feeds and search index are made by one
    forked process (while the pages are planned): the same bytes as a serial build,
    and fingerprints the next builds compare as their own."""
    serial = cold(site, tmp_path)
    serial_outputs = build_module._LAST[str((tmp_path / "twin" / "build").resolve())]["outputs"]
    from generator import feeds, search

    makers = tmp_path / "makers.txt"
    for module, name in ((feeds, "atom_feed"), (feeds, "rss_feed"), (search, "index_from_keys")):
        def spy(*args, _made=getattr(module, name), _name=name, **kwargs):
            with open(makers, "a", encoding="utf-8") as log:
                log.write(f"{_name} {os.getpid()}\n")
            return _made(*args, **kwargs)
        monkeypatch.setattr(module, name, spy)
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build_module, "CHUNK", 3)
    first = build(site, now=NOW)
    assert snapshot(site / "build") == serial
    made = [line.split() for line in makers.read_text(encoding="utf-8").splitlines()]
    assert {name for name, _ in made} == {"atom_feed", "rss_feed", "index_from_keys"}
    assert len({pid for _, pid in made}) == 1 and made[0][1] != str(os.getpid())
    assert sum(name == "atom_feed" for name, _ in made) == sum(1 for rel in serial if rel.endswith("feed.xml"))
    # What the next builds compare with: each file's fingerprint and digest, as a serial build keeps them.
    assert build_module._LAST[str((site / "build").resolve())]["outputs"] == serial_outputs

    build_module._LAST.clear()  # as a new process: fingerprints come from the cache
    path = articles(site)[3]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\nفقرة جديدة.\n", encoding="utf-8")
    edited = build(site, now=NOW)
    assert "feed.xml" in edited.changed
    assert 0 < edited.rendered < first.files / 4
    assert snapshot(site / "build") == cold(site, tmp_path)


def _no_new_tree(site: Path) -> bool:
    return not [p for p in site.iterdir() if p.name.startswith(".build.new-")]


@pytest.mark.parametrize("failure", ["error", "killed"])
def test_a_failure_in_the_feed_process_keeps_the_previous_output(site, monkeypatch, failure):
    build(site, now=NOW)
    before = snapshot(site / "build")
    shutil.rmtree(site / ".cache")  # the next build is a cold one
    from generator import feeds
    from generator.problems import JaridaError, Problem

    def broken(*args, **kwargs):
        if failure == "killed":
            os._exit(9)
        raise JaridaError([Problem("feeds", 0, "the feed could not be made")])

    monkeypatch.setattr(feeds, "rss_feed", broken)
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    with pytest.raises(JaridaError) as error:
        build(site, now=NOW)
    assert ("the feed could not be made" if failure == "error" else "ended unexpectedly (exit code 9") in str(error.value)
    assert snapshot(site / "build") == before and _no_new_tree(site)


def test_a_feed_process_that_cannot_start_leaves_the_feeds_to_the_build(site, tmp_path, monkeypatch):
    """No process can be started (a limit on processes or open files): the feeds
    are made with the pages, and the site is the same."""
    serial = cold(site, tmp_path)

    workers = build_module._Workers

    def refused(count, work, *args, **kwargs):  # the process that writes the feeds cannot start
        if getattr(work, "func", None) is build_module._write_made:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return workers(count, work, *args, **kwargs)

    monkeypatch.setattr(build_module, "_Workers", refused)
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    build(site, now=NOW)
    assert snapshot(site / "build") == serial and _no_new_tree(site)


def test_an_error_while_planning_stops_the_feed_process(site, monkeypatch):
    import multiprocessing
    import time

    from generator import feeds, pages

    def broken(*args, **kwargs):
        raise ValueError("planning failed")

    def slow(*args, _made=feeds.atom_feed, **kwargs):  # the feed process is still at work
        time.sleep(0.05)
        return _made(*args, **kwargs)

    monkeypatch.setattr(pages, "plan", broken)
    monkeypatch.setattr(feeds, "atom_feed", slow)
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    with pytest.raises(ValueError, match="planning failed"):
        build(site, now=NOW)
    assert multiprocessing.active_children() == []
    time.sleep(0.3)  # a process left running would write its next feed (and folders) by now
    assert not (site / "build").exists() and _no_new_tree(site)


def test_an_interrupt_while_parsing_stops_the_workers_at_once(site, tmp_path, monkeypatch):
    """Ctrl-C (or any error) while the workers parse: the chunks still queued are
    not parsed (the main process used to wait for all of them; when Ctrl-C had
    also stopped the workers, it waited for ever)."""
    import multiprocessing
    import time

    from generator import content

    log = tmp_path / "parsed.txt"

    def slow(*args, _parse=content.parse_article, **kwargs):
        with open(log, "a", encoding="utf-8") as out:
            out.write("parsed\n")
        time.sleep(0.05)
        return _parse(*args, **kwargs)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(content, "parse_article", slow)
    monkeypatch.setattr(build_module, "_shared", interrupt)  # on the first parsed article received
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build_module, "CHUNK", 3)
    with pytest.raises(KeyboardInterrupt):
        build(site, now=NOW)
    assert multiprocessing.active_children() == []
    time.sleep(0.5)
    assert len(log.read_text(encoding="utf-8").splitlines()) < 31


def test_sigterm_during_a_cold_build_leaves_no_temporary_tree_and_no_process(tmp_path):
    """``kill`` (SIGTERM) of ``jarida build`` while it plans or renders: the previous
    output stays, the unfinished tree is removed and the worker processes end."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO_ROOT, jarida_env

    root = copy_site(tmp_path / "site")
    shutil.rmtree(root / "seeds")
    folder = root / "content" / "articles"
    originals = sorted(folder.glob("*.md"))
    for copy in range(1, 30):  # about 900 articles: enough for worker processes and a second of work
        for number, path in enumerate(originals):
            text = path.read_text(encoding="utf-8").replace("---\n", f"---\nslug: copy-{copy}-{number}\n", 1)
            (folder / f"copy-{copy}-{number}.md").write_text(text, encoding="utf-8")
    build(root, now=NOW)
    before = snapshot(root / "build")
    shutil.rmtree(root / ".cache")  # the next build is a cold one
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(root)], cwd=REPO_ROOT,
                               env=jarida_env(), start_new_session=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not [p for p in root.iterdir() if p.name.startswith(".build.new-") and (p / ".jarida-build").exists()]:
        if process.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.002)
    time.sleep(0.05)  # planning, or rendering
    if process.poll() is not None:
        pytest.skip("the build ended before its new tree was seen")
    os.kill(process.pid, signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "terminated (SIGTERM)"  # said, as Ctrl-C's "interrupted" is
    time.sleep(0.3)
    assert _no_new_tree(root) and snapshot(root / "build") == before
    left = subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True, text=True).stdout.split()
    assert left == []


@pytest.mark.parametrize("workers", [False, True], ids=["serial", "workers"])
@pytest.mark.parametrize("known", [False, True], ids=["new-file", "cached-file"])
def test_an_article_deleted_during_a_build_is_reported_not_a_traceback(site, tmp_path, monkeypatch, workers, known):
    """An article listed by the build and gone when it is read: a clear problem
    naming it (the previous output stays); the next build does not reuse it."""
    from generator.problems import JaridaError

    victim = articles(site)[4]
    if known:  # in the cache from an earlier build, then edited
        build(site, now=NOW)
        victim.write_text(victim.read_text(encoding="utf-8") + "\nفقرة أخرى.\n", encoding="utf-8")
    before = snapshot(site / "build") if known else None
    signatures = build_module._signatures

    def deleting(*args, **kwargs):  # the file goes once the build has listed it
        signature, parts = signatures(*args, **kwargs)

        def listed():
            found = parts()
            victim.unlink(missing_ok=True)
            return found

        return signature, listed

    monkeypatch.setattr(build_module, "_signatures", deleting)
    if workers:
        monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    with pytest.raises(JaridaError) as error:
        build(site, now=NOW)
    assert f"{victim.name}: could not be read" in str(error.value) and "build again" in str(error.value)
    if known:
        assert snapshot(site / "build") == before
    monkeypatch.setattr(build_module, "_signatures", signatures)
    build(site, now=NOW)  # without it now
    assert snapshot(site / "build") == cold(site, tmp_path)


_DYING_WORKER = """
import datetime as dt, os, sys
from pathlib import Path
from generator import build, content, render
build.PARALLEL_MIN = 1
main = os.getpid()
if sys.argv[2] == "parse":
    parse = content.parse_article
    def dying(*args, **kwargs):
        if os.getpid() != main:
            os._exit(9)  # as the system's out-of-memory killer would end it
        return parse(*args, **kwargs)
    content.parse_article = dying
else:
    call = render.PageRenderer.__call__
    def dying(self, page):
        if os.getpid() != main:
            os._exit(9)
        return call(self, page)
    render.PageRenderer.__call__ = dying
try:
    build.build(Path(sys.argv[1]), now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
except build.JaridaError as exc:
    print(exc)
    sys.exit(3)
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: no worker processes")
@pytest.mark.parametrize("phase", ["parse", "render"])
def test_a_killed_worker_fails_the_build_instead_of_hanging(site, phase):
    """A worker process killed while it parses or renders (by the system, for lack
    of memory): the build stops with a message, where the pool would have waited
    for its task for ever; nothing is left behind."""
    import subprocess
    import sys

    from conftest import REPO_ROOT, jarida_env

    proc = subprocess.run([sys.executable, "-c", _DYING_WORKER, site.name, phase], cwd=site.parent,
                          env=jarida_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    # The message names the site in full, even when it was given as a relative path.
    assert proc.stdout.startswith(f"{site.resolve()}: a worker process of the build ended unexpectedly")
    assert not (site / "build").exists() and _no_new_tree(site)


def test_a_new_tree_deleted_while_it_is_written_is_not_swapped_in(site, monkeypatch):
    """The temporary tree deleted during the build (``git clean -x``): writing
    recreates its folders, but the tree is incomplete; the previous output stays."""
    from generator import output
    from generator.problems import JaridaError

    build(site, now=NOW)
    before = snapshot(site / "build")
    shutil.rmtree(site / ".cache")
    finish = output.finish_tree

    def cleaned(tree, *args, **kwargs):
        shutil.rmtree(tree)
        (tree / "articles").mkdir(parents=True)  # what a later write recreates
        return finish(tree, *args, **kwargs)

    monkeypatch.setattr(output, "finish_tree", cleaned)
    with pytest.raises(JaridaError, match="was deleted while the site was being built"):
        build(site, now=NOW)
    assert snapshot(site / "build") == before and _no_new_tree(site)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_a_build_stopped_while_the_previous_site_is_deleted_keeps_its_record(site, monkeypatch, stop):
    """Ctrl-C (or SIGTERM) while the previous site is being deleted (seconds for a
    large site) comes after the new site and the cache's record of it are saved:
    the build ends as built, with a warning naming the folder left; the next
    build finds nothing to do, and removes the previous site left beside it."""
    from generator import output

    build(site, now=NOW)
    shutil.rmtree(site / ".cache")  # the next build writes a whole new tree and swaps it in

    def interrupted(old):
        assert old.name.startswith(".build.old-") and (old / output.MARKER).exists()
        raise stop(143) if stop is SystemExit else stop()

    monkeypatch.setattr(output, "discard", interrupted)
    report = build(site, now=NOW)
    monkeypatch.undo()
    left = [p for p in site.iterdir() if p.name.startswith(".build.old-")]
    assert len(left) == 1 and (site / "build" / "index.html").exists()
    assert [w.path for w in report.warnings if "the next build deletes it" in w.message] == [str(left[0])]
    again = build(site, now=NOW)
    assert again.parsed == 0 and again.rendered == 0 and not again.changed
    assert not again.warnings
    assert not [p for p in site.iterdir() if p.name.startswith(".build.")]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_between_the_swap_and_the_record_waits_for_the_record(site, monkeypatch, signum):
    """Ctrl-C or SIGTERM just after the new site is swapped in: the cache records it
    first, then the signal stops only the deletion of the previous site."""
    from generator import cli, output

    build(site, now=NOW)
    shutil.rmtree(site / ".cache")  # the next build writes a whole new tree and swaps it in
    finish = output.finish_tree

    def signalled(*args, **kwargs):
        previous = finish(*args, **kwargs)
        os.kill(os.getpid(), signum)  # held back until the record is saved
        return previous

    monkeypatch.setattr(output, "finish_tree", signalled)
    replaced = cli._stop_on_sigterm()  # SIGTERM raises SystemExit, as in the command
    # Ctrl-C raises KeyboardInterrupt, as in a terminal (a process started in the background
    # by a shell inherits SIGINT ignored).
    interrupting = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        report = build(site, now=NOW)
    finally:
        signal.signal(signal.SIGTERM, replaced)
        signal.signal(signal.SIGINT, interrupting)
    monkeypatch.undo()
    assert [w for w in report.warnings if "the next build deletes it" in w.message]
    again = build(site, now=NOW)
    assert again.parsed == 0 and again.rendered == 0 and not again.changed
    assert not [p for p in site.iterdir() if p.name.startswith(".build.")]


def test_a_cache_record_stopped_while_it_is_written_leaves_no_temporary_file(site, monkeypatch):
    import pickle

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pickle, "dump", stopped)
    with pytest.raises(KeyboardInterrupt):
        build(site, now=NOW)
    monkeypatch.undo()
    assert not [p for p in (site / ".cache").rglob("*.tmp")]
    assert build(site, now=NOW).pages > 0


def test_a_cache_that_cannot_be_written_is_reported(site, monkeypatch):
    """The cache fails again after being made afresh (a full disk): a message, not a traceback."""
    from generator import cache
    from generator.problems import JaridaError

    def full(self, rows, front=()):
        raise cache.CacheDamaged("database or disk is full")

    monkeypatch.setattr(cache.Store, "put_bodies", full)
    with pytest.raises(JaridaError, match=r"cache cannot be used \(database or disk is full\); free some disk space"):
        build(site, now=NOW)
    assert not (site / "build").exists()


def test_the_time_moves_on_news_sitemap_and_schedule(site, tmp_path):
    """A rebuild later in time with no file changed still rebuilds what depends on the time."""
    path = articles(site)[0]
    text = path.read_text(encoding="utf-8")
    import re

    path.write_text(re.sub(r"^date: .*$", "date: 2026-01-05T08:00:00+00:00", text, count=1, flags=re.M), encoding="utf-8")
    first = build(site, now=NOW)
    assert first.next_due == dt.datetime(2026, 1, 5, 8, tzinfo=dt.timezone.utc)
    later = NOW + dt.timedelta(days=5)
    report = build(site, now=later)
    assert report.changed
    twin = tmp_path / "twin"
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("build", ".cache"))
    build(twin, now=later)
    assert snapshot(site / "build") == snapshot(twin / "build")


def test_seeds_are_converted_only_when_they_change(tmp_path):
    site = copy_site(tmp_path / "site")
    first = build(site, now=NOW)
    assert len(first.actions) == 31
    article = articles(site)[2]
    article.write_text(article.read_text(encoding="utf-8") + "\nتعديل المحرر.\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert report.actions == [] and report.parsed == 1  # the seeds did not change: no conversion
    seed = sorted((site / "seeds").glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nفقرة جديدة في المصدر.\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert [a.kind for a in report.actions].count("update") == 1
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_bodies_missing_from_the_cache_give_a_cold_build(site, tmp_path):
    build(site, now=NOW)
    import sqlite3

    with sqlite3.connect(site / ".cache" / "jarida" / "bodies.sqlite") as db:
        db.execute("DELETE FROM bodies")
    articles(site)[1].write_text(articles(site)[1].read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert report.parsed == 31
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_build_killed_while_writing_in_place_is_repaired_by_the_next(site, tmp_path, monkeypatch):
    build(site, now=NOW)
    path = articles(site)[4]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:", "title: عاجل -", 1), encoding="utf-8")
    from generator import output

    real = output.update_in_place

    def killed(out, files, copies, removed):  # writes half the files, then the process "dies"
        half = dict(list(files.items())[: len(files) // 2])
        real(out, half, {}, set())
        last = out / list(files)[-1]
        last.with_name(f".{last.name}.jarida-tmp").write_bytes(b"")  # the file being written when killed
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "update_in_place", killed)
    with pytest.raises(KeyboardInterrupt):
        build(site, now=NOW)
    monkeypatch.setattr(output, "update_in_place", real)
    build_module._LAST.clear()
    from generator import cache

    cache.Store._memory.clear()  # as a new process would
    path.write_text(text, encoding="utf-8")  # the editor takes the change back
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT, errno.EACCES], ids=["ENOSPC", "EDQUOT", "EACCES"])
def test_a_build_that_cannot_write_a_file_in_place_leaves_the_output_as_it_was(site, tmp_path, monkeypatch, error):
    """A full disk (or quota) or a folder that cannot be written, met after some files of a small
    rebuild were written: none of them replaces its file (the front page would link
    to a renamed article never written), the error names the file, no temporary
    file or new folder is left, and the next build gives the site of a cold build."""
    from generator import output
    from generator.problems import JaridaError

    build(site, now=NOW)
    before = snapshot(site / "build")
    renamed = articles(site)[3].rename(site / "content" / "articles" / "مقال-باسم-جديد.md")
    path = articles(site)[5]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:", "title: عاجل -", 1), encoding="utf-8")
    real, calls = output.put, []

    def failing(folder, rel, data):
        calls.append(rel)
        if len(calls) == 4:
            raise OSError(error, os.strerror(error), str(folder / rel))
        real(folder, rel, data)

    monkeypatch.setattr(output, "put", failing)
    with pytest.raises(JaridaError) as caught:
        build(site, now=NOW)
    assert len(calls) == 4  # three files were written before the failure
    [problem] = caught.value.problems
    assert problem.path == "build/" + calls[-1].replace("/.index.html.jarida-tmp", "/index.html")  # from the site root
    assert "left as it was" in problem.message
    assert ("free some disk space" if error != errno.EACCES else "make the file and its folder writable") in \
        problem.message
    assert snapshot(site / "build") == before
    assert not [p for p in (site / "build").rglob("*") if ".jarida-tmp" in p.name]
    assert not (site / "build" / "articles" / "مقال-باسم-جديد").exists()
    monkeypatch.setattr(output, "put", real)
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)
    assert renamed.exists()


@pytest.mark.parametrize("refused", ["a page to replace", "a page to remove", "a rename halfway"])
def test_a_build_that_cannot_replace_or_remove_a_file_in_place_leaves_the_output_as_it_was(site, tmp_path,
                                                                                           monkeypatch, refused):
    """A page that cannot be changed (``chattr +i`` on it, or on its folder), met once
    every new file is written: no page is replaced, no temporary file or new folder
    is left, and the next build gives the site of a cold build."""
    from generator import output
    from generator.problems import JaridaError

    build(site, now=NOW)
    before = snapshot(site / "build")
    moved, edited = articles(site)[3], articles(site)[5]
    stuck = site / "build" / "articles" / (moved.stem if refused == "a page to remove" else edited.stem) / "index.html"
    assert stuck.is_file()
    moved.rename(site / "content" / "articles" / "مقال-باسم-جديد.md")
    edited.write_text(edited.read_text(encoding="utf-8").replace("title:", "title: عاجل -", 1), encoding="utf-8")
    real = {"link": os.link, "rename": os.rename, "replace": os.replace}
    renames: list = []

    def refuse(name):
        def call(source, *args, **kwargs):
            if name == "replace" and ".jarida-tmp" in str(source):  # the new files renamed in: the third fails
                renames.append(source)
                if len(renames) == 3:
                    raise OSError(errno.EIO, "Input/output error", str(source))
            elif Path(source) == stuck and refused != "a rename halfway":
                raise PermissionError(errno.EPERM, "Operation not permitted", str(source))
            return real[name](source, *args, **kwargs)
        return call

    for name in real:
        monkeypatch.setattr(output.os, name, refuse(name))
    with pytest.raises(JaridaError) as caught:
        build(site, now=NOW)
    [problem] = caught.value.problems
    assert problem.message.startswith("cannot be " + ("removed" if refused == "a page to remove" else "replaced"))
    assert len(renames) == (3 if refused == "a rename halfway" else 0)
    assert "left as it was" in problem.message
    assert snapshot(site / "build") == before
    assert not [p for p in (site / "build").rglob("*") if p.name.endswith((".jarida-tmp", ".jarida-old"))]
    assert not (site / "build" / "articles" / "مقال-باسم-جديد").exists()
    monkeypatch.undo()
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


def _rename_fails(monkeypatch, failing) -> None:
    """Make ``os.rename`` in :mod:`generator.output` raise ENOSPC (a full disk: a
    folder that needs another block for a name) when ``failing(source, target)``
    (two paths) is true."""
    from generator import output

    rename = os.rename

    def refused(source, target, **kwargs):
        if failing(Path(source), Path(target)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        rename(source, target, **kwargs)

    monkeypatch.setattr(output.os, "rename", refused)


def _settings_changed(site: Path) -> None:
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('title = "جريدة"', 'title = "جريدة الغد"'),
                    encoding="utf-8")


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT, errno.EACCES], ids=["ENOSPC", "EDQUOT", "EACCES"])
@pytest.mark.parametrize("previous", [False, True], ids=["first build", "settings change"])
def test_a_whole_build_that_cannot_write_a_file_names_it_and_removes_its_new_tree(site, tmp_path, monkeypatch,
                                                                                   error, previous):
    """A full disk (or a quota, or a folder that cannot be written) met while a whole
    new site is written into its temporary folder: the error names the file as it
    would be in build/, not in the temporary folder, with the reason and what to do;
    the temporary folder is removed and build/ is as it was."""
    from generator.problems import JaridaError

    if previous:
        build(site, now=NOW)
        _settings_changed(site)  # every page changes: a whole new tree
    before = snapshot(site / "build") if previous else None
    claim = tmp_path / "failed.txt"
    write_fails(monkeypatch, error, claim, lambda rel: rel.startswith("tags/") and not rel.isascii())
    with pytest.raises(JaridaError) as caught:
        build(site, now=NOW)
    [problem] = caught.value.problems
    rel = claim.read_text(encoding="utf-8")
    assert problem.path == f"build/{rel}"  # from the site root, as the user knows it
    kept = "the site in build was left as it was" if previous else "nothing was written to build"
    advice = "free some disk space" if error != errno.EACCES else f"make {site.absolute()} writable"
    assert problem.message == f"cannot be written ({os.strerror(error)}); {kept}: {advice}, then build again"
    assert caught.value.exit_code == 1
    assert _no_new_tree(site)
    assert snapshot(site / "build") == before if previous else not (site / "build").exists()
    monkeypatch.undo()
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: no worker processes")
@pytest.mark.parametrize("writer", ["pages", "feeds"])
def test_a_worker_process_that_cannot_write_a_file_names_it(site, tmp_path, monkeypatch, writer):
    """A full disk met by a worker process of a cold build (one that renders pages, or
    the one that makes the feeds): the same message naming the file in build/; the
    workers end and the temporary folder is removed."""
    import multiprocessing

    from generator.problems import JaridaError

    build(site, now=NOW)
    before = snapshot(site / "build")
    shutil.rmtree(site / ".cache")  # the next build is a cold one, with workers
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build_module, "CHUNK", 3)
    main, claim = os.getpid(), tmp_path / "failed.txt"
    write_fails(monkeypatch, errno.ENOSPC, claim,
                 lambda rel: os.getpid() != main and rel.endswith("rss.xml" if writer == "feeds" else ".html"))
    with pytest.raises(JaridaError) as caught:
        build(site, now=NOW)
    [problem] = caught.value.problems
    rel = claim.read_text(encoding="utf-8")
    assert problem.path == f"build/{rel}"
    assert problem.message == ("cannot be written (No space left on device); the site in build was left as it "
                               "was: free some disk space, then build again")
    assert multiprocessing.active_children() == []
    assert _no_new_tree(site) and snapshot(site / "build") == before


@pytest.mark.parametrize("step", ["folder", "marker"])
def test_a_new_tree_that_cannot_be_made_names_the_output_folder(site, tmp_path, monkeypatch, step):
    """The temporary folder of a whole build cannot be made (the folder that holds
    build/ cannot be written) or its marker file cannot be written (a full disk):
    the error names build/ or its marker, never the temporary folder, which is removed."""
    import tempfile

    from generator import output
    from generator.problems import JaridaError

    if step == "folder":
        def refused(*args, **kwargs):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        monkeypatch.setattr(tempfile, "mkdtemp", refused)
    else:
        write_fails(monkeypatch, errno.ENOSPC, tmp_path / "failed.txt", lambda rel: rel == output.MARKER)
    with pytest.raises(JaridaError) as caught:
        build(site, now=NOW)
    [problem] = caught.value.problems
    assert str(problem) == (f"build: cannot be written (Permission denied); nothing was written to build: make "
                            f"{site.absolute()} writable, then build again" if step == "folder" else
                            "build/.jarida-build: cannot be written (No space left on device); nothing was written "
                            "to build: free some disk space, then build again")
    assert not (site / "build").exists() and _no_new_tree(site)


@pytest.mark.parametrize("step", ["kept file", "swap"])
def test_a_whole_build_that_cannot_swap_its_tree_in_names_what_failed(site, monkeypatch, step):
    """The new tree is complete, but a file of build/ kept across builds (CNAME)
    cannot be copied into it, or build/ cannot be moved aside for it (a full disk,
    on a system without an atomic exchange): the error names build/CNAME or build/,
    the temporary folder is removed and build/ is as it was."""
    from generator import output
    from generator.problems import JaridaError

    build(site, now=NOW)
    (site / "build" / "CNAME").write_text("akhbar.example\n", encoding="utf-8")
    before = snapshot(site / "build")
    _settings_changed(site)
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if step == "kept file":
        def refused(source, target):
            raise full
        monkeypatch.setattr(output, "_link_or_copy", refused)
    else:
        monkeypatch.setattr(output, "_exchange", lambda a, b: False)
        _rename_fails(monkeypatch, lambda source, target: source == (site / "build").resolve())
    with pytest.raises(JaridaError) as caught:
        build(site, now=NOW)
    [problem] = caught.value.problems
    assert str(problem) == ("build/CNAME: cannot be copied into the new site" if step == "kept file" else
                            "build: cannot be replaced") + (" (No space left on device); the site in build was left "
                                                           "as it was: free some disk space, then build again")
    assert snapshot(site / "build") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".build.")] == []  # no new tree, no folder for the old


@pytest.mark.parametrize("back", [True, False], ids=["put back", "not put back"])
def test_a_swap_without_an_atomic_exchange_that_fails_halfway_puts_the_previous_site_back(site, monkeypatch, back):
    """Where the system has no atomic exchange of two folders, build/ is moved aside
    before the new site is renamed in: when that rename fails (a full disk), the
    previous site is moved back, the error says so, and no folder is left beside it;
    should the way back fail too, the error says where the previous site is."""
    from generator import output
    from generator.problems import JaridaError

    build(site, now=NOW)
    (site / "build" / "CNAME").write_text("akhbar.example\n", encoding="utf-8")
    before = snapshot(site / "build")
    _settings_changed(site)
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    _rename_fails(monkeypatch, lambda source, target: target == (site / "build").resolve()
                  and (source.name.startswith(".build.new-") or not back))
    with pytest.raises(JaridaError) as caught:
        build(site, now=NOW)
    [problem] = caught.value.problems
    left = [p.name for p in site.iterdir() if p.name.startswith(".build.")]
    if back:
        assert str(problem) == ("build: cannot be replaced (No space left on device); the site in build was left as "
                                "it was: free some disk space, then build again")
        assert snapshot(site / "build") == before and left == []
    else:
        [old] = left
        assert str(problem) == (f"build: cannot be replaced, and the previous site could not be put back (No space "
                                f"left on device): it is in {old}/site; move it back to build by hand before you "
                                "build again")
        assert not (site / "build").exists() and snapshot(site / old / "site") == before


def test_a_swap_whose_previous_site_cannot_be_renamed_after_the_exchange_is_built(site, tmp_path, monkeypatch):
    """The atomic exchange put the new site in place, but the folder now holding the
    previous one cannot be given its name for deletion: the build is done all the
    same (no error saying the site was left as it was), and nothing is left beside it."""
    build(site, now=NOW)
    _settings_changed(site)
    _rename_fails(monkeypatch, lambda source, target: target.name.startswith(".build.old-"))
    build(site, now=NOW)
    assert [p.name for p in site.iterdir() if p.name.startswith(".build.")] == []
    monkeypatch.undo()
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_small_rebuild_on_a_file_system_without_hard_links_replaces_its_files(site, tmp_path, monkeypatch):
    """An output folder on FAT (a USB drive) refuses hard links with EPERM: the files
    are replaced all the same."""
    from generator import output

    build(site, now=NOW)
    edited = articles(site)[5]
    edited.write_text(edited.read_text(encoding="utf-8").replace("title:", "title: عاجل -", 1), encoding="utf-8")

    def no_links(source, target, *args, **kwargs):
        raise PermissionError(errno.EPERM, "Operation not permitted", str(source))

    monkeypatch.setattr(output.os, "link", no_links)
    assert build(site, now=NOW).changed
    monkeypatch.undo()
    assert snapshot(site / "build") == cold(site, tmp_path)
    assert not [p for p in (site / "build").rglob("*") if p.name.endswith((".jarida-tmp", ".jarida-old"))]
    # a rename that fails halfway there: the pages already replaced (their old bytes were not kept) stay
    before = set(snapshot(site / "build"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: عاجل -", "title: عاجل جدا -", 1),
                      encoding="utf-8")
    real, calls = os.replace, []

    def failing(source, target, *args, **kwargs):
        if ".jarida-tmp" in str(source):
            calls.append(source)
            if len(calls) == 2:
                raise OSError(errno.EIO, "Input/output error", str(source))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(output.os, "link", no_links)
    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(Exception):
        build(site, now=NOW)
    monkeypatch.undo()
    assert len(calls) == 2 and set(snapshot(site / "build")) == before  # no page lost


def test_an_earlier_build_time_is_not_taken_for_no_change(site, tmp_path):
    build(site, now=NOW + dt.timedelta(days=3000))
    report = build(site, now=NOW)
    assert report.changed
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_bodies_database_gives_a_cold_build(site, tmp_path, damage):
    build(site, now=NOW)
    db = site / ".cache" / "jarida" / "bodies.sqlite"
    if damage == "garbage":
        db.write_bytes(os.urandom(5000))
    else:
        db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    articles(site)[2].write_text(articles(site)[2].read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.parametrize("damage", ["checksum", "truncated", "garbage", "stamp"])
def test_damaged_compiled_templates_are_compiled_again(site, tmp_path, damage):
    """The compiled templates in .cache/jarida/templates/ (Jinja2's bytecode cache):
    a damaged file is a template compiled again, never a failed build."""
    from generator import render

    build(site, now=NOW)
    folder = site / ".cache" / "jarida" / "templates"
    compiled = sorted(folder.glob("__jinja2_*.cache"))
    assert compiled
    for path in compiled:
        data = path.read_bytes()
        if damage == "checksum":  # the pickled checksum after Jinja2's magic header
            path.write_bytes(data[:40] + os.urandom(30) + data[70:])
        elif damage == "truncated":
            path.write_bytes(data[:20])
        elif damage == "garbage":
            path.write_bytes(os.urandom(len(data)))
    if damage == "stamp":
        (folder / "made-by.txt").write_bytes(b"\xff\xfe")
    render._ENVIRONMENTS.clear()  # as a new process would
    build_module._LAST.clear()
    settings = site / "site.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("per_page = 10", "per_page = 7"), encoding="utf-8")
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.parametrize("named", ["absolute", "dotdot"])
def test_a_damaged_record_of_writes_never_deletes_outside_the_output(site, tmp_path, named):
    """writing.json names the output files a killed build was replacing; one that
    names a path outside the output folder is never deleted."""
    build(site, now=NOW)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    beside = site / "victim.txt"
    beside.write_text("keep", encoding="utf-8")
    names = [str(victim)] if named == "absolute" else ["../victim.txt", "articles/../../victim.txt"]
    (site / ".cache" / "jarida" / "writing.json").write_text(json.dumps([*names, "index.html"]), encoding="utf-8")
    build_module._LAST.clear()
    articles(site)[1].write_text(articles(site)[1].read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    build(site, now=NOW)
    assert victim.read_text(encoding="utf-8") == "keep" and beside.read_text(encoding="utf-8") == "keep"
    beside.unlink()
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_fresh_record_of_the_wrong_shape_is_ignored(site):
    build(site, now=NOW)
    (site / ".cache" / "jarida" / "fresh.json").write_text("[1]", encoding="utf-8")
    report = build(site, now=NOW)
    assert report.changed == frozenset()


def test_files_deleted_from_the_output_come_back_with_the_next_change(site, tmp_path):
    build(site, now=NOW)
    (site / "build" / "index.html").unlink()
    (site / "build" / "theme" / "style.css").unlink()
    articles(site)[6].write_text(articles(site)[6].read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.parametrize("removed", ["everything visible", "an article's folder", "the front page", "an article's page",
                                     "a tag's feed"])
def test_output_deleted_by_hand_comes_back_with_the_next_build_of_an_unchanged_site(site, removed):
    build(site, now=NOW)
    expected = snapshot(site / "build")
    if removed == "everything visible":  # rm -rf build/*: the hidden marker file stays
        for entry in (site / "build").iterdir():
            if not entry.name.startswith("."):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    elif removed == "an article's folder":
        shutil.rmtree(next((site / "build" / "articles").iterdir()))
    elif removed == "an article's page":  # deep inside: no folder directly in build/ changes
        next((site / "build" / "articles").iterdir()).joinpath("index.html").unlink()
    elif removed == "a tag's feed":
        next((site / "build" / "tags").glob("*/feed.xml")).unlink()
    else:
        (site / "build" / "index.html").unlink()
    report = build(site, now=NOW)
    assert report.changed and snapshot(site / "build") == expected
    assert build(site, now=NOW).changed == frozenset()


def test_a_touched_static_file_is_not_copied_again(site):
    (site / "static").mkdir()
    (site / "static" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    build(site, now=NOW)
    os.utime(site / "static" / "logo.svg", ns=(10**18, 10**18))
    articles(site)[6].write_text(articles(site)[6].read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert "logo.svg" not in report.changed


@pytest.mark.parametrize("what", ["static", "theme", "article"])
def test_an_edit_that_keeps_the_size_and_puts_the_time_back_is_seen(site, tmp_path, what):
    """A file written with the same number of bytes and given its old modification time
    back (``cp -p``, ``rsync -t``, an archive unpacked over the site): its change time
    tells, so the rebuild gives the site of a cold build."""
    (site / "static").mkdir()
    (site / "static" / "note.txt").write_text("AAAA", encoding="utf-8")
    build(site, now=NOW)
    path = {"static": site / "static" / "note.txt",
            "theme": site / "themes" / "default" / "static" / "style.css",
            "article": articles(site)[2]}[what]
    if not path.exists():  # the bundled theme, copied in to be edited
        from generator.theme import BUNDLED_THEMES

        shutil.copytree(BUNDLED_THEMES / "default", site / "themes" / "default")
        build(site, now=NOW)
    old, st = path.read_bytes(), path.stat()
    new = {"static": old.replace(b"A", b"B"), "theme": old.replace(b"#000", b"#111", 1),
           "article": old.replace("ا".encode(), "و".encode(), 1)}[what]
    assert new != old and len(new) == len(old)
    path.write_bytes(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert build(site, now=NOW).changed
    assert snapshot(site / "build") == cold(site, tmp_path)


def edit_body(path: Path, line: str = "فقرة جديدة أضافها المحرر.") -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{line}\n", encoding="utf-8")


def test_a_body_edit_in_a_new_process_plans_only_its_page(site, tmp_path, monkeypatch):
    """``jarida build`` after an editor saved an article: only that article's page and
    the feeds that carry it are planned and rendered, from the cached records."""
    first = build(site, now=NOW)
    new_process()
    from generator import pages

    def no_plan(*args, **kwargs):
        raise AssertionError("the whole site was planned")

    monkeypatch.setattr(pages, "plan", no_plan)
    path = articles(site)[5]
    edit_body(path)
    report = build(site, now=NOW)
    assert report.parsed == 1 and report.rendered <= 20
    assert (report.pages, report.files) == (first.pages, first.files)
    slug = next(p for p in report.changed if p.startswith("articles/")).split("/")[1]
    assert "فقرة جديدة أضافها المحرر." in (site / "build" / "articles" / slug / "index.html").read_text(encoding="utf-8")
    assert any(p.endswith("/feed.xml") for p in report.changed)  # its tags' feeds carry its body
    monkeypatch.undo()
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_body_edit_in_a_new_process_after_the_output_expired_plans_everything(site, tmp_path):
    """When a scheduled article falls due between two builds, the edit takes the full way."""
    import re

    path = articles(site)[0]
    path.write_text(re.sub(r"^date: .*$", "date: 2026-01-05T08:00:00+00:00", path.read_text(encoding="utf-8"),
                           count=1, flags=re.M), encoding="utf-8")
    build(site, now=NOW)
    new_process()
    edit_body(articles(site)[3])
    later = NOW + dt.timedelta(days=6)
    report = build(site, now=later)
    assert report.rendered > 20
    twin = tmp_path / "twin"
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("build", ".cache"))
    build(twin, now=later)
    assert snapshot(site / "build") == snapshot(twin / "build")


@pytest.mark.parametrize("change", ["draft", "profile", "output", "template"])
def test_a_body_edit_in_a_new_process_with_another_change(site, tmp_path, change):
    """A body edit together with any other kind of change gives the same bytes as a cold build."""
    build(site, now=NOW)
    new_process()
    edit_body(articles(site)[8])
    if change == "draft":
        path = articles(site)[9]
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
        build(site, now=NOW)
        new_process()
        edit_body(path, "تعديل في مسودة.")
    elif change == "profile":
        authors = site / "content" / "authors"
        authors.mkdir(exist_ok=True)
        (authors / "profile.md").write_text("---\nname: كاتب جديد\n---\nنبذة عن الكاتب.\n", encoding="utf-8")
    elif change == "output":
        (site / "build" / "tags" / "index.html").unlink()
    elif change == "template":
        own = site / "themes" / "default" / "templates"
        own.mkdir(parents=True)
        bundled = Path(build_module.__file__).resolve().parent.parent / "themes" / "default" / "templates"
        (own / "article.html").write_text((bundled / "article.html").read_text(encoding="utf-8") + "<!-- x -->\n",
                                          encoding="utf-8")
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.slow
def test_a_body_edit_rebuilt_by_the_command_matches_a_cold_build(site, tmp_path):
    """As an editor does it: ``jarida build``, save an article, ``jarida build`` again."""
    import subprocess
    import sys

    env = dict(os.environ, SOURCE_DATE_EPOCH=str(int(NOW.timestamp())))
    command = [sys.executable, "-m", "generator", "build", "--site", str(site)]
    subprocess.run(command, check=True, env=env, capture_output=True)
    edit_body(articles(site)[12])
    done = subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    assert "nothing changed" not in done.stdout
    twin = tmp_path / "twin"
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("build", ".cache"))
    subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(twin)], check=True, env=env,
                   capture_output=True)
    assert snapshot(site / "build") == snapshot(twin / "build")


def test_body_edits_in_new_processes_save_only_what_changed(site, tmp_path):
    """Small rebuilds save their cache entries beside ``state.pickle``; an edit and its
    undoing, each in a new process, give the bytes of a cold build."""
    build(site, now=NOW)
    state = site / ".cache" / "jarida" / "state.pickle"
    edits = site / ".cache" / "jarida" / "state-edits.pickle"
    written = state.stat().st_mtime_ns
    path = articles(site)[10]
    original = path.read_text(encoding="utf-8")
    for step in range(3):
        new_process()
        edit_body(path, f"تعديل رقم {step}.")
        build(site, now=NOW)
        assert edits.exists() and state.stat().st_mtime_ns == written
        assert snapshot(site / "build") == cold(site, tmp_path)
    new_process()
    path.write_text(original, encoding="utf-8")  # back to the text of the first build
    report = build(site, now=NOW)
    assert f"articles/{path.stem}/index.html" in report.changed
    assert snapshot(site / "build") == cold(site, tmp_path)


@pytest.mark.parametrize("lost", ["state-edits.pickle", "both"])
def test_a_lost_edits_record_never_leaves_stale_pages(site, tmp_path, lost):
    """The record of small rebuilds is lost (deleted by hand, a backup restored without
    it): state.pickle alone describes the site before those edits. An edit undone
    afterwards must still reach the site, not be taken for "nothing changed"."""
    build(site, now=NOW)
    path = articles(site)[10]
    original = path.read_text(encoding="utf-8")
    new_process()
    edit_body(path, "نص جديد مؤقت.")
    build(site, now=NOW)
    (site / ".cache" / "jarida" / "state-edits.pickle").unlink()
    if lost == "both":
        (site / ".cache" / "jarida" / "fresh.json").unlink()
    new_process()
    path.write_text(original, encoding="utf-8")
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)
    new_process()
    assert build(site, now=NOW).rendered == 0  # and the next build trusts the site again


def test_an_edits_file_older_than_the_state_is_ignored(site, tmp_path):
    """A full save that was killed before it removed the edits file (which it includes)."""
    build(site, now=NOW)
    new_process()
    edit_body(articles(site)[10])
    build(site, now=NOW)
    cache_dir = site / ".cache" / "jarida"
    stale = (cache_dir / "state-edits.pickle").read_bytes()
    (site / "site.toml").write_text((site / "site.toml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(site, now=NOW)  # a full save
    assert not (cache_dir / "state-edits.pickle").exists()
    (cache_dir / "state-edits.pickle").write_bytes(stale)
    new_process()
    edit_body(articles(site)[11])
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_the_site_named_another_way_is_the_same_site(site, tmp_path, monkeypatch):
    """`jarida build --site /abs/site` then `jarida build` inside the site (or `--site
    ../site`): the cache is the same, so nothing is planned again after a body edit
    and nothing at all without one."""
    from generator import pages

    build(site, now=NOW)
    new_process()
    monkeypatch.chdir(site)

    def no_plan(*args, **kwargs):
        raise AssertionError("the whole site was planned")

    monkeypatch.setattr(pages, "plan", no_plan)
    again = build(Path("."), now=NOW)
    assert (again.parsed, again.rendered, again.changed) == (0, 0, frozenset())
    edit_body(articles(site)[4])
    new_process()
    edited = build(Path("..") / site.name, now=NOW)
    assert edited.parsed == 1 and edited.rendered <= 20
    new_process()
    again = build(site, now=NOW)
    assert (again.parsed, again.rendered, again.changed) == (0, 0, frozenset())
    monkeypatch.undo()
    assert snapshot(site / "build") == cold(site, tmp_path)


def set_date(path: Path, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^date: .*$", f"date: {value}", text, count=1), encoding="utf-8")


@pytest.mark.parametrize("fresh", [False, True], ids=["same-process (serve)", "new-process (jarida build)"])
def test_a_date_moved_to_another_offset_at_the_same_instant(site, tmp_path, fresh):
    """`date: 2023-11-01T01:00:00+02:00` -> `date: 2023-10-31T23:00:00+00:00`: the same instant
    (equal datetimes), but pages show the date in its own offset: another day, another
    archive month."""
    path = articles(site)[4]
    set_date(path, "2023-11-01T01:00:00+02:00")
    build(site, now=NOW)
    if fresh:
        new_process()
    set_date(path, "2023-10-31T23:00:00+00:00")
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_full_replan_in_serve_after_an_offset_only_edit(site, tmp_path):
    """In one process (jarida serve), even a later edit that plans the whole site again
    keeps the old offset: pages._VIEWS is keyed by the Article, equal across offsets."""
    path = articles(site)[4]
    set_date(path, "2023-11-01T01:00:00+02:00")
    build(site, now=NOW)
    set_date(path, "2023-10-31T23:00:00+00:00")
    build(site, now=NOW)  # taken for a body-only edit
    other = articles(site)[7]
    other.write_text(other.read_text(encoding="utf-8").replace("title: ", "title: عاجل ", 1), encoding="utf-8")
    build(site, now=NOW)
    assert snapshot(site / "build") == cold(site, tmp_path)


def inodes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_builds_into_another_folder_leave_the_site_build_alone(site, tmp_path):
    """`jarida build`, the preview of `jarida serve` (another folder, another base URL),
    then `jarida build` again with the same sources: the second writes nothing; and
    after an edit, each folder gets only the files that show it."""
    preview = site / ".cache" / "jarida" / "serve"
    build(site, now=NOW)
    before = inodes(site / "build")
    for _ in range(2):
        new_process()
        build(site, preview, base_url="http://127.0.0.1:8000/", now=NOW)
        new_process()
        report = build(site, now=NOW)
        assert (report.parsed, report.rendered, report.changed) == (0, 0, frozenset())
        assert inodes(site / "build") == before
    edit_body(articles(site)[2])
    new_process()
    seen = build(site, preview, base_url="http://127.0.0.1:8000/", now=NOW)
    assert seen.parsed == 1 and 0 < len(seen.changed) <= 20
    new_process()
    report = build(site, now=NOW)
    assert report.changed == seen.changed
    assert snapshot(site / "build") == cold(site, tmp_path)
    assert snapshot(preview) == cold(site, tmp_path, base_url="http://127.0.0.1:8000/")


def test_the_garbage_collector_is_paused_while_planning_and_resumed_after(site, monkeypatch):
    import gc

    from generator import pages

    plan, seen = pages.plan, []

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return plan(*args, **kwargs)

    monkeypatch.setattr(pages, "plan", watched)
    assert gc.isenabled()
    build(site, now=NOW)
    assert seen == [False] and gc.isenabled()

    def failing(*args, **kwargs):
        raise RuntimeError("planning failed")

    monkeypatch.setattr(pages, "plan", failing)
    articles(site)[0].write_text(articles(site)[0].read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    shutil.rmtree(site / ".cache")
    with pytest.raises(RuntimeError):
        build(site, now=NOW)
    assert gc.isenabled()  # resumed on the way out of a failed build too
    gc.disable()
    try:
        monkeypatch.setattr(pages, "plan", watched)
        build(site, now=NOW)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_another_version_of_a_library_makes_the_next_build_cold(site, tmp_path, monkeypatch):
    """Python-Markdown, Babel, python-slugify... shape what is cached (bodies, dates,
    slugs): a build after one of them is upgraded parses and renders everything again."""
    from generator import cache

    library = tmp_path / "lib" / "fakemarkdown"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(library.parent))
    monkeypatch.setattr(cache, "LIBRARIES", cache.LIBRARIES + ("fakemarkdown",))
    first = build(site, now=NOW)
    again = build(site, now=NOW)
    assert (again.parsed, again.rendered, again.changed) == (0, 0, frozenset())
    shutil.rmtree(library)  # pip removes the old version's files and writes the new one's
    library.mkdir()
    (library / "__init__.py").write_text("VERSION = 2.0\n", encoding="utf-8")
    cache._libraries.cache_clear()  # as in a new process
    build_module._LAST.clear()
    upgraded = build(site, now=NOW)
    assert upgraded.parsed == first.parsed == 31 and upgraded.rendered == first.rendered


def test_a_cache_of_another_format_makes_the_next_build_cold(site, monkeypatch):
    """A cache written with another :data:`generator.cache.FORMAT` (another hash of the
    contents, another layout) is not reused: everything is parsed and rendered again,
    into the same site."""
    from generator import cache

    first = build(site, now=NOW)
    before = {p.relative_to(site / "build"): p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    build_module._LAST.clear()  # as in a new process
    again = build(site, now=NOW)
    assert again.parsed == first.parsed == 31 and again.rendered == first.rendered
    after = {p.relative_to(site / "build"): p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    assert after == before


def test_the_libraries_a_build_imports_are_all_fingerprinted(tmp_path):
    """Every installed package a build imports (with Hijri dates on) is in cache.LIBRARIES
    or is one of the standard library's, so that none can change under the cache."""
    root = copy_site(tmp_path / "site")
    settings = root / "site.toml"
    settings.write_text("hijri = true\n" + settings.read_text(encoding="utf-8"), encoding="utf-8")
    script = (
        "import sys, sysconfig\n"
        "before = set(sys.modules)\n"
        "from pathlib import Path\n"
        "from generator.build import build\n"
        f"build(Path({str(root)!r}))\n"
        "places = {sysconfig.get_paths()[k] for k in ('purelib', 'platlib')}\n"
        "found = {name.partition('.')[0] for name, module in list(sys.modules.items())\n"
        "         if name not in before and any(str(getattr(module, '__file__', None) or '').startswith(p)\n"
        "                                       for p in places)}\n"
        "print(' '.join(sorted(found)))\n")
    import subprocess
    import sys

    from generator import cache

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    imported = set(done.stdout.split())
    assert {"markdown", "jinja2", "yaml", "babel", "slugify", "hijridate"} <= imported
    assert imported - {"_yaml"} <= set(cache.LIBRARIES), imported - set(cache.LIBRARIES)


def test_a_body_edit_built_by_a_new_process_needs_no_babel_yaml_or_slugify(site, tmp_path):
    """The cache keeps the dates and plural forms Babel made, the slugs python-slugify
    made and the front matter PyYAML read: a rebuild after a body edit, in a new
    process, takes them from there without importing Babel (about 25 ms with its
    CLDR data), PyYAML (27 ms) or python-slugify (10 ms), nor compiling the pattern of
    a byline's label (3 ms), and gives the bytes of a cold build."""
    build(site, now=NOW)
    path = articles(site)[3]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\nفقرة جديدة.\n", encoding="utf-8")
    script = ("import sys, datetime as dt\nfrom pathlib import Path\nfrom generator.build import build\n"
              f"report = build(Path({str(site)!r}), now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))\n"
              "assert 0 < report.rendered < report.files / 10, report\n"
              "assert not [name for name in sys.modules if name.startswith(('babel', 'yaml', 'slugify'))], "
              "[name for name in sys.modules if name.startswith(('babel', 'yaml', 'slugify'))]\n"
              "from generator import content\n"
              "assert content._byline_label_re.cache_info().currsize == 0, 'the byline label pattern was compiled'\n")
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).resolve().parents[1])
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_tz_database_update_makes_the_next_build_cold(site, tmp_path):
    """Dates written without an offset take the site's zone: a new tz database (a
    country's changed daylight saving rules) must not leave the old offsets cached."""
    import zoneinfo

    system = next((Path(folder) / "Africa" / "Cairo" for folder in zoneinfo.TZPATH
                   if (Path(folder) / "Africa" / "Cairo").is_file() and (Path(folder) / "Asia" / "Dubai").is_file()),
                  None)
    if system is None:
        pytest.skip("no system tz database")
    tz = tmp_path / "tz"
    (tz / "Africa").mkdir(parents=True)
    shutil.copy(system, tz / "Africa" / "Cairo")
    path = articles(site)[0]
    path.write_text(re.sub(r"^date: .*$", "date: 2024-03-01T10:00:00", path.read_text(encoding="utf-8"), count=1,
                           flags=re.M), encoding="utf-8")
    page = site / "build" / "articles" / path.stem / "index.html"
    try:
        zoneinfo.reset_tzpath([str(tz)])
        zoneinfo.ZoneInfo.clear_cache()
        build(site, now=NOW)
        assert 'datetime="2024-03-01T10:00:00+02:00"' in page.read_text(encoding="utf-8")
        assert build(site, now=NOW).parsed == 0
        (tz / "Africa" / "Cairo").unlink()  # the update: Cairo now keeps Dubai's time
        shutil.copy(system.parent.parent / "Asia" / "Dubai", tz / "Africa" / "Cairo")
        zoneinfo.ZoneInfo.clear_cache()
        report = build(site, now=NOW)
        assert report.parsed == 31
        assert 'datetime="2024-03-01T10:00:00+04:00"' in page.read_text(encoding="utf-8")
        assert snapshot(site / "build") == cold(site, tmp_path)
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


def test_signals_are_held_back_while_another_thread_runs():
    """``jarida serve`` builds with its server and watcher threads running: a signal
    sent to the process while held back waits for the release even so (a signal mask
    would hold it in one thread only, and the system would give it to another)."""
    import threading
    import time

    from generator.build import _hold_signals, _release_signals

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    interrupting = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        held = _hold_signals()
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # a signal that was not held back raises here
        with pytest.raises(KeyboardInterrupt):
            _release_signals(held)
        _release_signals(held)  # a second release raises nothing more
    finally:
        signal.signal(signal.SIGINT, interrupting)
        stop.set()
        other.join()


def test_front_matter_read_before_is_taken_from_the_cache(site, tmp_path, monkeypatch):
    """An article whose body alone changed is parsed again without reading its YAML;
    one whose front matter changed has it read, and its page shows the change."""
    from generator import yamlio

    build(site, now=NOW)
    read = []
    load = yamlio.load
    monkeypatch.setattr(yamlio, "load", lambda text: read.append(text) or load(text))
    path = articles(site)[7]
    edit_body(path)
    new_process()
    assert build(site, now=NOW).parsed == 1 and read == []
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, flags=re.M)[1]
    path.write_text(text.replace(f"title: {title}", "title: عنوان جديد للمقال", 1), encoding="utf-8")
    new_process()
    report = build(site, now=NOW)
    assert report.parsed == 1 and len(read) == 1 and "عنوان جديد للمقال" in read[0]
    assert any("عنوان جديد للمقال" in page.read_text(encoding="utf-8")
               for page in (site / "build" / "articles").rglob("index.html"))
    monkeypatch.undo()
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_front_matter_no_article_has_any_more_is_pruned_with_the_bodies(tmp_path):
    """The cache drops the front matter of sources that are gone when it drops their bodies."""
    from generator import cache

    store = cache.Store(tmp_path)
    memo = cache.FrontMatterMemo(store)
    memo.put("title: أ", {"title": "أ"})
    kept = memo.key
    memo.put("title: ب", {"title": "ب"})
    store.put_bodies([("d1", "<p>أ</p>"), ("d2", "<p>ب</p>")], memo.rows)
    assert cache.FrontMatterMemo(store).get("title: ب") == {"title": "ب"}
    store.prune_bodies({"d1"}, {kept})
    fresh = cache.FrontMatterMemo(store)
    assert fresh.get("title: أ") == {"title": "أ"} and fresh.get("title: ب") is None
    assert store.body("d1") == "<p>أ</p>"
    with pytest.raises(cache.CacheDamaged):
        store.body("d2")


def test_a_cold_build_stores_front_matter_without_looking_any_up(site, monkeypatch):
    """The cache of a cold build holds no front matter: it is stored, never looked up
    (a query per article saved); the next build after an edit finds it."""
    from generator import cache

    queries = []
    query = cache.Store._query
    monkeypatch.setattr(cache.Store, "_query", lambda self, *args, **kw: queries.append(args[0]) or query(self, *args, **kw))
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 10**9)  # parsed in this process, where the spy is
    build(site, now=NOW)
    lookups = [q for q in queries if q.startswith("SELECT data FROM front_matter")]
    assert len(lookups) == len(list((site / "content" / "authors").glob("*.md")))  # the profiles' only
    assert any(q.startswith("INSERT OR REPLACE INTO front_matter") for q in queries)
    queries.clear()
    edit_body(articles(site)[2])
    new_process()
    assert build(site, now=NOW).parsed == 1
    assert [q for q in queries if q.startswith("SELECT data FROM front_matter")]


def test_an_edit_in_a_hidden_folder_of_static_is_seen(site):
    """static/ is copied whole, .well-known/ included: an edit there is a change."""
    known = site / "static" / ".well-known"
    known.mkdir(parents=True)
    (known / "security.txt").write_text("Contact: mailto:a@example.org\n", encoding="utf-8")
    build(site, now=NOW)
    (known / "security.txt").write_text("Contact: mailto:b@example.org\n", encoding="utf-8")
    report = build(site, now=NOW)
    assert report.changed == frozenset({".well-known/security.txt"})
    assert "b@example.org" in (site / "build" / ".well-known" / "security.txt").read_text(encoding="utf-8")
