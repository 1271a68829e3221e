"""Bylines naming several authors, site paths in article bodies and profiles,
base URLs with Arabic paths, and who may be an author."""
import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import run_jarida
from generator.build import build
from generator.metadata import CITIES, parse_credit

NOW = dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)


def site(root: Path, articles: dict[str, str], authors: dict[str, str] | None = None,
         toml: str = 'base_url = "https://example.org/"\n') -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "authors").mkdir(parents=True)
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "صورة.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "site.toml").write_text(toml, encoding="utf-8")
    for name, text in articles.items():
        (root / "content" / "articles" / name).write_text(text, encoding="utf-8")
    for name, text in (authors or {}).items():
        (root / "content" / "authors" / name).write_text(text, encoding="utf-8")
    return root


def test_a_byline_links_every_author_it_names(tmp_path):
    root = site(tmp_path / "s", {"x.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\n"
                                        "authors: [ليلى الشامي, مالك السيد]\nbyline: 'كتب: ليلى الشامي ومالك السيد'\n---\n\nنص.\n"})
    build(root, now=NOW)
    page = (root / "build" / "articles" / "x" / "index.html").read_text(encoding="utf-8")
    assert page.count('rel="author"') == 2
    assert "كتب: <a" in page and "</bdi></a> و<a" in page


def test_site_paths_in_bodies_bios_and_avatars_resolve(tmp_path):
    root = site(tmp_path / "s",
                {"x.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\nauthor: ليلى\n---\n\n![صورة](images/صورة.jpg)\n"},
                {"layla.md": "---\nname: ليلى\navatar: /images/صورة.jpg\n---\n\nسيرة ![ص](/images/صورة.jpg)\n"})
    build(root, now=NOW)
    out = root / "build"
    for page in (out / "articles" / "x" / "index.html", out / "authors" / "layla" / "index.html"):
        html = page.read_text(encoding="utf-8")
        sources = re.findall(r'<img[^>]*src="([^"]+)"', html)
        assert sources, page
        for src in sources:
            assert (page.parent / unquote(src)).resolve() == (out / "images" / "صورة.jpg").resolve(), (page, src)
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.org/images/" in feed and "\x1f" not in feed


