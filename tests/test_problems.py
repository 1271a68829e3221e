"""Bad input gets one clear line per problem, all in one run, and the right exit code."""
import datetime as dt
import socket
from pathlib import Path

import pytest

from generator.build import build
from generator.problems import JaridaError

from conftest import run_jarida

NOW = dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)


def site_with(root: Path, articles: dict[str, str], toml: str = 'base_url = "https://example.org/"\n') -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text(toml, encoding="utf-8")
    for name, text in articles.items():
        (root / "content" / "articles" / name).write_text(text, encoding="utf-8")
    return root


def md(title: str, extra: str = "", date: str = "2024-01-01T10:00:00+02:00", body: str = "نص المقال.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{body}\n"


def messages(exc: JaridaError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_collisions_and_front_matter_errors_are_reported_together(tmp_path):
    site = site_with(tmp_path, {
        "a.md": md("مقال أول", "slug: نفس-الرابط\n"),
        "b.md": md("مقال ثان", "slug: نفس-الرابط\n"),
        "c.md": "---\ntitle: [مكسور\ndate: 2024-01-01\n---\n\nنص.\n",
    })
    with pytest.raises(JaridaError) as info:
        build(site, now=NOW)
    lines = messages(info.value)
    assert any(line.startswith("content/articles/c.md:2: front matter is not valid YAML") for line in lines), lines
    assert any(line.startswith("content/articles/b.md:4: slug 'نفس-الرابط' is already used by content/articles/a.md")
               for line in lines), lines
    assert info.value.exit_code == 1


def test_duplicate_slug_names_the_line_of_the_slug_key(tmp_path):
    site = site_with(tmp_path, {
        "x.md": md("مقال أول"),
        "y.md": md("مقال ثان", "author: كاتب\nslug: x\n"),  # after x.md: the second to claim 'x'
        "z.md": md("مقال ثالث", "slug: ع\n"),  # before ع.md, but ع.md's name is its slug: z.md is told
        "ع.md": md("مقال رابع"),
    })
    with pytest.raises(JaridaError) as info:
        build(site, now=NOW)
    assert messages(info.value) == [
        "content/articles/y.md:5: slug 'x' is already used by content/articles/x.md; set a different 'slug:'",
        "content/articles/z.md:4: slug 'ع' is already used by content/articles/ع.md; set a different 'slug:'",
    ]


def test_impossible_unquoted_date_names_file_and_line(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان", date="2024-02-30T10:00:00+02:00")})
    with pytest.raises(JaridaError) as info:
        build(site, now=NOW)
    [line] = messages(info.value)
    assert line.startswith("content/articles/x.md:3: impossible date or time")


OFFSET_OUT_OF_RANGE = ("is out of range: RFC 3339 allows -23:59 to +23:59 (hours 00 to 23, minutes 00 to 59); "
                       "write the date as 2024-05-01T09:30:00+03:00")


@pytest.mark.parametrize("date, extra, expected", [
    ("2024-05-01T10:00:00+25:00", "",
     f"content/articles/x.md:3: the UTC offset +25:00 {OFFSET_OUT_OF_RANGE} (see the README, 'Front matter')"),
    ("'2024-05-01T10:00:00+25:00'", "", f"content/articles/x.md:3: the UTC offset +25:00 {OFFSET_OUT_OF_RANGE}"),
    ("2024-05-01T10:00:00+03:00", "updated: 2024-05-02 09:00:00 -24:30\n",
     f"content/articles/x.md:4: the UTC offset -24:30 {OFFSET_OUT_OF_RANGE} (see the README, 'Front matter')"),
    ("2024-05-01T10:00:00+03:00", "updated: '2024-05-02T09:00:00-2400'\n",
     f"content/articles/x.md:4: the UTC offset -24:00 {OFFSET_OUT_OF_RANGE}"),
    # Minutes over 59, which Python and PyYAML would read as one more hour.
    ("2024-05-01T10:00:00+05:75", "",
     f"content/articles/x.md:3: the UTC offset +05:75 {OFFSET_OUT_OF_RANGE} (see the README, 'Front matter')"),
    ("'2024-05-01T10:00:00+05:75'", "", f"content/articles/x.md:3: the UTC offset +05:75 {OFFSET_OUT_OF_RANGE}"),
])
def test_utc_offset_out_of_range_says_so(tmp_path, date, extra, expected):
    site = site_with(tmp_path, {"x.md": md("عنوان", extra, date=date)})
    with pytest.raises(JaridaError) as info:
        build(site, now=NOW)
    assert messages(info.value) == [expected]


@pytest.mark.parametrize("extra, line", [
    ("source:\n  file: 000.txt\n\tsha256: abc\n", 6),  # after a value on the line before
    ("tags:\n\t- مصر\n", 5),
])
def test_tab_indenting_front_matter_names_the_line_of_the_tab(tmp_path, extra, line):
    site = site_with(tmp_path, {"x.md": md("عنوان", extra)})
    with pytest.raises(JaridaError) as info:
        build(site, now=NOW)
    assert messages(info.value) == [f"content/articles/x.md:{line}: front matter is not valid YAML: a tab character "
                                    "indents this line; indent with spaces (see the README, 'Front matter')"]


@pytest.mark.parametrize("text, expected", [
    (md("ترامب: لن نتراجع"), "2: front matter is not valid YAML: mapping values are not allowed in this context; the "
                             "value holds ': ', so put it in quotes: title: \"ترامب: لن نتراجع\""),
    (md("عنوان", "  tags: [مصر]\n"), "4: front matter is not valid YAML: mapping values are not allowed in this "
                                    "context; this line is indented: start it at the beginning of the line, as the key above"),
    (md("عنوان", "summary: \"نص \x1b آخر\"\n"), "4: front matter is not valid YAML: a control character (U+001B) "
                                                 "is in this line; delete it"),
    (md('""'), "2: 'title' is empty: write the headline after 'title:'"),
    (md("yes"), "2: 'title' is read as true, a truth value: put the headline in quotes, title: \"yes\""),
    (md("# عاجل"), "2: 'title' is empty: the text after '#' is a YAML comment; put the headline in quotes"),
    (md(""), "2: 'title' is empty: write the headline after 'title:'"),
], ids=["colon in the title", "indented key", "control character", "empty quotes", "yes", "a comment", "nothing"])
def test_front_matter_mistakes_editors_make_say_how_to_fix_them(tmp_path, text, expected):
    site = site_with(tmp_path, {"x.md": text})
    with pytest.raises(JaridaError) as info:
        build(site, now=NOW)
    assert messages(info.value)[0].startswith(f"content/articles/x.md:{expected}"), messages(info.value)


def test_a_hashtag_in_an_unquoted_headline_is_a_warning(tmp_path):
    """YAML reads `` #لبنان_ينتفض`` as a comment: the headline would lose it unsaid."""
    site = site_with(tmp_path, {"x.md": md("مظاهرات في بيروت #لبنان_ينتفض"), "y.md": md("لغة C# الجديدة"),
                                "z.md": md('"وسم #غزة بين علامتي تنصيص"'), "w.md": md('خبر "عاجل" #مصر')})
    assert [str(w) for w in build(site, now=NOW).warnings] == [
        "content/articles/w.md:2: warning: the text after ' #' is read as a YAML comment and left out of the "
        "title; put the headline in quotes: title: \"خبر \\\"عاجل\\\" #مصر\"",
        "content/articles/x.md:2: warning: the text after ' #' is read as a YAML comment and left out of the "
        "title; put the headline in quotes: title: \"مظاهرات في بيروت #لبنان_ينتفض\""]


def test_a_key_given_twice_is_an_error_on_its_second_line_and_the_previous_site_stays(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان", "tags: [مصر]\n")})
    build(site, now=NOW)
    before = {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    (site / "content" / "articles" / "x.md").write_text(md("عنوان", "tags: [مصر]\ntitle: عنوان آخر\n"),
                                                         encoding="utf-8")
    with pytest.raises(JaridaError) as info:
        build(site, now=NOW)
    assert messages(info.value) == ["content/articles/x.md:5: 'title' is given twice (first on line 2); keep the one "
                                    "you mean and delete the other (see the README, 'Front matter')"]
    assert {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("yaml_text, expected", [
    ("title: ع\nsource:\n  file: a.txt\n  file: b.txt\n", (5, "'file' is given twice (first on line 4)")),
    ("title: ع\n'title': غ\n", (3, "'title' is given twice (first on line 2)")),
    # a merge key's values give way to the mapping's own: no key is repeated
    ("base: &b {k: 1, j: 2}\nc:\n  <<: *b\n  k: 3\n", {"base": {"k": 1, "j": 2}, "c": {"k": 3, "j": 2}}),
    ("base: &b {k: 1}\nc:\n  <<: *b\n  k: 3\n  k: 4\n", (6, "'k' is given twice (first on line 5)")),
])
def test_front_matter_keys_given_twice(yaml_text, expected):
    from generator import frontmatter

    text = f"---\n{yaml_text}---\n\nنص.\n"
    if isinstance(expected, dict):
        assert frontmatter.split(text)[0] == expected
        return
    with pytest.raises(frontmatter.FrontMatterError) as info:
        frontmatter.split(text)
    assert (info.value.line, str(info.value)) == (expected[0], f"{expected[1]}; keep the one you mean and delete the other")


def test_drafts_are_left_out_unless_asked_for(tmp_path):
    site = site_with(tmp_path, {
        "published.md": md("منشور", "tags: [عام]\n"),
        "secret.md": md("مسودة سرية", "draft: true\ntags: [سري]\n"),
    })
    build(site, now=NOW)
    out = site / "build"
    assert not (out / "articles" / "secret").exists()
    assert not (out / "tags" / "سري").exists()
    everything = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".html", ".xml"))
    assert "مسودة سرية" not in everything
    build(site, now=NOW, drafts=True)
    assert (out / "articles" / "secret" / "index.html").is_file()


def test_tags_and_authors_that_fold_alike_are_merged_within_an_article(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان", "tags: [غزه, غـزة, مصر]\nauthors: [احمد الشامي, أحمدُ الشّامي]\n")})
    build(site, now=NOW)
    page = (site / "build" / "articles" / "x" / "index.html").read_text(encoding="utf-8")
    assert page.count('rel="tag"') == 2
    assert page.count('rel="author"') == 1


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/", "https://exa mple.org/"])
def test_bad_base_url_is_a_usage_error(tmp_path, url):
    site = site_with(tmp_path, {"x.md": md("عنوان")})
    proc = run_jarida("build", "--site", site, "--base-url", url, check=False)
    assert proc.returncode == 2
    assert "must be an absolute http:// or https:// URL" in proc.stderr
    assert not (site / "build").exists()


def test_unknown_theme_is_a_settings_error(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان")}, 'theme = "nope"\n')
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2
    assert "theme 'nope' not found" in proc.stderr


def test_serve_on_a_busy_port_says_so(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان")})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_jarida("serve", "--site", site, "--port", port, check=False, timeout=30)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "the port is in use" in proc.stderr


@pytest.mark.parametrize("args", [("new", "  "), ("serve", "--port", "99999")])
def test_bad_arguments_are_usage_errors(tmp_path, args):
    site = site_with(tmp_path, {})
    proc = run_jarida(*args, "--site", site, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert not list((site / "content" / "articles").iterdir())


def test_strict_turns_warnings_into_errors(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان", "titel: خطأ\n")})
    relaxed = run_jarida("build", "--site", site, check=False)
    assert relaxed.returncode == 0
    assert "warning: unknown front matter key 'titel'" in relaxed.stderr
    before = (site / "build" / "index.html").read_bytes()
    strict = run_jarida("build", "--site", site, "--strict", check=False)
    assert strict.returncode == 1
    assert "content/articles/x.md:4: unknown front matter key 'titel'" in strict.stderr
    assert (site / "build" / "index.html").read_bytes() == before


def test_a_failed_build_ends_with_a_count_of_its_problems_and_what_became_of_the_output(tmp_path):
    site = site_with(tmp_path, {"a.md": md("عنوان", "titel: خطأ\n"), "b.md": md("عنوان", "slug: a\n"),
                                "c.md": md("عنوان", date="غدا")})
    first = run_jarida("build", "--site", site, check=False)
    assert first.returncode == 1
    assert first.stderr.splitlines()[-1] == \
        f"the site was not built: 2 errors and 1 warning in 3 files; nothing was written to {site / 'build'}"
    assert not (site / "build").exists()
    (site / "content" / "articles" / "c.md").unlink()
    (site / "content" / "articles" / "b.md").write_text(md("عنوان"), encoding="utf-8")
    run_jarida("build", "--site", site)
    before = {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    (site / "content" / "articles" / "b.md").write_text(md("عنوان", "slug: a\n"), encoding="utf-8")
    again = run_jarida("build", "--site", site, check=False)
    assert again.returncode == 1
    assert again.stderr.splitlines()[-2:] == [
        "content/articles/b.md:4: slug 'a' is already used by content/articles/a.md; set a different 'slug:'",
        f"the site was not built: 1 error and 1 warning in 2 files; the previous site in {site / 'build'} is unchanged"]
    assert {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()} == before


def test_a_build_stopped_by_a_seed_says_what_became_of_the_output(tmp_path):
    site = site_with(tmp_path, {})
    (site / "seeds").mkdir()
    (site / "seeds" / "empty.txt").write_bytes(b"")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == \
        f"the site was not built: fix or remove the seeds above; nothing was written to {site / 'build'}"


def test_strict_fails_on_a_seed_that_is_not_utf8(tmp_path):
    site = site_with(tmp_path, {})
    (site / "seeds").mkdir()
    (site / "seeds" / "w.txt").write_bytes("عنوان المقال\n\nنص المقال.\n".encode("cp1256"))
    proc = run_jarida("build", "--site", site, "--strict", check=False)
    assert proc.returncode == 1
    assert "seeds/w.txt: read as Windows-1256" in proc.stderr


@pytest.mark.parametrize("seed", [
    "العنوان: خبر مكرر\nالتاريخ: 01/01/2024\nالتاريخ: 02/01/2024\n\nنص الخبر هنا في فقرة كاملة.\n".encode(),
    "عنوان المقال\n\nنص المقال.\n".encode("cp1256"),
])
def test_strict_stops_on_a_seed_warning_every_time_until_the_seed_is_fixed(tmp_path, seed):
    """A failed strict build writes nothing, in content/ either: run again, it fails again
    (before, the first run converted the seed, and the second found it unchanged and passed)."""
    site = site_with(tmp_path, {})
    (site / "seeds").mkdir()
    (site / "seeds" / "w.txt").write_bytes(seed)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    for _ in range(2):
        proc = run_jarida("build", "--site", site, "--strict", check=False)
        assert proc.returncode == 1 and "seeds/w.txt" in proc.stderr and "the site was not built" in proc.stderr
        assert sorted(p.relative_to(site) for p in site.rglob("*") if ".cache" not in p.parts) == before


def test_strict_stops_before_writing_an_article_the_build_would_warn_about(tmp_path):
    """The seed converts without a word, but its article has a headline too long for
    search engines: under --strict, said before anything is written to content/."""
    site = site_with(tmp_path, {})
    (site / "seeds").mkdir()
    (site / "seeds" / "long.txt").write_text("العنوان: " + "خبر طويل جدا " * 30 + "\n\nنص الخبر.\n", encoding="utf-8")
    for _ in range(2):
        proc = run_jarida("build", "--site", site, "--strict", check=False)
        assert proc.returncode == 1 and "characters long" in proc.stderr and "nothing was written" in proc.stderr
        assert not list((site / "content" / "articles").glob("*.md"))
        assert not (site / "content" / "converted-seeds.txt").exists()


def test_strict_stops_before_writing_an_article_that_would_clash_with_the_others(tmp_path):
    """Checks across articles too: a seed filed under a section shown with the same name
    as another article's section, or giving the slug of an existing article."""
    site = site_with(tmp_path, {"a.md": md("عنوان أول", "section: politics\n")},
                     toml='base_url = "https://example.org/"\n[sections]\npolitics = "سياسة"\npolitic = "سياسة"\n')
    (site / "seeds").mkdir()
    (site / "seeds" / "good.txt").write_text("القسم: politic\n\nعنوان الخبر\n\nنص الخبر.\n", encoding="utf-8")
    proc = run_jarida("build", "--site", site, "--strict", check=False)
    assert proc.returncode == 1 and "is shown as 'سياسة'" in proc.stderr
    assert sorted(p.name for p in (site / "content" / "articles").glob("*.md")) == ["a.md"]
    assert not (site / "content" / "converted-seeds.txt").exists()


def test_strict_converts_nothing_when_one_seed_fails(tmp_path):
    site = site_with(tmp_path, {})
    (site / "seeds").mkdir()
    (site / "seeds" / "good.txt").write_text("عنوان المقال\n\nنص المقال.\n", encoding="utf-8")
    (site / "seeds" / "empty.txt").write_text("\n", encoding="utf-8")
    proc = run_jarida("build", "--site", site, "--strict", check=False)
    assert proc.returncode == 1 and "seeds/empty.txt: the seed is empty" in proc.stderr
    assert "would convert: 1 new" in proc.stderr + proc.stdout
    assert not list((site / "content" / "articles").glob("*.md"))


def test_a_tag_with_no_letter_or_digit_is_left_out_with_a_warning(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان", "tags: [مصر, ؟؟, 🙂]\n")})
    report = build(site, now=NOW)
    assert [str(w) for w in report.warnings] == [
        f"content/articles/x.md:4: warning: the tag '{name}' has no letter or digit to name it by; it is left "
        "out: write it in words" for name in ("؟؟", "🙂")]


@pytest.mark.parametrize("field", ['author: "../../.."', 'authors: ["../../..", "ليلى"]', 'author: "ـــ"'])
def test_an_author_with_no_letter_or_digit_is_left_out_with_a_warning(tmp_path, field):
    """Not silently replaced by the site's default author: the warning names the value."""
    site = site_with(tmp_path, {"x.md": md("عنوان", field + "\n")})
    report = build(site, now=NOW)
    key, name = field.split(":")[0], "ـــ" if "ـ" in field else "../../.."
    assert [str(w) for w in report.warnings] == [
        f"content/articles/x.md:4: warning: the author '{name}' has no letter or digit to name it by; it is "
        f"left out: write the author's name in words"], key
    authors = sorted(p.name for p in (site / "build" / "authors").iterdir() if p.is_dir())
    assert authors == (["ليلى"] if key == "authors" else ["فريق-التحرير"])


def test_an_article_not_in_utf8_is_named_at_the_line_of_its_first_bad_byte(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان")})
    text = "---\ntitle: خبر\ndate: 2024-01-01T10:00:00+02:00\n---\n\nنص الخبر.\n"
    (site / "content" / "articles" / "cp.md").write_bytes(text.encode("cp1256"))
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 1
    assert "content/articles/cp.md:2: not UTF-8 text (byte 0xce); save it as UTF-8" in proc.stderr, proc.stderr


def test_terms_gather_spellings_show_the_most_written_and_list_articles_newest_first_once(tmp_path):
    from generator.content import assemble
    from generator.model import Article
    from generator.settings import load_settings

    def article(slug: str, day: int, tags: tuple, authors: tuple = ("كاتب",)) -> Article:
        return Article(f"content/articles/{slug}.md", slug, "عنوان", dt.datetime(2024, 1, day, tzinfo=dt.timezone.utc),
                       authors, tags, "ملخص", "")

    settings = load_settings(site_with(tmp_path, {}))
    articles = [article("old", 1, ("غـزة", "مصر")), article("new", 3, ("غزة", "غزه")), article("mid", 2, ("غزه",), ("كاتب", "كاتب")),
                article("egypt", 4, ("مِصر",))]
    site = assemble(settings, articles, [])
    tags = {t.key: t for t in site.taxonomies["tags"]}
    assert set(tags) == {"غزه", "مصر"}
    assert tags["غزه"].name == "غزه"  # written twice, the other forms once
    assert tags["غزه"].articles == ("new", "mid", "old")  # newest first, "new" once though named twice
    assert tags["مصر"].name == "مصر"  # once each: the first in code point order
    assert tags["مصر"].articles == ("egypt", "old")
    assert [t.articles for t in site.taxonomies["authors"]] == [("egypt", "new", "mid", "old")]

    # C++ and C# are two tags (python-slugify drops both signs), a hashtag is the tag it names.
    site = assemble(settings, [article("cpp", 5, ("C++",)), article("cs", 6, ("C#", "#غزة"))], [])
    assert sorted((t.name, t.slug, t.articles) for t in site.taxonomies["tags"]) == \
        [("#غزة", "غزة", ("cs",)), ("C#", "c-sharp", ("cs",)), ("C++", "c-plus-plus", ("cpp",))]

    # A tag copied out of a PDF, in presentation forms, is the same tag.
    site = assemble(settings, [article("pdf", 5, ("\ufecf\ufeb0\ufe93",)), *articles], [])
    assert [(t.name, t.articles) for t in site.taxonomies["tags"] if t.key == "غزه"] == \
        [("غزه", ("pdf", "new", "mid", "old"))]

    # Two terms that differ but would share a URL: the second is refused, naming the newest
    # article that gives it, and the build stops.
    articles = [article("a", 1, ("XII",)), article("b", 2, ("Ⅻ",)), article("c", 3, ("Ⅻ", "مصر"))]
    with pytest.raises(JaridaError) as info:
        assemble(settings, articles, [])
    assert messages(info.value) == ["content/articles/c.md:1: the tag 'Ⅻ' has the same URL slug 'xii' as 'XII'; "
                                    "rename one"]


@pytest.mark.parametrize("toml, line, words", [
    ('title = "أ"\ntitle = "ب"\n', 2, "'title' is given twice (or as a setting and as a [table]); keep one"),
    ("title = جريدة\n", 1, "the value of 'title' is not TOML: text goes in quotes"),
    ('[sections]\na = "x"\n[sections]\nb = "y"\n', 3, "the table [sections] is given twice"),
    ('title = "جريدة\n', 1, "the text of 'title' is not closed"),
    ('title "x"\n', 1, "a line that is not 'name = value'"),
    ("description = 'أخبار\n", 0, "a text in single quotes is not closed"),
    ('description = """أخبار\n', 0, "a text in triple quotes is not closed"),
    ('العنوان = "x"\n', 1, "names are Latin letters, digits, _ and -"),
    ("feed_items = 0\n", 1, "setting 'feed_items' must be at least 1"),
    ("summary_length = -5\n", 1, "setting 'summary_length' must be at least 1"),
    ('title = "  "\n', 1, "setting 'title' is empty"),
])
def test_settings_mistakes_are_said_in_plain_words_at_their_line(tmp_path, toml, line, words):
    """What tomllib says of a repeated key or unquoted text, and values that would
    publish empty feeds or summaries of "…" only, as a problem an editor can act on."""
    from generator.settings import load_settings

    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(JaridaError) as caught:
        load_settings(tmp_path)
    assert caught.value.exit_code == 2
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("site.toml", line) and words in problem.message, problem


def test_author_and_authors_together_are_an_error(tmp_path):
    """One of the two would be dropped, and the byline would credit the wrong people."""
    site = site_with(tmp_path, {"x.md": md("عنوان", "author: ليلى\nauthors: [مالك]\n")})
    with pytest.raises(JaridaError) as caught:
        build(site)
    assert messages(caught.value) == ["content/articles/x.md:5: both 'author' and 'authors' are given; keep one: "
                                      "'authors: [name, name]' for several"]


@pytest.mark.parametrize("text, missing", [('{% include "partials/nope.html" %}\n', "partials/nope.html"),
                                           ('\n{% extends "nobase.html" %}\n', "nobase.html")])
def test_a_template_that_names_a_missing_one_is_named_with_its_line(tmp_path, text, missing):
    """An include or extends of a template that is in no theme folder: the error is
    at the file and line of the include, and names the folders looked in."""
    site = site_with(tmp_path, {"x.md": md("عنوان")}, 'base_url = "https://example.org/"\ntheme = "mine"\n')
    name = "partials/card.html" if "include" in text else "article.html"
    (site / "themes" / "mine" / "templates" / name).parent.mkdir(parents=True)
    (site / "themes" / "mine" / "templates" / name).write_text(text, encoding="utf-8")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2
    line = text.index("{%") and 2 or 1
    assert proc.stderr.startswith(f"themes/mine/templates/{name}:{line}: template error: '{missing}' is not found in "
                                  "themes/mine/templates or "), proc.stderr


def test_an_include_of_a_list_of_missing_templates_names_them_all(tmp_path):
    site = site_with(tmp_path, {"x.md": md("عنوان")}, 'base_url = "https://example.org/"\ntheme = "mine"\n')
    card = site / "themes" / "mine" / "templates" / "partials" / "card.html"
    card.parent.mkdir(parents=True)
    card.write_text('\n{% include ["partials/a.html", "partials/b.html"] %}\n', encoding="utf-8")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("themes/mine/templates/partials/card.html:2: template error: none of "
                                  "'partials/a.html', 'partials/b.html' is found in themes/mine/templates or "), proc.stderr


def test_mistakes_in_a_theme_s_strings_are_settings_errors_at_their_line(tmp_path):
    """``strings.toml`` of a site's theme: a near miss of a word's name (read by no
    template) and a word in the wrong form stop the build; a theme's own words do not."""
    site = site_with(tmp_path, {"x.md": md("عنوان")})
    strings = site / "themes" / "default" / "strings.toml"
    strings.parent.mkdir(parents=True)
    strings.write_text('my_word = "كلمتي"\nnxt = "بعده"\nnext = 5\nreading_time = "دقائق"\n', encoding="utf-8")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "themes/default/strings.toml:2: no template reads the word 'nxt'; did you mean 'next'?",
        "themes/default/strings.toml:3: 'next' must be text in quotes",
        "themes/default/strings.toml:4: 'reading_time' must be a table of plural forms, as in the default theme"]
    strings.write_text('my_word = "كلمتي"\nprevious = "قبله"\n[reading_time]\nother = "{n} دقائق"\n', encoding="utf-8")
    run_jarida("build", "--site", site)
    strings.write_text('Home = "x"\n[reading_time]\nones = "x"\n[share_to]\nfacebok = "FB"\n', encoding="utf-8")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "themes/default/strings.toml:1: no template reads the word 'Home'; did you mean 'home'?",
        "themes/default/strings.toml:3: no template reads 'ones' of [reading_time]; did you mean 'one'? "
        "(plural forms: zero, one, two, few, many, other)",
        "themes/default/strings.toml:5: no template reads 'facebok' of [share_to]; did you mean 'facebook'?"]
    strings.write_text('next = "التالي"\nnext = "بعده"\n', encoding="utf-8")  # a word given twice: at its line
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("themes/default/strings.toml:2: not valid TOML: "), \
        proc.stderr
    strings.write_bytes('home = "بيت"\n\n\nnext = "التالي"\n'.encode("cp1256"))
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("themes/default/strings.toml:1: not UTF-8 text (byte 0xc8)"), proc.stderr
    strings.unlink()
    (site / "site.toml").write_bytes((site / "site.toml").read_bytes() + '\ntitle = "جريدة"\n'.encode("cp1256"))
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("site.toml:") and "not UTF-8 text (byte 0x" in proc.stderr, \
        proc.stderr


def test_a_theme_s_plural_form_that_is_not_text_is_an_error_at_its_line_in_its_table(tmp_path):
    """``other = 7`` under ``[reading_time]`` would stop the build with a Python error on
    the first page whose count takes that form: it is named at its own line, not at
    the line of an ``other`` of another table above it."""
    site = site_with(tmp_path, {"x.md": md("عنوان")})
    strings = site / "themes" / "default" / "strings.toml"
    strings.parent.mkdir(parents=True)
    strings.write_text('[article_count]\nother = "{n} مقال"\n\n[reading_time]\nother = 7\n', encoding="utf-8")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == ["themes/default/strings.toml:5: 'other' of [reading_time] must be text in quotes"]
    strings.write_text('home = "البيت"\nreading_time.few = 3\narticle_count = {one = "مقال", two = 2}\n',
                       encoding="utf-8")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == ["themes/default/strings.toml:2: 'few' of [reading_time] must be text in quotes",
                                        "themes/default/strings.toml:3: 'two' of [article_count] must be text in quotes"]


def test_a_theme_s_word_with_a_placeholder_that_nothing_fills_in_is_an_error_at_its_line(tmp_path):
    """A placeholder the default theme's word does not have (``{m}`` for ``{n}``, or any
    in a word that takes none) would be shown as written: an error at its word's
    line, naming the placeholders the word may use. A placeholder left out in the
    same file is told with it, as a warning."""
    site = site_with(tmp_path, {"x.md": md("عنوان")})
    strings = site / "themes" / "default" / "strings.toml"
    strings.parent.mkdir(parents=True)
    strings.write_text('search_results = "النتائج: {m}"\npage = "صفحة {n}"\n\n[reading_time]\nother = "دقائق"\n\n'
                       '[article_count]\nother = "{n} مقال"\nmany = "{count} مقالًا و{n}"\n', encoding="utf-8")
    proc = run_jarida("build", "--site", site, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        "themes/default/strings.toml:1: 'search_results' has the placeholder {m}, which nothing fills in (pages would "
        "show it as written): it may use {n}",
        "themes/default/strings.toml:2: 'page' has the placeholder {n}, which nothing fills in (pages would show it "
        "as written): it takes no placeholder",
        "themes/default/strings.toml:5: warning: 'other' of [reading_time] leaves out {n}, which the default theme's "
        "word has, so pages do not show what it stands for; leave it out only where the word says it itself (a count "
        "written in words, as in دقيقتا قراءة)",
        "themes/default/strings.toml:9: 'many' of [article_count] has the placeholder {count}, which nothing fills in "
        "(pages would show it as written): it may use {n}"]
    assert not (site / "build").exists()


def test_a_theme_s_word_that_leaves_out_a_placeholder_is_a_warning(tmp_path):
    """A count written in words (دقيقتان, two minutes) needs no ``{n}``: a word that
    leaves out a placeholder of the default theme's word builds with a warning at its
    line, in every build until it changes, and stops a build with ``--strict``. The
    forms the default theme writes without ``{n}`` (``one``, ``two``) or does not
    have (``zero``) get none."""
    site = site_with(tmp_path, {"x.md": md("عنوان")})
    strings = site / "themes" / "default" / "strings.toml"
    strings.parent.mkdir(parents=True)
    strings.write_text('search_results = "نتائج البحث"\n\n[reading_time]\nzero = "لا وقت"\none = "دقيقة"\n'
                       'two = "دقيقتان"\nfew = "دقائق"\nother = "{n} دقيقة"\n', encoding="utf-8")
    expected = [
        "themes/default/strings.toml:1: warning: 'search_results' leaves out {n}, which the default theme's word "
        "has, so pages do not show what it stands for; leave it out only where the word says it itself (a count "
        "written in words, as in دقيقتا قراءة)",
        "themes/default/strings.toml:7: warning: 'few' of [reading_time] leaves out {n}, which the default theme's "
        "word has, so pages do not show what it stands for; leave it out only where the word says it itself (a count "
        "written in words, as in دقيقتا قراءة)"]
    proc = run_jarida("build", "--site", site, "--strict", check=False)
    assert proc.returncode == 2 and proc.stderr.splitlines() == [line.replace("warning: ", "") for line in expected]
    assert not (site / "build").exists()
    for _ in range(2):  # the second build changes nothing, and tells the same
        proc = run_jarida("build", "--site", site)
        assert proc.stderr.splitlines() == expected
    assert 'data-count="نتائج البحث"' in (site / "build" / "search" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("written", ["'٢٠٢٤-٠١-٠١T10:00:00+02:00'", "٢٠٢٤-٠١-٠١T10:00:00+02:00", "۲۰۲۴-۰۱-۰۱ 10:00"])
def test_a_front_matter_date_in_arabic_indic_digits_is_read(tmp_path, written):
    """A date typed with an Arabic keyboard, as seed metadata dates already are."""
    from generator.content import parse_article
    from generator.settings import Settings

    article, problems = parse_article("content/articles/x.md", md("عنوان", date=written), Settings())
    assert problems == []
    assert article.date == dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_an_update_before_the_publication_is_a_warning(tmp_path):
    from generator.content import parse_article
    from generator.settings import Settings

    text = md("عنوان", "updated: 2023-12-31T10:00:00+02:00\n")
    article, problems = parse_article("content/articles/x.md", text, Settings())
    assert article is not None
    assert [str(p) for p in problems] == [
        "content/articles/x.md:4: warning: 'updated' (2023-12-31T10:00:00+02:00) is before 'date' "
        "(2024-01-01T10:00:00+02:00), the publication; fix one of them"]
    assert parse_article("content/articles/x.md", md("عنوان", "updated: 2024-01-02\n"), Settings())[1] == []


def test_a_site_toml_saved_with_a_bom_is_read(tmp_path):
    """Windows Notepad starts UTF-8 files with a byte order mark, which TOML does not allow."""
    from generator.settings import load_settings

    (tmp_path / "site.toml").write_text('\ufefftitle = "جريدة الشروق"\n', encoding="utf-8")
    assert load_settings(tmp_path).title == "جريدة الشروق"


def test_a_time_that_the_clocks_skipped_is_a_warning(tmp_path):
    """Cairo put its clocks forward from 00:00 to 01:00 on 2024-04-26: 00:30 never was."""
    from generator.content import parse_article
    from generator.settings import Settings

    article, problems = parse_article("content/articles/x.md", md("عنوان", date="2024-04-26T00:30:00"), Settings())
    assert article.date.isoformat() == "2024-04-26T01:30:00+03:00"
    assert [str(p) for p in problems] == [
        "content/articles/x.md:3: warning: 'date' 2024-04-26T00:30:00 does not exist in Africa/Cairo (the clocks "
        "were put forward); it is read as 2024-04-26T01:30:00+03:00: write the time with its UTC offset"]
    assert parse_article("content/articles/x.md", md("عنوان", date="2024-04-26T01:30:00"), Settings())[1] == []


@pytest.mark.parametrize("author", ["بقلم: منى حسن", "كتبت - منى حسن", "بقلمٍ: منى حسن", "بقلم الكاتبة: منى حسن",
                                    "بقلم:منى حسن"])
def test_a_byline_label_in_the_author_is_left_out_with_a_warning(tmp_path, author):
    """The author's clean name (ARABIC.md: JSON-LD without كتب:/بقلم), as the converter
    gives it: one author page for منى حسن whether or not an article wrote بقلم."""
    site = site_with(tmp_path, {"a.md": md("عنوان أول", f"author: \"{author}\"\n"),
                                "b.md": md("عنوان ثان", "author: منى حسن\n")})
    report = build(site, now=NOW)
    [warning] = [str(w) for w in report.warnings if "author" in w.message]
    assert warning.startswith(f"content/articles/a.md:4: warning: the author '{author}' is read as 'منى حسن'")
    assert (site / "build" / "authors" / "منى-حسن" / "index.html").is_file()
    assert not [p for p in (site / "build" / "authors").iterdir() if "بقلم" in p.name or "كتبت" in p.name]
    page = (site / "build" / "articles" / "a" / "index.html").read_text(encoding="utf-8")
    assert author not in page and '"name": "منى حسن"' in page.replace('":"', '": "')  # the theme's own بقلم stays


@pytest.mark.parametrize("author", ["بقلم", "بقلم: ", "كتب -"])
def test_a_byline_label_alone_is_no_author(tmp_path, author):
    site = site_with(tmp_path, {"a.md": md("عنوان أول", f"author: \"{author}\"\n")})
    report = build(site, now=NOW)
    assert any("is a byline's label, not a name" in w.message for w in report.warnings)
    assert not [p.name for p in (site / "build" / "authors").iterdir() if "بقلم" in p.name or "كتب" in p.name]


@pytest.mark.parametrize("author", ["بقلم الرصاص", "كتبية الأحرار", "إعداد محمد"])
def test_names_that_start_like_a_byline_label_are_kept(tmp_path, author):
    site = site_with(tmp_path, {"a.md": md("عنوان أول", f"author: \"{author}\"\n")})
    report = build(site, now=NOW)
    assert not [w for w in report.warnings if "author" in w.message]


def test_strict_builds_a_site_with_a_taken_down_article(tmp_path):
    """A takedown is the editor's choice, not a problem: a strict build says so and goes on,
    and keeps the article off the site."""
    site = site_with(tmp_path, {})
    (site / "seeds").mkdir()
    (site / "seeds" / "a.txt").write_text("عنوان الخبر الأول\n\nنص الخبر.\n", encoding="utf-8")
    run_jarida("build", "--site", site, "--strict")
    [article] = (site / "content" / "articles").glob("*.md")
    article.unlink()
    for _ in range(2):
        proc = run_jarida("build", "--site", site, "--strict", check=False)
        assert proc.returncode == 0 and "not converted again" in proc.stderr
        assert not article.exists()
    assert "seeds/a.txt" in (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("body", ["", "\n\n  \n"])
def test_an_article_with_no_text_is_published_with_a_warning(body):
    """An article with a headline and no text (saved too early) is a warning at the line
    where its text would start; a draft is not: it is not published."""
    from generator.content import parse_article
    from generator.settings import Settings

    article, problems = parse_article("content/articles/x.md", md("عنوان", body=body), Settings())
    assert article is not None
    assert [(p.line, p.warning) for p in problems] == [(5, True)] and "no text" in problems[0].message
    assert parse_article("content/articles/x.md", md("عنوان", "draft: true\n", body=body), Settings())[1] == []
