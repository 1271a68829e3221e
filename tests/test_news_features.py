"""What makes Jarida a news site: paginated lists of every kind, scheduled
articles, sub-path deployment, theme overrides, Hijri dates, Arabic-Indic
digits, locales, feeds, the Google News sitemap, reading time and related
articles. Small sites written by each test, built in-process with a fixed ``now``."""
from __future__ import annotations

import datetime as dt
import email.utils
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.build import build

from conftest import REPO_ROOT

NOW = dt.datetime(2023, 11, 10, 12, 0, tzinfo=dt.timezone.utc)
CAIRO = dt.timezone(dt.timedelta(hours=2))
BASE = "https://example.org/"
SUB = "https://user.github.io/akhbar/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ASCII_DIGIT = re.compile(r"[0-9]")


# --------------------------------------------------------------------------- helpers


def md(title: str, date: dt.datetime | str, body: str = "نص المقال الأول.\n\nفقرة ثانية.", **meta) -> str:
    """An article file: front matter (lists written as YAML flow lists) and body."""
    lines = [f"title: {title}", f"date: {date.isoformat() if isinstance(date, dt.datetime) else date}"]
    for key, value in meta.items():
        lines.append(f"{key}: [{', '.join(value)}]" if isinstance(value, (list, tuple)) else f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


def make_site(root: Path, articles: dict[str, str], toml: str = "") -> Path:
    """A site in ``root``: ``site.toml`` (base URL + ``toml``) and ``content/articles/<name>.md``."""
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text(f'base_url = "{BASE}"\n' + toml, encoding="utf-8")
    for name, text in articles.items():
        (root / "content" / "articles" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass
class Element:
    tag: str
    attrs: dict
    index: int = 0  # position in the page's element list
    end: int = 0  # one past its last descendant in that list
    text: str = ""
    parts: list = field(default_factory=list, repr=False)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()


class _Elements(HTMLParser):
    """Every element of a page with its attributes and its whole text, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v or "") for k, v in attrs}, len(self.elements), len(self.elements) + 1)
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        if tag in _VOID or not any(e.tag == tag for e in self._open):
            return
        while self._open:
            top = self._close()
            if top.tag == tag:
                break

    def _close(self) -> Element:
        element = self._open.pop()
        element.text = " ".join("".join(element.parts).split())
        element.end = len(self.elements)
        if self._open:
            self._open[-1].parts.append("".join(element.parts))
        return element

    def handle_data(self, data):
        if self._open:
            self._open[-1].parts.append(data)

    def close(self):
        super().close()
        while self._open:
            self._close()


class Page:
    """A built HTML page: its path in the output and its elements."""

    def __init__(self, out: Path, rel: str):
        self.rel = rel
        self.html = (out / rel).read_text(encoding="utf-8")
        parser = _Elements()
        parser.feed(self.html)
        parser.close()
        self.elements = parser.elements

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Element]:
        return [e for e in self.elements
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def rel_links(self, rel: str) -> list[str]:
        """Where the ``<a>``/``<link>`` elements with ``rel`` lead (output paths)."""
        return [resolve(self.rel, e.attrs["href"]) for e in self.elements
                if e.tag in ("a", "link") and rel in e.attrs.get("rel", "").split()]

    def inside(self, cls: str) -> list[Element]:
        """The elements inside the first element with class ``cls``."""
        [outer] = self.find(cls=cls)[:1]
        return self.elements[outer.index + 1:outer.end]

    def article_links(self, cls: str | None = None) -> list[str]:
        """Output paths of the article pages linked from the page (or from inside ``cls``), in order, once each."""
        elements = self.inside(cls) if cls else self.elements
        out = []
        for e in elements:
            if e.tag == "a" and "href" in e.attrs:
                target = resolve(self.rel, e.attrs["href"])
                if target.startswith("articles/") and target not in out and target != self.rel:
                    out.append(target)
        return out


def resolve(page: str, href: str) -> str:
    """The output path a relative ``href`` on output ``page`` leads to (a folder means its index.html)."""
    path = unquote(urlsplit(href).path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path == "" or path.endswith("/"):
        target = "index.html" if target == "." else target + "/index.html"
    return target


def text_files(out: Path) -> str:
    """The text of every page, feed, sitemap and index of an output (not the theme's files)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*"))
                     if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")
                     and "theme" not in p.relative_to(out).parts)


def only_dir(folder: Path) -> str:
    [name] = [p.name for p in folder.iterdir() if p.is_dir()]
    return name


# --------------------------------------------------------------------------- pagination


def test_every_kind_of_list_is_paginated_with_prev_and_next(tmp_path):
    dates = [dt.datetime(2023, 11, day, 10, 0, tzinfo=CAIRO) for day in range(1, 6)]
    site = make_site(tmp_path, {
        f"a{n}": md(f"خبر رقم {n}", date, tags=["غزة"], section="politics", author="مريم العطار")
        for n, date in enumerate(dates, 1)
    }, "per_page = 2\n")
    build(site, now=NOW)
    out = site / "build"
    newest_first = [f"articles/a{n}/index.html" for n in range(5, 0, -1)]
    lists = ["", "sections/politics/", f"tags/{only_dir(out / 'tags')}/",
             f"authors/{only_dir(out / 'authors')}/", "archive/2023/", "archive/2023/11/"]
    assert lists[2] == "tags/غزة/" and lists[3] == "authors/مريم-العطار/"
    for base in lists:
        paths = [f"{base}index.html", f"{base}page/2/index.html", f"{base}page/3/index.html"]
        for path in paths:
            assert (out / path).is_file(), path
        assert not (out / base / "page" / "4").exists(), base
        assert not (out / base / "page" / "1").exists(), base
        pages = [Page(out, path) for path in paths]
        assert pages[0].rel_links("prev") == [], base
        assert pages[0].rel_links("next") == [paths[1]], base
        assert pages[1].rel_links("prev") == [paths[0]], base
        assert pages[1].rel_links("next") == [paths[2]], base
        assert pages[2].rel_links("prev") == [paths[1]], base
        assert pages[2].rel_links("next") == [], base
        # the front page's list (its first page also has a block per section below it)
        listed = [page.article_links("front-list" if base == "" else None) for page in pages]
        assert [len(x) for x in listed] == [2, 2, 1], (base, listed)
        assert sum(listed, []) == newest_first, base
        # every page number links to its page
        assert (out / base / "page" / "2").is_dir()
        assert paths[2] in [resolve(paths[0], e.attrs["href"]) for e in pages[0].find("a") if "href" in e.attrs]


# --------------------------------------------------------------------------- scheduling and drafts


def test_a_scheduled_article_waits_until_its_date(tmp_path):
    due = NOW + dt.timedelta(days=3)
    later = NOW + dt.timedelta(days=9)
    site = make_site(tmp_path, {
        "today": md("خبر منشور اليوم", NOW - dt.timedelta(hours=3), tags=["اقتصاد"]),
        "soon": md("خبر مجدول لاحقا", due, tags=["موعد-مؤجل"], author="كاتب المستقبل"),
        "later": md("خبر مجدول بعد ذلك", later, tags=["اقتصاد"]),
        "hidden": md("مسودة مجدولة قبله", NOW + dt.timedelta(days=1), draft="true"),
    }, "per_page = 1\n")
    report = build(site, now=NOW)
    out = site / "build"
    assert report.next_due == due  # not the draft's date, not the later one
    assert dt.datetime.fromisoformat((site / ".cache" / "jarida" / "next-due.txt").read_text(encoding="utf-8").strip()) == due
    assert not (out / "articles" / "soon").exists()
    assert not (out / "articles" / "later").exists()
    assert not (out / "tags" / "موعد-مؤجل").exists()
    assert not (out / "authors" / "كاتب-المستقبل").exists()
    assert not (out / "page" / "2").exists()  # one article published: one front page
    everything = text_files(out)
    for word in ("خبر مجدول لاحقا", "خبر مجدول بعد ذلك", "مسودة مجدولة", "articles/soon", "articles/later",
                 "كاتب المستقبل"):
        assert word not in everything, word
    assert "خبر منشور اليوم" in (out / "feed.xml").read_text(encoding="utf-8")

    report = build(site, now=NOW, future=True)
    assert report.next_due is None
    assert (site / ".cache" / "jarida" / "next-due.txt").read_text(encoding="utf-8").strip() == ""
    for slug in ("soon", "later"):
        assert (out / "articles" / slug / "index.html").is_file()
    assert (out / "tags" / "موعد-مؤجل" / "index.html").is_file()
    for name in ("feed.xml", "rss.xml", "sitemap.xml"):
        text = (out / name).read_text(encoding="utf-8")
        assert "articles/soon/" in text and "articles/later/" in text, name
    assert "مسودة مجدولة" not in text_files(out)

    # once its date has come, a plain build publishes it and the next one is due
    report = build(site, now=due)
    assert (out / "articles" / "soon" / "index.html").is_file()
    assert not (out / "articles" / "later").exists()
    assert report.next_due == later


def test_drafts_are_left_out_of_feeds_and_sitemaps_unless_asked_for(tmp_path):
    # tests/test_problems.py checks the pages; this checks feeds and sitemaps by URL
    site = make_site(tmp_path, {
        "out": md("منشور", NOW - dt.timedelta(hours=1), tags=["عام"]),
        "draft": md("مسودة", NOW - dt.timedelta(hours=2), tags=["عام"], draft="true"),
    })
    build(site, now=NOW)
    out = site / "build"
    for name in ("feed.xml", "rss.xml", "sitemap.xml", "news-sitemap.xml", "tags/عام/feed.xml", "tags/عام/rss.xml"):
        assert "articles/draft/" not in (out / name).read_text(encoding="utf-8"), name
    build(site, now=NOW, drafts=True)
    for name in ("feed.xml", "rss.xml", "sitemap.xml", "news-sitemap.xml", "tags/عام/feed.xml", "tags/عام/rss.xml"):
        assert "articles/draft/" in (out / name).read_text(encoding="utf-8"), name


# --------------------------------------------------------------------------- base path


def test_a_site_at_a_sub_path_uses_its_base_url_everywhere(tmp_path):
    site = make_site(tmp_path, {
        "x": md("خبر في مسار فرعي", NOW - dt.timedelta(hours=5), tags=["غزة"], section="economy"),
    })
    build(site, base_url=SUB, now=NOW)
    out = site / "build"
    article = Page(out, "articles/x/index.html")
    [canonical] = [e.attrs["href"] for e in article.find("link", rel="canonical")]
    assert canonical == SUB + "articles/x/"
    assert Page(out, "index.html").find("link", rel="canonical")[0].attrs["href"] == SUB
    assert Page(out, "tags/غزة/index.html").find("link", rel="canonical")[0].attrs["href"] == SUB + "tags/%D8%BA%D8%B2%D8%A9/"

    atom = ET.parse(out / "feed.xml").getroot()
    assert all(link.get("href").startswith(SUB) for link in atom.iter(f"{ATOM}link"))
    assert [e.find(f"{ATOM}link").get("href") for e in atom.iter(f"{ATOM}entry")] == [SUB + "articles/x/"]
    rss = ET.parse(out / "rss.xml").getroot()
    assert rss.findtext("channel/link") == SUB
    assert [item.findtext("link") for item in rss.iter("item")] == [SUB + "articles/x/"]
    locs = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert SUB in locs and SUB + "articles/x/" in locs
    assert all(loc.startswith(SUB) for loc in locs)
    news = [loc.text for loc in ET.parse(out / "news-sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert news == [SUB + "articles/x/"]
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SUB}sitemap.xml" in robots

    page = Page(out, "404.html")
    local = [e.attrs.get("href") or e.attrs.get("src") for e in page.elements
             if e.tag in ("a", "link", "script", "img") and (e.attrs.get("href") or e.attrs.get("src"))]
    local = [url for url in local if not url.startswith("#") and not urlsplit(url).scheme]
    assert local, "404.html has no links"
    for url in local:
        assert url.startswith("/akhbar/"), url
        target = resolve("index.html", url.removeprefix("/akhbar/"))
        assert (out / target).is_file(), url
    assert "/akhbar/theme/style.css" in local and "/akhbar/" in local


# --------------------------------------------------------------------------- themes


def test_a_site_theme_overrides_templates_and_static_files_one_by_one(tmp_path):
    site = make_site(tmp_path, {
        "x": md("خبر بقالب خاص", NOW - dt.timedelta(hours=5), tags=["غزة"]),
    }, 'theme = "mine"\n')
    theme = site / "themes" / "mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<article class="mine-article">\n'
        '<h1 class="mine-headline">{{ article.title }}</h1>\n{{ article.body_html | safe }}\n'
        '</article>\n{% endblock %}\n', encoding="utf-8")
    css = "/* mine */\nbody { color: #123456; }\n"
    (theme / "static" / "style.css").write_text(css, encoding="utf-8")
    build(site, now=NOW)
    out = site / "build"
    article = Page(out, "articles/x/index.html")
    assert [e.text for e in article.find("h1", cls="mine-headline")] == ["خبر بقالب خاص"]
    assert article.find(cls="mine-article") and not article.find(cls="headline")
    assert article.find(cls="skip-link") and article.find("nav", cls="site-nav")  # base.html of the default theme
    assert (out / "theme" / "style.css").read_text(encoding="utf-8") == css
    default_static = REPO_ROOT / "themes" / "default" / "static"
    for file in default_static.rglob("*"):  # the other static files still come from the default theme
        if file.is_file() and file.name != "style.css":
            rel = file.relative_to(default_static).as_posix()
            assert (out / "theme" / rel).read_bytes() == file.read_bytes(), rel
    index = Page(out, "index.html")  # index.html of the default theme
    assert index.find(cls="lead") and not index.find(cls="mine-article")
    assert Page(out, "tags/غزة/index.html").find(cls="term-header")


def test_a_site_theme_can_override_one_string(tmp_path):
    site = make_site(tmp_path, {
        "a": md("خبر أول عن غزة", NOW - dt.timedelta(hours=5), tags=["غزة", "مصر"]),
        "b": md("خبر ثان عن غزة", NOW - dt.timedelta(hours=6), tags=["غزة", "مصر"]),
    }, 'theme = "mine"\n')
    theme = site / "themes" / "mine"
    theme.mkdir(parents=True)
    (theme / "strings.toml").write_text('read_also = "طالع كذلك"\n\n[reading_time]\none = "قراءة في دقيقة"\n',
                                        encoding="utf-8")
    build(site, now=NOW)
    article = Page(site / "build", "articles/a/index.html")
    assert [e.text for e in article.find("h2", id="related-title")] == ["طالع كذلك"]
    assert "اقرأ أيضًا" not in article.html
    assert [e.text for e in article.find(cls="reading-time")] == ["قراءة في دقيقة"]
    # the other words still come from the default theme
    assert "الرئيسية" in [e.text for e in article.find("a")]
    assert "الوسوم" in [e.text for e in article.find("a")]


# --------------------------------------------------------------------------- dates and digits


def article_dates(tmp_path: Path, toml: str, date: dt.datetime = dt.datetime(2023, 11, 5, 14, 30, tzinfo=CAIRO)) -> Page:
    site = make_site(tmp_path, {"x": md("خبر مؤرخ", date)}, toml)
    build(site, now=NOW)
    return Page(site / "build", "articles/x/index.html")


@pytest.mark.parametrize("offset, expected", [(None, "21 ربيع الثاني 1445 هـ"), (1, "22 ربيع الثاني 1445 هـ"),
                                              (-1, "20 ربيع الثاني 1445 هـ")])
def test_hijri_date_with_its_offset(tmp_path, offset, expected):
    toml = "hijri = true\n" + (f"hijri_offset = {offset}\n" if offset is not None else "")
    page = article_dates(tmp_path, toml)
    assert [e.text for e in page.find(cls="hijri")] == [expected]


def test_no_hijri_date_unless_asked_for(tmp_path):
    page = article_dates(tmp_path, "")
    assert not page.find(cls="hijri")
    assert "ربيع الثاني" not in page.html


def test_arabic_indic_digits_in_dates_counts_and_page_numbers(tmp_path):
    dates = [dt.datetime(2023, 11, day, 14, 30, tzinfo=CAIRO) for day in range(1, 6)]
    site = make_site(tmp_path, {f"a{n}": md(f"خبر {n}", date, tags=["غزة"]) for n, date in enumerate(dates, 1)},
                     "arabic_digits = true\nper_page = 2\n")
    build(site, now=NOW)
    out = site / "build"
    article = Page(out, "articles/a5/index.html")
    [when] = [e.text for e in article.find("time") if e.attrs.get("datetime", "").startswith("2023-11-05")][:1]
    assert when == "٥ نوفمبر ٢٠٢٣ – ١٤:٣٠"
    assert not ASCII_DIGIT.search(when)
    front = Page(out, "index.html")
    for time in front.find("time"):
        assert not ASCII_DIGIT.search(time.text) and re.search("[٠-٩]", time.text), time.text
    numbers = [e.text for e in front.inside("pagination") if e.tag in ("a", "span") and e.text.isdigit()]
    assert numbers == ["١", "٢", "٣"]
    second = Page(out, "page/2/index.html")
    assert "صفحة ٢" in second.find("title")[0].text
    tag = Page(out, "tags/غزة/index.html")
    assert [e.text for e in tag.find("p", cls="count")] == ["٥ مقالات"]
    terms = Page(out, "tags/index.html")
    assert [e.text for e in terms.find(cls="count")] == ["٥"]  # a badge beside the tag
    archive = Page(out, "archive/index.html")
    assert "نوفمبر ٢٠٢٣" in [e.text for e in archive.find("a")]
    assert [e.text for e in front.find("p", cls="copyright")][0].startswith("© ٢٠٢٣ ")  # the footer's year
    [status] = Page(out, "search/index.html").find("p", id="search-status")
    assert status.attrs["data-digits"] == "arab"  # the script writes the count of results in ٠-٩


def test_western_digits_by_default(tmp_path):
    page = article_dates(tmp_path, "")
    [when] = [e.text for e in page.find("time")][:1]
    assert when == "5 نوفمبر 2023 – 14:30"


@pytest.mark.parametrize("locale, month", [("ar_LB", "تشرين الثاني"), ("ar_EG", "نوفمبر"), ("ar_SY", "تشرين الثاني")])
def test_month_names_follow_the_locale(tmp_path, locale, month):
    page = article_dates(tmp_path, f'locale = "{locale}"\n')
    [when] = [e.text for e in page.find("time")][:1]
    assert when.startswith(f"5 {month} 2023"), when
    other = {"تشرين الثاني": "نوفمبر", "نوفمبر": "تشرين الثاني"}[month]
    assert other not in page.html


# --------------------------------------------------------------------------- feeds


FEED_ARTICLES = {
    "a": ("الحكومة تعلن موازنة جديدة", dt.datetime(2023, 11, 9, 8, 15, tzinfo=CAIRO),
          dict(section="economy", tags=["موازنة", "حكومة"], author="مريم العطار")),
    "b": ("الفريق يفوز بالبطولة", dt.datetime(2023, 11, 8, 21, 5, tzinfo=dt.timezone(dt.timedelta(hours=3))),
          dict(section="sport", tags=["كرة القدم", "حكومة"], authors=["سامي حداد", "مريم العطار"])),
    "c": ("معرض الكتاب يفتح أبوابه", dt.datetime(2023, 10, 30, 23, 50, tzinfo=dt.timezone.utc),
          dict(section="culture", tags=["كتب", "موازنة"])),
}


def feed_site(root: Path, toml: str = "") -> Path:
    site = make_site(root, {slug: md(title, date, body="فقرة المقال الأولى.\n\nفقرة المقال الثانية.", **meta)
                            for slug, (title, date, meta) in FEED_ARTICLES.items()}, toml)
    build(site, now=NOW)
    return site / "build"


def test_every_section_tag_and_author_has_feeds_that_parse(tmp_path):
    out = feed_site(tmp_path)
    dates = {BASE + f"articles/{slug}/": date for slug, (_, date, _) in FEED_ARTICLES.items()}
    folders = [Path("")] + [p.relative_to(out) for taxonomy in ("sections", "tags", "authors")
                            for p in sorted((out / taxonomy).iterdir()) if p.is_dir()]
    assert len(folders) == 1 + 3 + 4 + 3  # the site, 3 sections, 4 tags, 3 authors
    for folder in folders:
        atom = ET.parse(out / folder / "feed.xml").getroot()
        rss = ET.parse(out / folder / "rss.xml").getroot()
        assert atom.tag == f"{ATOM}feed" and atom.get(XML_LANG) == "ar", folder
        assert rss.tag == "rss" and rss.get("version") == "2.0" and rss.findtext("channel/language") == "ar", folder
        entries = atom.findall(f"{ATOM}entry")
        items = rss.findall("channel/item")
        assert entries and len(entries) == len(items), folder
        page = Page(out, (folder / "index.html").as_posix())
        assert len(entries) == len(page.article_links()), folder
        for entry in entries:
            url = entry.find(f"{ATOM}link").get("href")
            assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == dates[url]
            assert entry.find(f"{ATOM}content") is not None  # full content by default
        for item in items:
            url = item.findtext("link")
            pub = item.findtext("pubDate")
            assert email.utils.parsedate_to_datetime(pub) == dates[url], (folder, pub)
            assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                                r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}", pub), pub
            assert item.find(CONTENT) is not None
    # each list's feed holds exactly its own articles
    tag_feed = ET.parse(out / "tags" / "حكومة" / "rss.xml").getroot()
    assert [i.findtext("link") for i in tag_feed.iter("item")] == [BASE + "articles/a/", BASE + "articles/b/"]
    author = ET.parse(out / "authors" / "سامي-حداد" / "feed.xml").getroot()
    assert [e.find(f"{ATOM}link").get("href") for e in author.iter(f"{ATOM}entry")] == [BASE + "articles/b/"]


def test_term_pages_link_their_feeds(tmp_path):
    out = feed_site(tmp_path)
    page = Page(out, "sections/economy/index.html")
    alternates = {resolve(page.rel, e.attrs["href"]) for e in page.find("link", rel="alternate")}
    assert {"sections/economy/feed.xml", "sections/economy/rss.xml", "feed.xml", "rss.xml"} <= alternates


def test_summary_feeds_leave_out_the_content(tmp_path):
    out = feed_site(tmp_path, 'feed_content = "summary"\n')
    for feed in ("feed.xml", "tags/موازنة/feed.xml"):
        atom = ET.parse(out / feed).getroot()
        entries = atom.findall(f"{ATOM}entry")
        assert entries
        for entry in entries:
            assert entry.find(f"{ATOM}content") is None
            assert entry.findtext(f"{ATOM}summary")
    for feed in ("rss.xml", "tags/موازنة/rss.xml"):
        rss = ET.parse(out / feed).getroot()
        for item in rss.iter("item"):
            assert item.find(CONTENT) is None
            assert item.findtext("description")
    assert "فقرة المقال الثانية" not in (out / "feed.xml").read_text(encoding="utf-8")


def test_news_sitemap_lists_only_the_last_two_days(tmp_path):
    ages = {"fresh": dt.timedelta(hours=1), "yesterday": dt.timedelta(hours=30),
            "almost": dt.timedelta(days=2) - dt.timedelta(minutes=1),
            "just-too-old": dt.timedelta(days=2, minutes=1), "old": dt.timedelta(days=5)}
    articles = {slug: md(f"خبر {slug}", (NOW - age).astimezone(CAIRO)) for slug, age in ages.items()}
    articles["tomorrow"] = md("خبر الغد", NOW + dt.timedelta(days=1))
    site = make_site(tmp_path, articles, 'title = "صحيفة الاختبار"\n')
    build(site, now=NOW)
    root = ET.parse(site / "build" / "news-sitemap.xml").getroot()
    urls = root.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [BASE + f"articles/{s}/" for s in ("fresh", "yesterday", "almost")]
    for url in urls:
        publication = url.find(f"{NEWS}news/{NEWS}publication")
        assert publication.findtext(f"{NEWS}language") == "ar"
        assert publication.findtext(f"{NEWS}name") == "صحيفة الاختبار"
        published = dt.datetime.fromisoformat(url.findtext(f"{NEWS}news/{NEWS}publication_date"))
        assert NOW - dt.timedelta(days=2) <= published <= NOW
        assert url.findtext(f"{NEWS}news/{NEWS}title").startswith("خبر ")
    # the ordinary sitemap still lists every published article
    locs = {loc.text for loc in ET.parse(site / "build" / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")}
    assert {BASE + f"articles/{s}/" for s in ages} <= locs
    assert BASE + "articles/tomorrow/" not in locs


# --------------------------------------------------------------------------- reading time, related


@pytest.mark.parametrize("words, shown", [(360, "دقيقتا قراءة"), (100, "دقيقة قراءة واحدة"), (540, "3 دقائق قراءة")])
def test_reading_time(tmp_path, words, shown):
    paragraphs = ["كلمة " * (words // 4)] * 4
    body = "\n\n".join(p.strip() for p in paragraphs)
    site = make_site(tmp_path, {"x": md("عنوان قصير", NOW - dt.timedelta(hours=1), body=body)})
    build(site, now=NOW)
    page = Page(site / "build", "articles/x/index.html")
    assert [e.text for e in page.find(cls="reading-time")] == [shown]


def test_reading_time_counts_a_vocalised_word_once(tmp_path):
    # 360 words, each with harakat and tatweel, a dash standing alone after each
    # group: two minutes at 180 words a minute, not seven (a word split at each haraka)
    body = "\n\n".join(("مُحَمَّدٌ ذَهَبَ إلى المـدرسةِ، — " * 30).strip() for _ in range(3))
    site = make_site(tmp_path, {"x": md("عنوان قصير", NOW - dt.timedelta(hours=1), body=body)})
    build(site, now=NOW)
    page = Page(site / "build", "articles/x/index.html")
    assert [e.text for e in page.find(cls="reading-time")] == ["دقيقتا قراءة"]


def test_word_count_of_html():
    from generator.dates import word_count

    assert word_count("<p>مُحَمَّدٌ ذَهَبَ إلى <strong>المدرسةِ</strong>، — «نعم» 2023 الـ5</p>") == 7
    assert word_count("<p>— « » ...</p><p></p>") == 0
    assert word_count("<p>كلمة<br />كلمة</p>") == 2


def test_related_articles_share_the_most_tags_first(tmp_path):
    hours = lambda n: NOW - dt.timedelta(hours=n)  # noqa: E731
    site = make_site(tmp_path, {
        "main": md("الخبر الرئيسي", hours(1), tags=["غزة", "مصر", "قطاع غزة"]),
        "two-tags": md("خبر يشارك وسمين", hours(10), tags=["غزه", "مصر"]),
        "one-tag": md("خبر يشارك وسما", hours(2), tags=["غزة"]),
        "unrelated": md("خبر آخر", hours(3), tags=["رياضة"]),
    })
    build(site, now=NOW)
    out = site / "build"
    page = Page(out, "articles/main/index.html")
    assert page.find("aside", cls="related")
    assert page.article_links("related") == ["articles/two-tags/index.html", "articles/one-tag/index.html"]
    lonely = Page(out, "articles/unrelated/index.html")
    assert not lonely.find(cls="related")


def test_rss_dates_are_the_standard_librarys_rfc_822_text():
    import random
    import zoneinfo

    from generator.feeds import rfc822

    zones = [None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=3)), dt.timezone(-dt.timedelta(hours=5, minutes=30)),
             zoneinfo.ZoneInfo("Africa/Cairo"), zoneinfo.ZoneInfo("Asia/Riyadh"), zoneinfo.ZoneInfo("America/Havana")]
    rng = random.Random(822)
    for _ in range(5000):
        moment = dt.datetime(rng.randint(1950, 2200), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                             rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999_999), tzinfo=rng.choice(zones))
        assert rfc822(moment) == email.utils.format_datetime(moment), moment
    assert rfc822(dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))) \
        == "Tue, 05 Mar 2024 14:30:00 +0200"
    assert rfc822(dt.datetime(2024, 3, 5, 14, 30)) == "Tue, 05 Mar 2024 14:30:00 -0000"
    # local mean time (Cairo before 1900, +02:05:09): RFC 822 holds hours and minutes only
    assert rfc822(dt.datetime(1890, 1, 1, tzinfo=zoneinfo.ZoneInfo("Africa/Cairo"))) == "Tue, 31 Dec 1889 21:54:51 +0000"


