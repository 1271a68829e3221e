"""Metadata beside the seed text: manifest.jsonl, sidecar files, header lines,
their precedence, dates and author credits (generator/metadata.py)."""
import json
import os
import zoneinfo

import pytest

from generator import frontmatter
from generator.metadata import (
    CITIES, Credit, Metadata, from_mapping, parse_credit, parse_date, read_header, read_manifest, weekday_problem,
)
from test_convert import SEED_TIME, article, new_site, run

CAIRO = zoneinfo.ZoneInfo("Africa/Cairo")
BODY = "قالت الحكومة المصرية اليوم إن المفاوضات مع الوفود مستمرة في القاهرة.\n"


def seed(title: str | None, body: str = BODY) -> bytes:
    return ((title + "\n\n" if title else "") + body).encode("utf-8")


def manifest(*rows) -> bytes:
    return "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
                   for row in rows).encode("utf-8")


def by_seed(actions) -> dict:
    return {a.seed: a for a in actions}


def front(site, action) -> dict:
    assert action.kind in ("write", "update"), action
    return frontmatter.split((site / action.path).read_text(encoding="utf-8"))[0]


# --------------------------------------------------------------------------- manifest.jsonl

def test_manifest_fields_become_front_matter(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed(None),  # no headline line: the manifest has the title
        "manifest.jsonl": manifest({
            "file": "a.txt", "title": "الحكومة: المفاوضات مستمرة", "date": "Sat, 28 Apr 2018 04:58:03 GMT",
            "author": "العربية.نت - رانيا لوقا", "section": "economy", "tags": "مفاوضات، القاهرة؛ الحكومة المصرية",
            "url": "https://example.com/news/1", "abstract": "ملخص الخبر كما أرسله المصدر.",
        }),
    })
    [action] = run(site)
    meta = front(site, action)
    assert meta["title"] == "الحكومة: المفاوضات مستمرة"
    assert meta["date"] == "2018-04-28T04:58:03+00:00"
    assert meta["author"] == "رانيا لوقا"
    assert meta["source_outlet"] == "العربية.نت"
    assert meta["section"] == "economy"
    assert meta["tags"] == ["مفاوضات", "القاهرة", "الحكومة المصرية"]
    assert meta["url"] == "https://example.com/news/1"
    assert meta["summary"] == "ملخص الخبر كما أرسله المصدر."
    _, body = article(site, action.path.rsplit("/", 1)[1][:-3])
    assert body.strip() == BODY.strip()  # the first line is text, not a headline


def test_manifest_title_character_references_are_decoded(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed(None),
        "manifest.jsonl": manifest({"file": "a.txt", "title": "أرباح&nbsp;«أرامكو» &amp; «سابك»"}),
    })
    [action] = run(site)
    assert front(site, action)["title"] == "أرباح «أرامكو» & «سابك»"


def test_manifest_line_equal_to_title_is_the_headline(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان الخبر كما في الملف"),
        "manifest.jsonl": manifest({"file": "a.txt", "title": "عنوان الخبر كما في الملف"}),
    })
    [action] = run(site)
    assert front(site, action)["title"] == "عنوان الخبر كما في الملف"
    assert "عنوان الخبر" not in (site / action.path).read_text(encoding="utf-8").split("---", 2)[2]


def test_bad_manifest_line_is_a_problem_with_its_line_and_holds_back_the_seed_it_may_be_about(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed(None),
        "b.txt": seed("عنوان من نص الملف"),
        "c.txt": seed("عنوان ثالث"),
        "d.txt": seed("عنوان رابع"),
        "manifest.jsonl": manifest(
            {"file": "a.txt", "title": "عنوان من الفهرس"},
            '{"file": "b.txt", "title": "سطر مكسور',
            "",
            {"file": "c.txt", "section": "sport"},
        ),
    })
    actions = run(site)
    errors = [a.message for a in actions if a.kind == "error"]
    assert len(errors) == 2
    assert any("manifest.jsonl:2:" in e and "JSON" in e for e in errors), errors
    assert "seeds/b.txt: not converted until the line of seeds/manifest.jsonl about it can be read (see above)" \
        in errors
    done = {a.seed: a for a in actions if a.kind == "write"}
    assert set(done) == {"seeds/a.txt", "seeds/c.txt", "seeds/d.txt"}
    assert front(site, done["seeds/a.txt"])["title"] == "عنوان من الفهرس"
    assert front(site, done["seeds/c.txt"])["section"] == "sport"  # lines after the bad one still count
    # Fixed, the line gives the seed its title: one article, not a guess and then a second copy.
    (site / "seeds" / "manifest.jsonl").write_bytes(manifest(
        {"file": "a.txt", "title": "عنوان من الفهرس"}, {"file": "b.txt", "title": "سطر سليم"},
        {"file": "c.txt", "section": "sport"}))
    [written] = [a for a in run(site) if a.kind == "write"]
    assert written.seed == "seeds/b.txt" and front(site, written)["title"] == "سطر سليم"
    assert len(list((site / "content" / "articles").glob("*.md"))) == 4


def test_a_manifest_line_that_names_no_file_holds_back_every_seed_it_does_not_describe(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان أول"),
        "b.txt": seed("عنوان ثان"),
        "manifest.jsonl": manifest({"file": "a.txt", "section": "sport"}, "[1, 2]"),
    })
    actions = run(site)
    assert [a.seed for a in actions if a.kind == "write"] == ["seeds/a.txt"]
    assert "seeds/b.txt: not converted until the line of seeds/manifest.jsonl about it can be read (see above)" \
        in [a.message for a in actions if a.kind == "error"]


def test_a_broken_sidecar_is_reported_together_with_a_broken_manifest_line(tmp_path):
    """All problems of a run together: the sidecar is not found only once the manifest is fixed."""
    site = new_site(tmp_path / "site", {"b.txt": seed("عنوان"), "b.yml": b"title: [unclosed\n",
                                        "manifest.jsonl": manifest('{"file": "b.txt", "title": "x')})
    errors = [a.message for a in run(site) if a.kind == "error"]
    assert any("manifest.jsonl:1:" in e for e in errors), errors
    assert any(e.startswith("seeds/b.yml") and "cannot read this metadata file" in e for e in errors), errors


