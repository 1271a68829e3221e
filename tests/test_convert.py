import datetime as dt
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from generator import frontmatter
from generator.arabic import nfc, slugify, utf8_len
from generator.build import build
from generator.convert import convert, is_pristine
from generator.markup import Renderer
from generator.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
# 2024-01-15 10:00 UTC: 12:00 in Cairo (+02:00, no daylight saving in January).
SEED_TIME = 1705312800
SEED_DATE = "2024-01-15T12:00:00+02:00"
DEFAULT_AUTHOR = "فريق التحرير"
SITE_TOML = (
    'title = "جريدة الاختبار"\n'
    'base_url = "https://example.org/"\n'
    'timezone = "Africa/Cairo"\n'
    f'default_author = "{DEFAULT_AUTHOR}"\n'
)

EXAMPLE = "000_bd9eefebc525e6fe.txt"  # layout A, bio of مالك السيد
BYLINE = "0006_b9b628fe7d4c84ec.txt"  # layout C, byline كتب: كريم بن سالم
PLAIN = "0001_2da8369014f0af46.txt"  # layout B, nobody named
EXPECTED = {
    EXAMPLE: ("مصر-تقود-مفاوضات-إنهاء-الحرب-الإسرائيلية-على-قطاع-غزة", "مالك السيد"),
    BYLINE: ("العواصم-الأوروبية-تحتضن-معارض-تحتفي-بالفن-المعاصر-ورواد-الفن", "كريم بن سالم"),
    PLAIN: ("ترامب-لأمير-قطر-أصبحت-الآن-مناصرا-كبيرا-في-محاربة-الإرهاب", DEFAULT_AUTHOR),
}
BIO_START = "مالك السيد يعمل كمحرر إلكتروني"
META_KEYS = ["title", "date", "author", "tags", "summary", "source"]


def new_site(root: Path, seeds: dict[str, bytes] | None = None, copy: tuple[str, ...] = ()) -> Path:
    (root / "seeds").mkdir(parents=True)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    for name in copy:
        shutil.copyfile(REPO / "seeds" / name, root / "seeds" / name)
    for name, data in (seeds or {}).items():
        (root / "seeds" / name).write_bytes(data)
    for seed in (root / "seeds").iterdir():
        os.utime(seed, (SEED_TIME, SEED_TIME))
    return root


def run(site: Path):
    return convert(site, load_settings(site))


def article(site: Path, slug: str) -> tuple[dict, str]:
    meta, body, _ = frontmatter.split((site / "content" / "articles" / f"{slug}.md").read_text(encoding="utf-8"))
    return meta, body


def snapshot(site: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted((site / "content").rglob("*"))
        if p.is_file()
    }


def headline(name: str) -> str:
    return nfc((REPO / "seeds" / name).read_text(encoding="utf-8-sig").split("\n", 1)[0].strip())


def touch_seed(path: Path, text: str, when: int = SEED_TIME + 86400) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when, when))


@pytest.fixture
def site(tmp_path):
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    actions = run(site)
    assert sorted(a.kind for a in actions) == ["write"] * 3
    return site


def test_each_seed_becomes_an_article(site):
    names = sorted(p.name for p in (site / "content" / "articles").iterdir())
    assert names == sorted(f"{slug}.md" for slug, _ in EXPECTED.values())


@pytest.mark.parametrize("seed", list(EXPECTED))
def test_front_matter(site, seed):
    slug, author = EXPECTED[seed]
    meta, body = article(site, slug)
    data = (REPO / "seeds" / seed).read_bytes()
    assert [k for k in meta if k in META_KEYS] == META_KEYS
    assert set(meta) - set(META_KEYS) <= {"byline", "dateline", "source_outlet"}
    assert meta["title"] == headline(seed)
    assert meta["date"] == SEED_DATE
    assert dt.datetime.fromisoformat(meta["date"]).utcoffset() == dt.timedelta(hours=2)
    assert meta["author"] == author
    assert isinstance(meta["tags"], list) and 2 <= len(meta["tags"]) <= 6
    assert all(isinstance(t, str) and t for t in meta["tags"])
    assert isinstance(meta["summary"], str) and meta["summary"]
    assert len(meta["summary"]) <= 221
    assert meta["source"]["file"] == seed
    assert meta["source"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert re.fullmatch("[0-9a-f]{64}", meta["source"]["converted"])
    assert body.strip()


@pytest.mark.parametrize("seed", list(EXPECTED))
def test_written_markdown_is_pristine(site, seed):
    slug, _ = EXPECTED[seed]
    assert is_pristine((site / "content" / "articles" / f"{slug}.md").read_text(encoding="utf-8"))


def test_date_string_has_offset(site):
    text = (site / "content" / "articles" / f"{EXPECTED[EXAMPLE][0]}.md").read_text(encoding="utf-8")
    assert re.search(r"^date: '?2024-01-15T12:00:00\+02:00'?$", text, re.M)


def test_summary_starts_the_first_paragraph(site):
    meta, body = article(site, EXPECTED[BYLINE][0])
    assert meta["summary"].rstrip("…").split()[:5] == body.split()[:5]


def test_bio_becomes_author_profile(site):
    profiles = sorted((site / "content" / "authors").iterdir())
    assert [p.name for p in profiles] == [f"{slugify('مالك السيد')}.md"]
    meta, body, _ = frontmatter.split(profiles[0].read_text(encoding="utf-8"))
    assert meta == {"name": "مالك السيد"}
    assert body.strip().startswith(BIO_START)


def test_bio_is_not_in_the_article_body(site):
    _, body = article(site, EXPECTED[EXAMPLE][0])
    assert BIO_START not in body
    assert "صحيفة الخبر" not in body
    assert "\u00a0" not in body


def test_byline_is_not_in_the_article_body(site):
    _, body = article(site, EXPECTED[BYLINE][0])
    assert "كتب:" not in body
    assert "كريم بن سالم" not in body


def test_body_renders_to_the_seed_paragraphs(site):
    _, body = article(site, EXPECTED[PLAIN][0])
    html = Renderer().render(body)
    lines = [line for line in (REPO / "seeds" / PLAIN).read_text(encoding="utf-8").split("\n")[1:] if line.strip()]
    assert html.count("<p>") == len(lines)


def test_rerun_on_unchanged_seeds_writes_nothing(site):
    before = snapshot(site)
    actions = run(site)
    assert [a.kind for a in actions] == ["unchanged"] * 3
    assert snapshot(site) == before


def test_changed_seed_rewrites_pristine_markdown_keeping_date_and_slug(site):
    slug = EXPECTED[PLAIN][0]
    seed = site / "seeds" / PLAIN
    new_title = "عنوان جديد تماما للمقال"
    old = seed.read_text(encoding="utf-8")
    touch_seed(seed, new_title + old[old.index("\n"):] + "\nفقرة جديدة أضيفت إلى المقال.\n")
    actions = {a.seed: a for a in run(site)}
    changed = actions[f"seeds/{PLAIN}"]
    assert changed.kind == "update"
    assert changed.path == f"content/articles/{slug}.md"
    assert {a.kind for s, a in actions.items() if s != f"seeds/{PLAIN}"} == {"unchanged"}
    meta, body = article(site, slug)
    assert meta["title"] == new_title
    assert meta["date"] == SEED_DATE
    assert meta["source"]["sha256"] == hashlib.sha256(seed.read_bytes()).hexdigest()
    assert body.rstrip().endswith("فقرة جديدة أضيفت إلى المقال.")
    assert len(list((site / "content" / "articles").iterdir())) == 3
    assert [a.kind for a in run(site)] == ["unchanged"] * 3


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text + "\nفقرة أضافها المحرر بيده.\n",
        lambda text: text.replace("title: ", "title: تعديل ", 1),
        lambda text: text.replace("- ", "- وسم يدوي\n- ", 1),
    ],
    ids=["body", "title", "tags"],
)
def test_edited_markdown_is_never_overwritten(site, edit):
    slug = EXPECTED[BYLINE][0]
    md = site / "content" / "articles" / f"{slug}.md"
    md.write_bytes(edit(md.read_text(encoding="utf-8")).encode("utf-8"))
    edited = md.read_bytes()
    seed = site / "seeds" / BYLINE
    touch_seed(seed, seed.read_text(encoding="utf-8") + "\nفقرة جديدة في الملف الأصلي.\n")
    actions = {a.seed: a for a in run(site)}
    assert actions[f"seeds/{BYLINE}"].kind == "skipped"
    assert actions[f"seeds/{BYLINE}"].path == f"content/articles/{slug}.md"
    assert md.read_bytes() == edited
    assert {a.seed: a.kind for a in run(site)}[f"seeds/{BYLINE}"] == "skipped"  # and on the next run
    assert md.read_bytes() == edited