def test_an_arabic_base_path_is_percent_encoded(tmp_path):
    root = site(tmp_path / "s", {"x.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\n---\n\nنص.\n"})
    run_jarida("build", "--site", root, "--base-url", "https://example.com/أخبار")
    index = (root / "build" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/"' in index


@pytest.mark.parametrize("url", ["https://user.github.io/akhbar/?x=1", "https://user.github.io/akhbar/#top"])
def test_a_base_url_with_a_query_or_fragment_is_refused(tmp_path, url):
    root = site(tmp_path / "s", {"x.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\n---\n\nنص.\n"})
    proc = run_jarida("build", "--site", root, "--base-url", url, check=False)
    assert proc.returncode == 2
    assert "must not have a query" in proc.stderr


@pytest.mark.parametrize(("text", "person", "place"), [
    ("برلين - لندن: «الشرق الأوسط»", None, "برلين"),
    ("زوريخ سويسرا", None, "زوريخ سويسرا"),
    ("الرياض محمد جراح", "محمد جراح", "الرياض"),
    ("_ محمد جراح", "محمد جراح", None),
    ("تصوير", None, None),
])
def test_places_and_role_words_are_not_authors(text, person, place):
    credit = parse_credit(text, CITIES)
    assert (credit.person, credit.place) == (person, place)


def test_serve_has_its_own_future_switch():
    proc = run_jarida("serve", "--help")
    assert "--future" in proc.stdout and "--drafts" in proc.stdout


def test_an_image_missing_from_the_static_files_is_a_warning_naming_its_line(tmp_path):
    """``image:``, ``avatar:`` and ``logo`` naming a file that no static folder holds
    would publish a broken image: each is a warning at the line of its key, with
    what to do; URLs and images that exist are not; ``--strict`` stops on it."""
    root = site(tmp_path / "s",
                {"a.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\nauthor: ليلى\n"
                         "image: images/غائبة.jpg\n---\n\nنص.\n",
                 "b.md": "---\ntitle: عنوان آخر\ndate: 2024-01-02T10:00:00+02:00\n"
                         "image: static/images/صورة.jpg\n---\n\nنص.\n",
                 "c.md": "---\ntitle: عنوان ثالث\ndate: 2024-01-03T10:00:00+02:00\n"
                         "image: /images/%D8%B5%D9%88%D8%B1%D8%A9.jpg?v=2\n---\n\nنص.\n",
                 "d.md": "---\ntitle: عنوان رابع\ndate: 2024-01-04T10:00:00+02:00\n"
                         "image: https://example.org/x.jpg\n---\n\nنص.\n"},
                {"layla.md": "---\nname: ليلى\nrole: محررة\navatar: /images/ليلى.png\n---\n\nسيرة.\n"},
                toml='base_url = "https://example.org/"\nlogo = "images/logo.svg"\n')
    report = build(root, now=NOW)
    warnings = sorted(str(w) for w in report.warnings)
    assert warnings == [
        "content/articles/a.md:5: warning: no image 'images/غائبة.jpg' in the site's static files, so pages "
        "show it broken; put the image at static/images/غائبة.jpg",
        "content/articles/b.md:4: warning: no image 'static/images/صورة.jpg' in the site's static files, so "
        "pages show it broken; the file static/images/صورة.jpg is there: write 'images/صورة.jpg'",
        "content/authors/layla.md:4: warning: no image '/images/ليلى.png' in the site's static files, so pages "
        "show it broken; put the image at static/images/ليلى.png",
        "site.toml:2: warning: no image 'images/logo.svg' in the site's static files, so pages show it broken; "
        "put the image at static/images/logo.svg",
    ]
    assert sorted(str(w) for w in build(root, now=NOW).warnings) == warnings  # a rebuild with no change says them again
    strict = run_jarida("build", "--site", root, "--strict", check=False)
    assert strict.returncode == 1 and "no image 'images/غائبة.jpg'" in strict.stderr

    (root / "static" / "images" / "غائبة.jpg").write_bytes(b"\xff\xd8\xff")  # the image is added
    (root / "site.toml").write_text('base_url = "https://example.org/"\nlogo = "theme/style.css"\n', encoding="utf-8")
    assert len(build(root, now=NOW).warnings) == 2  # b.md and the avatar: the image and the theme's file are found


def test_the_site_s_robots_txt_replaces_the_generated_one_and_a_theme_file_replaced_is_said(tmp_path):
    """``static/robots.txt`` holds the newsroom's own rules (``Disallow: /search/``);
    ``static/theme/style.css`` replaces the theme's stylesheet, which is rarely
    meant: a warning says where theme files go."""
    root = site(tmp_path / "s", {"x.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\n---\n\nنص.\n"})
    report = build(root, now=NOW)
    assert "Sitemap: https://example.org/sitemap.xml" in (root / "build" / "robots.txt").read_text(encoding="utf-8")
    assert report.warnings == []
    (root / "static" / "robots.txt").write_text("User-agent: *\nDisallow: /search/\n", encoding="utf-8")
    (root / "static" / "theme").mkdir()
    (root / "static" / "theme" / "style.css").write_text("body{color:red}", encoding="utf-8")
    report = build(root, now=NOW)
    assert (root / "build" / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /search/\n"
    assert (root / "build" / "theme" / "style.css").read_text(encoding="utf-8") == "body{color:red}"
    assert [str(w) for w in report.warnings] == [
        "static/theme/style.css: warning: replaces the theme's file theme/style.css (its theme/ folder); to change "
        "the theme's files, put them in themes/default/static/ instead"]
    (root / "static" / "robots.txt").unlink()
    build(root, now=NOW)
    assert "Sitemap: " in (root / "build" / "robots.txt").read_text(encoding="utf-8")  # the generated one is back


def test_an_image_of_an_article_s_text_missing_from_the_static_files_is_a_warning(tmp_path):
    """``![...](images/x.jpg)`` in the text, with no such static file: a warning at
    its line, said again by a rebuild with no change, gone once the file is there, and
    said after an edit of the text alone (the quick rebuild of an edited article)."""
    body = "فقرة أولى.\n\n![صورة الحادث](images/الحادث.jpg)\n\nفقرة ثانية ![ص](/images/صورة.jpg).\n"
    root = site(tmp_path / "s", {"x.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\n---\n\n" + body})
    expected = ["content/articles/x.md:8: warning: the text shows the image 'images/الحادث.jpg', which is not in the site's static "
                "files, so pages show it broken; put the image at static/images/الحادث.jpg"]
    assert [str(w) for w in build(root, now=NOW).warnings] == expected
    assert [str(w) for w in build(root, now=NOW).warnings] == expected
    (root / "static" / "images" / "الحادث.jpg").write_bytes(b"\xff\xd8\xff")
    assert build(root, now=NOW).warnings == []
    article = root / "content" / "articles" / "x.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n![خريطة](images/خريطة.png)\n", encoding="utf-8")
    report = build(root, now=NOW)
    assert report.parsed == 1 and [str(w) for w in report.warnings] == [
        "content/articles/x.md:12: warning: the text shows the image 'images/خريطة.png', which is not in the site's static files, "
        "so pages show it broken; put the image at static/images/خريطة.png"]
    article.write_text(article.read_text(encoding="utf-8").replace("![خريطة](images/خريطة.png)", "خريطة."),
                       encoding="utf-8")
    assert build(root, now=NOW).warnings == []
    from generator import build as build_module

    build_module._LAST.clear()  # as a new process: the rebuild of edited texts from the cache's record
    article.write_text(article.read_text(encoding="utf-8") + "\n![ص](images/أخرى.png)\n", encoding="utf-8")
    report = build(root, now=NOW)
    assert report.parsed == 1 and [w.line for w in report.warnings] == [14]


@pytest.mark.parametrize("new_process", [False, True], ids=["same process", "new process"])
def test_under_strict_an_edit_of_a_text_that_adds_a_missing_image_stops_the_build(tmp_path, new_process):
    from generator import build as build_module
    from generator.problems import ContentProblems

    root = site(tmp_path / "s", {"x.md": "---\ntitle: عنوان\ndate: 2024-01-01T10:00:00+02:00\n---\n\nفقرة.\n",
                                 "y.md": "---\ntitle: آخر\ndate: 2024-01-02T10:00:00+02:00\n---\n\nنص.\n"})
    assert build(root, now=NOW, strict=True).warnings == []
    page = root / "build" / "articles" / "x" / "index.html"
    before = page.read_bytes()
    if new_process:
        build_module._LAST.clear()
    article = root / "content" / "articles" / "x.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n![خريطة](images/خريطة.png)\n", encoding="utf-8")
    with pytest.raises(ContentProblems) as info:
        build(root, now=NOW, strict=True)
    assert [str(p) for p in info.value.problems] == [
        "content/articles/x.md:8: the text shows the image 'images/خريطة.png', which is not in the site's static files, "
        "so pages show it broken; put the image at static/images/خريطة.png"]
    assert page.read_bytes() == before  # nothing was written