def test_a_manifest_or_sidecar_in_windows_1256_is_a_problem_at_its_line_not_a_crash(tmp_path):
    """A spreadsheet export in Windows-1256: its names would be garbled."""
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان أول"), "b.txt": seed("عنوان ثان"), "c.txt": seed("عنوان ثالث"),
        "manifest.jsonl": manifest({"file": "a.txt", "section": "sport"})
        + b'{"file": "b.txt", "author": "' + "سعيد".encode("cp1256") + b'"}\n',
        "c.yml": "القسم: sport\n".encode() + "الكاتب: ".encode() + "أحمد".encode("cp1256") + b"\n",
    })
    actions = run(site)
    errors = [a.message for a in actions if a.kind == "error"]
    assert "seeds/manifest.jsonl:2: not UTF-8 text (byte 0xd3); save the manifest as UTF-8" in errors
    assert "seeds/b.txt: not converted until the line of seeds/manifest.jsonl about it can be read (see above)" in errors
    assert "seeds/c.yml:2: not UTF-8 text (byte 0xc3); save it as UTF-8" in errors
    assert [a.seed for a in actions if a.kind == "write"] == ["seeds/a.txt"]


def test_a_sidecar_value_with_a_colon_says_to_quote_it(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed("عنوان"), "a.yml": "title: مصادر: الحكومة تدرس القرار\n".encode()})
    [error] = [a.message for a in run(site) if a.kind == "error"]
    assert error.startswith("seeds/a.yml:1: cannot read this metadata file: mapping values are not allowed") \
        and "must be in quotes" in error, error


def test_read_manifest_reports_line_numbers(tmp_path):
    (tmp_path / "manifest.jsonl").write_bytes(manifest({"file": "a.txt", "title": "أ"}, "{oops", '{"title": "بلا ملف"}'))
    found, problems = read_manifest(tmp_path)
    assert found == {"a.txt": Metadata(title="أ")}
    assert [p.line for p in problems] == [2, 3]
    assert all(p.path.endswith("manifest.jsonl") for p in problems)


def test_changing_a_manifest_line_updates_only_that_article(tmp_path):
    rows = [{"file": "a.txt", "title": "الخبر الأول", "section": "economy"},
            {"file": "b.txt", "title": "الخبر الثاني", "section": "economy"}]
    site = new_site(tmp_path / "site", {"a.txt": seed(None), "b.txt": seed(None, "نص الخبر الثاني عن الاقتصاد.\n"),
                                        "manifest.jsonl": manifest(*rows)})
    first = by_seed(run(site))
    assert {a.kind for a in first.values()} == {"write"}
    before_b = (site / first["seeds/b.txt"].path).read_bytes()
    rows[0] = dict(rows[0], section="sport", tags=["رياضة"])
    (site / "seeds" / "manifest.jsonl").write_bytes(manifest(*rows))
    second = by_seed(run(site))
    assert second["seeds/a.txt"].kind == "update"
    assert second["seeds/a.txt"].path == first["seeds/a.txt"].path
    assert second["seeds/b.txt"].kind == "unchanged"
    meta = front(site, second["seeds/a.txt"])
    assert meta["section"] == "sport" and meta["tags"] == ["رياضة"]
    assert (site / first["seeds/b.txt"].path).read_bytes() == before_b
    assert {a.kind for a in run(site)} == {"unchanged"}


# --------------------------------------------------------------------------- sidecar files

def test_sidecar_json(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان مخمن من النص"),
        "a.json": json.dumps({"title": "عنوان من ملف JSON", "date": "2017-02-15T12:53:00+01:00",
                              "tags": ["مصر", "غزة"], "section": "politics"}, ensure_ascii=False).encode("utf-8"),
    })
    [action] = run(site)  # the .json file is no seed
    meta = front(site, action)
    assert meta["title"] == "عنوان من ملف JSON"
    assert meta["date"] == "2017-02-15T12:53:00+01:00"
    assert meta["tags"] == ["مصر", "غزة"]
    assert meta["section"] == "politics"


def test_sidecar_yml_with_arabic_keys(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان مخمن من النص"),
        "a.yml": "العنوان: عنوان من ملف YAML\nالتاريخ: 28/04/2018\nالكاتب: مريم العطار\nالوسوم: مصر، الاقتصاد\n"
                 "القسم: economy\n".encode("utf-8"),
    })
    [action] = run(site)
    meta = front(site, action)
    assert meta["title"] == "عنوان من ملف YAML"
    assert meta["date"] == "2018-04-28T00:00:00+02:00"
    assert meta["author"] == "مريم العطار"
    assert meta["tags"] == ["مصر", "الاقتصاد"]
    assert meta["section"] == "economy"


def test_unreadable_sidecar_is_an_error_naming_it(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed("عنوان الخبر"), "a.yml": b"title: [broken\n"})
    actions = run(site)
    errors = [a for a in actions if a.kind == "error"]
    assert len(errors) == 1 and "a.yml" in errors[0].message
    # Not converted from guesses: once the file is fixed, the article gets its title, once.
    assert [a.kind for a in actions if a.kind != "error"] == []
    (site / "seeds" / "a.yml").write_text("title: عنوان من الملف\n", encoding="utf-8")
    [written] = run(site)
    assert written.kind == "write" and front(site, written)["title"] == "عنوان من الملف"


@pytest.mark.parametrize("name, text, expected", [
    ("a.yml", "title: الأول\ndate: 2018-04-28\ntitle: الثاني\n",
     "seeds/a.yml:3: cannot read this metadata file: 'title' is given twice (first on line 1); keep the one you "
     "mean and delete the other"),
    ("a.json", '{"title": "الأول", "title": "الثاني"}',
     "seeds/a.json: cannot read this metadata file: 'title' is given twice; keep the one you mean and delete "
     "the other"),
    ("a.yml", "title: الأول\ndate: 2018-04-28T10:00:00+05:75\n",
     "seeds/a.yml: cannot read this metadata file: the UTC offset +05:75 is out of range: RFC 3339 allows "
     "-23:59 to +23:59 (hours 00 to 23, minutes 00 to 59); write the date as 2024-05-01T09:30:00+03:00"),
])
def test_a_sidecar_that_would_lose_a_value_is_an_error(tmp_path, name, text, expected):
    site = new_site(tmp_path / "site", {"a.txt": seed("عنوان الخبر"), name: text.encode("utf-8")})
    errors = [a.message for a in run(site) if a.kind == "error"]
    assert [m.replace(str(site) + "/", "") for m in errors] == [expected]


# --------------------------------------------------------------------------- header lines