def test_edited_markdown_with_unchanged_seed_is_left_alone(site):
    md = site / "content" / "articles" / f"{EXPECTED[BYLINE][0]}.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nتعديل.\n", encoding="utf-8")
    edited = md.read_bytes()
    assert [a.kind for a in run(site)] == ["unchanged"] * 3
    assert md.read_bytes() == edited


def drop_source_block(md: Path) -> None:
    text = md.read_text(encoding="utf-8")
    md.write_text(re.sub(r"^source:\n(?:  .*\n)+", "", text, flags=re.M), encoding="utf-8")
    assert "source:" not in md.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed_changed", [False, True], ids=["seed unchanged", "seed changed"])
def test_an_article_whose_source_block_was_removed_is_not_converted_twice(site, seed_changed):
    slug = EXPECTED[BYLINE][0]
    md = site / "content" / "articles" / f"{slug}.md"
    drop_source_block(md)
    edited = md.read_bytes()
    if seed_changed:
        seed = site / "seeds" / BYLINE
        touch_seed(seed, seed.read_text(encoding="utf-8") + "\nفقرة جديدة في الملف الأصلي.\n")
    action = {a.seed: a for a in run(site)}[f"seeds/{BYLINE}"]
    assert action.kind == "skipped" and action.path == f"content/articles/{slug}.md"
    assert "no source: block" in action.message and "another headline" in action.message
    assert sorted(p.name for p in (site / "content" / "articles").iterdir()) == sorted(
        f"{s}.md" for s, _ in EXPECTED.values())
    assert md.read_bytes() == edited
    # --force converts the seed into that same file, the editor's text kept beside it
    forced = {a.seed: a for a in convert(site, load_settings(site), force=True)}[f"seeds/{BYLINE}"]
    assert forced.kind == "update" and forced.path == f"content/articles/{slug}.md"
    assert (site / "content" / "articles" / f"{slug}.md.bak").read_bytes() == edited
    assert is_pristine(md.read_text(encoding="utf-8"))


def test_a_seed_is_converted_beside_an_unrelated_article_without_a_source_block(site):
    hand = site / "content" / "articles" / "خبر-جديد-تماما.md"  # the seed's headline, another text
    hand.write_text("---\ntitle: خبر جديد تماما\ndate: 2024-01-10\n---\n\nنص لا علاقة له بأي ملف.\n",
                    encoding="utf-8")
    broken = site / "content" / "articles" / "معطوب.md"
    broken.write_text("---\ntitle: [غير مغلق\n---\n\nنص.\n", encoding="utf-8")
    (site / "seeds" / "new.txt").write_bytes(seed_text("خبر جديد تماما", "الفقرة الأولى من الخبر الجديد عن الطقس."))
    action = {a.seed: a for a in run(site)}["seeds/new.txt"]
    assert action.kind == "write" and action.path == "content/articles/خبر-جديد-تماما-2.md"


SAME_TITLE = "مصر تقود مفاوضات إنهاء الحرب"


def seed_text(title: str, *paragraphs: str) -> bytes:
    return (title + "\n\n" + "\n".join(paragraphs) + "\n").encode("utf-8")


def test_slugs_are_unique_when_headlines_repeat(tmp_path):
    site = new_site(tmp_path / "site", {
        "a.txt": seed_text(SAME_TITLE, "الفقرة الأولى من المقال الأول عن مصر."),
        "b.txt": seed_text(SAME_TITLE, "الفقرة الأولى من المقال الثاني عن مصر."),
    })
    actions = run(site)
    assert [a.path for a in actions] == [
        "content/articles/مصر-تقود-مفاوضات-إنهاء-الحرب.md",
        "content/articles/مصر-تقود-مفاوضات-إنهاء-الحرب-2.md",
    ]
    (site / "seeds" / "c.txt").write_bytes(seed_text(SAME_TITLE, "مقال ثالث بالعنوان نفسه."))
    actions = run(site)
    assert [a.kind for a in actions] == ["unchanged", "unchanged", "write"]
    assert actions[2].path == "content/articles/مصر-تقود-مفاوضات-إنهاء-الحرب-3.md"
    sources = {article(site, p.stem)[0]["source"]["file"] for p in (site / "content" / "articles").iterdir()}
    assert sources == {"a.txt", "b.txt", "c.txt"}


def test_slug_comes_from_the_first_headline_clause(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed_text("مصر تقود المفاوضات.. والقاهرة تستضيف الوفود", "نص المقال.")})
    assert run(site)[0].path == "content/articles/مصر-تقود-المفاوضات.md"


LONG_HEADLINE = " ".join(["مفاوضات", "القاهرة", "الإسرائيلية", "والفلسطينية"] * 60)


def path_components(root: Path) -> list[str]:
    return [part for p in root.rglob("*") for part in p.relative_to(root).parts]


def test_long_headline_paths_fit_the_file_system(tmp_path):
    long_name = "عبد الرحمن بن سالم"
    site = new_site(tmp_path / "site", {
        "long.txt": seed_text(LONG_HEADLINE, "نص المقال عن المفاوضات في القاهرة.",
                              f"{long_name} يعمل كمحرر إلكتروني لدى \"صحيفة الخبر\"، متخصص في الأخبار."),
        "long2.txt": seed_text(LONG_HEADLINE + " إضافية", "نص مقال آخر."),
    })
    assert utf8_len(LONG_HEADLINE) > 2000
    actions = run(site)
    assert [a.kind for a in actions] == ["write", "write"]
    meta, _ = article(site, Path(actions[0].path).stem)
    assert meta["title"] == LONG_HEADLINE
    assert meta["author"] == long_name
    assert all(utf8_len(Path(a.path).name) <= 255 for a in actions)
    assert all(utf8_len(Path(a.path).stem) <= 120 for a in actions)
    assert len({a.path for a in actions}) == 2
    assert max(utf8_len(part) for part in path_components(site / "content")) <= 255
    build(site, now=dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc))
    assert (site / "build" / "index.html").is_file()
    assert max(utf8_len(part) for part in path_components(site / "build")) <= 255


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"", "error"), ("عنوان فقط\n".encode("utf-8"), "error"), (b"x\x00y", "error")],
    ids=["empty", "headline-only", "binary"],
)
def test_bad_seed_is_an_error_action_and_writes_nothing(tmp_path, data, kind):
    site = new_site(tmp_path / "site", {"bad.txt": data})
    actions = run(site)
    assert [a.kind for a in actions] == [kind]
    assert "bad.txt" in actions[0].message
    assert not list(site.rglob("*.md"))


