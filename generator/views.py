"""View models: the final values templates show for an article (no formatting,
I/O or logic left to the templates), its schema.org data and related articles."""
from __future__ import annotations

import heapq
import json
import re

from .content import term_key
from .dates import Formatter, rfc3339
from .markup import ROOT
from .model import Article, Site, Term
from .urls import article_url, encode_path, is_url, site_path_url, term_url

RELATED = 4


def article_view(article: Article, fmt: Formatter, terms: dict[str, dict[str, Term]],
                 memo: dict | None = None) -> dict:
    """The view model of one article in lists and on its page (without its body).

    ``terms`` maps each taxonomy to its terms by folded key. ``memo`` keeps the
    link of each term (``(taxonomy, key)`` -> ``{"name", "url", "slug"...}``)
    for the next articles of the same plan: one dict per term, not per article
    that names it. Views are read, never changed, so they can share them.
    """
    memo = {} if memo is None else memo

    def links(taxonomy: str, names: tuple[str, ...]) -> list[dict]:
        out = []
        for name in names:
            key = (taxonomy, term_key(name))
            link = memo.get(key)
            if link is None:
                term = terms[taxonomy].get(key[1])
                if not term:
                    continue
                link = memo[key] = {"name": term.name, "url": term_url(term), "slug": term.slug,
                                    **(avatar(term) if taxonomy == "authors" else {})}
            out.append(link)
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
        "source_url": article.url if article.url and re.match(r"https?://", article.url) else None,
        "image": article.image,
        "image_alt": article.image_alt or "",
        "url": article_url(article.slug),
        "date_iso": rfc3339(article.date),
        "date": fmt.date(article.date),
        # A date without a time of day (midnight exactly) shows no time.
        "time": fmt.time(article.date) if (article.date.hour, article.date.minute, article.date.second) != (0, 0, 0) else None,
        "hijri": fmt.hijri(article.date),
        "updated_iso": rfc3339(article.updated) if article.updated else None,
        "updated": fmt.date(article.updated) if article.updated else None,
        "authors": author_links,
        "tags": links("tags", article.tags),
        "summary": article.summary,
    }


def avatar(term: Term) -> dict:
    """What a byline shows beside an author's name: ``avatar``, the URL of the
    profile picture (site paths relative to the site root, see
    :data:`generator.markup.ROOT`) or ``None``, and ``initial``, the first letter
    of the name for a drawn badge when there is no picture."""
    picture = term.profile.avatar if term.profile is not None else None
    if picture and not is_url(picture):
        picture = ROOT + site_path_url(picture)
    initial = next((c for c in term.name if c.isalpha()), "")
    return {"avatar": picture or None, "initial": initial}