ARABIC_HEADER = (
    "العنوان: الحكومة تعلن خطة جديدة\n"
    "التاريخ: ٢٨/٠٤/٢٠١٨ ٠٩:٣٠\n"
    "الكاتب: مريم العطار\n"
    "الوسوم: الحكومة، خطة؛ اقتصاد\n"
    "القسم: economy\n"
    "الرابط: https://example.com/x\n"
    "\n"
)
ENGLISH_HEADER = (
    "Title: الحكومة تعلن خطة جديدة\n"
    "date: 2018-04-28T09:30:00\n"
    "AUTHOR: مريم العطار\n"
    "tags: الحكومة, خطة, اقتصاد\n"
    "section: economy\n"
    "url: https://example.com/x\n"
    "\n"
)


@pytest.mark.parametrize("header", [ARABIC_HEADER, ENGLISH_HEADER], ids=["arabic", "english"])
def test_header_lines(tmp_path, header):
    site = new_site(tmp_path / "site", {"a.txt": (header + BODY).encode("utf-8")})
    [action] = run(site)
    meta = front(site, action)
    assert meta["title"] == "الحكومة تعلن خطة جديدة"
    assert meta["date"] == "2018-04-28T09:30:00+02:00"
    assert meta["author"] == "مريم العطار"
    assert meta["tags"] == ["الحكومة", "خطة", "اقتصاد"]
    assert meta["section"] == "economy"
    assert meta["url"] == "https://example.com/x"
    body = frontmatter.split((site / action.path).read_text(encoding="utf-8"))[1]
    assert body.strip() == BODY.strip()  # header lines are not in the body


def test_read_header_counts_its_lines():
    meta = read_header("\nالعنوان: عنوان\nالقسم: sport\n\nنص")
    assert meta == Metadata(title="عنوان", section="sport", header_lines=3)


@pytest.mark.parametrize("text", [
    "كينيا: مقتل 5 أشخاص في هجوم\n\nنص الخبر.",
    "عاجل: انفجار في العاصمة\n\nنص الخبر.",
    "مقتل 5 أشخاص في كينيا\n\nنص الخبر.",
])
def test_headline_with_a_colon_is_no_header(text):
    assert read_header(text) == Metadata()


def test_a_header_line_with_an_unknown_key_is_left_out_with_a_warning_at_its_line(tmp_path):
    """A header whose first key is known is a header: a later unknown key does not
    turn it into the headline and body text (the label in the title, the date lost)."""
    assert read_header("العنوان: مصر ترفع الأسعار\nالتاريخ: 16/06/2018\nالمصدر: واس\n\nنص.") == Metadata(
        title="مصر ترفع الأسعار", date="16/06/2018", header_lines=3, unknown=((3, "المصدر"),), date_line=2)
    site = new_site(tmp_path / "site", {
        "a.txt": "العنوان: مصر ترفع الأسعار\nالتاريخ: 16/06/2018\nالمصدر: واس\n\nنص المقال عن الأسعار.\n".encode()})
    [action] = run(site)
    meta = front(site, action)
    assert (meta["title"], meta["date"]) == ("مصر ترفع الأسعار", "2018-06-16T00:00:00+02:00")
    assert frontmatter.split((site / action.path).read_text(encoding="utf-8"))[1].strip() == "نص المقال عن الأسعار."
    assert action.message.startswith("seeds/a.txt:3: warning: header line 'المصدر: …' is left out: 'المصدر' is no "
                                     "known key; the keys are العنوان، التاريخ")


def test_a_header_key_given_twice_takes_the_later_value_with_a_warning_at_its_line(tmp_path):
    """Two date lines (a correction typed below the first): the later one is used, and
    the editor is told at its line which one was dropped, not left to guess."""
    assert read_header("التاريخ: 15/06/2018\nالعنوان: مصر ترفع الأسعار\nالتاريخ: 16/06/2018\n\nنص.") == Metadata(
        title="مصر ترفع الأسعار", date="16/06/2018", header_lines=3, date_line=3, repeated=((3, "التاريخ", 1),))
    site = new_site(tmp_path / "site", {
        "a.txt": "التاريخ: 15/06/2018\nالعنوان: مصر ترفع الأسعار\nالتاريخ: 16/06/2018\n\nنص المقال عن الأسعار.\n".encode()})
    [action] = run(site)
    assert front(site, action)["date"] == "2018-06-16T00:00:00+02:00"
    assert action.message.startswith("seeds/a.txt:3: warning: header line 'التاريخ: …' gives 'التاريخ' again "
                                     "(first on line 1): this line's value is used")
    [again] = run(site)
    assert again.kind == "unchanged"  # the warning is no change: the seed is not converted again


@pytest.mark.parametrize("text, title, date, first", [
    ("العنوان: خبر عن الأسعار\nالتاريخ: 2023-11-05\nارتفعت الأسعار في مصر هذا الأسبوع بنسبة كبيرة.\n",
     "خبر عن الأسعار", "2023-11-05T00:00:00+02:00", "ارتفعت الأسعار"),  # no blank line after the header
    ("المصدر: واس\nالعنوان: خبر عن الأسعار\n\nارتفعت الأسعار في مصر هذا الأسبوع بنسبة كبيرة.\n",
     "خبر عن الأسعار", None, "ارتفعت الأسعار"),  # an unknown key first
    ("العنوان: خبر عن الأسعار\nقال الوزير: إن الحكومة ستخفض الضرائب في العام المقبل بنسبة كبيرة.\n\nتتمة.\n",
     "خبر عن الأسعار", None, "قال الوزير: إن الحكومة"),  # a quotation after the header is text
    ("التاريخ: هل يعيد نفسه؟\n\nيرى المؤرخون أن الأحداث تتشابه عبر العصور.\n",
     "التاريخ: هل يعيد نفسه؟", None, "يرى المؤرخون"),  # a headline that starts with a key
    ("الكاتب: ليلى الشامي\nالرياض: الوزارة تعلن خطة جديدة للمزارعين\n\nأعلنت الوزارة اليوم خطة للمزارعين.\n",
     "الرياض: الوزارة تعلن خطة جديدة للمزارعين", None, "أعلنت الوزارة"),  # a headline right after it
])
def test_header_lines_as_newsrooms_write_them(tmp_path, text, title, date, first):
    site = new_site(tmp_path / "site", {"a.txt": text.encode()})
    [action] = run(site)
    meta = front(site, action)
    assert meta["title"] == title
    if date:
        assert meta["date"] == date
    body = frontmatter.split((site / action.path).read_text(encoding="utf-8"))[1]
    assert body.strip().startswith(first) and "العنوان" not in body and "المصدر" not in body


