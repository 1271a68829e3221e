"""The build pipeline: read sources -> parse -> assemble the Site -> plan pages -> render -> write.

Everything between the first read and the last write takes data and returns
data; :func:`build` is the only function here that touches the disk.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import content, convert, feeds, output, pages, render
from .markup import Renderer
from .settings import Settings, load_settings


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the conversion ``actions``, the number of HTML ``pages``,
    the number of ``files`` written in all, and the time it took in ``seconds``."""

    actions: list = field(default_factory=list)
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    warnings: list = field(default_factory=list)


def render_site(site_root: Path, settings: Settings, now: dt.datetime,
                drafts: bool = False) -> tuple[dict[str, bytes], dict[str, Path], int, list]:
    """Read ``content/`` and render the whole site in memory (drafts only when ``drafts``).

    Returns ``(files, static copies, number of HTML pages, warnings)``. Raises
    :class:`JaridaError` listing every content problem, before anything is written.
    """
    articles, profiles, problems = content.read_content(site_root, settings)
    site = content.assemble(settings, articles, profiles, drafts, problems)
    md = Renderer()
    bodies = {a.slug: md.render(a.body) for a in site.articles}
    bios = {t.slug: md.render(t.profile.bio) for t in site.taxonomies["authors"] if t.profile}
    planned = pages.plan(site, bodies, bios)
    dirs = render.theme_dirs(site_root, settings.theme)
    env = render.environment(dirs)
    site_context = {
        "title": settings.title,
        "description": settings.description,
        "base_url": settings.base_url,
        "lang": "ar",
        "dir": "rtl",
        "nav": [
            {"title": "الرئيسية", "url": ""},
            {"title": pages.TAXONOMY_TITLES["sections"], "url": "sections/"},
            {"title": pages.TAXONOMY_TITLES["tags"], "url": "tags/"},
            {"title": pages.TAXONOMY_TITLES["authors"], "url": "authors/"},
        ],
        "feed_url": "feed.xml",
        "year": now.year,
    }
    files = render.render_pages(env, planned, site_context, settings.base_url)
    files["feed.xml"] = feeds.atom_feed(site, bodies, now)
    files["sitemap.xml"] = feeds.sitemap(site, [p.path for p in planned])
    files["robots.txt"] = feeds.robots_txt(site)
    return files, render.static_files(dirs), len(planned), problems


def build(site_root: Path, out: Path | None = None, base_url: str | None = None,
          settings: Settings | None = None, now: dt.datetime | None = None, run_convert: bool = True,
          drafts: bool = False) -> BuildReport:
    """Convert new or changed seeds, then build the site into ``out`` (default ``<site>/build``).

    ``now`` is the build time (only used where no article gives a date);
    defaults to the current time. Articles with ``draft: true`` are left out
    unless ``drafts``. Raises :class:`JaridaError` for settings
    (exit 2) and content (exit 1) problems; the previous output stays intact.
    """
    started = time.perf_counter()
    settings = (settings or load_settings(site_root)).with_base_url(base_url)
    out = out or site_root / "build"
    output.check_output(out, site_root)
    actions = convert.convert(site_root, settings) if run_convert and (site_root / convert.SEEDS_DIR).is_dir() else []
    now = now or dt.datetime.now(dt.timezone.utc)
    files, copies, count, warnings = render_site(site_root, settings, now, drafts)
    output.write_tree(out, files, copies)
    return BuildReport(actions, count, len(files) + len(copies), time.perf_counter() - started, warnings)
