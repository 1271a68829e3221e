"""End-to-end tests of the ``jarida`` command line on a copy of the bundled example site."""
from __future__ import annotations

import datetime as dt
import errno
import re
import shutil
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import copy_site, parse_html, run_jarida, snapshot
from generator.dates import Formatter
from generator.render import BUNDLED_THEMES, load_strings

STRINGS, _ = load_strings([BUNDLED_THEMES / "default"])
COUNT = Formatter("ar_EG")

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COMMANDS = ("convert", "build", "serve", "new", "init")


# --------------------------------------------------------------------------- helpers

def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]) or {}


def as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def site_settings(site: Path) -> dict:
    path = site / "site.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def base_url_of(site: Path) -> str:
    url = site_settings(site).get("base_url", "http://127.0.0.1:8000/")
    return url if url.endswith("/") else url + "/"


def articles_of(site: Path) -> dict[str, dict]:
    """slug (file stem) -> front matter of every article of the site."""
    return {p.stem: front_matter(p) for p in sorted((site / "content" / "articles").glob("*.md"))}


def html_pages(build: Path) -> list[Path]:
    pages = sorted(build.rglob("index.html"))
    if (build / "404.html").exists():
        pages.append(build / "404.html")
    return pages


def resolve_link(build: Path, page: Path, href: str, base_path: str = "/") -> Path:
    """The file in ``build`` an internal ``href`` on ``page`` points to."""
    path = unquote(urlsplit(href).path, errors="strict")
    if path.startswith("/"):
        # site-absolute (used by 404.html): strip the deployment sub-path
        assert path.startswith(base_path), f"{href} on {page} is outside the site path {base_path}"
        target = build / path[len(base_path):]
    else:
        target = page.parent / path
    if href.endswith("/") or path == "" or path.endswith("/"):
        target = target / "index.html"
    return target.resolve()


def is_internal(href: str) -> bool:
    return not href.startswith(("http://", "https://", "mailto:", "#"))


def term_pages(build: Path, taxonomy: str) -> dict[str, list[Path]]:
    """term folder name -> its list pages (first page, then page/N/) in ``build/<taxonomy>``."""
    out = {}
    for folder in sorted(p for p in (build / taxonomy).iterdir() if p.is_dir()):
        pages = [folder / "index.html"]
        if (folder / "page").is_dir():
            numbered = sorted((folder / "page").iterdir(), key=lambda p: int(p.name))
            pages += [p / "index.html" for p in numbered]
        out[folder.name] = pages
    return out