def test_a_header_key_with_no_value_is_not_the_headline():
    assert read_header("العنوان: \n\nالعنوان الحقيقي\n\nنص.") == Metadata(header_lines=1)


def test_headline_with_a_colon_stays_the_title(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed("كينيا: مقتل 5 أشخاص في هجوم مسلح")})
    [action] = run(site)
    assert front(site, action)["title"] == "كينيا: مقتل 5 أشخاص في هجوم مسلح"


def test_explicit_tags_are_kept_as_given(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": ("الوسوم: الذكاء الاصطناعي، والاقتصاد؛ في, غزة\n\nعنوان الخبر\n\n" + BODY).encode("utf-8"),
    })
    [action] = run(site)
    # stopwords and clitic prefixes are rules for guessed tags only
    assert front(site, action)["tags"] == ["الذكاء الاصطناعي", "والاقتصاد", "في", "غزة"]


# --------------------------------------------------------------------------- precedence

def test_precedence_header_over_sidecar_over_manifest_over_text(tmp_path):
    site = new_site(tmp_path / "site", {
        "all.txt": ("العنوان: عنوان الترويسة\n\n" + BODY).encode("utf-8"),
        "all.json": json.dumps({"title": "عنوان الملف الجانبي", "author": "كاتب الملف الجانبي",
                                "date": "2020-01-01T10:00:00+00:00"}, ensure_ascii=False).encode("utf-8"),
        "side.txt": seed(None, "نص المقال الثاني عن الاقتصاد المصري.\n"),
        "side.json": json.dumps({"title": "عنوان الملف الجانبي"}, ensure_ascii=False).encode("utf-8"),
        "man.txt": seed(None, "نص المقال الثالث عن السياسة.\n"),
        "text.txt": seed("عنوان من النص نفسه", "نص المقال الرابع عن الرياضة.\n"),
        "manifest.jsonl": manifest(
            {"file": "all.txt", "title": "عنوان الفهرس", "author": "كاتب الفهرس", "section": "economy",
             "date": "2019-01-01T10:00:00+00:00", "url": "https://example.com/all"},
            {"file": "side.txt", "title": "عنوان الفهرس الثاني"},
            {"file": "man.txt", "title": "عنوان الفهرس الثالث"},
        ),
    })
    actions = by_seed(run(site))
    meta = front(site, actions["seeds/all.txt"])
    assert meta["title"] == "عنوان الترويسة"  # header
    assert meta["author"] == "كاتب الملف الجانبي"  # sidecar over manifest
    assert meta["date"] == "2020-01-01T10:00:00+00:00"  # sidecar over manifest
    assert meta["section"] == "economy"  # only the manifest has it
    assert meta["url"] == "https://example.com/all"
    assert front(site, actions["seeds/side.txt"])["title"] == "عنوان الملف الجانبي"
    assert front(site, actions["seeds/man.txt"])["title"] == "عنوان الفهرس الثالث"
    assert front(site, actions["seeds/text.txt"])["title"] == "عنوان من النص نفسه"


def test_merged_lets_the_other_side_win_field_by_field():
    low = Metadata(title="أ", author="ب", section="economy")
    high = Metadata(title="ج", tags=("د",), header_lines=2)
    assert low.merged(high) == Metadata(title="ج", author="ب", section="economy", tags=("د",), header_lines=2)


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize(("value", "expected"), [
    ("Sat, 28 Apr 2018 04:58:03 GMT", "2018-04-28T04:58:03+00:00"),
    ("Sat, 28 Apr 2018 04:58:03 +0400", "2018-04-28T04:58:03+04:00"),
    ("Thu, 07 Jun 2018 08:57:40 +0000", "2018-06-07T08:57:40+00:00"),
    ("2017-02-15T12:53:00+01:00", "2017-02-15T12:53:00+01:00"),
    ("2018-04-28T04:58:03Z", "2018-04-28T04:58:03+00:00"),
    ("2017-02-15T12:53:00", "2017-02-15T12:53:00+02:00"),
    ("2024-07-01T10:00:00", "2024-07-01T10:00:00+03:00"),  # Cairo has daylight saving again
    ("2015-08-09 17:31:04", "2015-08-09T17:31:04+02:00"),
    ("28/04/2018", "2018-04-28T00:00:00+02:00"),
    ("28/04/2018 09:30", "2018-04-28T09:30:00+02:00"),
    ("1/2/2018", "2018-02-01T00:00:00+02:00"),  # day first
    ("٢٨/٠٤/٢٠١٨", "2018-04-28T00:00:00+02:00"),
    ("٢٠١٧-٠٢-١٥T١٢:٥٣:٠٠+٠١:٠٠", "2017-02-15T12:53:00+01:00"),
    ("۲۸/۰۴/۲۰۱۸", "2018-04-28T00:00:00+02:00"),
])
def test_parse_date(value, expected):
    result = parse_date(value, CAIRO)
    assert result.tzinfo is not None and result.utcoffset() is not None
    assert result.isoformat() == expected


def test_parse_date_uses_the_given_time_zone_for_naive_values():
    assert parse_date("2018-04-28 10:00", zoneinfo.ZoneInfo("Asia/Riyadh")).isoformat() == "2018-04-28T10:00:00+03:00"
    assert parse_date("28/04/2018", zoneinfo.ZoneInfo("UTC")).isoformat() == "2018-04-28T00:00:00+00:00"


@pytest.mark.parametrize("value", ["yesterday", "", "32/13/2018", "2018-02-30", "أمس", "28 أبريلا 2018",
                                   "31 فبراير 2018", "28 2018", "أبريل 2018"])
def test_unreadable_dates_raise(value):
    with pytest.raises(ValueError):
        parse_date(value, CAIRO)


