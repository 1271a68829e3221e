"""Symbolic links to folders inside a site: a newsroom links a shared folder of
articles, images or partials in; the build reads through them, and notices edits
made there."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import snapshot
from generator.build import build
from test_incremental import NOW, site  # noqa: F401 - the bundled site without its seeds, a fixture


def linked(folder: Path, elsewhere: Path) -> Path:
    """Move ``folder`` to ``elsewhere`` and put a symbolic link to it in its place."""
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    return elsewhere


def cold(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """A cold build of a copy of ``site`` with the linked folders copied in."""
    twin = tmp_path / "twin"
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("build", ".cache"))  # links followed
    build(twin, now=NOW)
    return snapshot(twin / "build")


def test_a_linked_articles_folder_is_published_and_its_edits_seen(site, tmp_path):
    plain = build(site, now=NOW)
    shutil.rmtree(site / "build")
    shutil.rmtree(site / ".cache")
    shared = linked(site / "content" / "articles", tmp_path / "shared-articles")
    report = build(site, now=NOW)
    assert report.pages == plain.pages and report.parsed == 31
    path = sorted(shared.glob("*.md"))[2]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\nفقرة في المجلد المشترك.\n", encoding="utf-8")
    again = build(site, now=NOW)
    assert again.parsed == 1 and again.changed
    assert snapshot(site / "build") == cold(site, tmp_path)
    assert any("فقرة في المجلد المشترك" in data.decode("utf-8", "replace")
               for rel, data in snapshot(site / "build").items() if rel.endswith("index.html"))


def test_an_edit_of_a_linked_partial_renders_the_pages_again(site, tmp_path):
    theme = site / "themes" / "mine"
    shutil.copytree(Path(__file__).resolve().parents[1] / "themes" / "default", theme)
    settings = site / "site.toml"
    settings.write_text('theme = "mine"\n' + settings.read_text(encoding="utf-8"), encoding="utf-8")
    partials = linked(theme / "templates" / "partials", tmp_path / "shared-partials")
    build(site, now=NOW)
    card = partials / "card.html"
    text = card.read_text(encoding="utf-8")
    assert "<article" in text
    card.write_text(text.replace("<article", '<article data-shared="1"', 1), encoding="utf-8")
    report = build(site, now=NOW)
    assert report.changed, "the edit of the linked partial was not seen"
    assert 'data-shared="1"' in (site / "build" / "index.html").read_text(encoding="utf-8")
    assert snapshot(site / "build") == cold(site, tmp_path)


def test_a_linked_static_folder_is_copied_with_one_warning_and_a_loop_is_not_followed(site, tmp_path):
    images = tmp_path / "shared-images"
    (images / "2026").mkdir(parents=True)
    (images / "2026" / "a.txt").write_text("a", encoding="utf-8")
    (images / "b.txt").write_text("b", encoding="utf-8")
    static = site / "static"
    static.mkdir(exist_ok=True)
    (static / "images").symlink_to(images, target_is_directory=True)
    (static / "again").symlink_to(static, target_is_directory=True)  # a loop: never followed
    report = build(site, now=NOW)
    out = site / "build"
    assert (out / "images" / "2026" / "a.txt").read_text(encoding="utf-8") == "a"
    assert not (out / "again").exists()
    said = [p for p in report.warnings if p.path.startswith("static/")]
    assert [p.path for p in said] == ["static/images"] and "copy the folder in" in said[0].message
    (images / "b.txt").write_text("b2", encoding="utf-8")
    again = build(site, now=NOW)
    assert again.changed == frozenset({"images/b.txt"})
    assert (out / "images" / "b.txt").read_text(encoding="utf-8") == "b2"


def test_a_static_link_to_the_output_folder_is_not_followed(site, tmp_path):
    """static/x -> ../build would copy the site into itself, one level deeper at each build."""
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "mirror").symlink_to(Path("..") / "build", target_is_directory=True)
    first = build(site, now=NOW)
    again = build(site, now=NOW)
    assert first.files == again.files and not (site / "build" / "mirror").exists()