def test_machine_readable_dates_in_local_mean_time_are_given_in_utc():
    """RFC 3339 and RFC 822 offsets hold hours and minutes; the tz database's local
    mean time (Riyadh before 1947: +03:06:52) has seconds: the same moment in UTC."""
    import zoneinfo

    from generator.dates import rfc3339
    from generator.feeds import rfc822

    riyadh = zoneinfo.ZoneInfo("Asia/Riyadh")
    old = dt.datetime(1940, 5, 1, 12, 0, tzinfo=riyadh)
    assert old.utcoffset() % dt.timedelta(minutes=1)
    assert rfc3339(old) == "1940-05-01T08:53:08+00:00"
    assert dt.datetime.fromisoformat(rfc3339(old)) == old
    assert rfc822(old) == "Wed, 01 May 1940 08:53:08 +0000"
    assert email.utils.parsedate_to_datetime(rfc822(old)) == old
    behind = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(-dt.timedelta(seconds=30)))
    assert rfc822(behind) == "Sat, 01 Jan 2000 00:00:30 +0000" and rfc3339(behind) == "2000-01-01T00:00:30+00:00"
    modern = dt.datetime(2024, 3, 5, 14, 30, tzinfo=riyadh)
    assert (rfc3339(modern), rfc822(modern)) == ("2024-03-05T14:30:00+03:00", "Tue, 05 Mar 2024 14:30:00 +0300")