def test_windows_1256_seed_is_converted_with_a_warning(tmp_path):
    site = new_site(tmp_path / "site", {"w.txt": "مصر تقود المفاوضات\r\n\r\nنص المقال عن مصر.\r\n".encode("cp1256")})
    [action] = run(site)
    assert action.kind == "write"
    assert "Windows-1256" in action.message
    assert article(site, "مصر-تقود-المفاوضات")[0]["title"] == "مصر تقود المفاوضات"


def test_new_seed_reusing_a_file_name_with_another_date_is_a_new_article(tmp_path):
    site = new_site(tmp_path / "site", {"001.txt": "التاريخ: 2024-01-15\n\nخبر يوم الاثنين\n\nنص يوم الاثنين.\n".encode()})
    [first] = run(site)
    monday = (site / first.path).read_bytes()
    touch_seed(site / "seeds" / "001.txt", "التاريخ: 2024-01-16\n\nخبر يوم الثلاثاء\n\nنص يوم الثلاثاء.\n")
    [second] = run(site)
    assert second.kind == "write" and not second.message
    assert second.path != first.path
    assert (site / first.path).read_bytes() == monday
    assert [a.kind for a in run(site)] == ["unchanged"]


@pytest.mark.parametrize("dated", [False, True], ids=["no date", "the same date"])
def test_a_seed_rewritten_from_headline_to_text_updates_its_article(tmp_path, dated):
    """A draft saved early (while ``jarida serve`` runs), then written in full: one
    article, not the draft published beside the story."""
    head = "التاريخ: 2024-01-15\n\n" if dated else ""
    site = new_site(tmp_path / "site", {"wip.txt": (head + "مسودة\n\nنص أولي.\n").encode()})
    [first] = run(site)
    date = article(site, "مسودة")[0]["date"]
    touch_seed(site / "seeds" / "wip.txt", head + "الرئيس يعلن استقالته\n\nنص كامل للخبر عن الاستقالة.\n")
    [second] = run(site)
    assert second.kind == "update" and second.path == first.path == "content/articles/مسودة.md"
    assert sorted(p.name for p in (site / "content" / "articles").iterdir()) == ["مسودة.md"]
    meta, body = article(site, "مسودة")
    assert meta["title"] == "الرئيس يعلن استقالته" and meta["date"] == date and "نص كامل للخبر" in body
    assert second.message == ("seeds/wip.txt: warning: its headline and opening paragraph both changed: "
                              "content/articles/مسودة.md takes the new text and keeps its slug and date; to give it a "
                              "slug from the new headline, rename it الرئيس-يعلن-استقالته.md (a new story saved under "
                              "an old file name needs its own date in the seed's metadata to become another article)")
    (site / "content" / "articles" / "مسودة.md").rename(site / "content" / "articles" / "الرئيس-يعلن-استقالته.md")
    touch_seed(site / "seeds" / "wip.txt", head + "الرئيس يعلن استقالته\n\nنص كامل للخبر عن الاستقالة.\n\nتتمة.\n")
    [third] = run(site)
    assert third.kind == "update" and third.path == "content/articles/الرئيس-يعلن-استقالته.md"


def test_a_headline_corrected_in_a_sidecar_keeps_the_byline_and_the_author(tmp_path):
    site = new_site(tmp_path / "site", {"e.txt": "الذهب يرتفع\nبقلم: ليلى الشامي\n\nارتفع سعر الذهب اليوم في الأسواق.\n".encode()})
    [first] = run(site)
    assert article(site, "الذهب-يرتفع")[0]["author"] == "ليلى الشامي"
    (site / "seeds" / "e.yml").write_text("title: الذهب يرتفع خمسين جنيها\n", encoding="utf-8")
    [second] = run(site)
    assert second.kind == "update" and second.path == first.path
    meta, body = article(site, "الذهب-يرتفع")
    assert (meta["title"], meta["author"]) == ("الذهب يرتفع خمسين جنيها", "ليلى الشامي")
    assert body.strip() == "ارتفع سعر الذهب اليوم في الأسواق."


def test_a_headline_moved_into_a_sidecar_updates_the_article(tmp_path):
    site = new_site(tmp_path / "site", {"b.txt": seed_text("عنوان ب", "نص الخبر ب.")})
    [first] = run(site)
    (site / "seeds" / "b.yml").write_text("title: عنوان مصحح\n", encoding="utf-8")
    [second] = run(site)
    assert second.kind == "update" and second.path == first.path and not second.message
    meta, body = article(site, "عنوان-ب")
    assert meta["title"] == "عنوان مصحح"
    assert body.strip() == "نص الخبر ب." and meta["summary"] == "نص الخبر ب."  # the old headline is no text
    (site / "seeds" / "b.yml").unlink()  # and back
    [third] = run(site)
    assert third.kind == "update" and third.path == first.path and not third.message
    assert len(list((site / "content" / "articles").iterdir())) == 1


def test_renamed_seed_is_unchanged(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed_text("مصر تقود المفاوضات", "نص المقال.")})
    run(site)
    (site / "seeds" / "a.txt").rename(site / "seeds" / "b.txt")
    before = snapshot(site)
    assert [a.kind for a in run(site)] == ["unchanged"]
    after = snapshot(site)
    record = "content/converted-seeds.txt"  # the record of conversions names the seed's new name
    assert "seeds/b.txt\t" in after.pop(record)[1].decode() and "seeds/a.txt\t" in before.pop(record)[1].decode()
    assert after == before


def test_broken_front_matter_is_never_duplicated_nor_overwritten(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed_text("مصر تقود المفاوضات", "نص المقال.")})
    [action] = run(site)
    path = site / action.path
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: [مكسور ", 1), encoding="utf-8")
    broken = path.read_bytes()
    assert [a.kind for a in run(site)] == ["unchanged"]
    touch_seed(site / "seeds" / "a.txt", "مصر تقود المفاوضات\n\nنص المقال.\n\nفقرة جديدة.\n")
    assert [a.kind for a in run(site)] == ["skipped"]
    assert path.read_bytes() == broken
    assert len(list((site / "content" / "articles").glob("*.md"))) == 1


def test_force_replaces_an_edited_article_and_keeps_a_backup(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed_text("مصر تقود المفاوضات", "نص المقال.")})
    [action] = run(site)
    path = site / action.path
    path.write_text(path.read_text(encoding="utf-8") + "\nتعديل المحرر.\n", encoding="utf-8")
    edited = path.read_bytes()
    touch_seed(site / "seeds" / "a.txt", "مصر تقود المفاوضات\n\nنص المقال.\n\nفقرة جديدة.\n")
    [forced] = convert(site, load_settings(site), force=True)
    assert forced.kind == "update"
    assert (site / (action.path + ".bak")).read_bytes() == edited
    assert "فقرة جديدة" in path.read_text(encoding="utf-8")
    assert is_pristine(path.read_text(encoding="utf-8"))


