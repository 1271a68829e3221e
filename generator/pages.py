"""Page planning: from the Site to a list of pages, each with its template and view model.

Templates get final values: formatted dates, percent-encoded site-relative URLs
(``articles/%D9%85%D8%B5%D8%B1/``) and the relative ``root`` that leads from the
page back to the site root, so the built site works at any sub-path.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from urllib.parse import quote

from babel.dates import format_date, format_time

from .arabic import to_arabic_digits
from .model import Article, Site, Term

#: Arabic names of the taxonomies, for page titles and navigation.
TAXONOMY_TITLES = {"sections": "الأقسام", "tags": "الوسوم", "authors": "الكتّاب"}


@dataclass(frozen=True)
class Page:
    """One HTML page to render: output ``path`` relative to the output folder
    (POSIX, not encoded), the ``template`` name and its ``context``."""

    path: str
    template: str
    context: dict


def encode(segment: str) -> str:
    """Percent-encode one URL path segment as UTF-8 (RFC 3986)."""
    return quote(segment, safe="-._~")


def encode_path(path: str) -> str:
    """Percent-encode every segment of a ``/``-separated site path."""
    return "/".join(encode(part) for part in path.split("/"))


def article_url(slug: str) -> str:
    """Site-relative URL of an article page."""
    return f"articles/{encode(slug)}/"


def term_url(term: Term) -> str:
    """Site-relative URL of a term's page (``tags/<slug>/``, ``authors/<slug>/``)."""
    return f"{term.taxonomy}/{encode(term.slug)}/"


def list_url(base: str, number: int) -> str:
    """Site-relative URL of page ``number`` (1-based) of a list whose first page is ``base``."""
    return base if number == 1 else f"{base}page/{number}/"


def root_of(path: str) -> str:
    """The relative prefix that leads from output ``path`` to the site root (``./``, ``../../``)."""
    depth = path.count("/")
    return "../" * depth if depth else "./"


class Formatter:
    """Formats dates and numbers for one site: CLDR month names from Babel in the
    site ``locale``; optional Arabic-Indic digits."""

    def __init__(self, locale: str, arabic_digits: bool):
        self.locale = locale
        self.arabic_digits = arabic_digits

    def digits(self, text) -> str:
        text = str(text)
        return to_arabic_digits(text) if self.arabic_digits else text

    def date(self, value: dt.datetime) -> str:
        return self.digits(format_date(value, "d MMMM y", locale=self.locale))

    def time(self, value: dt.datetime) -> str:
        return self.digits(format_time(value, "HH:mm", locale=self.locale))


def article_view(article: Article, site: Site, fmt: Formatter, terms: dict[str, dict[str, Term]]) -> dict:
    """The view model of one article in lists and on its page (without its body)."""
    from .arabic import fold

    def links(taxonomy: str, names: tuple[str, ...]) -> list[dict]:
        out = []
        for name in names:
            term = terms[taxonomy].get(fold(name))
            if term:
                out.append({"name": term.name, "url": term_url(term), "slug": term.slug})
        return out

    section = links("sections", (article.section,) if article.section else ())
    author_links = links("authors", article.authors)
    return {
        "title": article.title,
        "slug": article.slug,
        "section": section[0] if section else None,
        "byline": byline_parts(article.byline, author_links),
        "dateline": article.dateline,
        "source_outlet": article.source_outlet,
        "source_url": article.url,
        "url": article_url(article.slug),
        "date_iso": article.date.isoformat(),
        "date": fmt.date(article.date),
        "time": fmt.time(article.date),
        "updated_iso": article.updated.isoformat() if article.updated else None,
        "updated": fmt.date(article.updated) if article.updated else None,
        "authors": author_links,
        "tags": links("tags", article.tags),
        "summary": article.summary,
    }


