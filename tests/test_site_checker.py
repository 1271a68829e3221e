"""A link and markup checker over the whole built public corpus (2,000 real articles).

The corpus is converted once and built twice: at the root of a host
(``https://example.org/``) and at a sub-path (``https://user.github.io/akhbar/``,
as on GitHub Pages). Every HTML page of both outputs is parsed once with the
standard library; then:

- every internal link and asset resolves to a file of the output;
- every page is ``<html lang="ar" dir="rtl">`` with one ``<h1>`` and a canonical
  link under the base URL;
- every XML file parses, and every URL of the sitemaps and feeds resolves;
- every article page has valid schema.org ``NewsArticle`` JSON-LD.

Run with ``-n 0 -s`` to see the page counts and the build time.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import SHARED, corpus_marks

REPO = Path(__file__).resolve().parents[1]
PUBLIC = SHARED / "corpus" / "public"
MANIFEST = PUBLIC / "manifest.jsonl"

ROOT_URL = "https://example.org/"
SUB_URL = "https://user.github.io/akhbar/"
SITE_TOML = (
    'title = "جريدة المدونة"\n'
    f'base_url = "{ROOT_URL}"\n'
    'timezone = "Africa/Cairo"\n'
)
#: 2024-01-01T00:00:00Z: after every article of the corpus, so nothing is scheduled.
EPOCH = "1704067200"

pytestmark = corpus_marks("public", "manifest.jsonl")

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
#: Elements and attributes whose URLs must resolve.
URL_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src"}


# --------------------------------------------------------------------------- parsing


@dataclass
class PageInfo:
    """What the checker needs from one HTML page, collected in one pass."""

    path: str  # POSIX, relative to the output folder
    lang: str | None = None
    dir: str | None = None
    h1: list[str] = field(default_factory=list)
    canonical: list[str] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (tag, url)
    json_ld: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self, info: PageInfo):
        super().__init__(convert_charrefs=True)
        self.info = info
        self._h1_depth = 0
        self._h1_parts: list[str] = []
        self._ld: list[str] | None = None
        self._seen_html = False

    def handle_starttag(self, tag, attrs):
        attr = URL_ATTRS.get(tag)
        if attr is not None:
            a = dict(attrs)
            value = a.get(attr)
            if value is not None:
                self.info.urls.append((tag, value))
            if tag == "link" and "canonical" in (a.get("rel") or "").lower().split():
                self.info.canonical.append(value or "")
            elif tag == "script" and (a.get("type") or "").strip().lower() == "application/ld+json":
                self._ld = []
        elif tag == "h1":
            self._h1_depth += 1
            if self._h1_depth == 1:
                self._h1_parts = []
        elif tag == "html" and not self._seen_html:
            self._seen_html = True
            a = dict(attrs)
            self.info.lang, self.info.dir = a.get("lang"), a.get("dir")

    def handle_endtag(self, tag):
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            if not self._h1_depth:
                self.info.h1.append(" ".join("".join(self._h1_parts).split()))
        elif tag == "script" and self._ld is not None:
            self.info.json_ld.append("".join(self._ld))
            self._ld = None

    def handle_data(self, data):
        if self._ld is not None:
            self._ld.append(data)
        elif self._h1_depth:
            self._h1_parts.append(data)


def parse_page(folder: Path, rel: str) -> PageInfo:
    info = PageInfo(rel)
    parser = _Collector(info)
    parser.feed((folder / rel).read_text(encoding="utf-8"))
    parser.close()
    if parser._h1_depth:  # an unclosed <h1> still counts
        info.h1.append(" ".join("".join(parser._h1_parts).split()))
    return info


def list_files(folder: Path) -> set[str]:
    """Every file of ``folder``: POSIX paths relative to it."""
    out = set()
    for dirpath, _, names in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        out.update(prefix + name for name in names)
    return out


def kind_of(rel: str) -> str:
    """The kind of a built page, for the counts."""
    if rel == "index.html" or rel.startswith("page/"):
        return "front page"
    head, _, rest = rel.partition("/")
    if head == "articles" and rest.count("/") == 1:
        return "articles"
    if head in ("sections", "tags", "authors") and rest != "index.html":
        return f"{head} term pages"
    if head == "archive":
        return "archive pages"
    return "others"


@dataclass
class Output:
    """One built output folder and what the checker found in it."""

    name: str
    folder: Path
    base_url: str
    files: set[str]
    pages: list[PageInfo]

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    def resolve(self, url: str, page: str | None) -> tuple[str | None, str | None]:
        """Where ``url`` (found on ``page``; ``None`` for a feed or sitemap) leads:
        ``(file, None)`` when it resolves, ``(None, problem)`` when not, ``(None, None)``
        when it is not checked (another host, mailto:, a fragment...)."""
        if not url or url.startswith("#"):
            return None, None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if parts.scheme not in ("http", "https", ""):
                return None, None  # mailto:, tel:, data:...
            if not url.startswith(self.base_url):
                return None, None  # another host (or outside the site)
            target = "/" + unquote(urlsplit(url[len(self.base_url):]).path)
            base_dir = ""
        elif page is None:
            return None, f"relative URL {url!r} in a feed or sitemap"
        elif parts.path.startswith("/"):
            if page != "404.html":
                return None, f"root-relative link {url!r} outside 404.html (breaks at another sub-path)"
            if not parts.path.startswith(self.base_path):
                return None, f"root-relative link {url!r} does not start with {self.base_path!r}"
            target = "/" + unquote(parts.path[len(self.base_path):])
            base_dir = ""
        else:
            target = unquote(parts.path)
            base_dir = posixpath.dirname(page)
        if target.startswith("/"):
            target = target[1:]
        as_folder = target == "" or target.endswith("/")
        resolved = posixpath.normpath(posixpath.join(base_dir, target)) if (base_dir or target) else "."
        if resolved == ".." or resolved.startswith("../"):
            return None, f"{url!r} leads out of the site"
        if as_folder:
            resolved = "index.html" if resolved == "." else resolved + "/index.html"
        if resolved not in self.files:
            return None, f"{url!r} -> {resolved} does not exist"
        return resolved, None


def scan(name: str, folder: Path, base_url: str) -> Output:
    """Every file of ``folder`` and every HTML page parsed, the pages shared among
    one process per core (the standard library's parser takes about 6 ms a page)."""
    import functools
    import multiprocessing

    files = list_files(folder)
    names = [rel for rel in sorted(files) if rel.endswith(".html")]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        pages = [parse_page(folder, rel) for rel in names]
    else:
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            pages = pool.map(functools.partial(parse_page, folder), names, chunksize=64)
    return Output(name, folder, base_url, files, pages)


def report(problems: list[str], limit: int = 20) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:limit])