def article_links(page_file: Path) -> set[str]:
    """Slugs of the articles linked from a list page's cards and lead."""
    page = parse_html(page_file.read_bytes())
    slugs = set()
    for cls in ("card-title", "lead-title"):
        for href in page.links_by_class.get(cls, []):
            target = (page_file.parent / unquote(href)).resolve()
            assert target.parent.name == "articles" or target.parent.parent.name == "articles", href
            slugs.add(target.name)
    return slugs


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the bundled site, built once (read-only for the tests that use it)."""
    site = copy_site(tmp_path_factory.mktemp("built") / "site")
    proc = run_jarida("build", "--site", site)
    assert "built" in proc.stdout
    return site


# --------------------------------------------------------------------------- convert

def test_convert_bundled_site_changes_nothing(bundled_site):
    seeds = sorted((bundled_site / "seeds").glob("*.txt"))
    before = snapshot(bundled_site / "content")
    mtimes = {p: p.stat().st_mtime_ns for p in (bundled_site / "content").rglob("*")}
    proc = run_jarida("convert", "--site", bundled_site)
    assert proc.returncode == 0
    assert f"converted: 0 new, 0 updated, {len(seeds)} unchanged, 0 skipped (edited), 0 failed" in proc.stdout, proc.stdout
    assert snapshot(bundled_site / "content") == before
    assert {p: p.stat().st_mtime_ns for p in (bundled_site / "content").rglob("*")} == mtimes
    assert not list((bundled_site / "content").rglob(".*")), "temporary files left behind"


# --------------------------------------------------------------------------- build

def test_build_writes_front_page_and_report(built):
    build = built / "build"
    assert (build / "index.html").is_file()
    assert (build / "404.html").is_file()
    assert (build / "theme" / "style.css").is_file()
    assert f"Sitemap: {base_url_of(built)}sitemap.xml\n" in (build / "robots.txt").read_text(encoding="utf-8")


def test_every_page_is_arabic_rtl(built):
    pages = html_pages(built / "build")
    assert len(pages) > 50
    wrong = []
    for file in pages:
        page = parse_html(file.read_bytes())
        if (page.lang, page.dir) != ("ar", "rtl"):
            wrong.append(f"{file.relative_to(built)}: lang={page.lang!r} dir={page.dir!r}")
    assert not wrong, "\n".join(wrong)


def test_every_article_has_its_page_with_its_title(built):
    articles = articles_of(built)
    assert len(articles) >= 20
    for slug, meta in articles.items():
        file = built / "build" / "articles" / slug / "index.html"
        assert file.is_file(), f"no page for article {slug}"
        page = parse_html(file.read_bytes())
        title = " ".join(str(meta["title"]).split())
        assert page.title.startswith(title), (slug, page.title, title)
        assert page.texts("headline") == [title]
        assert unquote(page.canonical) == base_url_of(built) + "articles/" + slug + "/"


def _encoded(slug: str) -> str:
    from urllib.parse import quote

    return quote(slug, safe="-._~")


def test_canonical_links_are_percent_encoded_like_the_sitemap(built):
    """The canonical link (and og:url) of a page is the same URL as the page's
    <loc> in sitemap.xml and its link in the feed: percent-encoded ASCII."""
    root = ET.parse(built / "build" / "sitemap.xml").getroot()
    locs = {unquote(u.findtext(f"{SITEMAP}loc")): u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")}
    mismatched = []
    for file in html_pages(built / "build"):
        if file.name == "404.html":
            continue
        canonical = parse_html(file.read_bytes()).canonical
        if canonical != locs.get(unquote(canonical)):
            mismatched.append(f"{file.relative_to(built)}: {canonical} (sitemap: {locs.get(unquote(canonical))})")
    assert not mismatched, f"{len(mismatched)} pages:\n" + "\n".join(mismatched[:5])


def test_tags_and_authors_indexes_link_every_term_page(built):
    build = built / "build"
    for taxonomy in ("tags", "authors"):
        index = build / taxonomy / "index.html"
        assert index.is_file()
        page = parse_html(index.read_bytes())
        linked = {resolve_link(build, index, href) for href in page.links_by_class.get("terms", [])}
        folders = term_pages(build, taxonomy)
        assert folders, f"no {taxonomy} pages"
        expected = {(build / taxonomy / name / "index.html").resolve() for name in folders}
        assert linked == expected, f"{taxonomy}/index.html: missing {sorted(expected - linked)[:5]}, extra {sorted(linked - expected)[:5]}"


def test_term_pages_list_their_articles(built):
    """Every tag and author page links its articles, and it lists exactly the
    articles whose page links back to that term."""
    build = built / "build"
    articles = articles_of(built)
    back_links: dict[tuple[str, str], set[str]] = {}
    for slug, meta in articles.items():
        file = build / "articles" / slug / "index.html"
        page = parse_html(file.read_bytes())
        tag_hrefs = page.links_by_class.get("tags", [])
        assert len(tag_hrefs) == len(dict.fromkeys(meta.get("tags") or [])), (slug, tag_hrefs, meta.get("tags"))
        author_hrefs = page.links_by_class.get("authors", [])
        assert author_hrefs, f"{slug}: no author link"
        for taxonomy, hrefs in (("tags", tag_hrefs), ("authors", author_hrefs)):
            for href in hrefs:
                target = resolve_link(build, file, href)
                assert target.is_file(), (slug, href)
                back_links.setdefault((taxonomy, target.parent.name), set()).add(slug)
    for taxonomy in ("tags", "authors"):
        for name, pages in term_pages(build, taxonomy).items():
            listed = set()
            for p in pages:
                found = article_links(p)
                assert found, f"{p.relative_to(build)} lists no article"
                listed |= found
            assert listed == back_links.get((taxonomy, name), set()), f"{taxonomy}/{name}"
            count = parse_html(pages[0].read_bytes()).texts("count")
            assert count == [COUNT.plural(len(listed), STRINGS["article_count"])], (name, count)


def test_internal_links_resolve(built):
    build = built / "build"
    broken = []
    checked = 0
    for file in html_pages(build):
        for href in parse_html(file.read_bytes()).hrefs:
            if not is_internal(href):
                continue
            checked += 1
            target = resolve_link(build, file, href)
            if not target.is_file():
                broken.append(f"{file.relative_to(build)}: {href}")
    assert checked > 500
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:20])


def test_feed_is_atom_with_newest_articles(built):
    base = base_url_of(built)
    feed_items = site_settings(built).get("feed_items", 20)
    articles = articles_of(built)
    root = ET.parse(built / "build" / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.get(XML_LANG) == "ar"
    assert root.findtext(f"{ATOM}id") == base
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == min(feed_items, len(articles))
    published = []
    slugs = []
    for entry in entries:
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert link.startswith(base + "articles/") and link.endswith("/"), link
        slug = unquote(link[len(base + "articles/"):-1])
        assert slug in articles, link
        assert entry.findtext(f"{ATOM}id") == link
        assert entry.findtext(f"{ATOM}title") == str(articles[slug]["title"]).strip()
        when = as_datetime(entry.findtext(f"{ATOM}published"))
        assert when == as_datetime(articles[slug]["date"]), slug
        published.append(when)
        slugs.append(slug)
    assert len(set(slugs)) == len(slugs)
    assert published == sorted(published, reverse=True), "entries are not newest first"
    oldest_listed = min(published)
    for slug, meta in articles.items():
        if slug not in slugs:
            assert as_datetime(meta["date"]) <= oldest_listed, f"{slug} is newer than an entry of the feed but missing"


def test_sitemap_lists_every_article(built):
    base = base_url_of(built)
    root = ET.parse(built / "build" / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert all(loc and re.fullmatch(r"[\x21-\x7e]+", loc) for loc in locs), "URLs must be percent-encoded ASCII"
    decoded = {unquote(loc) for loc in locs}
    for slug in articles_of(built):
        assert f"{base}articles/{slug}/" in decoded, slug
    assert base in decoded
    assert not any(loc.endswith("404.html") for loc in decoded)


def test_build_output_and_base_url(bundled_site, tmp_path):
    out = tmp_path / "public"
    base = "https://user.github.io/akhbar/"
    proc = run_jarida("build", "--site", bundled_site, "--output", out, "--base-url", base)
    assert str(out) in proc.stdout
    assert (out / "index.html").is_file()
    assert not (bundled_site / "build").exists(), "--output must not also write <site>/build"
    index = parse_html((out / "index.html").read_bytes())
    assert index.canonical == base
    slug = sorted(articles_of(bundled_site))[0]
    article = parse_html((out / "articles" / slug / "index.html").read_bytes())
    assert unquote(article.canonical) == base + "articles/" + slug + "/"
    root = ET.parse(out / "feed.xml").getroot()
    assert root.findtext(f"{ATOM}id") == base
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith(base) for h in hrefs), hrefs
    assert base + "feed.xml" in hrefs
    locs = [u.findtext(f"{SITEMAP}loc") for u in ET.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}url")]
    assert locs and all(loc.startswith(base) for loc in locs)
    # 404.html is served from any depth, so its links are site-absolute under the sub-path
    not_found = parse_html((out / "404.html").read_bytes())
    for href in not_found.hrefs:
        if is_internal(href):
            assert href.startswith("/akhbar/"), href
            assert resolve_link(out, out / "404.html", href, "/akhbar/").is_file(), href


BAD_YAML = """---
title: عنوان بلا نهاية
tags: [غزة, مصر
date: 2024-05-01T09:30:00+03:00
---

نص المقال.
"""

NO_TITLE = """---
date: 2024-05-01T09:30:00+03:00
author: فريق التحرير
---

نص المقال بلا عنوان.
"""


def test_bad_content_fails_listing_every_problem_and_keeps_output(bundled_site):
    run_jarida("build", "--site", bundled_site)
    build = bundled_site / "build"
    before = snapshot(build)
    articles = bundled_site / "content" / "articles"
    (articles / "yaml-معطوب.md").write_text(BAD_YAML, encoding="utf-8")
    (articles / "بلا-عنوان.md").write_text(NO_TITLE, encoding="utf-8")
    proc = run_jarida("build", "--site", bundled_site, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    *lines, summary = [line for line in proc.stderr.splitlines() if line.strip()]
    assert summary == f"the site was not built: 2 errors in 2 files; the previous site in {build} is unchanged"
    pattern = re.compile(r"^content/articles/(?P<file>[^:]+\.md):(?P<line>\d+): (?P<message>.+)$")
    problems = {}
    for line in lines:
        match = pattern.match(line)
        assert match, f"not in the form <file>:<line>: <message>: {line!r}\n{proc.stderr}"
        problems.setdefault(match["file"], []).append((int(match["line"]), match["message"]))
    assert set(problems) == {"yaml-معطوب.md", "بلا-عنوان.md"}, proc.stderr
    assert len(problems["yaml-معطوب.md"]) == 1 and len(problems["بلا-عنوان.md"]) == 1, proc.stderr
    yaml_line, yaml_message = problems["yaml-معطوب.md"][0]
    assert "YAML" in yaml_message
    assert 3 <= yaml_line <= 5, f"the YAML error is around lines 3-4 of the file, not {yaml_line}"
    title_line, title_message = problems["بلا-عنوان.md"][0]
    assert "title" in title_message
    assert title_line >= 1
    assert snapshot(build) == before, "the previous build/ must be left intact"
    assert not [p for p in bundled_site.iterdir() if p.name.startswith(".build")], "temporary output left behind"


@pytest.mark.parametrize("command", (None, *COMMANDS))
def test_help(command, tmp_path):
    args = ["--help"] if command is None else [command, "--help"]
    proc = run_jarida(*args, cwd=tmp_path)
    assert proc.returncode == 0
    assert "usage:" in proc.stdout
    if command:
        assert command in proc.stdout


def test_init_new_build(tmp_path):
    site = tmp_path / "جريدتي"
    proc = run_jarida("init", site, cwd=tmp_path)
    assert (site / "site.toml").is_file()
    assert (site / "content" / "articles").is_dir()
    assert str(site) in proc.stdout
    run_jarida("build", "--site", site, cwd=tmp_path)
    front = parse_html((site / "build" / "index.html").read_bytes())
    assert (front.lang, front.dir) == ("ar", "rtl")

    proc = run_jarida("new", "عنوان تجريبي", "--site", site, cwd=tmp_path)
    created = Path(proc.stdout.strip().splitlines()[-1])
    if not created.is_absolute():
        created = tmp_path / created
    assert created.is_file() and created.suffix == ".md"
    assert created.parent == site / "content" / "articles"
    meta = front_matter(created)
    assert meta["title"] == "عنوان تجريبي"
    as_datetime(meta["date"])

    assert meta["draft"] is True and "draft" in proc.stderr  # its placeholder text is not published...
    run_jarida("build", "--site", site, cwd=tmp_path)
    page_file = site / "build" / "articles" / created.stem / "index.html"
    assert not page_file.exists()
    created.write_text(created.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    run_jarida("build", "--site", site, cwd=tmp_path)  # ...until the line is removed
    assert page_file.is_file()
    page = parse_html(page_file.read_bytes())
    assert page.title.startswith("عنوان تجريبي")
    assert "اكتب نص المقال هنا." in page.text
    assert created.stem in article_links(site / "build" / "index.html")

    # init refuses a folder that is not empty
    proc = run_jarida("init", site, cwd=tmp_path, check=False)
    assert proc.returncode == 2
    assert "not empty" in proc.stderr


def test_new_in_bundled_site_builds(bundled_site):
    proc = run_jarida("new", "عنوان تجريبي", "--site", bundled_site, "--publish")
    created = Path(proc.stdout.strip().splitlines()[-1])
    assert created.is_file() and "draft" not in created.read_text(encoding="utf-8")
    run_jarida("build", "--site", bundled_site)
    assert (bundled_site / "build" / "articles" / created.stem / "index.html").is_file()


def test_build_is_reproducible_with_source_date_epoch(bundled_site, tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    run_jarida("build", "--site", bundled_site, env=env)
    first = snapshot(bundled_site / "build")
    run_jarida("build", "--site", bundled_site, env=env)
    second = snapshot(bundled_site / "build")
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, differing[:10]
    # and into another folder, from a second copy of the site
    other = copy_site(tmp_path / "other")
    run_jarida("build", "--site", other, env=env)
    third = snapshot(other / "build")
    assert third.keys() == first.keys()
    assert [n for n in first if first[n] != third[n]] == []


def test_missing_site_folder_is_a_usage_error(tmp_path):
    proc = run_jarida("build", "--site", tmp_path / "nowhere", check=False)
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", ["build", "convert", "serve", "new"])
def test_a_folder_that_is_not_a_site_is_a_usage_error(tmp_path, command):
    """``jarida build`` in the wrong folder (a typo in --site, a home folder) makes
    nothing there: no build/, no cache."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("x", encoding="utf-8")
    args = [command, "--site", folder] + (["عنوان"] if command == "new" else [])
    proc = run_jarida(*args, check=False)
    assert proc.returncode == 2
    assert proc.stderr == (f"{folder}: not a Jarida site: it has no site.toml, content/ or seeds/; pass --site DIR, "
                           "or run 'jarida init DIR' to make a new site\n")
    assert sorted(p.name for p in folder.iterdir()) == ["todo.txt"]


def test_init_where_no_folder_can_be_made_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    proc = run_jarida("init", blocker / "site", check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{blocker / 'site'}: cannot make the site here (")
    assert proc.stderr.endswith("; choose a folder you can write to\n")


def test_build_refuses_to_replace_a_folder_it_did_not_make(bundled_site, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    proc = run_jarida("build", "--site", bundled_site, "--output", out, check=False)
    assert proc.returncode == 2
    assert "refusing" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    proc = run_jarida("build", "--site", bundled_site, "--output", bundled_site / "content" / "out", check=False)
    assert proc.returncode == 2
    assert not (bundled_site / "content" / "out").exists()


def test_an_error_of_the_system_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    """A full disk (or any refusal of the system) while building: the file and the reason."""
    from generator import build as build_module
    from generator import cli

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(tmp_path / "build" / "index.html"))

    monkeypatch.setattr(build_module, "build", full)
    (tmp_path / "site.toml").write_text('title = "أخبار"\n', encoding="utf-8")
    assert cli.main(["build", "--site", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'build' / 'index.html'}: No space left on device; fix this, then run again" in err


def test_a_full_disk_while_a_whole_site_is_written_names_the_file(bundled_site, tmp_path, monkeypatch, capsys):
    """``jarida build`` after a settings change, meeting a full disk halfway through
    the new site: the file as the user knows it (under build/, not the temporary
    folder), the reason and what to do, exit code 1, build/ as it was."""
    from conftest import write_fails
    from generator import cli

    monkeypatch.chdir(bundled_site)
    assert cli.main(["build"]) == 0
    before = snapshot(bundled_site / "build")
    toml = bundled_site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('title = "جريدة"', 'title = "جريدة الغد"'),
                    encoding="utf-8")
    capsys.readouterr()
    claim = tmp_path / "failed.txt"
    write_fails(monkeypatch, errno.ENOSPC, claim, lambda rel: rel.startswith("tags/") and not rel.isascii())
    assert cli.main(["build"]) == 1
    err = capsys.readouterr().err
    assert err == (f"build/{claim.read_text(encoding='utf-8')}: cannot be written (No space left on device); the site "
                   "in build was left as it was: free some disk space, then build again\n")
    assert snapshot(bundled_site / "build") == before
    assert [p.name for p in bundled_site.iterdir() if p.name.startswith(".build")] == []


#: Run in a new user and mount namespace (``unshare``): mounts a tmpfs on argv[2],
#: builds the site argv[1] into argv[2]/build until it is full, and prints what it saw
#: as JSON. Exit code 77 when no tmpfs can be mounted.
_FULL_DISK = r"""
import hashlib, json, os, subprocess, sys
from pathlib import Path

site, disk, case = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)]).returncode:
    sys.exit(77)

def used():
    st = os.statvfs(disk)
    return (st.f_blocks - st.f_bfree) * st.f_frsize

def tree():
    out = disk / "build"
    return {str(p.relative_to(out)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()} if out.exists() else None

def jarida():
    return subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site), "--output",
                           str(disk / "build")], capture_output=True, text=True, encoding="utf-8")

if case == "settings change":
    first = jarida()
    assert first.returncode == 0, first.stderr
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('title = "جريدة"', 'title = "جريدة الغد"'),
                    encoding="utf-8")
    room = used() * 3 // 2  # room for the site, not for a second one beside it
else:  # the first files (sitemaps, the search index) fit: the pages and feeds fill the disk
    room = (40 if case == "workers" else 1) << 20
before, used_before = tree(), used()
subprocess.run(["mount", "-o", f"remount,size={room}", str(disk)], check=True)
proc = jarida()
print(json.dumps({"code": proc.returncode, "err": proc.stderr, "left": sorted(os.listdir(disk)),
                  "same": tree() == before, "used": [used_before, used()]}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("unshare"), reason="no unshare command to mount a small file system")
@pytest.mark.parametrize("case", ["first build", "settings change", "workers"])
def test_a_disk_that_fills_up_for_real(tmp_path, case):
    """A build on a small tmpfs that it fills up (mounted in a private user and mount
    namespace): the file is named under the output folder, with the reason and what
    to do, exit code 1, and the temporary folder is removed (the disk is as full as
    before); with worker processes (a cold build of 900 articles) too."""
    import json
    import subprocess
    import sys

    from conftest import REPO_ROOT, jarida_env

    site = copy_site(tmp_path / "site")
    if case == "workers":
        folder = site / "content" / "articles"
        originals = sorted(folder.glob("*.md"))
        for copy in range(1, 30):  # about 900 articles: worker processes render the pages
            for number, path in enumerate(originals):
                text = path.read_text(encoding="utf-8").replace("---\n", f"---\nslug: copy-{copy}-{number}\n", 1)
                (folder / f"copy-{copy}-{number}.md").write_text(text, encoding="utf-8")
    disk = tmp_path / "disk"
    disk.mkdir()
    proc = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", sys.executable, "-c", _FULL_DISK,
                           str(site), str(disk), case], cwd=REPO_ROOT, env=jarida_env(), capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    if proc.returncode == 77 or proc.stderr.startswith("unshare:"):  # no user namespaces, or no tmpfs in them
        pytest.skip(f"no tmpfs can be mounted here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    out = disk / "build"
    assert seen["code"] == 1, seen["err"]
    [line] = seen["err"].splitlines()
    path, _, message = line.partition(": cannot be written (No space left on device); ")
    assert path.startswith(f"{out}/") and ".build.new-" not in path, line
    kept = f"the site in {out} was left as it was" if case == "settings change" else f"nothing was written to {out}"
    assert message == f"{kept}: free some disk space, then build again"
    assert seen["left"] == (["build"] if case == "settings change" else [])
    assert seen["same"] and seen["used"][1] == seen["used"][0]


class _Exited(Exception):
    pass


@pytest.fixture
def hard_exit(monkeypatch):
    """:func:`cli.run` with ``main`` returning 3 after printing ``built`` (left in the
    buffer), ``os._exit`` raising :class:`_Exited`, the exit handlers recorded in the
    returned list instead of run (they belong to the test process), and no profiler or
    tracer seen, even when the tests run under one."""
    from generator import cli

    def main():
        print("built", end="")
        return 3

    def hard(code):
        raise _Exited(code)

    handlers = []
    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(cli.os, "_exit", hard)
    monkeypatch.setattr("atexit._run_exitfuncs", lambda: handlers.append(True))
    for name in ("getprofile", "gettrace"):
        monkeypatch.setattr(cli.sys, name, lambda: None)
    monkeypatch.delattr(cli.sys, "monitoring", raising=False)
    return handlers


def test_the_command_ends_without_freeing_the_build(hard_exit, monkeypatch, capsys):
    """``jarida`` (:func:`cli.run`) runs the exit handlers, flushes what was printed and
    ends with ``os._exit`` and the code of :func:`cli.main`."""
    from generator import cli

    flushed = []
    monkeypatch.setattr(cli.sys.stdout, "flush", lambda: flushed.append(True), raising=False)
    with pytest.raises(_Exited) as exited:
        cli.run()
    assert exited.value.args == (3,) and flushed and hard_exit == [True]
    assert capsys.readouterr().out == "built"


class _Monitoring:
    """``sys.monitoring`` (Python 3.12+) with the profiler id (2) in use, as cProfile sets it."""

    @staticmethod
    def get_tool(tool):
        return "cProfile" if tool == 2 else None


@pytest.mark.parametrize("watcher", ["getprofile", "gettrace", "monitoring"])
def test_the_command_exits_the_usual_way_under_a_profiler_or_tracer(hard_exit, monkeypatch, watcher):
    """cProfile and coverage.py write their results at exit: with one set (through
    ``sys.setprofile``, ``sys.settrace`` or, from Python 3.12, ``sys.monitoring``)
    the command exits the usual way."""
    from generator import cli

    if watcher == "monitoring":
        monkeypatch.setattr(cli.sys, "monitoring", _Monitoring, raising=False)
    else:
        monkeypatch.setattr(cli.sys, watcher, lambda: print)
    with pytest.raises(SystemExit) as exited:
        cli.run()
    assert exited.value.code == 3 and hard_exit == []


def test_the_command_exits_the_usual_way_while_a_thread_runs(hard_exit):
    import threading

    from generator import cli

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(SystemExit) as exited:
            cli.run()
        assert exited.value.code == 3 and hard_exit == []
    finally:
        stop.set()
        thread.join()


class _Failing:
    """A standard output whose flush raises ``error``."""

    def __init__(self, error):
        self.error = error

    def write(self, text):
        return len(text)

    def flush(self):
        raise self.error


def test_output_that_cannot_be_written_at_the_end_is_an_error(hard_exit, monkeypatch, capsys):
    """A full disk under ``jarida build > file``: a message and exit code 1 (or the
    command's own code when it failed already), not 0; a reader that went away
    (``| head -1``) is no error; a closed standard output (``>&-``: ``sys.stdout``
    is None) is no crash."""
    from generator import cli

    monkeypatch.setattr(cli.sys, "stdout", _Failing(OSError(28, "No space left on device")))
    for returned, code in ((0, 1), (3, 3)):
        monkeypatch.setattr(cli, "main", lambda: returned)
        with pytest.raises(_Exited) as exited:
            cli.run()
        assert exited.value.args == (code,)
        assert "the standard output could not be written (No space left on device)" in capsys.readouterr().err

    monkeypatch.setattr(cli.sys, "stdout", _Failing(BrokenPipeError(32, "Broken pipe")))
    with pytest.raises(_Exited) as exited:
        cli.run()
    assert exited.value.args == (3,) and capsys.readouterr().err == ""

    monkeypatch.setattr(cli.sys, "stdout", None)
    with pytest.raises(_Exited) as exited:
        cli.run()
    assert exited.value.args == (3,)


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_SETPIPE_SZ"), reason="pipe sizes are set on Linux only")
@pytest.mark.parametrize("traced", [False, True], ids=["plain", "traced"])
def test_a_reader_that_goes_away_while_the_command_prints_ends_it_quietly(tmp_path, traced):
    """``jarida convert --dry-run | head -1`` on many seeds: the command stops at its
    next write without a message, with the shell's code for SIGPIPE (141); nothing
    was converted. Also when a tracer makes the command exit the usual way, which
    flushes standard output once more."""
    import fcntl
    import os
    import subprocess
    import sys

    from conftest import jarida_env

    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "site.toml").write_text('title = "أخبار"\nbase_url = "https://example.org/"\n', encoding="utf-8")
    for i in range(150):  # about 18 KB of "would write ..." lines against a pipe of 4 KB
        (site / "seeds" / f"{i:03}.txt").write_text(f"خبر عاجل رقم {i} عن اجتماع وزراء الخارجية العرب في القاهرة\n\n"
                                                    "نص الخبر في فقرة واحدة.\n", encoding="utf-8")
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    command = ["-c", "import sys; sys.settrace(lambda *a: None); from generator.cli import run; run()"] if traced \
        else ["-m", "generator"]
    proc = subprocess.Popen([sys.executable, *command, "convert", "--dry-run", "--site", str(site)],
                            stdout=write, stderr=subprocess.PIPE, env=jarida_env())
    os.close(write)
    first = os.read(read, 100)
    os.close(read)  # the reader goes away
    err = proc.communicate(timeout=120)[1]
    assert first.startswith("would write content/articles/".encode())
    assert (proc.returncode, err.decode()) == (141, "")
    assert not (site / "content").exists()


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_SETPIPE_SZ"), reason="pipe sizes are set on Linux only")
def test_a_reader_of_the_messages_that_goes_away_ends_the_command_quietly(tmp_path):
    """``jarida convert 2>&1 >/dev/null | head -1`` on many failing seeds: the
    messages stop at the next write, without a traceback, with code 141."""
    import fcntl
    import os
    import subprocess
    import sys

    from conftest import jarida_env

    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "site.toml").write_text('title = "أخبار"\nbase_url = "https://example.org/"\n', encoding="utf-8")
    for i in range(150):  # about 14 KB of messages against a pipe of 4 KB
        (site / "seeds" / f"{i:03}.txt").write_bytes(b"")
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "convert", "--dry-run", "--site", str(site)],
                            stdout=subprocess.DEVNULL, stderr=write, env=jarida_env())
    os.close(write)
    first = os.read(read, 100)
    os.close(read)  # the reader goes away
    proc.wait(timeout=120)
    assert first.startswith(b"seeds/000.txt: the seed is empty")
    assert proc.returncode == 141


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["--version"]])
def test_help_that_cannot_be_written_is_an_error(argv):
    """``jarida --help >/dev/full``: argparse's output is flushed like any other,
    and a failure is reported with code 1, not hidden behind code 0."""
    import subprocess
    import sys

    from conftest import jarida_env

    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "generator", *argv], stdout=full, stderr=subprocess.PIPE,
                              env=jarida_env(), timeout=60)
    assert proc.returncode == 1
    assert "No space left on device; fix this, then run again" in proc.stderr.decode()


def test_a_broken_pipe_other_than_the_output_is_reported(monkeypatch, capsys, tmp_path):
    """A pipe that broke inside the command (not its standard output, which is still
    read) is an error with a message, not a quiet stop."""
    from generator import cli

    def broken(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "cmd_build", broken)
    assert cli.main(["build", "--site", str(tmp_path)]) == 1
    assert "Broken pipe; fix this, then run again" in capsys.readouterr().err


@pytest.mark.parametrize("argv, usage", [
    (["build", "--nope"], "usage: jarida build "),
    (["--nope", "build"], "usage: jarida build "),
    (["init", "a", "b"], "usage: jarida init "),
    (["serve", "--drafs"], "usage: jarida serve "),
])
def test_an_unknown_option_is_shown_with_the_usage_of_its_command(argv, usage, capsys, tmp_path, monkeypatch):
    """A mistyped option gets the usage of the command it was given to (which lists
    the right spelling), not the top-level usage that lists only the commands."""
    from generator.cli import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert f"error: unrecognized arguments: {argv[-1] if argv[0] != '--nope' else '--nope'}" in err
    assert list(tmp_path.iterdir()) == []


def test_serve_refuses_to_write_its_preview_into_the_deployed_build_folder(tmp_path):
    """The preview carries 127.0.0.1 URLs (and drafts with --drafts): written into
    build/, the next deploy would publish them."""
    site = tmp_path / "site"
    run_jarida("init", site)
    (site / "link").symlink_to(site / "build")
    for output in (site / "build", site / "build" / "preview", site / ".." / site.name / "build", site / "link"):
        proc = run_jarida("serve", "--site", site, "--output", output, "--port", "0", check=False, timeout=30)
        assert proc.returncode == 2, output
        assert "must not be deployed" in proc.stderr and not (site / "build").exists()


def test_serve_refuses_an_output_folder_it_did_not_make(tmp_path):
    """A non-empty folder without Jarida's marker is refused before the server starts:
    no save could change that, and the folder must not be served as if it were the site."""
    site, foreign = tmp_path / "site", tmp_path / "foreign"
    run_jarida("init", site)
    foreign.mkdir()
    (foreign / "keep.txt").write_text("مهم", encoding="utf-8")
    proc = run_jarida("serve", "--site", site, "--output", foreign, "--port", "0", check=False, timeout=30)
    assert proc.returncode == 2
    assert "refusing to write the site here" in proc.stderr and "Serving" not in proc.stdout
    assert [p.name for p in foreign.iterdir()] == ["keep.txt"]


@pytest.mark.slow
def test_installing_from_a_clone_leaves_its_build_folder_to_the_site(tmp_path):
    """``pip install . && jarida build`` in a clone (the static hosts' recipe of the
    README): setuptools must not make ``build/``, which Jarida would then refuse."""
    import shutil
    import subprocess
    import sys

    from conftest import REPO_ROOT

    clone = tmp_path / "clone"
    shutil.copytree(REPO_ROOT, clone, ignore=shutil.ignore_patterns("build", ".cache", "*.egg-info", ".git"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(tmp_path / "wheels"), "."], cwd=clone, check=True, capture_output=True)
    assert list((tmp_path / "wheels").glob("jarida-*.whl"))
    assert not (clone / "build").exists()
    run_jarida("build", "--site", clone)
    assert (clone / "build" / "index.html").is_file()
