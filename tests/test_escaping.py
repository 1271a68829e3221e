"""Hostile text never becomes markup: pages, feeds and JSON-LD stay escaped and well-formed."""
import datetime as dt
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import frontmatter
from generator.build import build

NOW = dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)
HOSTILE = ["<script>alert(1)</script>", "</script><script>x()</script>", "<img src=x onerror=alert(1)>",
           "javascript:alert(1)", "<!-- c -->", "&amp;", "&lt;", '"', "'", "\x00", "\x08", "\x0b", "\x1a",
           "\u202e", "\u200f", "\u2066", "]]>", "{{ x }}", "{% if %}"]
TEXT = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="غزةمصرأبجد abc<>&\"'/", min_size=1, max_size=8)),
    min_size=1, max_size=6,
).map("".join).filter(lambda s: re.search(r"[^\W\d_]", s) is not None)


def write_site(root: Path, title: str, tags: list[str], author: str, body: str) -> None:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    meta = {"title": title, "date": "2024-01-01T10:00:00+02:00", "author": author, "tags": tags, "summary": body[:50]}
    (root / "content" / "articles" / "x.md").write_text(frontmatter.dump(meta, body), encoding="utf-8")


def script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html, flags=re.I)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.lists(TEXT, min_size=1, max_size=3, unique_by=lambda s: s.casefold()), TEXT, TEXT)
def test_hostile_text_stays_text(title, tags, author, body):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        write_site(root, title, tags, author, body)
        try:
            build(root, now=NOW)
        except Exception as exc:  # only clear content errors are acceptable
            from generator.problems import JaridaError

            assert isinstance(exc, JaridaError), exc
            return
        out = root / "build"
        for page in out.rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            tags_found = script_tags(html)
            # The only scripts: JSON-LD data, and the theme's own search script.
            assert all('type="application/ld+json"' in t or re.fullmatch(r'<script src="[./]*theme/search\.js" defer>', t)
                       for t in tags_found), (page, tags_found)
            assert "onerror=" not in html.replace("onerror=alert", "") or "&lt;img" in html
            for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S):
                data = json.loads(block)
                # control characters are removed from front matter (no page may hold them)
                assert data["headline"] == re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", title).strip()
            assert 'href="javascript:' not in html.lower()
        for xml in ("feed.xml", "sitemap.xml"):
            ET.fromstring((out / xml).read_bytes())
        feed = (out / "feed.xml").read_text(encoding="utf-8")
        assert "<script" not in feed


def test_control_characters_written_as_yaml_escapes_reach_no_page(tmp_path):
    """``"\\e"``, ``"\\a"``, ``"\\x00"`` in front matter are removed from every text, as
    the feeds always did: pages, the search index and the feeds hold none."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    (root / "content" / "articles" / "x.md").write_text(
        '---\ntitle: "خبر\\e عاجل\\a"\ndate: 2024-01-01T10:00:00+02:00\ntags: ["مصر\\x00", "غزة"]\n'
        'summary: "ملخص\\x85 الخبر\\x1f"\nauthor: "ليلى\\x7f"\n---\n\nنص.\n', encoding="utf-8")
    build(root, now=NOW)
    controls = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
    for path in (root / "build").rglob("*"):
        if path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not controls.search(text), path
    page = (root / "build" / "articles" / "x" / "index.html").read_text(encoding="utf-8")
    assert "خبر عاجل" in page and "ملخص الخبر" in page