@pytest.mark.parametrize(("value", "expected"), [
    ("16 يونيو 2018", "2018-06-16T00:00:00+02:00"),
    ("16 يونيه 2018 م", "2018-06-16T00:00:00+02:00"),  # an Egyptian spelling, not in CLDR
    ("28 ابريل 2018", "2018-04-28T00:00:00+02:00"),  # hamza left out
    ("السبت 16 حزيران/يونيو 2018", "2018-06-16T00:00:00+02:00"),  # Levant, with the other name
    ("٣ تشرين الثاني ٢٠٢٤، الساعة ١٠:٣٠", "2024-11-03T10:30:00+02:00"),
    ("1 جوان 2018 09:05", "2018-06-01T09:05:00+02:00"),  # Algeria and Tunisia
    ("12 شتنبر 2019", "2019-09-12T00:00:00+02:00"),  # Morocco
    ("16 تشرين أول 2018", "2018-10-16T00:00:00+02:00"),  # without the article
    ("16 يونيو 2018 10:30 م", "2018-06-16T22:30:00+02:00"),  # evening
    ("16 يونيو 2018 12:05 ص", "2018-06-16T00:05:00+02:00"),  # just after midnight
    ("16 يونيو 2018 م، الساعة 9:15 صباحًا", "2018-06-16T09:15:00+02:00"),
])
def test_dates_with_an_arabic_month_name_are_read(value, expected):
    """As Arabic newsrooms write dates in a byline or a manifest; month names of
    CLDR for Egypt, the Levant, the Maghreb."""
    assert parse_date(value, CAIRO).isoformat() == expected


def test_an_impossible_iso_date_says_so():
    with pytest.raises(ValueError) as info:
        parse_date("2018-02-30", CAIRO)
    assert str(info.value).startswith("'2018-02-30' is no real date")


@pytest.mark.parametrize("value, offset", [("2018-04-28T10:00:00+05:75", "+05:75"),
                                           ("2018-04-28 10:00 +2500", "+25:00"),
                                           ("Sat, 28 Apr 2018 04:58:03 -0560", "-05:60")])
def test_an_offset_out_of_range_says_so(value, offset):
    with pytest.raises(ValueError) as info:
        parse_date(value, CAIRO)
    assert str(info.value).startswith(f"the UTC offset {offset} is out of range: RFC 3339 allows -23:59 to +23:59")


@pytest.mark.parametrize("value, named, was", [
    ("الثلاثاء 5 نوفمبر 2023", "الثلاثاء", "الأحد"),
    ("الاربعاء، 16 يونيو 2018 10:30", "الأربعاء", "السبت"),
    ("Mon, 28 Apr 2018 04:58:03 GMT", "الاثنين", "السبت"),
])
def test_a_weekday_that_does_not_match_the_date_is_a_warning(tmp_path, value, named, was):
    site = new_site(tmp_path / "site", {"a.txt": seed("عنوان الخبر الأول"), "b.txt": seed("عنوان الخبر الثاني"),
                                        "manifest.jsonl": manifest({"file": "a.txt", "date": value},
                                                                   {"file": "b.txt", "date": "الأحد 5 نوفمبر 2023"})})
    actions = by_seed(run(site))
    assert actions["seeds/a.txt"].kind == "write" and actions["seeds/b.txt"].kind == "write"
    assert actions["seeds/b.txt"].message == ""  # 5 November 2023 was a Sunday
    warning = actions["seeds/a.txt"].message
    assert warning.startswith("seeds/a.txt: warning: the date") and f"names {named}, but" in warning
    assert f"was {was};" in warning and "check the day and the weekday" in warning


@pytest.mark.parametrize("value", ["16 يونيو 2018", "Sat, 28 Apr 2018 04:58:03 GMT", "السبت 16 حزيران/يونيو 2018",
                                   "2018-06-16", "16/06/2018"])
def test_a_date_without_a_weekday_or_with_the_right_one_says_nothing(value):
    assert weekday_problem(value, parse_date(value, CAIRO)) is None


def test_a_header_time_the_clocks_skipped_is_a_warning_at_its_line(tmp_path):
    """00:30 on 26 April 2024 never happened in Cairo (the clocks went from 00:00 to
    01:00): said at the date's line, as for the same time in front matter."""
    site = new_site(tmp_path / "site", {"a.txt": ("العنوان: عنوان الخبر\nالتاريخ: 2024-04-26 00:30\n\n" + BODY).encode()})
    [action] = run(site)
    assert action.kind == "write"
    assert action.message.startswith("seeds/a.txt:2: warning: the date '2024-04-26 00:30' does not exist in "
                                     "Africa/Cairo (the clocks were put forward); it is read as "
                                     "2024-04-26T01:30:00+03:00")
    assert front(site, action)["date"] == "2024-04-26T01:30:00+03:00"  # as the warning says


def test_a_misspelled_key_in_a_sidecar_or_the_manifest_is_a_warning(tmp_path):
    """``titel`` and ``dat`` are typos whose values would be lost without a word; keys
    that are no metadata at all (a scraper's ``source_url``, ``lang``) stay unremarked."""
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان الخبر الأول"), "b.txt": seed("عنوان الخبر الثاني"),
        "a.json": '{"titel": "عنوان من الملف", "lang": "ar", "subtitle": "عنوان فرعي"}'.encode(),
        "manifest.jsonl": manifest({"file": "b.txt", "dat": "2024-01-05", "source_url": "https://example.com/1",
                                    "author_id": 17, "title_en": "x", "sector": "x", "data": {"a": 1}}),
    })
    actions = by_seed(run(site))
    assert "'titel' in seeds/a.json:1 is no key Jarida reads, so its value is not used; did you mean 'title'?" \
        in actions["seeds/a.txt"].message
    assert "'dat' in seeds/manifest.jsonl:1 is no key Jarida reads" in actions["seeds/b.txt"].message
    assert actions["seeds/a.txt"].message.count("no key Jarida reads") == 1
    assert actions["seeds/b.txt"].message.count("no key Jarida reads") == 1  # dat alone, of all the others


def test_a_bad_date_in_the_header_is_an_error_at_its_line(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": ("العنوان: عنوان الخبر\nالتاريخ: أمس\n\n" + BODY).encode()})
    [action] = run(site)
    assert action.kind == "error"
    assert action.message.startswith("seeds/a.txt:2: the date given in its header cannot be read: not a date")


def test_bad_date_is_an_error_naming_the_file(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان الخبر الأول"),
        "b.txt": seed("عنوان الخبر الثاني"),
        "manifest.jsonl": manifest({"file": "a.txt", "date": "yesterday"}),
    })
    actions = by_seed(run(site))
    assert actions["seeds/a.txt"].kind == "error"
    assert actions["seeds/a.txt"].message.startswith("seeds/manifest.jsonl:1: the date given for seeds/a.txt "
                                                     "cannot be read")
    assert "yesterday" in actions["seeds/a.txt"].message
    assert actions["seeds/b.txt"].kind == "write"
    assert len(list((site / "content" / "articles").glob("*.md"))) == 1