def test_a_second_forced_conversion_keeps_the_first_backup(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed_text("مصر تقود المفاوضات", "نص المقال.")})
    [action] = run(site)
    path = site / action.path
    kept = []
    for round in (1, 2, 3):
        path.write_text(path.read_text(encoding="utf-8") + f"\nتعديل المحرر رقم {round}.\n", encoding="utf-8")
        kept.append(path.read_bytes())
        touch_seed(site / "seeds" / "a.txt", f"مصر تقود المفاوضات\n\nنص المقال.\n\nفقرة جديدة {round}.\n")
        [forced] = convert(site, load_settings(site), force=True)
        assert forced.kind == "update"
    backups = [site / (action.path + suffix) for suffix in (".bak", ".bak.2", ".bak.3")]
    assert [b.read_bytes() for b in backups] == kept
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name] + [b.name for b in backups])
    # A dry run names the backup it would write.
    path.write_text(path.read_text(encoding="utf-8") + "\nتعديل رابع.\n", encoding="utf-8")
    touch_seed(site / "seeds" / "a.txt", "مصر تقود المفاوضات\n\nنص المقال.\n\nفقرة جديدة 4.\n")
    [planned] = convert(site, load_settings(site), force=True, dry_run=True)
    assert [rel for rel, _ in planned.files] == [action.path + ".bak.4", action.path]


def test_dry_run_writes_nothing(tmp_path):
    site = new_site(tmp_path / "site", {"a.txt": seed_text("مصر تقود المفاوضات", "نص المقال.")})
    actions = convert(site, load_settings(site), dry_run=True)
    assert [a.kind for a in actions] == ["write"]
    assert not (site / "content").exists()


def test_utf8_seed_with_a_stray_byte_is_an_error_naming_the_line(tmp_path):
    data = "مصر تقود المفاوضات\n\nنص المقال عن مصر.\n".encode("utf-8") + b"\xff" + "سطر آخر\n".encode("utf-8")
    site = new_site(tmp_path / "site", {"bad.txt": data})
    [action] = run(site)
    assert action.kind == "error"
    assert "bad.txt:4:" in action.message
    assert not (site / "content").exists()


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_a_stopped_write_leaves_no_hidden_temporary_file(tmp_path, monkeypatch, stop):
    """Ctrl-C or a full disk while a converted article is written leaves neither the
    article half-written nor its hidden ``.<name>.md.tmp`` behind."""
    import generator.convert as convert_module

    target = tmp_path / "content" / "articles" / "خبر.md"
    target.parent.mkdir(parents=True)
    target.write_text("old\n", encoding="utf-8")

    def replace(src, dst):
        raise stop

    monkeypatch.setattr(convert_module.os, "replace", replace)
    action = convert_module.Action("update", "seeds/خبر.txt", "content/articles/خبر.md",
                                   files=(("content/articles/خبر.md", "new\n"),))
    with pytest.raises(type(stop) if isinstance(stop, BaseException) else stop):
        convert_module.apply(tmp_path, [action])
    assert sorted(p.name for p in target.parent.iterdir()) == ["خبر.md"]
    assert target.read_text(encoding="utf-8") == "old\n"


@pytest.mark.parametrize("then", ["nothing", "a fresh checkout", "the seed renamed", "a broken sidecar",
                                  "the seed changed"])