def test_dates_with_another_offset_are_shown_in_the_site_time_zone(tmp_path):
    """A wire date in GMT (``+00:00``) on a Cairo site is shown at Cairo's time and
    filed under Cairo's day and month, as every other date of the site."""
    from generator.build import build

    root = make_site(tmp_path / "s", {"gmt": md("خبر بتوقيت غرينتش", "2024-01-31T23:30:00+00:00"),
                                      "riyadh": md("خبر بتوقيت الرياض", "2018-09-04T08:31:09+03:00",
                                                   updated="2018-09-04T05:40:00Z")},
                     'timezone = "Africa/Cairo"\n')
    build(root, now=dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc))
    out = root / "build"
    page = (out / "articles" / "gmt" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-02-01T01:30:00+02:00">1 فبراير 2024 – 01:30</time>' in page
    assert (out / "archive" / "2024" / "02" / "index.html").is_file() and not (out / "archive" / "2024" / "01").exists()
    page = (out / "articles" / "riyadh" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2018-09-04T07:31:09+02:00">4 سبتمبر 2018 – 07:31</time>' in page
    assert '<time datetime="2018-09-04T07:40:00+02:00">' in page


def _related_by_counting(article, tags, order, limit):
    """The definition of related articles, counted the plain way: the articles in the
    windows of the article's tags, by the number of windows they are in, then newest."""
    from collections import Counter

    from generator.content import term_key
    from generator.views import RELATED_WINDOW

    shared = Counter()
    for key in {term_key(t) for t in article.tags}:
        if key not in tags:
            continue
        members = list(tags[key].articles)
        at = members.index(article.slug)
        if len(members) > 2 * RELATED_WINDOW + 1:
            members = members[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]
        shared.update(members)
    shared.pop(article.slug, None)
    return sorted(shared, key=lambda s: (-shared[s], order[s]))[:limit]


@pytest.mark.parametrize("seed", range(12))
def test_related_articles_are_those_sharing_the_most_tags_in_their_windows(seed):
    # Sites of 1 to 400 articles over a few tags (some with more members than a window
    # holds) and tags that have no term: the result is the counting definition's.
    import random
    from types import SimpleNamespace

    from generator.content import term_key
    from generator.model import Term
    from generator.views import related

    rng = random.Random(seed)
    names = ["غزة", "مصر", "اقتصاد", "رياضة", "الطقس", "سوريا", "النفط", "تعليم"][:rng.randint(1, 8)]
    count = rng.choice([1, 5, 40, 400])
    articles = [SimpleNamespace(slug=f"a{i}", tags=tuple(rng.sample(names, rng.randint(0, min(6, len(names))))))
                for i in range(count)]
    order = {a.slug: i for i, a in enumerate(articles)}
    tags = {}
    for name in names[:-1]:  # the last tag has no term: skipped, as a tag the site does not list
        tags[term_key(name)] = Term("tags", term_key(name), name, name,
                                    tuple(a.slug for a in articles if name in a.tags))
    positions: dict = {}
    for limit in (4, 1, 9):
        for article in articles:
            expected = _related_by_counting(article, tags, order, limit)
            assert related(article, tags, order, limit, positions) == expected, (seed, article, limit)
            assert related(article, tags, order, limit) == expected