@pytest.mark.parametrize("name, text, line", [
    ("a.json", '{\n  "title": "عنوان الخبر",\n  "التاريخ": "أمس"\n}\n', 3),
    ("a.yml", "title: عنوان الخبر\ndate: yesterday\n", 2),
    ("a.json", '{"title": "عنوان الخبر", "date": "yesterday"}', 1),
])
def test_a_bad_date_from_a_sidecar_or_the_manifest_is_an_error_at_its_line(tmp_path, name, text, line):
    """The editor is sent to the line to fix: the manifest's or the sidecar's, not the seed."""
    site = new_site(tmp_path / "site", {
        "b.txt": seed("عنوان الخبر الثاني"), "a.txt": seed("عنوان الخبر الأول"), name: text.encode(),
        "manifest.jsonl": manifest({"file": "b.txt", "title": "عنوان الخبر الثاني"}, {"file": "a.txt", "date": "2018-06-16"}),
    })
    actions = by_seed(run(site))
    assert actions["seeds/a.txt"].message.startswith(f"seeds/{name}:{line}: the date given for seeds/a.txt cannot be read")
    assert actions["seeds/b.txt"].kind == "write"
    site2 = new_site(tmp_path / "site2", {
        "b.txt": seed("عنوان الخبر الثاني"), "a.txt": seed("عنوان الخبر الأول"),
        "manifest.jsonl": manifest({"file": "b.txt"}, {"file": "a.txt", "date": "yesterday"})})
    assert by_seed(run(site2))["seeds/a.txt"].message.startswith(
        "seeds/manifest.jsonl:2: the date given for seeds/a.txt cannot be read")


def test_seed_without_a_date_gets_its_mtime_in_the_site_time_zone(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed("عنوان الخبر")})
    [action] = run(site)
    assert front(site, action)["date"] == "2024-01-15T12:00:00+02:00"


# --------------------------------------------------------------------------- credits

@pytest.mark.parametrize(("text", "expected"), [
    ("العربية.نت - رانيا لوقا", Credit(person="رانيا لوقا", outlet="العربية.نت")),
    ("العربية.نت – محمد جراح", Credit(person="محمد جراح", outlet="العربية.نت")),
    ("دبي - العربية.نت", Credit(outlet="العربية.نت", place="دبي")),
    ("واس - الرياض", Credit(outlet="واس", place="الرياض")),
    ("الرياض - واس", Credit(outlet="واس", place="الرياض")),
    ("أبوظبي - سكاي نيوز عربية", Credit(outlet="سكاي نيوز عربية", place="أبوظبي")),
    ("القاهرة - أحمد الريدي", Credit(person="أحمد الريدي", place="القاهرة")),
    ("لندن: «الشرق الأوسط»", Credit(outlet="«الشرق الأوسط»", place="لندن")),
    ("مها بن عبد العظيم", Credit(person="مها بن عبد العظيم")),
    ("فرانس 24", Credit(outlet="فرانس 24")),
    ("واس (جدة)", Credit(outlet="واس", place="جدة")),
    ("سعاد الشمراني (الرياض)", Credit(person="سعاد الشمراني", place="الرياض")),
    ("8f3c6211-7e64-4bd6-9d15-e0c3280c1d9e", Credit()),
    ("", Credit()),
])
def test_parse_credit(text, expected):
    assert parse_credit(text, CITIES) == expected


def test_credit_from_a_scraped_mapping_is_cleaned():
    meta = from_mapping({"author": "&nbsp;واس (جدة)", "file": "x.txt"})
    assert meta.author == "واس (جدة)"
    assert parse_credit(meta.author, CITIES) == Credit(outlet="واس", place="جدة")


def test_from_mapping_uses_fallback_keys_only_when_the_main_key_is_missing():
    assert from_mapping({"date_extracted": "2015-08-09 17:31:04"}).date == "2015-08-09 17:31:04"
    both = from_mapping({"date": "2018-04-28", "date_extracted": "2015-08-09 17:31:04"})
    assert both.date == "2018-04-28"


def test_outlet_credit_from_a_manifest_gives_no_author(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان الخبر"),
        "manifest.jsonl": manifest({"file": "a.txt", "author": "أبوظبي - سكاي نيوز عربية"}),
    })
    [action] = run(site)
    meta = front(site, action)
    assert meta["author"] == "فريق التحرير"  # the site's default author: no person named
    assert meta["source_outlet"] == "سكاي نيوز عربية"
    assert meta["dateline"] == "أبوظبي"


# Bugs found with the public corpus, fixed since: regression tests.

# Was a bug: a role word before the colon ('تقرير:', 'قراءة:',
# 'تحليل:') is taken as the person and the real name is dropped
def test_credit_role_word_is_not_the_person():
    assert parse_credit("تقرير: خالد الجارالله", CITIES).person == "خالد الجارالله"


# Was a bug: the agency 'فرانس برس' (AFP) is read as a person's
# name
def test_credit_afp_is_an_outlet():
    assert parse_credit("برلين - فرانس برس", CITIES) == Credit(outlet="فرانس برس", place="برلين")


# Was a bug: a tatweel used as a dash ('موسكو ـ مازن عباس') is
# deleted instead of separating place and person; the author becomes 'موسكو مازن عباس'
def test_credit_tatweel_dash_separates():
    assert parse_credit("موسكو ـ مازن عباس", CITIES) == Credit(person="مازن عباس", place="موسكو")


# Open bugs found with the public corpus (minimal failing examples).

@pytest.mark.parametrize(("text", "person"), [
    ("تحليل: د. حمدان الشهري", "د. حمدان الشهري"),
    ("حوار - أحمد الأحمد", "أحمد الأحمد"),
    ("نص : عماد بوخمسين", "عماد بوخمسين"),
])
def test_credit_other_role_words_are_not_the_person(text, person):
    assert parse_credit(text, CITIES).person == person


@pytest.mark.parametrize("text", ["سوتشي - د ب أ", "ميونخ - د ب أ", "كيشيناو - رويترز"])
def test_credit_one_word_beside_an_agency_is_no_person(text):
    assert parse_credit(text, CITIES).person is None