def test_an_article_deleted_from_content_stays_off_the_site_until_jarida_convert(tmp_path, then):
    """Deleting an article's Markdown takes it off the site (a takedown), though its seed
    is still in seeds/: the build says so, lists the seed in content/deleted-seeds.txt
    (kept with the content: a fresh checkout, without .cache/, knows it too) and leaves
    it out; the convert command brings it back."""
    from conftest import run_jarida

    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    slug = EXPECTED[BYLINE][0]
    (site / "content" / "articles" / f"{slug}.md").unlink()
    report = build(site, now=now)
    [left] = [a for a in report.actions if a.kind == "deleted"]
    assert left.seed == f"seeds/{BYLINE}" and left.path == f"content/articles/{slug}.md"
    assert "not converted again" in left.message and "run 'jarida convert --restore'" in left.message
    listed = (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")
    assert f"seeds/{BYLINE}\t" in listed and listed.startswith("# Seeds whose articles were deleted")
    assert not (site / "build" / "articles" / slug).exists()
    assert build(site, now=now).changed == frozenset()  # and the next build leaves it out too
    seed = site / "seeds" / BYLINE
    if then == "a fresh checkout":
        shutil.rmtree(site / ".cache")
    elif then == "the seed renamed":
        seed = seed.rename(site / "seeds" / "renamed.txt")
    elif then == "a broken sidecar":
        seed.with_suffix(".yml").write_text("title: [broken\n", encoding="utf-8")
        from generator.build import ConvertFailed

        with pytest.raises(ConvertFailed):
            build(site, now=now)
        seed.with_suffix(".yml").unlink()
    elif then == "the seed changed":
        touch_seed(seed, seed.read_text(encoding="utf-8") + "\nفقرة جديدة من الوكالة.\n")
    touch_seed(site / "seeds" / PLAIN, (site / "seeds" / PLAIN).read_text(encoding="utf-8") + "\nفقرة.\n")
    report = build(site, now=now)  # another seed changes too: the deleted one stays out
    assert {a.seed: a.kind for a in report.actions}[f"seeds/{seed.name}"] == "deleted"
    assert not (site / "build" / "articles" / slug).exists()
    routine = run_jarida("convert", "--site", site)  # converting new seeds brings back nothing deleted
    assert "1 left out (article deleted)" in routine.stdout
    assert not (site / "content" / "articles" / f"{slug}.md").exists()
    converted = run_jarida("convert", "--site", site, "--restore")
    assert "1 new" in converted.stdout and "converted again: its article" in converted.stderr
    assert (site / "content" / "articles" / f"{slug}.md").is_file()
    assert not (site / "content" / "deleted-seeds.txt").exists()
    build(site, now=now)
    assert (site / "build" / "articles" / slug / "index.html").is_file()


@pytest.mark.parametrize("cache", ["no cache (a fresh checkout)", "the cache of an earlier version"])
def test_an_article_deleted_in_a_checkout_that_never_built_stays_deleted(tmp_path, cache):
    """An editor deletes an article in a fresh checkout (or on the repository's web page)
    and the deploy builds it: the record of conversions goes with the content
    (content/converted-seeds.txt), so the seed is known to have been converted, and
    its article is not published again."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    record = site / "content" / "converted-seeds.txt"
    assert f"seeds/{BYLINE}\t" in record.read_text(encoding="utf-8")
    if cache == "the cache of an earlier version":  # its record was in the cache: made into the file once
        import json

        rows = {line.split("\t")[0]: [line.split("\t")[2], line.split("\t")[1]]
                for line in record.read_text(encoding="utf-8").splitlines() if not line.startswith("#")}
        (site / ".cache" / "jarida" / "converted.json").write_text(json.dumps(rows), encoding="utf-8")
        record.unlink()
        (site / ".cache" / "jarida" / "fresh.json").unlink()  # as another version of the code leaves it
        assert [a.kind for a in build(site, now=now).actions] == ["unchanged"] * len(EXPECTED)
        assert record.is_file()
    checkout = tmp_path / "checkout"
    shutil.copytree(site, checkout, ignore=shutil.ignore_patterns(".cache", "build"))
    slug = EXPECTED[BYLINE][0]
    (checkout / "content" / "articles" / f"{slug}.md").unlink()
    report = build(checkout, now=now)
    assert {a.seed: a.kind for a in report.actions}[f"seeds/{BYLINE}"] == "deleted"
    assert not (checkout / "content" / "articles" / f"{slug}.md").exists()
    assert not (checkout / "build" / "articles" / slug).exists()
    assert f"seeds/{BYLINE}\t" in (checkout / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")


def taken_down(tmp_path: Path) -> tuple[Path, dt.datetime, str]:
    """A site built from the seeds of EXPECTED, whose BYLINE article was then deleted
    and the site built again (the takedown listed): ``(site, now, slug)``."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    slug = EXPECTED[BYLINE][0]
    (site / "content" / "articles" / f"{slug}.md").unlink()
    build(site, now=now)
    return site, now, slug


@pytest.mark.parametrize("then", ["the list not committed", "the seed deleted, then sent again"])
def test_a_deleted_article_stays_deleted(tmp_path, then):
    """A takedown sticks: in a checkout made from a commit that has the record of
    conversions but not the new list (``git commit -a`` leaves an untracked file out),
    and after the seed is deleted, as the warning advises, then sent again by the wire."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    record = (site / "content" / "converted-seeds.txt").read_text(encoding="utf-8")
    slug = EXPECTED[BYLINE][0]
    (site / "content" / "articles" / f"{slug}.md").unlink()
    assert {a.seed: a.kind for a in build(site, now=now).actions}[f"seeds/{BYLINE}"] == "deleted"
    assert (site / "content" / "converted-seeds.txt").read_text(encoding="utf-8") == record  # nothing to commit there
    if then == "the list not committed":
        checkout = tmp_path / "checkout"
        shutil.copytree(site, checkout, ignore=shutil.ignore_patterns(".cache", "build", "deleted-seeds.txt"))
    else:
        checkout = site
        seed = site / "seeds" / BYLINE
        saved = seed.read_bytes()
        seed.unlink()
        build(site, now=now)
        assert f"seeds/{BYLINE}\t" in (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")
        seed.write_bytes(saved)
    assert {a.seed: a.kind for a in build(checkout, now=now).actions}[f"seeds/{BYLINE}"] == "deleted"
    assert not (checkout / "content" / "articles" / f"{slug}.md").exists()
    assert not (checkout / "build" / "articles" / slug).exists()


@pytest.mark.parametrize("how", ["in one build", "renamed, built, then changed"])
def test_a_seed_renamed_and_changed_updates_its_article(tmp_path, how):
    """A seed renamed and given a new paragraph (git mv, then an edit) is still its story:
    its article is updated, not published a second time."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    before = sorted(p.name for p in (site / "content" / "articles").glob("*.md"))
    seed = (site / "seeds" / BYLINE).rename(site / "seeds" / "renamed.txt")
    if how != "in one build":
        assert {a.seed: a.kind for a in build(site, now=now).actions}["seeds/renamed.txt"] == "unchanged"
    touch_seed(seed, seed.read_text(encoding="utf-8") + "\nوأضاف المتحدث أن العملية ستتم قريبا.\n")
    [action] = [a for a in build(site, now=now).actions if a.seed == "seeds/renamed.txt"]
    assert action.kind == "update" and action.path == f"content/articles/{EXPECTED[BYLINE][0]}.md"
    assert sorted(p.name for p in (site / "content" / "articles").glob("*.md")) == before
    assert "ستتم قريبا" in (site / action.path).read_text(encoding="utf-8")
    assert "file: renamed.txt" in (site / action.path).read_text(encoding="utf-8")


@pytest.mark.parametrize("then", ["seed deleted, committed, sent again", "seed renamed, committed"])
def test_a_takedown_sticks_in_a_checkout_with_the_record_alone(tmp_path, then):
    """The record of conversions (committed; the list of deleted seeds left out of the
    commit) keeps the seeds of deleted articles even once those seeds are gone, so a
    checkout made from it never publishes the story again."""
    site, now, slug = taken_down(tmp_path)
    seed = site / "seeds" / BYLINE
    saved = seed.read_bytes()
    if then == "seed deleted, committed, sent again":
        seed.unlink()
        build(site, now=now)
    elif then == "seed renamed, committed":
        seed.rename(site / "seeds" / "renamed.txt")
        build(site, now=now)
    checkout = tmp_path / "checkout"
    shutil.copytree(site, checkout, ignore=shutil.ignore_patterns(".cache", "build", "deleted-seeds.txt"))
    if then == "seed deleted, committed, sent again":
        (checkout / "seeds" / BYLINE).write_bytes(saved)
    kinds = {a.seed: a.kind for a in build(checkout, now=now).actions}
    assert set(kinds.values()) <= {"deleted", "unchanged"} and "deleted" in kinds.values(), kinds
    assert not list((checkout / "content" / "articles").glob(f"{slug}*.md"))


@pytest.mark.parametrize("checkout", [False, True])
def test_a_takedown_sticks_through_renames_and_edits_of_its_seed(tmp_path, checkout):
    """The seed of a deleted article renamed, then changed, then renamed again, with a
    build after each step: its line in the list (and the record, for a checkout
    without the list) follows it, so the story never comes back."""
    site, now, slug = taken_down(tmp_path)
    seed = site / "seeds" / BYLINE
    for step in ("rename", "change", "rename", "change", "rename"):
        if step == "rename":
            seed = seed.rename(site / "seeds" / f"{seed.stem}-x.txt")
        else:
            touch_seed(seed, seed.read_text(encoding="utf-8") + "\nفقرة أخرى من الوكالة.\n")
        kinds = {a.seed: a.kind for a in build(site, now=now).actions}
        assert kinds[f"seeds/{seed.name}"] == "deleted", (step, kinds)
    assert f"seeds/{seed.name}\t" in (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")
    if checkout:  # made from a commit without the list: the record alone knows
        copy = tmp_path / "checkout"
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".cache", "build", "deleted-seeds.txt"))
        kinds = {a.seed: a.kind for a in build(copy, now=now).actions}
        assert kinds[f"seeds/{seed.name}"] == "deleted", kinds
        site = copy
    assert not list((site / "content" / "articles").glob(f"{slug}*.md"))
    assert not list((site / "build" / "articles").glob(f"{slug}*"))


def titles(site: Path) -> dict[str, str]:
    """Article file name -> title, for every article of ``site``."""
    return {p.name: frontmatter.split(p.read_text(encoding="utf-8"))[0]["title"]
            for p in (site / "content" / "articles").glob("*.md")}


