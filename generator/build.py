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

from . import content, convert, feeds, output, pages, render, search, urls
from .model import Site
from .lock import CACHE_DIR, site_lock
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
    next_due: dt.datetime | None = None


class ConvertFailed(JaridaError):
    """Seeds that could not be converted stop a build (exit code 1); ``actions``
    holds every conversion action, so the caller can report them all."""

    def __init__(self, actions: list):
        self.actions = actions
        super().__init__([], 1)

    def __str__(self) -> str:
        return "\n".join(a.message for a in self.actions if a.kind == "error")


@dataclass(frozen=True)
class Rendered:
    """A site rendered in memory: output path -> bytes (``files``) and -> source file
    (``copies``), the number of HTML ``pages``, the ``warnings``, and when the next
    scheduled article falls due (``None`` when none is)."""

    files: dict
    copies: dict
    pages: int
    warnings: list
    next_due: dt.datetime | None


def render_site(site_root: Path, settings: Settings, now: dt.datetime, drafts: bool = False,
                strict: bool = False, future: bool = False) -> Rendered:
    """Read ``content/`` and render the whole site in memory as of ``now``:
    drafts only when ``drafts``, articles dated after ``now`` only when ``future``.

    Copies are the theme's static files and the site's ``static/`` folder. Raises
    :class:`JaridaError` listing every content problem (warnings too when
    ``strict``), before anything is written; also when a file of ``static/``
    would replace a page the build writes.
    """
    articles, profiles, problems = content.read_content(site_root, settings)
    if strict and problems:
        problems = [dataclasses.replace(p, warning=False) for p in problems]
    site = content.assemble(settings, articles, profiles, drafts, problems, None if future else now)
    dirs = render.theme_dirs(site_root, settings.theme)
    strings = render.load_strings(dirs)
    md = Renderer(allow_html=settings.allow_html)
    bodies = {a.slug: md.render(a.body) for a in site.articles}
    bios = {t.slug: md.render(t.profile.bio) for t in site.taxonomies["authors"] if t.profile}
    planned = pages.plan(site, bodies, bios, strings)
    env = render.environment(dirs)
    site_context = {
        "title": settings.title,
        "description": settings.description,
        "base_url": settings.base_url,
        "lang": "ar",
        "dir": "rtl",
        "nav": [{"title": strings["home"], "url": ""}] + [
            {"title": strings[name], "url": f"{name}/"} for name in (*pages.TAXONOMIES, "archive", "search")],
        "sections": [{"name": t.name, "url": urls.term_url(t)} for t in site.taxonomies["sections"]],
        "feed_url": "feed.xml",
        "rss_url": "rss.xml",
        "year": now.year,
    }
    files = render.render_pages(env, planned, site_context, settings.base_url, strings)
    for spec in feed_specs(site):
        files[f"{spec.folder}feed.xml"] = feeds.atom_feed(site, spec, bodies, now)
        files[f"{spec.folder}rss.xml"] = feeds.rss_feed(site, spec, bodies, now)
    files.update(feeds.sitemaps(site, [p.path for p in planned]))
    files["news-sitemap.xml"] = feeds.news_sitemap(site, now)
    files["search/index.json"] = search.search_index(site)
    files["robots.txt"] = feeds.robots_txt(site)
    copies = render.static_files(dirs)
    own = site_static(site_root)
    clashes = sorted(set(own) & (set(files) | set(copies)))
    if clashes:
        raise JaridaError([Problem(f"static/{rel}", 0, "a file the build writes has this name; rename or remove it")
                           for rel in clashes])
    scheduled = [a.date for a in articles if a.date > now and (drafts or not a.draft)]
    next_due = None if future or not scheduled else min(scheduled)
    return Rendered(files, {**copies, **own}, len(planned), problems, next_due)


def feed_specs(site: Site) -> list[feeds.FeedSpec]:
    """The lists that get feeds: the whole site, each section, tag and author."""
    by_slug = {a.slug: a for a in site.articles}
    specs = [feeds.FeedSpec(site.settings.title, "", "", site.articles)]
    for taxonomy, terms in site.taxonomies.items():
        for term in terms:
            specs.append(feeds.FeedSpec(f"{term.name} – {site.settings.title}", urls.term_url(term),
                                        f"{taxonomy}/{term.slug}/", tuple(by_slug[s] for s in term.articles)))
    return specs


def site_static(site_root: Path) -> dict[str, Path]:
    """The site's own ``static/`` folder, copied as is to the root of the output
    (favicon, images, ``CNAME``...), sorted by output path."""
    folder = site_root / "static"
    if not folder.is_dir():
        return {}
    return {f.relative_to(folder).as_posix(): f for f in sorted(folder.rglob("*")) if f.is_file()}


def build(site_root: Path, out: Path | None = None, base_url: str | None = None,
          settings: Settings | None = None, now: dt.datetime | None = None, run_convert: bool = True,
          drafts: bool = False, strict: bool = False, future: bool = False) -> BuildReport:
    """Convert new or changed seeds, then build the site into ``out`` (default ``<site>/build``).

    ``now`` is the build time (only used where no article gives a date);
    defaults to the current time. Articles with ``draft: true`` are left out
    unless ``drafts``; articles dated after ``now`` wait until then unless
    ``future``, and the report says when the next one falls due (also written
    to ``.cache/jarida/next-due.txt`` for a scheduled rebuild). With ``strict``, warnings (a seed not in UTF-8, an
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
        failed = [a for a in actions if a.kind == "error"]
        if failed:  # the good seeds are converted; the site is not built with some missing
            raise ConvertFailed(actions)
        if strict:
            warned = [Problem(a.seed, 0, a.message.split(": warning: ", 1)[-1]) for a in actions
                      if a.kind in ("write", "update") and a.message]
            if warned:
                raise JaridaError(warned)
        now = now or dt.datetime.now(dt.timezone.utc)
        rendered = render_site(site_root, settings, now, drafts, strict, future)
        output.write_tree(out, rendered.files, rendered.copies, tuple(settings.keep))
        due = site_root / CACHE_DIR / "next-due.txt"
        due.write_text(rendered.next_due.isoformat() + "\n" if rendered.next_due else "", encoding="utf-8")
    return BuildReport(actions, rendered.pages, len(rendered.files) + len(rendered.copies),
                       time.perf_counter() - started, rendered.warnings, rendered.next_due)
