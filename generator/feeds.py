"""Feeds and files for machines: Atom feed (RFC 4287), sitemap (sitemaps.org 0.9), robots.txt.

Built with ElementTree so every value is escaped; XML-invalid control
characters (XML 1.0 §2.2) are removed from text first. Links are absolute
(base URL + percent-encoded path).
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from .model import Site
from .pages import article_url, encode_path

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Remove characters that XML 1.0 does not allow (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F...)."""
    return _XML_INVALID.sub("", text)


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_feed(site: Site, bodies: dict[str, str], updated: dt.datetime) -> bytes:
    """The site's Atom feed: the newest ``feed_items`` articles with full content.

    ``updated`` is the feed's ``<updated>`` when there is no article (otherwise
    the newest article's date), so the output does not depend on the clock.
    Dates are RFC 3339 with offset; ``xml:lang="ar"``.
    """
    s = site.settings
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "ar"})
    _sub(feed, "title", s.title)
    _sub(feed, "subtitle", s.description)
    _sub(feed, "id", s.base_url)
    _sub(feed, "link", href=s.base_url + "feed.xml", rel="self", type="application/atom+xml")
    _sub(feed, "link", href=s.base_url, rel="alternate", type="text/html")
    newest = site.articles[0].updated or site.articles[0].date if site.articles else updated
    _sub(feed, "updated", newest.isoformat())
    _sub(feed, "generator", "Jarida", uri="https://pypi.org/project/jarida/")
    for article in site.articles[: s.feed_items]:
        entry = _sub(feed, "entry")
        url = s.base_url + article_url(article.slug)
        _sub(entry, "title", article.title)
        _sub(entry, "link", href=url, rel="alternate", type="text/html")
        _sub(entry, "id", url)
        _sub(entry, "published", article.date.isoformat())
        _sub(entry, "updated", (article.updated or article.date).isoformat())
        for name in article.authors:
            _sub(_sub(entry, "author"), "name", name)
        for tag in article.tags:
            _sub(entry, "category", term=xml_text(tag))
        _sub(entry, "summary", article.summary)
        _sub(entry, "content", bodies[article.slug], type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode").encode("utf-8") + b"\n"


def sitemap(site: Site, paths: list[str]) -> bytes:
    """``sitemap.xml`` listing every page in ``paths`` (output paths of HTML pages,
    404 left out), article pages with ``<lastmod>``."""
    s = site.settings
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    lastmod = {f"articles/{a.slug}/index.html": (a.updated or a.date) for a in site.articles}
    for path in paths:
        if path == "404.html":
            continue
        url = _sub(root, "url")
        _sub(url, "loc", s.base_url + encode_path(path.removesuffix("index.html")))
        if path in lastmod:
            _sub(url, "lastmod", lastmod[path].isoformat())
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def robots_txt(site: Site) -> bytes:
    """``robots.txt`` allowing everything and naming the sitemap (absolute URL)."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.settings.base_url}sitemap.xml\n".encode("utf-8")