@pytest.mark.parametrize("how", ["onto another seed's name", "names swapped"])
def test_a_seed_renamed_and_changed_keeps_to_its_own_article(tmp_path, how):
    """A seed renamed onto another seed's name, or two seeds' names swapped, each with a new
    paragraph: every story is updated at its own address; none is overwritten or
    published twice."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    before = titles(site)
    first, second = sorted(EXPECTED)[:2]
    a, b = site / "seeds" / first, site / "seeds" / second
    text_a, text_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    if how == "names swapped":
        touch_seed(a, text_b + "\nفقرة جديدة من الوكالة.\n")
    else:
        a.unlink()
    touch_seed(b, text_a + "\nفقرة جديدة من الوكالة.\n")
    build(site, now=now)
    assert titles(site) == before
    for name in (first, second) if how == "names swapped" else (first,):
        assert "فقرة جديدة من الوكالة" in (site / "content" / "articles" / f"{EXPECTED[name][0]}.md").read_text(
            encoding="utf-8")


def test_restore_gives_the_deleted_article_its_address_back(tmp_path):
    """A new story with the taken-down article's headline, named to be converted first,
    does not take the address back from the article restored."""
    site, now, slug = taken_down(tmp_path)
    text = (site / "seeds" / BYLINE).read_text(encoding="utf-8")
    (site / "seeds" / "0-new.txt").write_text(text.split("\n")[0] + "\n\nنص آخر تماما لقصة أخرى بالعنوان نفسه.\n",
                                              encoding="utf-8")
    convert(site, load_settings(site), restore=True)
    assert (site / "content" / "articles" / f"{slug}.md").is_file()
    assert f"file: {BYLINE}" in (site / "content" / "articles" / f"{slug}.md").read_text(encoding="utf-8")


def test_a_seed_does_not_take_the_address_of_an_article_named_by_its_file(tmp_path):
    site = new_site(tmp_path / "site", {})
    (site / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (site / "content" / "articles" / "Gaza Today.md").write_text(
        "---\ntitle: غزة اليوم\ndate: 2024-01-01T10:00:00+02:00\n---\n\nنص.\n", encoding="utf-8")
    (site / "seeds" / "a.txt").write_text("Gaza Today\n\nنص الخبر.\n", encoding="utf-8")
    [action] = run(site)
    assert action.path == "content/articles/gaza-today-2.md"


DAILY = "أسعار العملات اليوم"


@pytest.mark.parametrize("case", ["same headline", "same headline and opening, two candidates",
                                  "same opening only", "same headline and opening, another date"])
def test_a_new_story_never_takes_the_article_of_a_seed_that_is_gone(tmp_path, case):
    """A daily headline, a stock opening line: once yesterday's seed file is deleted,
    today's story is a new article, and yesterday's stays as it was."""
    stock = "ننشر لكم أسعار العملات اليوم في مصر بحسب آخر تحديث للبنك المركزي."
    def story(title: str, figure: str, date: str = "") -> str:
        return (f"التاريخ: {date}\n\n" if date else "") + f"{title}\n\n{stock}\n\nسعر الدولار {figure} جنيها.\n"
    seeds = {"day1.txt": story(DAILY, "47.30", "2024-06-01" if "date" in case else "").encode()}
    if "two candidates" in case:
        seeds["day0.txt"] = story(DAILY, "47.10").encode()
    site = new_site(tmp_path / "site", seeds)
    run(site)
    before = {p.name: p.read_text(encoding="utf-8") for p in (site / "content" / "articles").glob("*.md")}
    (site / "seeds" / "day1.txt").unlink()
    if "two candidates" in case:
        (site / "seeds" / "day0.txt").unlink()
    title = "محافظ الجيزة يفتتح مدرسة جديدة" if case == "same opening only" else DAILY
    (site / "seeds" / "day2.txt").write_text(story(title, "47.55", "2024-06-02" if "date" in case else ""),
                                             encoding="utf-8")
    [action] = [a for a in run(site) if a.seed == "seeds/day2.txt"]
    assert action.kind == "write"
    after = {p.name: p.read_text(encoding="utf-8") for p in (site / "content" / "articles").glob("*.md")}
    assert {name: after[name] for name in before} == before and len(after) == len(before) + 1


def test_a_new_story_never_takes_the_address_of_a_deleted_article(tmp_path):
    """A deleted article's address stays its own: a new story with its headline is
    published under another slug, so that a fresh checkout does not take the deleted
    article for one restored, and readers of the old address do not find another story."""
    text = "ننشر لكم أسعار العملات اليوم في مصر.\n\nسعر الدولار {} جنيها.\n"
    site = new_site(tmp_path / "site", {"cur1.txt": f"{DAILY}\n\n{text.format('47.30')}".encode()})
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    [first] = build(site, now=now).actions
    (site / first.path).unlink()
    build(site, now=now)
    (site / "seeds" / "cur2.txt").write_text(f"{DAILY}\n\nسعر الدولار اليوم 47.55 جنيها.\n", encoding="utf-8")
    [second] = [a for a in build(site, now=now).actions if a.seed == "seeds/cur2.txt"]
    assert second.kind == "write" and second.path != first.path
    checkout = tmp_path / "checkout"
    shutil.copytree(site, checkout, ignore=shutil.ignore_patterns(".cache", "build"))
    kinds = {a.seed: a.kind for a in build(checkout, now=now).actions}
    assert kinds.get("seeds/cur1.txt", "deleted") == "deleted" and not (checkout / first.path).exists()


def test_a_new_seed_does_not_take_a_slug_given_by_a_slug_key(tmp_path):
    site = new_site(tmp_path / "site", {})
    (site / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (site / "content" / "articles" / "hand.md").write_text(
        "---\ntitle: معرض الزهور\ndate: 2024-01-01T10:00:00+02:00\nslug: وزير-الزراعة-يفتتح-معرض-الزهور\n---\n\nنص.\n",
        encoding="utf-8")
    (site / "seeds" / "a.txt").write_text("وزير الزراعة يفتتح معرض الزهور\n\nنص الخبر.\n", encoding="utf-8")
    [action] = run(site)
    assert action.kind == "write" and action.path == "content/articles/وزير-الزراعة-يفتتح-معرض-الزهور-2.md"


def test_a_line_deleted_from_the_list_publishes_the_article_at_the_next_build(tmp_path):
    site, now, slug = taken_down(tmp_path)
    listing = site / "content" / "deleted-seeds.txt"
    listing.write_text("".join(line for line in listing.read_text(encoding="utf-8").splitlines(keepends=True)
                               if line.startswith("#")), encoding="utf-8")
    build(site, now=now)  # no seed changed: the list is what conversion reads too
    assert (site / "content" / "articles" / f"{slug}.md").is_file()
    assert (site / "build" / "articles" / slug / "index.html").is_file()


def test_the_deleted_article_of_a_file_name_used_for_a_second_story_stays_deleted(tmp_path):
    site = new_site(tmp_path / "site", {"001.txt": "التاريخ: 2024-01-15\n\nخبر يوم الاثنين\n\nنص يوم الاثنين.\n".encode()})
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    touch_seed(site / "seeds" / "001.txt", "التاريخ: 2024-01-16\n\nخبر يوم الثلاثاء\n\nنص يوم الثلاثاء.\n")
    [second] = [a for a in build(site, now=now).actions if a.kind == "write"]
    (site / second.path).unlink()
    assert [a.kind for a in build(site, now=now).actions] == ["deleted"]
    assert not (site / second.path).exists() and len(list((site / "content" / "articles").glob("*.md"))) == 1


def test_a_renamed_article_is_not_taken_for_a_deleted_one(tmp_path):
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    slug = EXPECTED[BYLINE][0]
    (site / "content" / "articles" / f"{slug}.md").rename(site / "content" / "articles" / "اسم-جديد.md")
    touch_seed(site / "seeds" / BYLINE, (site / "seeds" / BYLINE).read_text(encoding="utf-8") + "\nفقرة.\n")
    report = build(site, now=now)
    assert {a.seed: (a.kind, a.path) for a in report.actions}[f"seeds/{BYLINE}"] == (
        "update", "content/articles/اسم-جديد.md")


def test_a_seed_of_another_folder_with_a_used_file_name_is_another_story(tmp_path):
    """Daily import folders number their files (0001.txt): converting one must not put its
    story into the article of seeds/0001.txt, nor the next build put it back."""
    site = new_site(tmp_path / "site", {"0001.txt": seed_text("القصة الأولى عن الاقتصاد", "ارتفعت أسعار الوقود.")})
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "0001.txt").write_text("القصة الثانية عن الرياضة\n\nفاز المنتخب الوطني.\n", encoding="utf-8")
    run(site)
    [action] = convert(site, load_settings(site), incoming)
    assert action.kind == "write" and not action.message
    titles = sorted(frontmatter.split(p.read_text(encoding="utf-8"))[0]["title"]
                    for p in (site / "content" / "articles").glob("*.md"))
    assert titles == ["القصة الأولى عن الاقتصاد", "القصة الثانية عن الرياضة"]
    assert [a.kind for a in run(site)] == ["unchanged"]
    # The record that goes with the content names the site's own seeds only: a path of this
    # machine (the import folder) stays in the cache, where the converter still finds it.
    record = (site / "content" / "converted-seeds.txt").read_text(encoding="utf-8")
    assert "seeds/0001.txt\t" in record and str(incoming) not in record
    (site / action.path).unlink()
    [again] = convert(site, load_settings(site), incoming)
    assert again.kind == "deleted" and not (site / action.path).exists()


def test_an_article_opening_with_a_list_whose_source_block_was_removed_is_not_converted_twice(tmp_path):
    text = ("قرارات الحكومة اليوم\n\n- رفع أسعار الوقود بنسبة عشرة في المئة\n- زيادة الأجور في القطاع العام\n\n"
            "وقال المتحدث إن القرارات تبدأ الشهر المقبل.\n")
    site = new_site(tmp_path / "site", {"a.txt": text.encode()})
    [first] = run(site)
    drop_source_block(site / first.path)
    touch_seed(site / "seeds" / "a.txt", text + "\nوأضاف أن الحكومة ستراجع القرارات بعد ستة أشهر.\n")
    [second] = run(site)
    assert second.kind == "skipped" and second.path == first.path
    assert len(list((site / "content" / "articles").glob("*.md"))) == 1


def test_an_update_of_the_same_story_keeps_its_tags(site, monkeypatch):
    """Tags chosen again could change with the site's other articles: tag pages (and
    their URLs) would come and go with every wire update. A new headline chooses again."""
    import generator.convert as convert_module

    slug = EXPECTED[BYLINE][0]
    tags = article(site, slug)[0]["tags"]
    monkeypatch.setattr(convert_module, "choose_all", lambda found, *rest: [["وسم-آخر"] for _ in found])
    seed = site / "seeds" / BYLINE
    touch_seed(seed, seed.read_text(encoding="utf-8") + "\nفقرة جديدة من الوكالة.\n")
    [action] = [a for a in run(site) if a.kind == "update"]
    assert article(site, slug)[0]["tags"] == tags
    text = seed.read_text(encoding="utf-8")
    touch_seed(seed, text.replace(article(site, slug)[0]["title"], "عنوان جديد للخبر نفسه", 1))
    run(site)
    assert article(site, slug)[0]["tags"] == ["وسم-آخر"]


def test_a_rewritten_seed_updates_its_own_article_not_that_of_another_folder_s_seed(tmp_path):
    site = new_site(tmp_path / "site", {"0001.txt": seed_text("القصة الأولى عن الاقتصاد", "ارتفعت أسعار الوقود.")})
    [first] = run(site)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "0001.txt").write_text("القصة الثانية عن الرياضة\n\nفاز المنتخب الوطني.\n", encoding="utf-8")
    touch_seed(incoming / "0001.txt", (incoming / "0001.txt").read_text(encoding="utf-8"), SEED_TIME + 5 * 86400)
    [other] = convert(site, load_settings(site), incoming)  # dated later: the newest article of 0001.txt
    touch_seed(site / "seeds" / "0001.txt", "عنوان جديد تماما\n\nنص جديد تماما عن الاقتصاد.\n")
    [rewritten] = run(site)
    assert rewritten.kind == "update" and rewritten.path == first.path != other.path
    assert frontmatter.split((site / other.path).read_text(encoding="utf-8"))[0]["title"] == "القصة الثانية عن الرياضة"


@pytest.mark.parametrize("how", ["its line deleted", "the article restored", "tabs made spaces"])
def test_the_list_of_deleted_seeds_decides(tmp_path, how):
    """Once listed, the list alone decides, in the editor's checkout as in a fresh one: a
    line deleted by hand publishes the article again; an article restored from version
    control leaves the list and takes its seed's updates; a list whose tabs an editor's
    program made spaces still holds."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    md = site / "content" / "articles" / f"{EXPECTED[BYLINE][0]}.md"
    saved = md.read_bytes()
    md.unlink()
    build(site, now=now)
    listing = site / "content" / "deleted-seeds.txt"
    seed = site / "seeds" / BYLINE
    touch_seed(seed, seed.read_text(encoding="utf-8") + "\nفقرة جديدة من الوكالة.\n")
    if how == "its line deleted":
        listing.write_text("".join(line for line in listing.read_text(encoding="utf-8").splitlines(keepends=True)
                                   if line.startswith("#")), encoding="utf-8")
    elif how == "the article restored":
        md.write_bytes(saved)
    else:
        listing.write_text(listing.read_text(encoding="utf-8").replace("\t", "   "), encoding="utf-8")
    kinds = {a.seed: a.kind for a in build(site, now=now).actions}
    if how == "tabs made spaces":
        assert kinds[f"seeds/{BYLINE}"] == "deleted" and not md.exists()
    else:
        assert kinds[f"seeds/{BYLINE}"] in ("write", "update") and "فقرة جديدة من الوكالة" in md.read_text(encoding="utf-8")
        assert not listing.exists() or BYLINE not in listing.read_text(encoding="utf-8")