# Was a bug: the city list held the words of multi-word places one by one ('يونس' of
# 'خان يونس', 'إسلام' of 'إسلام آباد'), so a reporter named with one of them was read as a
# place and lost; a multi-word place is known whole ('ريو دي جانيرو', not 'ريو' and a person)
@pytest.mark.parametrize(("text", "expected"), [
    ("الخرطوم: أحمد يونس", Credit(person="أحمد يونس", place="الخرطوم")),
    ("اليمن - إسلام سيف", Credit(person="إسلام سيف", place="اليمن")),
    ("خميس عبد الله - خميس مشيط", Credit(person="خميس عبد الله", place="خميس مشيط")),
    ("خان يونس - د ب أ", Credit(outlet="د ب أ", place="خان يونس")),
    ("ريو دي جانيرو - د ب أ", Credit(outlet="د ب أ", place="ريو دي جانيرو")),
])
def test_credit_a_word_of_a_multi_word_place_is_no_place(text, expected):
    assert parse_credit(text, CITIES) == expected


# Was a bug: the press writes "PLACE - PERSON", "PLACE: PERSON", "PLACE _ PERSON" and
# "PLACE (REGION) - PERSON"; a place not in the city list was taken for the author and the
# reporter lost ('البدائع - فهد اللويحق' gave the author 'البدائع')
@pytest.mark.parametrize(("text", "expected"), [
    ("البدائع - فهد اللويحق", Credit(person="فهد اللويحق", place="البدائع")),
    ("لاس فيغاس: إد أوكيفي", Credit(person="إد أوكيفي", place="لاس فيغاس")),
    ("طبرق (شرق ليبيا):  عبد الستار حتيتة", Credit(person="عبد الستار حتيتة", place="طبرق (شرق ليبيا)")),
    ("كان (جنوب فرنسا) - سعد المسعودي", Credit(person="سعد المسعودي", place="كان (جنوب فرنسا)")),
    ("الرياض _ محمد جراح", Credit(person="محمد جراح", place="الرياض")),
    ("حاوره:علي الرباعي (الباحة)", Credit(person="علي الرباعي", place="الباحة")),
    # the other order stays: a known place after the name, or one word after a name
    ("سعيد الزهراني - الطائف", Credit(person="سعيد الزهراني", place="الطائف")),
    ("فهد العنزي - الزلفي", Credit(person="فهد العنزي", place="الزلفي")),
])
def test_credit_place_before_the_person(text, expected):
    assert parse_credit(text, CITIES) == expected


# Was a bug: beside a wire agency, which names no reporter, a place not in the city list
# was taken for the author ('سان فرانسيسكو - فرانس برس', 'واس - وادي الدواسر')
@pytest.mark.parametrize(("text", "expected"), [
    ("سان فرانسيسكو - فرانس برس", Credit(outlet="فرانس برس", place="سان فرانسيسكو")),
    ("بعلبك (شرق لبنان) - رويترز", Credit(outlet="رويترز", place="بعلبك (شرق لبنان)")),
    ("واس - وادي الدواسر", Credit(outlet="واس", place="وادي الدواسر")),
    ("برمنغهام (بريطانيا): «الشرق الأوسط»", Credit(outlet="«الشرق الأوسط»", place="برمنغهام (بريطانيا)")),
    ("أ ف ب (بولي علم)", Credit(outlet="أ ف ب", place="بولي علم")),
    ("القافلة - فهد الحازمي", Credit(person="فهد الحازمي", outlet="القافلة")),
    # a newspaper named as its city is the outlet beside another city
    ("القاهرة - الرياض، سباعي إبراهيم", Credit(person="سباعي إبراهيم", outlet="الرياض", place="القاهرة")),
    ("جازان، تبوك - أنور خواجي، واس", Credit(person="أنور خواجي", outlet="واس", place="جازان، تبوك")),
])
def test_credit_beside_an_agency_is_a_place(text, expected):
    assert parse_credit(text, CITIES) == expected


# Was a bug: several reporters became one author ('فارس السبيعي وعبد الله الهلابي'),
# or all but one were lost; a role word joined the dateline ('الأحساء، تحقيق'), and the
# photographer after 'تصوير' was taken for the author
@pytest.mark.parametrize(("text", "expected"), [
    ("الرياض: فارس السبيعي  وعبد الله الهلابي",
     Credit(person="فارس السبيعي", place="الرياض", coauthors=("عبد الله الهلابي",))),
    ("القاهرة - أحمد الريدي، أشرف عبد الحميد",
     Credit(person="أحمد الريدي", place="القاهرة", coauthors=("أشرف عبد الحميد",))),
    ("روبا عبد العال - آمنة النجعي - جدة", Credit(person="روبا عبد العال", place="جدة", coauthors=("آمنة النجعي",))),
    ("صنعاء: عرفات مدابش - الرياض: ناصر الحقباني",
     Credit(person="عرفات مدابش", place="صنعاء", coauthors=("ناصر الحقباني",))),
    ("الرياض: فهد الذيابي  موسكو: سامي عمارة", Credit(person="فهد الذيابي", place="الرياض", coauthors=("سامي عمارة",))),
    ("عبدالله الدهاس (مكة المكرمة) سعاد الشمراني (الرياض)",
     Credit(person="عبدالله الدهاس", place="مكة المكرمة", coauthors=("سعاد الشمراني",))),
    ("مريم الصغير (الرياض)، غازي المسعري (وادي الدواسر)",
     Credit(person="مريم الصغير", place="الرياض", coauthors=("غازي المسعري",))),
    ("الأحساء، تحقيق - صالح المحيسن", Credit(person="صالح المحيسن", place="الأحساء")),
    ("حاوره : غازي الحارثي , تصوير: عبدالرحمن الجديعي", Credit(person="غازي الحارثي")),
    ("سعيد الزهراني - الطائف            تصوير - أحمد باروم", Credit(person="سعيد الزهراني", place="الطائف")),
    # a name starting with و is no second person
    ("دبي - محمد وليد الخطيب", Credit(person="محمد وليد الخطيب", place="دبي")),
    ("سيدي محمد ولد الشيخ", Credit(person="سيدي محمد ولد الشيخ")),
])
def test_credit_several_people(text, expected):
    assert parse_credit(text, CITIES) == expected


