"""Every row of the README's table of errors and warnings is produced as documented."""
import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_jarida

ARTICLE = "---\ntitle: عنوان المقال\ndate: 2024-01-01T10:00:00+02:00\n{extra}---\n\nنص المقال.\n"


def table() -> dict[str, tuple[str, int]]:
    """problem -> (message excerpts, exit code), read from README.md."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Errors and warnings", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].isdigit():
            rows[cells[0]] = (cells[1], int(cells[2]))
    return rows


def site(root: Path, toml: str = "", articles: dict[str, str] | None = None, seeds: dict[str, bytes] | None = None,
         static: dict[str, str] | None = None) -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text('base_url = "https://example.org/"\n' + toml, encoding="utf-8")
    for name, text in (articles or {"ok.md": ARTICLE.format(extra="")}).items():
        (root / "content" / "articles" / name).write_text(text, encoding="utf-8")
    if seeds:
        (root / "seeds").mkdir()
        for name, data in seeds.items():
            (root / "seeds" / name).write_bytes(data)
    for name, text in (static or {}).items():
        (root / "static" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "static" / name).write_text(text, encoding="utf-8")
    return root


def build(root: Path, *args):
    return run_jarida("build", "--site", root, *args, check=False)


def seed(text: str) -> bytes:
    return text.encode("utf-8")


GOOD_SEED = seed("عنوان المقال\n\nنص المقال الأول.\n")

CASES = {
    "unknown setting": lambda t: build(site(t, 'titel = "x"\n')),
    "setting of the wrong type": lambda t: build(site(t, 'per_page = "ten"\n')),
    "unknown locale": lambda t: build(site(t, 'locale = "xx_YY"\n')),
    "locale that is not Arabic": lambda t: build(site(t, 'locale = "en_US"\n')),
    "unknown time zone": lambda t: build(site(t, 'timezone = "Mars/Olympus"\n')),
    "bad base URL": lambda t: build(site(t), "--base-url", "not a url"),
    "theme not found": lambda t: build(site(t, 'theme = "nope"\n')),
    "Python error in a template expression": lambda t: (
        (t / "themes" / "mine" / "templates").mkdir(parents=True),
        (t / "themes" / "mine" / "templates" / "article.html").write_text(
            "{% extends 'base.html' %}{% block main %}\n{{ 1 // 0 }}{% endblock %}", encoding="utf-8"),
        build(site(t, 'theme = "mine"\n')))[-1],
    "template missing or broken": lambda t: (
        (t / "themes" / "mine" / "templates").mkdir(parents=True),
        (t / "themes" / "mine" / "templates" / "article.html").write_text("{% if %}", encoding="utf-8"),
        build(site(t, 'theme = "mine"\n')))[-1],
    "output folder refused": lambda t: build(site(t), "--output", str(t / "content")),
    "placeholder in a theme's word that nothing fills in": lambda t: (
        (t / "themes" / "mine").mkdir(parents=True),
        (t / "themes" / "mine" / "strings.toml").write_text('home = "الرئيسية"\n\nsearch_results = "النتائج: {m}"\n',
                                                           encoding="utf-8"),
        build(site(t, 'theme = "mine"\n')))[-1],
    "front matter not valid YAML": lambda t: build(site(t, articles={"x.md": "---\ntitle: [مكسور\ndate: 2024-01-01\n---\n\nنص.\n"})),
    "front matter not closed": lambda t: build(site(t, articles={"x.md": "---\ntitle: عنوان\n\nنص.\n"})),
    "front matter key given twice": lambda t: build(site(t, articles={"x.md": ARTICLE.format(extra="title: عنوان آخر\n")})),
    "missing title": lambda t: build(site(t, articles={"x.md": "---\ndate: 2024-01-01\n---\n\nنص.\n"})),
    "missing date": lambda t: build(site(t, articles={"x.md": "---\ntitle: عنوان\n---\n\nنص.\n"})),
    "impossible date": lambda t: build(site(t, articles={"x.md": ARTICLE.replace("2024-01-01T10", "2024-02-30T10").format(extra="")})),
    "UTC offset out of range": lambda t: build(site(t, articles={"x.md": ARTICLE.replace("+02:00", "+25:00").format(extra="")})),
    "tags not a list": lambda t: build(site(t, articles={"x.md": ARTICLE.format(extra="tags: {a: b}\n")})),
    "duplicate slug": lambda t: build(site(t, articles={"x.md": ARTICLE.format(extra=""), "y.md": ARTICLE.format(extra="slug: x\n")})),
    # Full-width letters slugify to the same letters (NFKC) but are another name.
    "two tags with one slug": lambda t: build(site(t, articles={"x.md": ARTICLE.format(extra="tags: [ＣＯＶＩＤ, COVID]\n")})),
    "file in static/ clashes with a page": lambda t: build(site(t, static={"index.html": "<p>x</p>"})),
    "file in static/ named like a folder of the site": lambda t: build(site(t, static={"search": "x"})),
    "file in static/ inside a folder named like a page or feed": lambda t: build(site(t, static={"feed.xml/x": "x"})),
    "empty seed": lambda t: build(site(t, seeds={"x.txt": b""})),
    "seed with a headline only": lambda t: build(site(t, seeds={"x.txt": seed("عنوان فقط\n")})),
    "binary seed": lambda t: build(site(t, seeds={"x.txt": b"\x00\x01\x02binary"})),
    "UTF-8 seed with a stray byte": lambda t: build(site(t, seeds={"x.txt": seed("عنوان المقال\n\nنص المقال الأول.\n") + b"\xff\n"})),
    "bad date in metadata": lambda t: build(site(t, seeds={"x.txt": seed("التاريخ: غدا\n\nعنوان المقال\n\nنص الخبر.\n")})),
    "bad manifest line": lambda t: build(site(t, seeds={"x.txt": GOOD_SEED, "manifest.jsonl": b'{"file": "x.txt"}\n{broken\n'})),
    "unknown front matter key (warning)": lambda t: build(site(t, articles={"x.md": ARTICLE.format(extra="titel: x\n")})),
    "over-long title (warning)": lambda t: build(site(t, articles={"x.md": ARTICLE.replace("عنوان المقال", "ع" * 300).format(extra="")})),
    "article with no text (warning)": lambda t: build(site(t, articles={"x.md": ARTICLE.replace("نص المقال.", "").format(extra="")})),
    "weekday that does not match the date in metadata (warning)": lambda t: build(
        site(t, seeds={"x.txt": seed("التاريخ: الثلاثاء 5 نوفمبر 2023\n\nعنوان المقال\n\nنص الخبر.\n")})),
    "unknown key in a seed's header lines (warning)": lambda t: build(
        site(t, seeds={"x.txt": seed("العنوان: عنوان الخبر\nالمصدر: واس\n\nنص الخبر.\n")})),
    "key of a sidecar or manifest line close to a known one (warning)": lambda t: build(
        site(t, seeds={"x.txt": GOOD_SEED, "x.json": '{"titel": "عنوان"}'.encode()})),
    "key given twice in a seed's header lines (warning)": lambda t: build(
        site(t, seeds={"x.txt": seed("التاريخ: 15/06/2018\nالعنوان: عنوان الخبر\nالتاريخ: 16/06/2018\n\nنص الخبر.\n")})),
    "time that the clocks skipped (daylight saving time), in front matter or a seed's header (warning)": lambda t: build(
        site(t, seeds={"x.txt": seed("التاريخ: 2024-04-26 00:30\n\nعنوان المقال\n\nنص الخبر.\n")})),
    "author written with a byline's label (warning)": lambda t: build(
        site(t, articles={"x.md": ARTICLE.format(extra="author: \"بقلم: منى حسن\"\n")})),
    "theme's word without the default's placeholder (warning)": lambda t: (
        (t / "themes" / "default").mkdir(parents=True),
        (t / "themes" / "default" / "strings.toml").write_text('[reading_time]\nfew = "دقائق"\n', encoding="utf-8"),
        build(site(t)))[-1],
    "section written as a path (warning)": lambda t: build(site(t, articles={"x.md": ARTICLE.format(
        extra="section: ../economy\n")})),
    "two sections shown with one name (warning)": lambda t: build(site(t, articles={
        "a.md": ARTICLE.format(extra="section: politics\n"),
        "b.md": ARTICLE.replace("عنوان المقال", "عنوان آخر").format(extra="section: politic\n")})),
    "seed not in UTF-8 (warning)": lambda t: build(site(t, seeds={"x.txt": "عنوان المقال\n\nنص الخبر.\n".encode("cp1256")})),
    "article or seed in a subfolder, or with another ending (warning)": lambda t: build(
        site(t, articles={"ok.md": ARTICLE.format(extra=""), "x.markdown": ARTICLE.format(extra="")})),
    "image named by `image:`, `avatar:`, `logo` or the text (`![…](images/x.jpg)`) not in the static files (warning)": lambda t: build(site(t, articles={"x.md": ARTICLE.format(extra="image: images/x.jpg\n")})),
}


def test_every_row_has_a_case():
    assert set(table()) == set(CASES)


@pytest.mark.parametrize("problem", sorted(CASES))
def test_row(tmp_path, problem):
    excerpts, code = table()[problem]
    proc = CASES[problem](tmp_path / "site")
    output = proc.stdout + proc.stderr
    assert proc.returncode == code, output
    assert "Traceback" not in output
    fragments = [f.strip("` ") for f in re.findall(r"`([^`]+)`", excerpts)]
    assert any(_matches(fragment, output) for fragment in fragments), (fragments, output)


def _matches(fragment: str, output: str) -> bool:
    return fragment in output
