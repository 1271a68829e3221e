import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import frontmatter
from conftest import SHARED, corpus_marks, norm, visible

REPO = Path(__file__).resolve().parents[1]
SEEDLIKE = SHARED / "corpus" / "seedlike"
EXPECTED = SEEDLIKE / "expected.jsonl"
DEFAULT_AUTHOR = "فريق التحرير"
SITE_TOML = (
    'title = "جريدة المدونة"\n'
    'base_url = "https://example.org/"\n'
    'timezone = "Africa/Cairo"\n'
    f'default_author = "{DEFAULT_AUTHOR}"\n'
)

pytestmark = corpus_marks("seedlike", "expected.jsonl")





class ArticlePage(HTMLParser):
    """The text of the ``<div class="body">`` and of the ``<h1>`` of an article page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.body: list[str] = []
        self.headline: list[str] = []
        self._div_depth = 0  # > 0 inside the body div
        self._in_h1 = False
        self.body_divs = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "div":
            if self._div_depth:
                self._div_depth += 1
            elif "body" in (dict(attrs).get("class") or "").split():
                self._div_depth = 1
                self.body_divs += 1
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "div" and self._div_depth:
            self._div_depth -= 1
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._div_depth:
            self.body.append(data)
        if self._in_h1:
            self.headline.append(data)


@pytest.fixture(scope="module")
def corpus():
    return {row["file"]: row for row in map(json.loads, EXPECTED.read_text(encoding="utf-8").splitlines()) if row}


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus):
    site = tmp_path_factory.mktemp("corpus") / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    for name in corpus:
        shutil.copyfile(SEEDLIKE / name, site / "seeds" / name)
    env = dict(os.environ, SOURCE_DATE_EPOCH="4102444800", PYTHONIOENCODING="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(site)],
        cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )
    seconds = time.perf_counter() - started
    print(f"\nconvert + build of {len(corpus)} corpus seeds: {seconds:.2f} s ({result.stdout.strip()})")
    assert result.returncode == 0, result.stdout + result.stderr
    articles = {}
    for md in sorted((site / "content" / "articles").glob("*.md")):
        meta = frontmatter.split(md.read_text(encoding="utf-8"))[0]
        articles[meta["source"]["file"]] = (md.stem, meta)
    return site, articles


def test_corpus_has_400_seeds(corpus):
    assert len(corpus) == 400
    assert all((SEEDLIKE / name).is_file() for name in corpus)


def test_every_seed_has_an_article(built, corpus):
    _, articles = built
    assert sorted(articles) == sorted(corpus)


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:15])


def test_titles(built, corpus):
    _, articles = built
    problems = [
        f"{name}: {articles[name][1]['title']!r} != {row['title']!r}"
        for name, row in corpus.items()
        if unicodedata.normalize("NFC", articles[name][1]["title"]) != unicodedata.normalize("NFC", row["title"])
    ]
    assert not problems, report(problems)


def test_authors(built, corpus):
    _, articles = built
    problems = []
    for name, row in corpus.items():
        expected = row["author"] if row["author"] is not None else DEFAULT_AUTHOR
        if articles[name][1]["author"] != expected:
            problems.append(f"{name} (layout {row['layout']}): {articles[name][1]['author']!r} != {expected!r}")
    assert not problems, report(problems)


def test_article_pages_show_title_and_every_paragraph_in_order(built, corpus):
    site, articles = built
    problems = []
    for name, row in corpus.items():
        slug = articles[name][0]
        page = ArticlePage((site / "build" / "articles" / slug / "index.html").read_text(encoding="utf-8"))
        if page.body_divs != 1:
            problems.append(f"{name}: {page.body_divs} body elements")
            continue
        if norm("".join(page.headline)) != norm(row["title"]):
            problems.append(f"{name}: page headline {''.join(page.headline)!r}")
        body = norm("".join(page.body))
        position = 0
        for number, paragraph in enumerate(row["body_paragraphs"], 1):
            found = body.find(visible(paragraph), position)
            if found < 0:
                where = "out of order" if visible(paragraph) in body else "missing"
                problems.append(f"{name} (layout {row['layout']}): paragraph {number} {where}: {paragraph[:60]!r}")
                break
            position = found + len(visible(paragraph))
    assert not problems, report(problems)


def last_line(path: Path) -> str:
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    return lines[-1]


def test_bios_are_not_in_article_bodies(built, corpus):
    site, articles = built
    problems = []
    for name, row in corpus.items():
        if row["layout"] not in ("A", "D"):  # layouts with an author bio as the last paragraph
            continue
        bio = norm(last_line(SEEDLIKE / name))
        page = ArticlePage((site / "build" / "articles" / articles[name][0] / "index.html").read_text(encoding="utf-8"))
        if bio in norm("".join(page.body)):
            problems.append(f"{name}: {bio[:60]!r}")
    assert not problems, report(problems)


def test_no_path_component_over_255_bytes(built):
    site, _ = built
    too_long = sorted(
        {part for p in (site / "build").rglob("*") for part in p.relative_to(site / "build").parts
         if len(part.encode("utf-8")) > 255}
    )
    assert not too_long, report(too_long)
