"""The 2,000 real news texts of shared/corpus/public, converted with their
manifest.jsonl and built: titles, dates, sections, every line of text on the
page, and tags that are useful for browsing."""
import html
import json
import os
import subprocess
import sys
import time
import zoneinfo
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import frontmatter
from generator.arabic import fold, remove_invisible
from generator.metadata import parse_date
from generator.tags import looks_prefixed, stopwords
from conftest import SHARED, corpus_marks, norm, visible

REPO = Path(__file__).resolve().parents[1]
PUBLIC = SHARED / "corpus" / "public"
MANIFEST = PUBLIC / "manifest.jsonl"
CAIRO = zoneinfo.ZoneInfo("Africa/Cairo")
SITE_TOML = (
    'title = "جريدة المدونة"\n'
    'base_url = "https://example.org/"\n'
    'timezone = "Africa/Cairo"\n'
)

pytestmark = corpus_marks("public", "manifest.jsonl")





def expected_title(title: str) -> str:
    """The manifest title as Jarida shows it: character references decoded,
    bidi/zero-width characters removed, NFC, white space folded (metadata values
    are cleaned so, see generator.metadata.clean_value)."""
    return norm(remove_invisible(html.unescape(title)))


class ArticleText(HTMLParser):
    """The text of the <article class="article"> element of a page (headline, byline, body,
    source, author box, tags)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.articles = 0
        self._depth = 0
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            if self._depth:
                self._depth += 1
            elif "article" in (dict(attrs).get("class") or "").split():  # not the cards of related articles
                self._depth = 1
                self.articles += 1

    def handle_endtag(self, tag):
        if tag == "article" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.parts.append(data)


@pytest.fixture(scope="module")
def manifest():
    rows = [json.loads(line) for line in MANIFEST.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["file"]: row for row in rows}


@pytest.fixture(scope="module")
def built(tmp_path_factory, manifest):
    site = tmp_path_factory.mktemp("public") / "site"
    site.mkdir()
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1704067200", PYTHONIOENCODING="utf-8",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    times = {}
    for step in (["convert", "--site", str(site), str(PUBLIC)], ["build", "--site", str(site)]):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "generator", *step], cwd=REPO, env=env,
                                capture_output=True, text=True, encoding="utf-8", timeout=600)
        times[step[0]] = time.perf_counter() - started
        assert result.returncode == 0, f"{step[0]}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    print(f"\npublic corpus ({len(manifest)} files): convert {times['convert']:.1f} s, build {times['build']:.1f} s")
    articles = {}
    for md in sorted((site / "content" / "articles").glob("*.md")):
        meta = frontmatter.split(md.read_text(encoding="utf-8"))[0]
        articles[meta["source"]["file"]] = (md.stem, meta)
    return site, articles


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:15])


def test_corpus_has_2000_files(manifest):
    assert len(manifest) == 2000
    assert all((PUBLIC / name).is_file() for name in manifest)


def test_every_file_has_an_article(built, manifest):
    _, articles = built
    assert sorted(articles) == sorted(manifest)


def test_titles(built, manifest):
    _, articles = built
    problems = [f"{name}: {articles[name][1]['title']!r} != {expected_title(row['title'])!r}"
                for name, row in manifest.items() if articles[name][1]["title"] != expected_title(row["title"])]
    assert not problems, report(problems)


def test_dates_to_the_minute(built, manifest):
    _, articles = built
    problems = []
    for name, row in manifest.items():
        raw = row.get("date") or row.get("date_extracted")
        got = parse_date(articles[name][1]["date"], CAIRO)
        want = parse_date(raw, CAIRO)
        if got.utcoffset() is None or int(got.timestamp() // 60) != int(want.timestamp() // 60):
            problems.append(f"{name}: {articles[name][1]['date']!r} is not {raw!r}")
    assert not problems, report(problems)


def test_sections(built, manifest):
    _, articles = built
    problems = [f"{name}: {articles[name][1].get('section')!r} != {row.get('section')!r}"
                for name, row in manifest.items() if articles[name][1].get("section") != row.get("section")]
    assert not problems, report(problems)
    site, _ = built
    assert (site / "build" / "sections" / "index.html").is_file()
    for key in {row["section"] for row in manifest.values() if row.get("section")}:
        assert (site / "build" / "sections" / key.lower() / "index.html").is_file(), key


def test_every_line_of_text_is_on_the_page_in_order(built, manifest):
    site, articles = built
    problems = []
    for name in manifest:
        slug = articles[name][0]
        page = ArticleText((site / "build" / "articles" / slug / "index.html").read_text(encoding="utf-8"))
        if page.articles != 1:
            problems.append(f"{name}: {page.articles} <article> elements")
            continue
        shown = norm("".join(page.parts))
        position = 0
        for number, line in enumerate((PUBLIC / name).read_text(encoding="utf-8-sig").splitlines(), 1):
            if not line.strip() or not visible(line):
                continue
            found = shown.find(visible(line), position)
            if found < 0:
                where = "out of order" if visible(line) in shown else "missing"
                problems.append(f"{name}:{number}: {where}: {line[:70]!r}")
                break
            position = found + len(visible(line))
    assert not problems, report(problems)


def test_tags(built):
    _, articles = built
    stop = stopwords()
    problems = []
    usage: Counter = Counter()
    shown: dict[str, Counter] = {}
    for name, (_, meta) in sorted(articles.items()):
        tags = meta.get("tags") or []
        if not 2 <= len(tags) <= 6:
            problems.append(f"{name}: {len(tags)} tags {tags}")
        for tag in tags:
            words = fold(tag).split()
            if any(word in stop for word in words):
                problems.append(f"{name}: stopword in tag {tag!r}")
            if looks_prefixed(words[0]):
                problems.append(f"{name}: clitic prefix in tag {tag!r}")
        for key in {fold(t) for t in tags}:
            usage[key] += 1
        for tag in tags:
            shown.setdefault(fold(tag), Counter())[tag] += 1
    shared = sum(1 for n in usage.values() if n >= 2) / len(usage)
    top = ", ".join(f"{shown[key].most_common(1)[0][0]} ({n})" for key, n in usage.most_common(30))
    print(f"\n{len(usage)} distinct tags, {shared:.0%} used by two articles or more; most used: {top}")
    assert not problems, report(problems)
    assert shared >= 0.60


def test_no_news_paragraph_is_taken_for_an_author_bio(built):
    """These texts have no author bio: no profile may come from them (four news
    paragraphs quoting someone with a job title were once read as bios)."""
    site, _ = built
    profiles = sorted(p.name for p in (site / "content" / "authors").glob("*.md"))
    assert profiles == []