@pytest.mark.parametrize("metadata", ["manifest", "sidecar"])
def test_a_takedown_sticks_when_its_seed_is_renamed_away_from_its_metadata(tmp_path, metadata):
    """The seed of a deleted article whose date and byline came from the manifest (or a
    sidecar file) is renamed, its metadata left under the old name: the seed's bytes are
    the deleted story's, so it stays off the site, its line follows it, and
    ``--restore`` brings it back and says so."""
    site, now = built_with_metadata(tmp_path, metadata)
    (slug,) = [p.stem for p in (site / "content" / "articles").glob("*.md")
               if "سلمى الحربي" in p.read_text(encoding="utf-8")]
    (site / "content" / "articles" / f"{slug}.md").unlink()
    build(site, now=now)
    (site / "seeds" / BYLINE).rename(site / "seeds" / "renamed.txt")
    kinds = {a.seed: a.kind for a in build(site, now=now).actions}
    assert kinds["seeds/renamed.txt"] == "deleted", kinds
    assert not [p for p in (site / "content" / "articles").glob("*.md") if "كريم بن سالم" in p.read_text("utf-8")]
    assert "seeds/renamed.txt\t" in (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")
    kinds = {a.seed: a.kind for a in convert(site, load_settings(site))}  # and the next conversion too
    assert kinds["seeds/renamed.txt"] == "deleted", kinds
    actions = convert(site, load_settings(site), restore=True)
    back = [a for a in actions if a.seed == "seeds/renamed.txt"]
    assert [a.kind for a in back] == ["write"] and "had been deleted" in back[0].message, actions


@pytest.mark.parametrize("seed_now", ["gone", "renamed"])
def test_restore_says_what_it_cannot_restore(tmp_path, seed_now):
    """``jarida convert --restore`` with the seed of a deleted article gone: nothing can
    be converted again, so the line stays in the list and a warning says how to bring
    the story back; with the seed renamed, it is converted again and says so."""
    site, now, slug = taken_down(tmp_path)
    listed = (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")
    if seed_now == "gone":
        (site / "seeds" / BYLINE).unlink()
    else:
        (site / "seeds" / BYLINE).rename(site / "seeds" / "renamed.txt")
    actions = convert(site, load_settings(site), restore=True)
    if seed_now == "gone":
        (action,) = [a for a in actions if a.seed == f"seeds/{BYLINE}"]
        assert action.kind == "deleted" and "seed is gone" in action.message and "--restore" in action.message
        assert (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8") == listed
    else:
        (action,) = [a for a in actions if a.seed == "seeds/renamed.txt"]
        assert action.kind == "write" and "had been deleted" in action.message, action
        assert (site / "content" / "articles" / f"{slug}.md").exists()  # at its old address
        assert not (site / "content" / "deleted-seeds.txt").exists()


@pytest.mark.parametrize("how", ["jarida new, a draft", "a correction note", "the seed's article, its block removed"])
def test_another_article_at_a_deleted_address_brings_no_story_back(tmp_path, how):
    """A file at a deleted article's address that is not that seed's article (a draft
    made with the same headline, a correction note written in its place) keeps the
    takedown: the seed is not converted again (not even at ``-2``) and stays listed.
    The seed's own article with its ``source:`` block removed is the article back."""
    site, now, slug = taken_down(tmp_path)
    md = site / "content" / "articles" / f"{slug}.md"
    title = headline(BYLINE)
    if how == "jarida new, a draft":
        md.write_text(frontmatter.dump({"title": title, "date": "2024-02-01T10:00:00+03:00", "draft": True},
                                       "اكتب نص المقال هنا.\n"), encoding="utf-8")
    elif how == "a correction note":
        md.write_text(frontmatter.dump({"title": "تصحيح: " + title, "date": "2024-02-01T10:00:00+03:00"},
                                       "سحبنا هذا الخبر لأنه لم يثبت.\n"), encoding="utf-8")
    else:
        md.write_text(frontmatter.dump({"title": title, "date": "2024-01-20T10:00:00+03:00"},
                                       paragraph_of(BYLINE) + "\n"), encoding="utf-8")
    kinds = {a.seed: a.kind for a in run(site)}
    articles = sorted(p.name for p in (site / "content" / "articles").glob(f"{slug}*"))
    assert articles == [f"{slug}.md"], articles
    if how == "the seed's article, its block removed":
        assert kinds[f"seeds/{BYLINE}"] == "skipped", kinds
        assert not (site / "content" / "deleted-seeds.txt").exists()
    else:
        assert kinds[f"seeds/{BYLINE}"] == "deleted", kinds
        assert f"seeds/{BYLINE}\t" in (site / "content" / "deleted-seeds.txt").read_text(encoding="utf-8")


def test_jarida_new_gives_a_deleted_articles_address_to_no_one(tmp_path):
    """``jarida new`` with a deleted article's headline writes beside its address."""
    from generator.cli import main

    site, _, slug = taken_down(tmp_path)
    assert main(["new", headline(BYLINE), "--site", str(site)]) == 0
    assert sorted(p.name for p in (site / "content" / "articles").glob(f"{slug}*")) == [f"{slug}-2.md"]


def paragraph_of(name: str) -> str:
    """The opening paragraph of the repository's seed ``name``, as the converter reads it."""
    from generator.convert import SeedFile, read_seed

    data = (REPO / "seeds" / name).read_bytes()
    return read_seed(SeedFile(name, data, 0.0, f"seeds/{name}")).parsed.paragraphs[0].text


def test_a_missing_articles_folder_takes_no_article_for_deleted(tmp_path):
    """``content/articles`` moved away (while the preview server watches, say): the
    converter stops with a problem naming the folder, instead of listing every seed
    as deleted; once the folder is back, nothing was lost or listed."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    before = snapshot(site)
    (site / "content" / "articles").rename(tmp_path / "away")
    actions = run(site)
    assert [a.kind for a in actions] == ["error"] and "content/articles" in actions[0].message, actions
    assert "missing" in actions[0].message
    assert not (site / "content" / "deleted-seeds.txt").exists() and not (site / "content" / "articles").exists()
    (tmp_path / "away").rename(site / "content" / "articles")
    assert {a.kind for a in run(site)} == {"unchanged"}
    assert snapshot(site) == before


@pytest.mark.parametrize("metadata", ["manifest", "sidecar"])
def test_a_seed_renamed_away_from_its_metadata_keeps_it(tmp_path, metadata):
    """A seed renamed without its manifest line or sidecar file (which still name the old
    file) keeps the author, date and section they give: its article does not change, and
    a warning says to rename the metadata too."""
    site, now = built_with_metadata(tmp_path, metadata)
    articles = {p.name: p.read_bytes() for p in (site / "content" / "articles").glob("*.md")}
    (site / "seeds" / BYLINE).rename(site / "seeds" / "renamed.txt")
    (action,) = [a for a in run(site) if a.seed == "seeds/renamed.txt"]
    assert action.kind == "unchanged", action
    assert "warning" in action.message and BYLINE in action.message and "rename it there too" in action.message
    assert {p.name: p.read_bytes() for p in (site / "content" / "articles").glob("*.md")} == articles


def built_with_metadata(tmp_path: Path, metadata: str) -> tuple[Path, dt.datetime]:
    """A site built from the seeds of EXPECTED, BYLINE's author, date and section given by
    its line of the manifest or (``metadata == "sidecar"``) its sidecar file: ``(site, now)``."""
    site = new_site(tmp_path / "site", copy=tuple(EXPECTED))
    meta = {"date": "2024-01-20T08:00:00+03:00", "author": "سلمى الحربي", "section": "ثقافة"}
    if metadata == "manifest":
        (site / "seeds" / "manifest.jsonl").write_text(
            json.dumps({"file": BYLINE, **meta}, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        (site / "seeds" / f"{Path(BYLINE).stem}.json").write_text(json.dumps(meta, ensure_ascii=False),
                                                                  encoding="utf-8")
    now = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    build(site, now=now)
    return site, now
