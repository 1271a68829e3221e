"""Sections as a taxonomy: from metadata or ``jarida convert --section``, display
names from the ``[sections]`` table of site.toml, pages under build/sections/."""
import datetime as dt
import json
from html.parser import HTMLParser

import pytest

from conftest import parse_html, run_jarida
from generator import frontmatter
from generator.build import build
from generator.convert import convert
from generator.settings import SECTION_NAMES, Settings, load_settings
from test_convert import new_site

NOW = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
SEEDS = {
    "a.txt": "البورصة المصرية ترتفع\n\nارتفعت البورصة المصرية اليوم بدعم من الأسهم القيادية.\n",
    "b.txt": "الجنيه يتراجع أمام الدولار\n\nتراجع الجنيه المصري اليوم أمام الدولار في البنوك.\n",
    "c.txt": "الأهلي يفوز بالدوري\n\nفاز الأهلي بالدوري بعد مباراة صعبة.\n",
}
MANIFEST = json.dumps({"file": "c.txt", "section": "sport"}) + "\n"


def make_site(root, sections: str = "", manifest: bool = True):
    seeds = {k: v.encode("utf-8") for k, v in SEEDS.items()}
    if manifest:
        seeds["manifest.jsonl"] = MANIFEST.encode("utf-8")
    site = new_site(root, seeds)
    if sections:
        with open(site / "site.toml", "a", encoding="utf-8") as toml:
            toml.write("\n[sections]\n" + sections)
    return site


def sections_of(site) -> dict[str, str | None]:
    out = {}
    for md in (site / "content" / "articles").glob("*.md"):
        meta = frontmatter.split(md.read_text(encoding="utf-8"))[0]
        out[meta["source"]["file"]] = meta.get("section")
    return out


