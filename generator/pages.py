"""Page planning: from the Site to a list of pages, each with its template and view model.

Templates get final values: formatted dates, percent-encoded site-relative URLs
(``articles/%D9%85%D8%B5%D8%B1/``) and the relative ``root`` that leads from the
page back to the site root, so the built site works at any sub-path. Lists
are paginated (``page/2/``): the front page, sections, tags, authors and the
yearly and monthly archives.
"""
from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from .dates import Formatter, minutes_for
from .markup import ROOT
from .content import term_key
from .model import Site, Term, record_key
from .urls import article_url, encode_path, is_url, list_url, site_path_url, term_url
from .views import View, absolute, article_view, json_ld, news_article, related

#: Keys of the theme's strings naming each taxonomy (titles and navigation).
TAXONOMIES = ("sections", "tags", "authors")
#: Articles shown in each section's block on the front page.
BLOCK_SIZE = 4
#: Share links of an article page: key of ``[share_to]`` in the theme's strings ->
#: address with ``{url}`` and ``{title}`` (both percent-encoded). Plain links: no
#: script, nothing loaded from the networks until the reader follows one.
SHARE = (
    ("x", "https://x.com/intent/post?url={url}&text={title}"),
    ("facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("whatsapp", "https://wa.me/?text={title}%20{url}"),
    ("telegram", "https://t.me/share/url?url={url}&text={title}"),
    ("email", "mailto:?subject={title}&body={url}"),
)


@dataclass(frozen=True)
class Page:
    """One HTML page to render: output ``path`` relative to the output folder
    (POSIX, not encoded), the ``template`` name and its ``context``; for an
    article page, ``body`` is the cache key of its rendered body, filled into
    ``context["article"]["body_html"]`` only when the page is rendered;
    ``position`` is that of the first article the page shows (from
    :func:`article_order`, newest first; 0 for a page that shows none), the
    order in which a whole build renders the pages: those that show the same
    articles are rendered close together, so each article's card is rendered
    once, not once on every page that shows it (see
    :data:`generator.render.FRAGMENT_LIMIT`)."""

    path: str
    template: str
    context: dict
    body: str | None = None
    position: int = 0


#: Page links shown on each side of the current page (with the first and the last).
PAGE_LINKS_AROUND = 2


def page_window(number: int, total: int, around: int = PAGE_LINKS_AROUND) -> list[int | None]:
    """The page numbers a list page links to: the first, the last and ``around``
    on each side of ``number``; ``None`` marks a gap (shown as …). Constant in
    size, so a list of 10,000 pages does not write 10,000 links on each page."""
    shown = sorted({1, total, *range(max(1, number - around), min(total, number + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - out[-1] > 1:
            out.append(None if n - out[-1] > 2 else n - 1)
        out.append(n)
    return out


class Pagination(Mapping):
    """The pagination view of page ``number`` of ``total`` of a list whose first
    page is at ``base``: ``number``, ``total``, ``prev_url`` and ``next_url``
    (``None`` at the ends) and ``pages``, the links of :func:`page_window` as
    ``{"number", "url", "current", "gap": False}`` (numbers in the site's digits)
    or ``{"gap": True}``. A read-only mapping whose links are made when the page
    is rendered: a list of 100,000 articles does not hold seven link dicts for
    each of its pages. Its ``repr`` (for fingerprints) is what they are made of."""

    __slots__ = ("number", "total", "base", "fmt")
    _KEYS = ("number", "total", "prev_url", "next_url", "pages")

    def __init__(self, number: int, total: int, base: str, fmt: Formatter):
        self.number, self.total, self.base, self.fmt = number, total, base, fmt

    @property
    def prev_url(self) -> str | None:
        return list_url(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return list_url(self.base, self.number + 1) if self.number < self.total else None

    @property
    def pages(self) -> list[dict]:
        return [{"gap": True} if n is None else
                {"number": self.fmt.digits(n), "url": list_url(self.base, n), "current": n == self.number, "gap": False}
                for n in page_window(self.number, self.total)]

    def __getitem__(self, key: str):
        if key not in self._KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self):
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)

    def __repr__(self) -> str:
        return f"Pagination({self.number}, {self.total}, {self.base!r}, {self.fmt.arabic_digits!r})"


def paginate(slugs: tuple[str, ...], per_page: int, base: str, fmt: Formatter) -> list[tuple[int, tuple[str, ...], Pagination]]:
    """Split ``slugs`` into pages of ``per_page``: ``(number, slugs, pagination view)``
    (see :class:`Pagination`). Always at least one page (an empty list still gets
    its first page)."""
    total = max(1, math.ceil(len(slugs) / per_page))
    return [(number, slugs[(number - 1) * per_page: number * per_page], Pagination(number, total, base, fmt))
            for number in range(1, total + 1)]


@functools.lru_cache(maxsize=1 << 16)
def _quoted(text: str) -> str:
    return quote(text, safe="")


class ShareLinks:
    """An article's share links, made when its page is rendered (a large site
    does not hold five long URLs for every article); iterates like
    :func:`share_links`. Its ``repr`` (for fingerprints) is what they are made of."""

    __slots__ = ("canonical", "title", "labels")

    def __init__(self, canonical: str, title: str, labels: dict):
        self.canonical, self.title, self.labels = canonical, title, labels

    def __iter__(self):
        return iter(share_links(self.canonical, self.title, self.labels))

    def __len__(self) -> int:
        return sum(1 for key, _ in SHARE if key in self.labels)

    def __repr__(self) -> str:
        return f"ShareLinks({self.canonical!r}, {self.title!r}, {sorted(self.labels.items())!r})"


class JsonLd:
    """An article page's JSON-LD (:func:`generator.views.json_ld` of its
    schema.org data), made when the page is rendered. Its ``repr`` (for
    fingerprints) names what it is made of beyond the page's view model."""

    __slots__ = ("article", "view", "site", "canonical")

    def __init__(self, article, view: dict, site: Site, canonical: str):
        self.article, self.view, self.site, self.canonical = article, view, site, canonical

    def __str__(self) -> str:
        return json_ld(news_article(self.article, self.view, self.site, self.canonical))

    __html__ = __str__

    def __repr__(self) -> str:
        s = self.site.settings
        return f"JsonLd({self.canonical!r}, {s.title!r}, {s.logo!r}, {s.base_url!r})"


def share_links(canonical: str, title: str, labels: dict) -> list[dict]:
    """Share links of an article: ``[{"key", "label", "url"}]`` in :data:`SHARE`
    order (a network without a label in ``labels`` is left out)."""
    url, text = _quoted(canonical), _quoted(title)
    return [{"key": key, "label": labels[key], "url": address.format(url=url, title=text)}
            for key, address in SHARE if key in labels]


def section_blocks(site: Site, views: dict[str, dict], size: int = BLOCK_SIZE) -> list[dict]:
    """The front page's per-section blocks: ``[{"name", "url", "articles"}]`` with
    the newest ``size`` article views of each section that has articles, the
    section with the newest article first."""
    order = {a.slug: i for i, a in enumerate(site.articles)}
    sections = [t for t in site.taxonomies.get("sections", ()) if t.articles]
    sections.sort(key=lambda t: (min(order[x] for x in t.articles), t.key))
    return [{"name": t.name, "url": term_url(t),
             "articles": [views[x] for x in sorted(t.articles, key=order.__getitem__)[:size]]}
            for t in sections]


def archive_groups(site: Site) -> dict[str, tuple[str, ...]]:
    """Archive lists: ``"2018"`` and ``"2018/04"`` -> article slugs, newest first
    (by the date in the article's own offset)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for article in site.articles:
        groups[f"{article.date.year:04d}"].append(article.slug)
        groups[f"{article.date.year:04d}/{article.date.month:02d}"].append(article.slug)
    return {key: tuple(slugs) for key, slugs in sorted(groups.items(), reverse=True)}


@dataclass(frozen=True)
class Body:
    """An article's rendered body as pages refer to it: the cache ``key`` of its
    HTML and its number of ``words`` (for the reading time)."""

    key: str
    words: int


#: Article view models of earlier plans in this process (the preview server plans
#: again after every change), by article and everything else the view shows.
_VIEWS: dict = {}


def _view(article, fmt: Formatter, fmt_key: tuple, terms: dict, links: dict) -> View:
    """:func:`article_view` as a :class:`View`, reused while the article, the
    formatting settings and the names and slugs of its terms are the same;
    ``links`` is the plan's memo of term links (see :func:`article_view`)."""
    names = (("sections", (article.section,) if article.section else ()), ("authors", article.authors),
             ("tags", article.tags))
    deps = []  # one flat tuple per article: (name, slug) of each term it names, None for a missing one
    for taxonomy, values in names:
        for n in values:
            t = terms[taxonomy].get(term_key(n))
            deps += (t.name, t.slug) if t else (None,)
    key = (record_key(article), fmt_key, tuple(deps))
    view = _VIEWS.get(key)
    if view is None:
        view = _VIEWS[key] = View(article_view(article, fmt, terms, links))
    return view


def formatter(site: Site) -> tuple[Formatter, tuple]:
    """The date and number :class:`Formatter` of the site's settings, and the key of those settings."""
    s = site.settings
    return Formatter(s.locale, s.arabic_digits, s.hijri, s.hijri_offset), (s.locale, s.arabic_digits, s.hijri,
                                                                            s.hijri_offset)


def term_index(site: Site) -> dict[str, dict[str, Term]]:
    """Taxonomy name -> folded term key -> :class:`Term`."""
    return {name: {t.key: t for t in ts} for name, ts in site.taxonomies.items()}


def article_order(site: Site) -> dict[str, int]:
    """Article slug -> its position in the site (newest first)."""
    return {a.slug: i for i, a in enumerate(site.articles)}


class LazyViews(dict):
    """Article views by slug, each made when first asked for: an article page
    needs only its own and those of its related articles."""

    def __init__(self, site: Site, fmt: Formatter, fmt_key: tuple, terms: dict):
        super().__init__()
        self.by_slug, self.fmt, self.fmt_key, self.terms = {a.slug: a for a in site.articles}, fmt, fmt_key, terms
        self.links: dict = {}

    def __missing__(self, slug: str) -> View:
        view = self[slug] = _view(self.by_slug[slug], self.fmt, self.fmt_key, self.terms, self.links)
        return view


def article_page(article, site: Site, views, body: Body, bios: dict[str, str], strings: dict, fmt: Formatter,
                 terms: dict, order: dict[str, int], positions: dict) -> Page:
    """The page of one article: ``views`` maps slugs to article views (a dict or
    :class:`LazyViews`), ``body`` is its :class:`Body`, ``bios`` author term slugs
    to rendered profiles, ``terms`` comes from :func:`term_index`, ``order`` from
    :func:`article_order`, ``positions`` is the memo of :func:`related`. The same
    page whether the whole site is planned or this article alone (after an edit)."""
    s = site.settings
    view = dict(views[article.slug], body_html=None)
    canonical = s.base_url + article_url(article.slug)
    view["json_ld"] = JsonLd(article, view, site, canonical)
    view["image_url"] = absolute(article.image, s.base_url) if article.image else None
    view["image_src"] = (article.image if is_url(article.image) else site_path_url(article.image)) \
        if article.image else None
    view["bios"] = [{"name": a["name"], "url": a["url"], "bio_html": bios[a["slug"]]}
                    for a in view["authors"] if bios.get(a["slug"])]
    view["reading_time"] = fmt.plural(minutes_for(body.words), strings["reading_time"])
    view["related"] = [views[x] for x in related(article, terms["tags"], order, positions=positions)]
    view["share"] = ShareLinks(canonical, article.title, strings.get("share_to", {}))
    path = f"articles/{article.slug}/index.html"
    return Page(path, "article.html", {"page_title": article.title, "article": view, "description": article.summary,
                                       "canonical": s.base_url + encode_path(path.removesuffix("index.html")),
                                       "feeds": None}, body.key, order[article.slug])


def plan(site: Site, bodies: dict[str, Body], bios: dict[str, str], strings: dict) -> list[Page]:
    """Plan every HTML page of the site.

    ``bodies`` maps article slugs to their :class:`Body`, ``bios`` author
    term slugs to their rendered profile, ``strings`` are the theme's words.
    The order is fixed (front page, articles, taxonomies, archives, 404) so
    output is deterministic.
    """
    s = site.settings
    fmt, fmt_key = formatter(site)
    terms = term_index(site)
    links: dict = {}
    views = {a.slug: _view(a, fmt, fmt_key, terms, links) for a in site.articles}
    if len(_VIEWS) > 3 * len(views) + 1000:
        _VIEWS.clear()
    positions: dict = {}
    order = article_order(site)
    pages: list[Page] = []

    def add(path: str, template: str, body: str | None = None, position: int = 0, **context) -> None:
        context.setdefault("canonical", s.base_url + encode_path(path.removesuffix("index.html")))
        context.setdefault("feeds", None)
        pages.append(Page(path, template, context, body, position))

    def add_list(base_path: str, base_url: str, slugs: tuple[str, ...], template: str, title: str,
                 first: dict | None = None, rest: dict | None = None, **context) -> None:
        """Pages of a list; ``first`` adds context to its first page only, ``rest`` to the others."""
        for number, chunk, pager in paginate(slugs, s.per_page, base_url, fmt):
            suffix = "" if number == 1 else f"page/{number}/"
            page_number = f"{strings['page']} {fmt.digits(number)}"
            page_title = title if number == 1 else page_number if title == s.title else f"{title} – {page_number}"
            add(f"{base_path}{suffix}index.html", template, position=order[chunk[0]] if chunk else 0,
                page_title=page_title,
                articles=[views[x] for x in chunk], pagination=pager,
                **((first or {}) if number == 1 else (rest or {})), **context)

    # The section blocks are on the first page only: a change in them does not
    # touch the other pages of the front page.
    add_list("", "", tuple(order), "index.html", s.title, heading=None,
             feeds={"atom": "feed.xml", "rss": "rss.xml"},
             first={"blocks": section_blocks(site, views)}, rest={"blocks": []})
    for article in site.articles:
        pages.append(article_page(article, site, views, bodies[article.slug], bios, strings, fmt, terms, order,
                                  positions))
    for taxonomy, term_list in site.taxonomies.items():
        add(f"{taxonomy}/index.html", "terms.html", page_title=strings[taxonomy], taxonomy=taxonomy,
            heading=strings[taxonomy],
            terms=[{"name": t.name, "url": term_url(t), "count": fmt.digits(len(t.articles)),
                    "count_text": fmt.plural(len(t.articles), strings["article_count"])} for t in term_list])
        for term in term_list:
            base = term_url(term)
            profile = None
            if term.profile is not None:
                avatar = term.profile.avatar
                profile = {"name": term.profile.name, "bio_html": bios.get(term.slug, ""),
                           "role": term.profile.role, "links": term.profile.links,
                           "avatar": (avatar if is_url(avatar) else ROOT + site_path_url(avatar)) if avatar else None}
            add_list(f"{taxonomy}/{term.slug}/", base, term.articles, "term.html", term.name, taxonomy=taxonomy,
                     taxonomy_title=strings[taxonomy],
                     term={"name": term.name, "url": base, "count": fmt.digits(len(term.articles)),
                           "count_text": fmt.plural(len(term.articles), strings["article_count"])},
                     profile=profile, feeds={"atom": base + "feed.xml", "rss": base + "rss.xml"})
    years: dict[str, dict] = {}
    for key, slugs in archive_groups(site).items():
        year, _, month = key.partition("/")
        title = fmt.month_year(int(year), int(month)) if month else fmt.digits(year)
        add_list(f"archive/{key}/", f"archive/{key}/", slugs, "term.html", title, taxonomy="archive",
                 taxonomy_title=strings["archive"], profile=None,
                 term={"name": title, "url": f"archive/{key}/", "count": fmt.digits(len(slugs)),
                       "count_text": fmt.plural(len(slugs), strings["article_count"])})
        entry = {"name": title, "url": f"archive/{key}/", "count": fmt.digits(len(slugs))}
        if month:
            years.setdefault(year, {"months": []})["months"].append(entry)
        else:
            years.setdefault(year, {"months": []}).update(entry)
    years = [years[y] for y in sorted(years, reverse=True)]
    add("archive/index.html", "archive.html", page_title=strings["archive"], heading=strings["archive"], years=years)
    add("search/index.html", "search.html", page_title=strings["search"])
    add("404.html", "404.html", page_title=strings["not_found_title"], canonical=s.base_url)
    return pages