# --------------------------------------------------------------------------- fixtures


def _env() -> dict[str, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONIOENCODING="utf-8",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return env


def _jarida(*args) -> list[str]:
    return [sys.executable, "-m", "generator", *map(str, args)]


def _check(code: int, out: str, err: str, what: str) -> None:
    assert code == 0, f"{what} exited {code}:\n{out[-3000:]}\n{err[-3000:]}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The corpus converted once, built at the root and at a sub-path, both scanned.

    The sub-path build runs while the first output is being scanned."""
    site = tmp_path_factory.mktemp("checker") / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    env = _env()
    run = dict(cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600)

    started = time.perf_counter()
    proc = subprocess.run(_jarida("convert", "--site", site, PUBLIC), **run)
    convert_time = time.perf_counter() - started
    _check(proc.returncode, proc.stdout, proc.stderr, "convert")
    started = time.perf_counter()
    proc = subprocess.run(_jarida("build", "--site", site), **run)
    first_build = time.perf_counter() - started
    _check(proc.returncode, proc.stdout, proc.stderr, "build")

    sub = site / "sub"
    second = subprocess.Popen(_jarida("build", "--site", site, "--base-url", SUB_URL, "--output", sub),
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, encoding="utf-8")
    try:
        started = time.perf_counter()
        root = scan("root", site / "build", ROOT_URL)
        scan_time = time.perf_counter() - started
        out, err = second.communicate(timeout=600)
    finally:
        if second.poll() is None:
            second.kill()
            second.communicate()
    _check(second.returncode, out, err, "build --base-url")
    started = time.perf_counter()
    subpath = scan("sub-path", sub, SUB_URL)
    sub_scan_time = time.perf_counter() - started

    kinds = Counter(kind_of(p.path) for p in root.pages)
    order = ["articles", "front page", "sections term pages", "tags term pages", "authors term pages",
             "archive pages", "others"]
    print(f"\nconvert: {convert_time:.1f} s; first build: {first_build:.1f} s; scanning {len(root.pages)} pages: "
          f"{scan_time:.1f} s, then the sub-path build's: {sub_scan_time:.1f} s")
    print("pages by kind: " + ", ".join(f"{k} {kinds.get(k, 0)}" for k in order)
          + f" (total {len(root.pages)}; sub-path build {len(subpath.pages)})")
    yield {"root": root, "sub": subpath}
    shutil.rmtree(site.parent, ignore_errors=True)  # about 500 MB of output


BUILDS = ["root", "sub"]


# --------------------------------------------------------------------------- tests


def test_both_builds_have_the_same_pages(outputs):
    root = {p.path for p in outputs["root"].pages}
    sub = {p.path for p in outputs["sub"].pages}
    assert root == sub, f"only at the root: {sorted(root - sub)[:10]}; only at the sub-path: {sorted(sub - root)[:10]}"
    articles = [p for p in outputs["root"].pages if kind_of(p.path) == "articles"]
    assert len(articles) == 2000


def test_the_checker_tells_good_links_from_broken_ones():
    """The resolver itself, on a made-up output at a sub-path."""
    files = {"index.html", "articles/%/index.html", "articles/مصر/index.html", "theme/style.css", "404.html"}
    out = Output("t", Path("."), SUB_URL, files, [])
    page = "articles/مصر/index.html"
    good = ["../../", "./", "", "../../theme/style.css?v=1", "../../articles/%D9%85%D8%B5%D8%B1/#top",
            "../%25/", SUB_URL, SUB_URL + "articles/%D9%85%D8%B5%D8%B1/"]
    for url in good:
        assert out.resolve(url, page)[1] is None, url
    assert out.resolve("/akhbar/theme/style.css", "404.html") == ("theme/style.css", None)
    skipped = ["#main", "mailto:a@b.c", "tel:123", "https://other.example/x", "//cdn.example/x.js"]
    assert all(out.resolve(url, page) == (None, None) for url in skipped)
    broken = ["../../tags/x/", "../../theme/style", "../مصر", "../../../../", "/akhbar/index.html",
              SUB_URL + "articles/nope/", "/akhbar/nope.css"]
    for url in broken:
        assert out.resolve(url, "404.html" if url == "/akhbar/nope.css" else page)[1], url
    assert out.resolve("/other/", "404.html")[1]


@pytest.mark.parametrize("build", BUILDS)
def test_every_internal_link_and_asset_resolves(outputs, build):
    output = outputs[build]
    problems = []
    checked = 0
    for page in output.pages:
        for tag, url in page.urls:
            target, problem = output.resolve(url, page.path)
            if problem:
                problems.append(f"{page.path}: <{tag}> {problem}")
            elif target:
                checked += 1
    assert checked > 100_000, checked  # the checker did look at the links
    assert not problems, report(problems)


def test_404_links_are_root_relative_with_the_base_path(outputs):
    for build in BUILDS:
        output = outputs[build]
        [page] = [p for p in output.pages if p.path == "404.html"]
        local = [url for tag, url in page.urls if tag in ("a", "link", "script")
                 and not urlsplit(url).scheme and not url.startswith("#")]
        assert local, "404.html has no links"
        assert all(url.startswith(output.base_path) for url in local), (build, local)


@pytest.mark.parametrize("build", BUILDS)
def test_every_page_is_arabic_rtl_with_one_h1_and_a_canonical_link(outputs, build):
    output = outputs[build]
    problems = []
    for page in output.pages:
        if (page.lang, page.dir) != ("ar", "rtl"):
            problems.append(f"{page.path}: <html lang={page.lang!r} dir={page.dir!r}>")
        if len(page.h1) != 1:
            problems.append(f"{page.path}: {len(page.h1)} <h1> elements")
        elif not page.h1[0]:
            problems.append(f"{page.path}: empty <h1>")
        if len(page.canonical) != 1:
            problems.append(f"{page.path}: {len(page.canonical)} canonical links")
        elif not page.canonical[0].startswith(output.base_url):
            problems.append(f"{page.path}: canonical {page.canonical[0]!r} is not under {output.base_url}")
    assert not problems, report(problems)


@pytest.mark.parametrize("build", BUILDS)
def test_every_xml_file_parses_and_its_urls_resolve(outputs, build):
    output = outputs[build]
    problems = []
    xml_files = sorted(f for f in output.files if f.endswith(".xml"))
    names = Counter(posixpath.basename(f) for f in xml_files)
    assert {"feed.xml", "rss.xml", "sitemap.xml", "news-sitemap.xml"} <= set(names), names
    # every list with a feed: the front page, and each section, tag and author
    terms = {f.rsplit("/", 1)[0] for f in output.files
             if f.count("/") == 2 and f.split("/")[0] in ("sections", "tags", "authors") and f.endswith("/index.html")}
    for term in sorted(terms):
        for feed in ("feed.xml", "rss.xml"):
            if f"{term}/{feed}" not in output.files:
                problems.append(f"{term}/: no {feed}")
    counted = Counter()

    def check_url(source: str, url: str | None) -> None:
        counted[source.rsplit("/", 1)[-1]] += 1
        if not url or not url.startswith(output.base_url):
            problems.append(f"{source}: {url!r} is not under {output.base_url}")
            return
        _, problem = output.resolve(url, None)
        if problem:
            problems.append(f"{source}: {problem}")

    for rel in xml_files:
        try:
            root = ET.parse(output.folder / rel).getroot()
        except ET.ParseError as exc:
            problems.append(f"{rel}: not well-formed XML: {exc}")
            continue
        name = posixpath.basename(rel)
        if name == "feed.xml":
            if root.tag != f"{ATOM}feed":
                problems.append(f"{rel}: root element {root.tag}")
            for link in root.iterfind(f"{ATOM}link"):
                check_url(rel, link.get("href"))
            for entry in root.iterfind(f"{ATOM}entry"):
                links = [link.get("href") for link in entry.iterfind(f"{ATOM}link")]
                if not links:
                    problems.append(f"{rel}: an entry without a link")
                for href in links:
                    check_url(rel, href)
        elif name == "rss.xml":
            if root.tag != "rss" or root.find("channel") is None:
                problems.append(f"{rel}: not RSS 2.0 ({root.tag})")
                continue
            check_url(rel, root.findtext("channel/link"))
            for item in root.iterfind("channel/item"):
                check_url(rel, item.findtext("link"))
        elif name.startswith("sitemap") or name == "news-sitemap.xml":
            if root.tag not in (f"{SITEMAP}urlset", f"{SITEMAP}sitemapindex"):
                problems.append(f"{rel}: root element {root.tag}")
            for loc in root.iter(f"{SITEMAP}loc"):
                check_url(rel, (loc.text or "").strip())
        else:
            problems.append(f"{rel}: an XML file the checker does not know")
    assert not problems, report(problems)
    # the sitemap lists every page but 404.html
    pages = len(output.pages)
    assert counted["sitemap.xml"] + sum(n for k, n in counted.items() if k.startswith("sitemap-")) >= pages - 1, counted
    assert counted["feed.xml"] > 2000 and counted["rss.xml"] > 2000, counted


def _iso_with_offset(value) -> bool:
    try:
        return isinstance(value, str) and dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


@pytest.mark.parametrize("build", BUILDS)
def test_article_json_ld_is_a_valid_news_article(outputs, build):
    output = outputs[build]
    problems = []
    articles = [p for p in output.pages if kind_of(p.path) == "articles"]
    assert len(articles) == 2000
    for page in articles:
        where = page.path
        blocks = []
        for text in page.json_ld:
            try:
                blocks.append(json.loads(text))
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: JSON-LD does not parse: {exc}")
        news = [b for b in blocks if isinstance(b, dict) and b.get("@type") == "NewsArticle"]
        if len(news) != 1:
            problems.append(f"{where}: {len(news)} NewsArticle blocks in {len(page.json_ld)} JSON-LD scripts")
            continue
        data = news[0]
        h1 = page.h1[0] if page.h1 else None
        headline = data.get("headline")
        if not isinstance(headline, str) or " ".join(headline.split()) != h1:
            problems.append(f"{where}: headline {headline!r} != <h1> {h1!r}")
        for key in ("datePublished", "dateModified"):
            if not _iso_with_offset(data.get(key)):
                problems.append(f"{where}: {key} {data.get(key)!r} is not ISO 8601 with an offset")
        authors = data.get("author")
        if not isinstance(authors, list) or not authors:
            problems.append(f"{where}: author {authors!r} is not a list of Person objects")
        else:
            for author in authors:
                if not isinstance(author, dict) or author.get("@type") != "Person" or not author.get("name"):
                    problems.append(f"{where}: author {author!r} is not a Person with a name")
                    continue
                url = author.get("url")
                target, problem = output.resolve(url, None) if isinstance(url, str) and url.startswith(output.base_url) \
                    else (None, f"url {url!r} is not under {output.base_url}")
                if problem or not (target or "").startswith("authors/") or target.count("/") != 2:
                    problems.append(f"{where}: author url {url!r} is not an author page ({problem or target})")
        publisher = data.get("publisher")
        if not isinstance(publisher, dict) or not publisher.get("name"):
            problems.append(f"{where}: publisher {publisher!r} has no name")
        canonical = page.canonical[0] if page.canonical else None
        main = data.get("mainEntityOfPage")
        if isinstance(main, dict):  # {"@type": "WebPage", "@id": URL} says the same
            main = main.get("@id")
        if main != canonical:
            problems.append(f"{where}: mainEntityOfPage {data.get('mainEntityOfPage')!r} != canonical {canonical!r}")
    assert not problems, report(problems)
