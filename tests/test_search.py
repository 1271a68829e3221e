"""The static search: the index holds folded keys, and the theme's search.js finds
stories whatever the spelling variant of the query (غزة، غزه، بغزة)."""
import datetime as dt
import json
import shutil
import subprocess

import pytest

from generator import frontmatter
from generator.arabic import fold
from generator.build import build
from generator.render import BUNDLED_THEMES
from generator.search import keys

NOW = dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)
ARTICLES = {
    "a.md": ("قصف جديد على قطاع غزة", ["غزة"], "استهدف القصف مناطق في قطاع غزة فجر اليوم."),
    "b.md": ("مساعدات تصل إلى غزه", ["مساعدات"], "وصلت قافلة مساعدات إلى غزه عبر معبر رفح."),
    "c.md": ("اجتماع في القاهرة بشأن التهدئة", ["مصر"], "التقى الوفد المصري بالمسؤولين بغزة لبحث التهدئة."),
    "d.md": ("أسعار النفط ترتفع", ["اقتصاد"], "ارتفعت أسعار النفط في الأسواق العالمية اليوم."),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("search") / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    for i, (name, (title, tags, body)) in enumerate(ARTICLES.items()):
        meta = {"title": title, "date": f"2024-01-0{i + 1}T10:00:00+02:00", "tags": tags}
        (root / "content" / "articles" / name).write_text(frontmatter.dump(meta, body), encoding="utf-8")
    build(root, now=NOW)
    return root / "build"


def test_search_page_and_index_are_built(index):
    assert (index / "search" / "index.html").is_file()
    data = json.loads((index / "search" / "index.json").read_text(encoding="utf-8"))
    assert len(data["docs"]) == len(ARTICLES)
    title, url, summary, date, words = data["docs"][-1]
    assert title == "قصف جديد على قطاع غزة"
    assert (index / url / "index.html").is_file() or url.startswith("articles/")
    assert "غزه" in words.split()


def test_a_long_summary_is_cut_at_a_word_in_the_index():
    from generator.search import index_from_keys

    words = ["كلمة", "أخرى", "طويلة", "جدا"] * 30
    article = type("A", (), {"title": "عنوان", "slug": "x", "summary": " ".join(words), "section": None,
                             "date": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)})()
    site = type("S", (), {"articles": [article]})()
    [[_, _, summary, _, _]] = json.loads(index_from_keys(site, {"x": ()}, {}))["docs"]
    assert len(summary) <= 161 and summary.endswith("…")
    assert summary[:-1].split(" ") == words[:len(summary[:-1].split(" "))]  # whole words only


def test_keys_fold_letters_and_drop_clitics():
    found = keys("بغزة والحرب")
    assert {"بغزه", "غزه", "والحرب", "حرب"} <= found
    assert fold("غـزّة") in keys("غـزّة")
    # Words in presentation forms (text copied out of a PDF) are the words they show.
    assert keys("\ufe91\ufecf\ufeb0\ufe93 \ufedf\ufe92\ufee8\ufe8e\ufee5") == keys("بغزة لبنان")


def run_search(index, query: str) -> list[str]:
    script = (
        "const s=require(process.argv[1]);const fs=require('fs');"
        "const docs=JSON.parse(fs.readFileSync(process.argv[2],'utf8')).docs;"
        "console.log(JSON.stringify(s.search(docs, process.argv[3]).map(d=>d[0])));"
    )
    out = subprocess.run(["node", "-e", script, str(BUNDLED_THEMES / "default" / "static" / "search.js"),
                          str(index / "search" / "index.json"), query],
                         capture_output=True, text=True, encoding="utf-8", timeout=30, check=True)
    return json.loads(out.stdout)


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is needed to run the theme's search.js")


@needs_node
@pytest.mark.parametrize("query", ["غزه", "غزة", "بغزة", "غـزّة"])
def test_every_spelling_finds_every_gaza_story(index, query):
    found = run_search(index, query)
    assert set(found) == {"قصف جديد على قطاع غزة", "مساعدات تصل إلى غزه", "اجتماع في القاهرة بشأن التهدئة"}


@needs_node
def test_all_words_must_match_and_titles_rank_first(index):
    assert run_search(index, "أسعار النفط") == ["أسعار النفط ترتفع"]
    assert run_search(index, "غزة مساعدات") == ["مساعدات تصل إلى غزه"]
    assert run_search(index, "كلمة-غير-موجودة") == []
    assert run_search(index, "غزة")[0] in ("قصف جديد على قطاع غزة", "مساعدات تصل إلى غزه")


@needs_node
def test_javascript_fold_matches_python_fold():
    samples = ["غـزّة", "أإآٱ ى", "٢٠٢٤ ۱۲", "\u200fمصر\u200e", "COVID-19", "مدرسة جميلة"]
    script = (
        "const s=require(process.argv[1]);"
        "console.log(JSON.stringify(JSON.parse(process.argv[2]).map(s.fold)));"
    )
    out = subprocess.run(["node", "-e", script, str(BUNDLED_THEMES / "default" / "static" / "search.js"),
                          json.dumps(samples)], capture_output=True, text=True, encoding="utf-8", timeout=30, check=True)
    assert json.loads(out.stdout) == [fold(s).casefold() for s in samples]


@needs_node
def test_every_match_is_counted_and_a_limit_only_shortens_the_list(tmp_path):
    """The search page lists the first 50 results but counts them all (171 for مصر
    in the 2,000-article corpus, not 50)."""
    docs = [[f"خبر {n}", f"articles/{n}/", "", "2024-01-01", "مصر"] for n in range(120)]
    script = ("const s=require(process.argv[1]);const docs=JSON.parse(process.argv[2]);"
              "console.log(JSON.stringify([s.search(docs, 'مصر').length, s.search(docs, 'مصر', 50).length]));")
    out = subprocess.run(["node", "-e", script, str(BUNDLED_THEMES / "default" / "static" / "search.js"),
                          json.dumps(docs, ensure_ascii=False)], capture_output=True, text=True, encoding="utf-8",
                         timeout=30, check=True)
    assert json.loads(out.stdout) == [120, 50]