class Listing(HTMLParser):
    """The <h1> text and the text of every link of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.h1: list[str] = []
        self.links: list[str] = []
        self._where: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "a"):
            self._where = tag
            (self.h1 if tag == "h1" else self.links).append("")

    def handle_endtag(self, tag):
        if tag == self._where:
            self._where = None

    @property
    def headings(self) -> list[str]:
        return [" ".join(h.split()) for h in self.h1]

    def handle_data(self, data):
        if self._where == "h1":
            self.h1[-1] += data
        elif self._where == "a":
            self.links[-1] += data


def page(site, *parts) -> Listing:
    return Listing(site.joinpath("build", *parts, "index.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_convert_section_option(tmp_path):
    site = make_site(tmp_path / "site")
    run_jarida("convert", "--section", "economy", "--site", site)
    # the option is for seeds whose metadata names no section: the manifest wins
    assert sections_of(site) == {"a.txt": "economy", "b.txt": "economy", "c.txt": "sport"}


def test_without_a_section_there_is_no_section_key(tmp_path):
    site = make_site(tmp_path / "site", manifest=False)
    convert(site, load_settings(site))
    assert sections_of(site) == {"a.txt": None, "b.txt": None, "c.txt": None}


@pytest.fixture
def built(tmp_path):
    site = make_site(tmp_path / "site", 'economy = "اقتصاد"\n')
    convert(site, load_settings(site), section="economy")
    build(site, now=NOW, run_convert=False)
    return site


def test_section_page_shows_the_display_name_and_lists_its_articles(built):
    economy = page(built, "sections", "economy")
    assert "اقتصاد" in economy.headings and "economy" not in economy.headings
    assert "البورصة المصرية ترتفع" in economy.links
    assert "الجنيه يتراجع أمام الدولار" in economy.links
    assert "الأهلي يفوز بالدوري" not in economy.links
    sport = page(built, "sections", "sport")
    assert SECTION_NAMES["sport"] in sport.headings
    assert "الأهلي يفوز بالدوري" in sport.links


def test_sections_index_lists_every_section(built):
    index = built / "build" / "sections" / "index.html"
    assert index.is_file()
    listing = Listing(index.read_text(encoding="utf-8"))
    assert {"اقتصاد", SECTION_NAMES["sport"]} <= set(listing.links)
    assert "economy" not in listing.links


def test_article_page_links_its_section(built):
    parsed = parse_html((built / "build" / "articles" / "البورصة-المصرية-ترتفع" / "index.html").read_bytes())
    assert parsed.texts("kicker")[0] == "اقتصاد"  # the article's own kicker comes first
    assert parsed.links_by_class["kicker"][0].endswith("sections/economy/")


def test_the_sections_table_overrides_and_adds_names(tmp_path):
    site = make_site(tmp_path / "site", 'economy = "مال وأعمال"\nsport = "ملاعب"\n')
    convert(site, load_settings(site), section="economy")
    build(site, now=NOW, run_convert=False)
    assert "مال وأعمال" in page(site, "sections", "economy").headings
    assert "ملاعب" in page(site, "sections", "sport").headings


def test_unknown_section_key_is_shown_as_itself(tmp_path):
    site = make_site(tmp_path / "site")
    convert(site, load_settings(site), section="weirdstuff")
    build(site, now=NOW, run_convert=False)
    assert "weirdstuff" in page(site, "sections", "weirdstuff").headings
    assert "weirdstuff" in Listing((site / "build" / "sections" / "index.html").read_text(encoding="utf-8")).links


def test_section_keys_are_case_insensitive_for_names_and_slugs(tmp_path):
    site = make_site(tmp_path / "site", manifest=False)
    convert(site, load_settings(site), section="internationalNews")
    build(site, now=NOW, run_convert=False)
    assert sections_of(site)["a.txt"] == "internationalNews"
    assert SECTION_NAMES["internationalnews"] in page(site, "sections", "internationalnews").headings


@pytest.mark.parametrize(("table", "key", "name"), [
    ({"economy": "اقتصاد"}, "economy", "اقتصاد"),
    ({"economy": "مال"}, "economy", "مال"),
    ({}, "economy", "اقتصاد"),
    ({}, "weirdstuff", "weirdstuff"),
    ({"cars": "سيارات"}, "cars", "سيارات"),
])
def test_section_name(table, key, name):
    assert Settings(sections=table).section_name(key) == name


def test_bad_sections_table_is_a_settings_error(tmp_path):
    site = make_site(tmp_path / "site", "economy = 5\n")
    from generator.problems import JaridaError

    with pytest.raises(JaridaError) as info:
        load_settings(site)
    assert info.value.exit_code == 2
    assert "[sections]" in str(info.value)


def test_two_sections_shown_with_one_name_are_a_warning(tmp_path):
    """``politic`` and ``politics`` are both سياسة: readers would see two sections of one
    name, each with its page and feeds."""
    from generator.problems import ContentProblems

    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    for name, section, day in (("a", "politics", 1), ("b", "politics", 2), ("c", "politic", 3), ("d", "sport", 4)):
        (root / "content" / "articles" / f"{name}.md").write_text(
            f"---\ntitle: خبر {name}\ndate: 2024-01-0{day}T10:00:00+02:00\nsection: {section}\n---\n\nنص.\n",
            encoding="utf-8")
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    expected = ["content/articles/c.md: warning: section 'politic' is shown as 'سياسة', as section 'politics' is: two "
                "pages and feeds with one name; write 'section: politics' in its articles, or give 'politic' another "
                "name in [sections] of site.toml"]
    assert [str(w) for w in build(root, now=now).warnings] == expected
    assert [str(w) for w in build(root, now=now).warnings] == expected  # said again with nothing changed
    with pytest.raises(ContentProblems):
        build(root, now=now, strict=True)
    (root / "site.toml").write_text('base_url = "https://example.org/"\n[sections]\npolitic = "شؤون سياسية"\n',
                                    encoding="utf-8")
    assert build(root, now=now).warnings == []


@pytest.mark.parametrize(("written", "key", "slug"), [
    ("../economy", "economy", "economy"),
    ("a/../b", "b", "b"),
    ("/x", "x", "x"),
    ("./رياضة", "رياضة", "رياضة"),
    ("world/africa", "world-africa", "world-africa"),
    ("a\\\\b", "a-b", "a-b"),
])
def test_a_section_written_as_a_path_is_read_as_its_key_with_a_warning(written, key, slug):
    """As an author written with a byline's label is read as the name alone: the
    warning is at the line of 'section:' and says what the section is read as and
    where its pages are."""
    from generator.content import parse_article

    text = f"---\ntitle: خبر\ndate: 2024-01-01T10:00:00+02:00\ntags: [غزة]\nsection: \"{written}\"\n---\n\nنص.\n"
    article, problems = parse_article("content/articles/x.md", text, Settings())
    shown = written.replace("\\\\", "\\")
    assert article.section == key
    assert [str(p) for p in problems] == [
        f"content/articles/x.md:5: warning: the section '{shown}' is written as a path; it is read as section "
        f"'{key}', whose pages are at sections/{slug}/: write 'section: {key}'"]


@pytest.mark.parametrize("written", ["..", "/", "../.."])
def test_a_section_path_that_names_no_section_is_left_out_with_a_warning(written):
    """As a tag or an author with no letter is left out with a warning."""
    from generator.content import parse_article

    text = f"---\ntitle: خبر\ndate: 2024-01-01T10:00:00+02:00\nsection: \"{written}\"\n---\n\nنص.\n"
    article, problems = parse_article("content/articles/x.md", text, Settings())
    assert article.section is None
    assert [str(p) for p in problems] == [
        f"content/articles/x.md:4: warning: the section '{written}' is a path that names no section; it is left "
        "out: write the section's key, e.g. 'section: economy'"]


def test_a_section_written_as_a_path_joins_the_section_of_its_key(tmp_path):
    """``../economy`` is the economy section, shown with its name, not a section
    named '../economy'; the warning is told by every build, and stops one with --strict."""
    from generator.problems import ContentProblems

    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    for name, section in (("a", "economy"), ("b", "../economy")):
        (root / "content" / "articles" / f"{name}.md").write_text(
            f"---\ntitle: خبر {name}\ndate: 2024-01-01T10:00:00+02:00\nsection: {section}\n---\n\nنص.\n",
            encoding="utf-8")
    expected = ["content/articles/b.md:4: warning: the section '../economy' is written as a path; it is read as "
                "section 'economy', whose pages are at sections/economy/: write 'section: economy'"]
    with pytest.raises(ContentProblems):
        build(root, now=NOW, strict=True)
    for _ in range(2):
        assert [str(w) for w in build(root, now=NOW).warnings] == expected
    assert sorted(p.name for p in (root / "build" / "sections").iterdir() if p.is_dir()) == ["economy"]
    listing = Listing((root / "build" / "sections" / "economy" / "index.html").read_text(encoding="utf-8"))
    assert SECTION_NAMES["economy"] in listing.h1
    assert {"خبر a", "خبر b"} <= set(listing.links)