def json_ld(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` block: ``<``, ``>`` and
    ``&`` written as ``\\u`` escapes, so no text (a title holding
    ``</script>``) can end the block; still valid JSON (RFC 8259)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def news_article(article: Article, view: dict, site: Site, canonical: str) -> dict:
    """schema.org NewsArticle data of an article page (time-zone-aware ISO 8601
    dates; every author a Person with the author page's absolute URL)."""
    base = site.settings.base_url
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "inLanguage": "ar",
        "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "mainEntityOfPage": canonical,
        "author": [{"@type": "Person", "name": a["name"], "url": base + a["url"]} for a in view["authors"]],
        "publisher": {"@type": "Organization", "name": site.settings.title, "url": base},
    }
    if view["section"]:
        data["articleSection"] = view["section"]["name"]
    if article.tags:
        data["keywords"] = list(article.tags)
    return data


def byline_parts(byline: str | None, authors: list[dict]) -> dict | None:
    """Split a byline as written (``كتب: مريم العطار``) around the author's name so
    the template can link the name: ``{"before", "name", "url", "after"}``;
    ``None`` without a byline or when it does not contain an author's name."""
    if not byline:
        return None
    for author in authors:
        index = byline.find(author["name"])
        if index >= 0:
            return {"before": byline[:index], "name": author["name"], "url": author["url"],
                    "after": byline[index + len(author["name"]):]}
    return {"before": byline, "name": None, "url": None, "after": ""}


def paginate(slugs: tuple[str, ...], per_page: int, base: str) -> list[tuple[int, tuple[str, ...], dict]]:
    """Split ``slugs`` into pages of ``per_page``: ``(number, slugs, pagination view)``.

    Always at least one page (an empty list still gets its first page).
    """
    total = max(1, math.ceil(len(slugs) / per_page))
    out = []
    for number in range(1, total + 1):
        chunk = slugs[(number - 1) * per_page: number * per_page]
        view = {
            "number": number,
            "total": total,
            "prev_url": list_url(base, number - 1) if number > 1 else None,
            "next_url": list_url(base, number + 1) if number < total else None,
            "pages": [{"number": n, "url": list_url(base, n), "current": n == number} for n in range(1, total + 1)],
        }
        out.append((number, chunk, view))
    return out


def plan(site: Site, bodies: dict[str, str], bios: dict[str, str]) -> list[Page]:
    """Plan every HTML page of the site.

    ``bodies`` maps article slugs to their rendered HTML body, ``bios`` author
    term slugs to their rendered profile. The order is
    fixed (front page, articles, taxonomies, 404) so output is deterministic.
    """
    s = site.settings
    fmt = Formatter(s.locale, s.arabic_digits)
    terms = {name: {t.key: t for t in ts} for name, ts in site.taxonomies.items()}
    views = {a.slug: article_view(a, site, fmt, terms) for a in site.articles}
    pages: list[Page] = []

    def add(path: str, template: str, **context) -> None:
        context.setdefault("canonical", s.base_url + encode_path(path.removesuffix("index.html")))
        pages.append(Page(path, template, context))

    all_slugs = tuple(a.slug for a in site.articles)
    for number, chunk, pager in paginate(all_slugs, s.per_page, ""):
        path = "index.html" if number == 1 else f"page/{number}/index.html"
        title = s.title if number == 1 else f"{s.title} – صفحة {fmt.digits(number)}"
        add(path, "index.html", page_title=title, articles=[views[x] for x in chunk], pagination=pager,
            heading=None)
    for article in site.articles:
        view = dict(views[article.slug], body_html=bodies[article.slug])
        canonical = s.base_url + article_url(article.slug)
        view["json_ld"] = json_ld(news_article(article, view, site, canonical))
        view["bios"] = [{"name": a["name"], "url": a["url"], "bio_html": bios[a["slug"]]}
                        for a in view["authors"] if bios.get(a["slug"])]
        path = f"articles/{article.slug}/index.html"
        add(path, "article.html", page_title=article.title, article=view, description=article.summary)
    for taxonomy, term_list in site.taxonomies.items():
        add(f"{taxonomy}/index.html", "terms.html", page_title=TAXONOMY_TITLES[taxonomy], taxonomy=taxonomy,
            heading=TAXONOMY_TITLES[taxonomy],
            terms=[{"name": t.name, "url": term_url(t), "count": fmt.digits(len(t.articles))} for t in term_list])
        for term in term_list:
            base = term_url(term)
            for number, chunk, pager in paginate(term.articles, s.per_page, base):
                suffix = "" if number == 1 else f"page/{number}/"
                path = f"{taxonomy}/{term.slug}/{suffix}index.html"
                profile = None
                if term.profile is not None:
                    profile = {"name": term.profile.name, "bio_html": bios.get(term.slug, "")}
                add(path, "term.html", page_title=f"{term.name}", taxonomy=taxonomy,
                    taxonomy_title=TAXONOMY_TITLES[taxonomy], term={"name": term.name, "url": base,
                                                                      "count": fmt.digits(len(term.articles))},
                    profile=profile, articles=[views[x] for x in chunk], pagination=pager)
    add("404.html", "404.html", page_title="الصفحة غير موجودة", canonical=s.base_url)
    return pages
