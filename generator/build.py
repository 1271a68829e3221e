"""The build pipeline: read sources -> parse -> assemble the Site -> plan pages -> render -> write.

Everything between the first read and the last write takes data and returns
data; :func:`build` is the only function here that touches the disk.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import content, convert, feeds, output, pages, render
from .lock import site_lock
from .markup import Renderer
from .problems import JaridaError, Problem
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
                drafts: bool = False, strict: bool = False) -> tuple[dict[str, bytes], dict[str, Path], int, list]:
    """Read ``content/`` and render the whole site in memory (drafts only when ``drafts``).

    Returns ``(files, copies, number of HTML pages, warnings)``; copies are the
    theme's static files and the site's ``static/`` folder. Raises
    :class:`JaridaError` listing every content problem (warnings too when
    ``strict``), before anything is written; also when a file of ``static/``
    would replace a page the build writes.
    """
    articles, profiles, problems = content.read_content(site_root, settings)
    if strict and problems:
        problems = [dataclasses.replace(p, warning=False) for p in problems]
    site = content.assemble(settings, articles, profiles, drafts, problems)
    md = Renderer(allow_html=settings.allow_html)
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
    copies = render.static_files(dirs)
    own = site_static(site_root)
    clashes = sorted(set(own) & (set(files) | set(copies)))
    if clashes:
        raise JaridaError([Problem(f"static/{rel}", 0, "a file the build writes has this name; rename or remove it")
                           for rel in clashes])
    return files, {**copies, **own}, len(planned), problems


def site_static(site_root: Path) -> dict[str, Path]:
    """The site's own ``static/`` folder, copied as is to the root of the output
    (favicon, images, ``CNAME``...), sorted by output path."""
    folder = site_root / "static"
    if not folder.is_dir():
        return {}
    return {f.relative_to(folder).as_posix(): f for f in sorted(folder.rglob("*")) if f.is_file()}


def build(site_root: Path, out: Path | None = None, base_url: str | None = None,
          settings: Settings | None = None, now: dt.datetime | None = None, run_convert: bool = True,
          drafts: bool = False, strict: bool = False) -> BuildReport:
    """Convert new or changed seeds, then build the site into ``out`` (default ``<site>/build``).

    ``now`` is the build time (only used where no article gives a date);
    defaults to the current time. Articles with ``draft: true`` are left out
    unless ``drafts``. With ``strict``, warnings (a seed not in UTF-8, an
    unknown front matter key...) stop the build like errors. Raises
    :class:`JaridaError` for settings (exit 2) and content (exit 1) problems;
    the previous output stays intact. Builds of one site are serialised by a
    lock (see :func:`generator.lock.site_lock`).
    """
    started = time.perf_counter()
    settings = (settings or load_settings(site_root)).with_base_url(base_url)
    out = out or site_root / "build"
    output.check_output(out, site_root)
    with site_lock(site_root):
        actions = convert.convert(site_root, settings) if run_convert and (site_root / convert.SEEDS_DIR).is_dir() else []
        if strict:
            warned = [Problem(a.seed, 0, a.message.split(": warning: ", 1)[-1]) for a in actions
                      if a.kind in ("write", "update") and a.message]
            if warned:
                raise JaridaError(warned)
        now = now or dt.datetime.now(dt.timezone.utc)
        files, copies, count, warnings = render_site(site_root, settings, now, drafts, strict)
        output.write_tree(out, files, copies, tuple(settings.keep))
    return BuildReport(actions, count, len(files) + len(copies), time.perf_counter() - started, warnings)