def json_ld(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` block: ``<``, ``>`` and
    ``&`` written as ``\\u`` escapes, so no text (a title holding
    ``</script>``) can end the block; still valid JSON (RFC 8259)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def news_article(article: Article, view: dict, site: Site, canonical: str) -> dict:
    """schema.org NewsArticle data of an article page (``view`` is its
    :func:`article_view`: RFC 3339 dates; every author a Person with the author
    page's absolute URL)."""
    base = site.settings.base_url
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "inLanguage": "ar",
        "datePublished": view["date_iso"],
        "dateModified": view["updated_iso"] or view["date_iso"],
        "mainEntityOfPage": canonical,
        "author": [{"@type": "Person", "name": a["name"], "url": base + a["url"]} for a in view["authors"]],
        "publisher": {"@type": "Organization", "name": site.settings.title, "url": base},
    }
    if site.settings.logo:
        data["publisher"]["logo"] = {"@type": "ImageObject", "url": absolute(site.settings.logo, base)}
    if article.image:
        data["image"] = [absolute(article.image, base)]
    if view["section"]:
        data["articleSection"] = view["section"]["name"]
    if article.tags:
        data["keywords"] = list(article.tags)
    return data


def absolute(path_or_url: str, base: str) -> str:
    """An absolute URL for an image given as an http(s) URL, a protocol-relative URL
    (``//cdn.example.com/a.jpg``, given the scheme of ``base``) or a site path (see
    :func:`generator.urls.site_path_url`)."""
    if re.match(r"https?://", path_or_url):
        return path_or_url
    if path_or_url.startswith("//"):
        return base.split("//", 1)[0] + path_or_url
    return base + site_path_url(path_or_url)


def byline_parts(byline: str | None, authors: list[dict]) -> list[dict] | None:
    """Split a byline as written (``كتب: ليلى الشامي ومالك السيد``) into pieces so
    the template can link every author named in it: ``[{"text", "url"}]`` with
    ``url`` ``None`` for the words between names; ``None`` without a byline."""
    if not byline:
        return None
    found = sorted((byline.find(a["name"]), a) for a in authors if a["name"] in byline)
    parts, position = [], 0
    for index, author in found:
        if index < position:
            continue
        parts.append({"text": byline[position:index], "url": None})
        parts.append({"text": author["name"], "url": author["url"]})
        position = index + len(author["name"])
    parts.append({"text": byline[position:], "url": None})
    return [p for p in parts if p["text"]]


#: Related articles are looked for among this many articles on each side of the
#: article in each of its tags (newest first), so that the cost per article
#: stays the same however large a tag grows.
RELATED_WINDOW = 30


class View(dict):
    """An article's view model; its ``repr`` is the hash of its content, computed
    once, so fingerprints of list pages that show it stay cheap. Not to be
    changed after it is first fingerprinted (copy it with ``dict(view)``)."""

    def __repr__(self) -> str:
        fp = self.__dict__.get("fp")
        if fp is None:
            import hashlib

            fp = self.__dict__["fp"] = "V" + hashlib.blake2b(dict.__repr__(self).encode(), digest_size=16).hexdigest()
        return fp


def related(article: Article, tags: dict[str, Term], order: dict[str, int], limit: int = RELATED,
            positions: dict | None = None) -> list[str]:
    """Slugs of the articles sharing the most tags with ``article`` (then the
    newest, by ``order``: slug -> position newest first), at most ``limit``;
    ``tags`` maps folded tag keys to terms. Articles sharing no tag are not
    related. Only the :data:`RELATED_WINDOW` articles before and after it in
    each tag are looked at (the nearest in time). ``positions`` is a memo
    shared between calls with the same ``tags`` and ``order``.

    Articles are handled by their positions, not their slugs: the windows of its
    tags are sorted lists of positions, those in two windows or more are found by
    set intersections, and the newest of the others by merging the windows until
    enough are found (a plan of 100,000 articles spent two thirds of its time
    counting slugs here)."""
    positions = {} if positions is None else positions
    me = order[article.slug]
    windows = []
    for key in {term_key(t) for t in article.tags}:
        term = tags.get(key)
        if term is None:
            continue
        memo = positions.get(key)
        if memo is None:  # the term's members as positions, and where each article is among them
            members = [order[slug] for slug in term.articles]
            memo = positions[key] = (members, {slug: i for i, slug in enumerate(term.articles)})
        members, index = memo
        if len(members) > 2 * RELATED_WINDOW + 1:
            at = index[article.slug]
            members = members[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]
        windows.append(sorted(members))
    if not windows:
        return []
    slugs = positions.get(_SLUGS)
    if slugs is None:
        slugs = positions[_SLUGS] = {at: slug for slug, at in order.items()}
    several: list[int] = []
    multi: set[int] = set()
    if len(windows) > 1:
        sets = [set(w) for w in windows]
        for i, one in enumerate(sets):
            for other in sets[i + 1:]:
                multi |= one & other
        multi.discard(me)
        # The most shared tags first, then the newest: few articles share two tags or more.
        several = sorted(multi, key=lambda at: (-sum(at in one for one in sets), at))
        if len(several) >= limit:
            return [slugs[at] for at in several[:limit]]
    found = [slugs[at] for at in several]
    for at in heapq.merge(*windows) if len(windows) > 1 else windows[0]:
        if at != me and at not in multi:
            found.append(slugs[at])
            if len(found) == limit:
                break
    return found


#: The key of :func:`related`'s memo under which the slugs are kept by position (not
#: a string, so no tag key can be the same).
_SLUGS = ("slugs",)