def test_image_paths_as_editors_write_them_resolve_on_the_page_and_in_the_feed(tmp_path):
    """A query, a fragment, a path already percent-encoded, ``./``, a protocol-relative
    URL: the page's ``src`` and ``og:image`` reach the file, and none of these is
    warned about; a path above the site is."""
    cases = {"q": "images/صورة.jpg?v=2", "f": "images/صورة.jpg#x", "e": "images/%D8%B5%D9%88%D8%B1%D8%A9.jpg",
             "d": "./images/صورة.jpg", "c": "//cdn.example.com/a.jpg", "o": "../outside.jpg"}
    root = site(tmp_path / "s", {f"{n}.md": f"---\ntitle: عنوان {n}\ndate: 2024-01-0{i}T10:00:00+02:00\n"
                                            f"image: \"{image}\"\n---\n\nنص.\n"
                                 for i, (n, image) in enumerate(cases.items(), 1)})
    report = build(root, now=NOW)
    assert [(w.path, "outside the site" in w.message) for w in report.warnings] == [("content/articles/o.md", True)]
    out = root / "build"
    for name in "qfed":
        page = (out / "articles" / name / "index.html").read_text(encoding="utf-8")
        [src] = re.findall(r'<img[^>]*src="([^"]+)"', page)[:1]
        assert (out / "articles" / name / unquote(src.split("?")[0].split("#")[0])).resolve() == \
            (out / "images" / "صورة.jpg").resolve(), (name, src)
        [og] = re.findall(r'<meta property="og:image" content="([^"]+)"', page)
        assert og.split("?")[0].split("#")[0] == "https://example.org/images/%D8%B5%D9%88%D8%B1%D8%A9.jpg", og
    page = (out / "articles" / "c" / "index.html").read_text(encoding="utf-8")
    assert 'src="//cdn.example.com/a.jpg"' in page and 'content="https://cdn.example.com/a.jpg"' in page