# Was a bug: a photographer joined by و ('وتصوير:') became the author and the reporter was
# lost, or 'وتصوير' joined the reporter's name; a name with its place in brackets before
# 'تصوير' became the dateline; 'عدسة' was read as a place; the last name of a list kept its
# و and the first became the dateline; names joined by a spaced و were one author
@pytest.mark.parametrize(("text", "expected"), [
    ("القاهرة - أحمد الريدي وتصوير: محمد سعد", Credit(person="أحمد الريدي", place="القاهرة")),
    ("حوار: سعيد حسن وتصوير: خالد أحمد", Credit(person="سعيد حسن")),
    ("سعيد الزهراني (الطائف) - تصوير: أحمد باروم", Credit(person="سعيد الزهراني", place="الطائف")),
    ("تصوير محمد علي", Credit()),
    ("عدسة: محمد علي", Credit()),
    ("محمد علي، أحمد خالد، وسعيد حسن", Credit(person="محمد علي", coauthors=("أحمد خالد", "سعيد حسن"))),
    ("وليد خالد و وليد محمد", Credit(person="وليد خالد", coauthors=("وليد محمد",))),
    ("أحمد و محمد", Credit(person="أحمد", coauthors=("محمد",))),
    ("وليد خالد، وائل محمد", Credit(person="وليد خالد", coauthors=("وائل محمد",))),
    # guards: a place before a reporter or a list of reporters stays the dateline
    ("كان (جنوب فرنسا) - سعد المسعودي", Credit(person="سعد المسعودي", place="كان (جنوب فرنسا)")),
    ("البدائع - فهد اللويحق، خالد العمري",
     Credit(person="فهد اللويحق", place="البدائع", coauthors=("خالد العمري",))),
])
def test_credit_photographer_and_lists_of_names(text, expected):
    assert parse_credit(text, CITIES) == expected


# Was a bug: an agency or outlet joined by و, one the lists did not know (وات, و م ع, أب,
# Reuters, a misspelt فراس برس), a Latin acronym (BBC) or a body standing as the dateline
# (الأمم المتحدة) became the author; a place and an agency in one part were one dateline;
# a role word listed as an outlet (متابعة) hid the outlet; a city named as its newspaper
# with its country in brackets became the outlet; 'هاتفيا' (by telephone) joined the place
@pytest.mark.parametrize(("text", "expected"), [
    ("الرياض: فارس السبيعي و واس", Credit(person="فارس السبيعي", outlet="واس", place="الرياض")),
    ("أ ف ب ورويترز", Credit(outlet="أ ف ب")),
    ("رويترز وأ ف ب", Credit(outlet="رويترز")),
    ("تونس - وات", Credit(outlet="وات", place="تونس")),
    ("الرباط - و م ع", Credit(outlet="و م ع", place="الرباط")),
    ("باريس - أب", Credit(outlet="أب", place="باريس")),
    ("London - Reuters", Credit(outlet="Reuters", place="London")),
    ("BBC عربي - لندن", Credit(outlet="BBC عربي", place="لندن")),
    ("نيويورك - الأمم المتحدة - رويترز", Credit(outlet="رويترز", place="نيويورك")),
    ("نيويورك - فراس برس", Credit(outlet="فراس برس", place="نيويورك")),
    ("جدة واس - الوئام :", Credit(outlet="واس", place="جدة")),
    ("متابعة - الرياض الإلكتروني", Credit(outlet="الرياض الإلكتروني")),
    ("صنعاء - خاص ب الرياض", Credit(outlet="الرياض", place="صنعاء")),
    ("محمد علي - الرياض (السعودية)", Credit(person="محمد علي", place="الرياض (السعودية)")),
    ("حاوره:فهيم الحامد  (هاتفيا عدن)", Credit(person="فهيم الحامد", place="عدن")),
    # guards: scraper junk before a place is still dropped; a newspaper beside another city
    ("Next Previous جدة - رويترز", Credit(outlet="رويترز", place="جدة")),
    ("عكاظ (الطائف)", Credit(outlet="عكاظ", place="الطائف")),
])
def test_credit_agencies_and_outlets_are_no_author(text, expected):
    assert parse_credit(text, CITIES) == expected


def test_manifest_naming_two_reporters_gives_two_authors(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed("عنوان الخبر"), "b.txt": seed("عنوان خبر آخر"),
        "manifest.jsonl": manifest({"file": "a.txt", "author": "الرياض: فارس السبيعي  وعبد الله الهلابي"},
                                   {"file": "b.txt", "author": "البدائع - فهد اللويحق"}),
    })
    actions = by_seed(run(site))
    meta = front(site, actions["seeds/a.txt"])
    assert meta["authors"] == ["فارس السبيعي", "عبد الله الهلابي"] and "author" not in meta
    assert meta["dateline"] == "الرياض"
    meta = front(site, actions["seeds/b.txt"])
    assert (meta["author"], meta["dateline"]) == ("فهد اللويحق", "البدائع")


def test_byline_with_latin_junk():
    from generator.seeds import parse_byline

    found = parse_byline("Next Previous غالب السهلي – بريدة")
    assert found is None or found.person == "غالب السهلي"


# --------------------------------------------------------------------------- determinism

def test_converting_twice_into_fresh_sites_is_byte_identical(tmp_path):
    seeds = {
        "a.txt": ("العنوان: خبر بترويسة\nالوسوم: مصر، غزة\n\n" + BODY).encode("utf-8"),
        "b.txt": seed(None, "نص الخبر الثاني عن الاقتصاد المصري.\n"),
        "b.yml": "title: خبر بملف جانبي\ndate: 2018-04-28 10:00:00\n".encode("utf-8"),
        "c.txt": seed("خبر عادي عن القاهرة", "القاهرة - أ ش أ\nقالت الحكومة اليوم إن المفاوضات مستمرة.\n"),
        "manifest.jsonl": manifest({"file": "c.txt", "section": "politics", "author": "العربية.نت - رانيا لوقا"}),
    }
    trees = []
    for name in ("one", "two"):
        site = new_site(tmp_path / name, seeds)
        for file in (site / "seeds").iterdir():
            os.utime(file, (SEED_TIME, SEED_TIME))
        assert [a.kind for a in run(site)] == ["write"] * 3
        trees.append({p.relative_to(site).as_posix(): p.read_bytes()
                      for p in sorted((site / "content").rglob("*")) if p.is_file()})
    assert trees[0] == trees[1]


def test_a_sidecar_title_that_the_header_overrides_is_a_warning(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": ("العنوان: عنوان فيه خطأ\n\n" + BODY).encode(),
                                        "a.yml": "title: العنوان المصحح\n".encode()})
    [action] = run(site)
    assert front(site, action)["title"] == "عنوان فيه خطأ"  # header lines win, as documented
    assert "seeds/a.txt: warning: its header's title wins over the title 'العنوان المصحح' of its sidecar" \
        in action.message
