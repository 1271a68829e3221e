"""Feeds and files for machines: Atom (RFC 4287) and RSS 2.0 feeds, sitemaps
(sitemaps.org 0.9, split with an index past 50,000 URLs), the Google News
sitemap, robots.txt.

Built with ElementTree so every value is escaped (a feed's entries, made once
per build, are written as text with ElementTree's own escaping: the same bytes);
XML-invalid control characters (XML 1.0 §2.2) are removed from text first. Links are absolute
(base URL + percent-encoded path). Atom dates are RFC 3339, RSS dates RFC 822
with English names (see :func:`rfc822`).
"""
from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .dates import exact_offset, rfc3339
from .markup import ROOT
from .model import Article, Site
from .urls import article_url, encode_path

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_LIMIT = 50_000
NEWS_DAYS = 2
NEWS_LIMIT = 1_000
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(moment: dt.datetime) -> str:
    """``moment`` as an RSS 2.0 date: RFC 822 §5 with a four-digit year (RFC 2822
    §3.3), English day and month names and the numeric offset of its time zone,
    e.g. ``Tue, 05 Mar 2024 14:30:00 +0200``; ``-0000`` for a naive datetime
    (RFC 2822: no zone information). The same text as the standard library's
    ``email.utils.format_datetime``, whose import (``socket``, ``email``...) took
    8 ms at every start, except for an offset with seconds (local mean time),
    which RFC 822 cannot hold: the moment is then given in UTC (see
    :func:`generator.dates.exact_offset`)."""
    moment = exact_offset(moment)
    return (f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year:04d} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {moment.strftime('%z') or '-0000'}")


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


def xml_text(text: str) -> str:
    """Remove characters that XML 1.0 does not allow (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F...)."""
    return _XML_INVALID.sub("", text)


def _sub(parent, tag, text=None, **attrs):
    """A child element; ``__`` in names stands for the ``:`` of a namespace prefix."""
    element = ET.SubElement(parent, tag.replace("__", ":"), {k.replace("__", ":"): xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _escape_text(text: str) -> str:
    """Character data escaped as ElementTree escapes it (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it (also ``"``, CR, LF and tab)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _element(tag: str, text: str | None = None, **attrs: str) -> str:
    """One element without children, written as text: the same as ``ET.tostring``
    of what :func:`_sub` makes (invalid characters removed, values escaped,
    attributes in the order given, ``<tag />`` when it has no text), many times faster
    for the entries of a feed."""
    head = tag + "".join(f' {key}="{_escape_attribute(xml_text(value))}"' for key, value in attrs.items())
    text = xml_text(text) if text is not None else None
    return f"<{head}>{_escape_text(text)}</{tag}>" if text else f"<{head} />"


def _bytes(root: ET.Element) -> bytes:
    return _DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


@dataclass(frozen=True)
class FeedSpec:
    """One list's feeds: its ``title``, the site-relative ``page`` URL of the list
    (``""`` for the front page, ``tags/غزة/`` encoded), where its feeds go
    (``folder``: ``""`` or ``tags/<slug>/``, not encoded) and its articles, newest first."""

    title: str
    page: str
    folder: str
    articles: tuple[Article, ...]


def _splice(head: ET.Element, closing: str, entries: list[str]) -> bytes:
    """Serialise ``head`` with the serialised ``entries`` (strings, in order)
    inserted before its last ``closing`` tag: the same bytes as serialising the
    whole tree, but an article's entry, the same in every feed that lists it, is
    made once."""
    text = ET.tostring(head, encoding="unicode")
    at = text.rindex(closing)
    return _DECLARATION + (text[:at] + "".join(entries) + text[at:]).encode("utf-8") + b"\n"


def _serialised(site: Site, spec: FeedSpec, bodies, make, memo: dict | None) -> list[str]:
    """The serialised entries (``make``: :func:`_atom_entry` or :func:`_rss_item`) of
    ``spec``'s newest ``feed_items`` articles as strings to join, each entry taken
    from ``memo`` when an earlier feed of the build made it."""
    memo = {} if memo is None else memo
    out = []
    for article in spec.articles[: site.settings.feed_items]:
        key = (make, article.slug)
        if key not in memo:
            memo[key] = make(site, article, bodies, memo)
        out += memo[key]
    return out


def _content(site: Site, article: Article, bodies, memo: dict) -> str:
    """The escaped text of the full-content element of ``article``'s entries, the
    same in Atom's ``<content type="html">`` and RSS's ``<content:encoded>``: made
    once for both (an article's HTML with absolute links, XML-invalid characters
    removed, ``&``, ``<`` and ``>`` escaped), kept in ``memo``."""
    key = ("content", article.slug)
    text = memo.get(key)
    if text is None:
        text = memo[key] = _escape_text(xml_text(bodies[article.slug].replace(ROOT, site.settings.base_url)))
    return text


def atom_feed(site: Site, spec: FeedSpec, bodies: dict[str, str], updated: dt.datetime,
              memo: dict | None = None) -> bytes:
    """An Atom feed of ``spec``'s newest ``feed_items`` articles, with the full
    content or only the summary (setting ``feed_content``); ``xml:lang="ar"``.

    ``updated`` is the feed's ``<updated>`` when it has no article (otherwise the
    newest article's date), so the output does not depend on the clock.
    ``memo`` keeps the serialised entries of articles between feeds of one build.
    """
    s = site.settings
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "ar"})
    self_url = s.base_url + encode_path(spec.folder) + "feed.xml"
    _sub(feed, "title", spec.title)
    _sub(feed, "subtitle", s.description)
    _sub(feed, "id", s.base_url + spec.page)
    _sub(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    _sub(feed, "link", href=s.base_url + spec.page, rel="alternate", type="text/html")
    newest = max((a.updated or a.date for a in spec.articles[: s.feed_items]), default=updated)
    _sub(feed, "updated", rfc3339(newest))
    _sub(feed, "generator", "Jarida")
    return _splice(feed, "</feed>", _serialised(site, spec, bodies, _atom_entry, memo))


def _atom_entry(site: Site, article: Article, bodies, memo: dict) -> tuple[str, ...]:
    """The serialised ``<entry>`` of ``article`` as strings to join (made once per
    build, see :func:`_splice`); its full content is the string of :func:`_content`,
    shared with the RSS item."""
    s = site.settings
    url = s.base_url + article_url(article.slug)
    parts = ["<entry>", _element("title", article.title),
             _element("link", href=url, rel="alternate", type="text/html"), _element("id", url),
             _element("published", rfc3339(article.date)),
             _element("updated", rfc3339(article.updated or article.date))]
    parts += [f"<author>{_element('name', name)}</author>" for name in article.authors]
    parts += [_element("category", term=tag) for tag in article.tags]
    parts.append(_element("summary", article.summary))
    if s.feed_content == "full":
        text = _content(site, article, bodies, memo)
        if text:
            return "".join(parts) + '<content type="html">', text, "</content></entry>"
        parts.append('<content type="html" />')
    parts.append("</entry>")
    return ("".join(parts),)


def rss_feed(site: Site, spec: FeedSpec, bodies: dict[str, str], updated: dt.datetime,
             memo: dict | None = None) -> bytes:
    """An RSS 2.0 feed of the same entries as :func:`atom_feed` (RFC 822 dates,
    ``<language>ar</language>``, the full content in ``content:encoded``)."""
    s = site.settings
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS,
                             "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
                             "xmlns:dc": "http://purl.org/dc/elements/1.1/"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", spec.title)
    _sub(channel, "link", s.base_url + spec.page)
    _sub(channel, "description", s.description)
    _sub(channel, "language", "ar")
    _sub(channel, "atom__link", href=s.base_url + encode_path(spec.folder) + "rss.xml", rel="self",
         type="application/rss+xml")
    newest = max((a.updated or a.date for a in spec.articles[: s.feed_items]), default=updated)
    _sub(channel, "lastBuildDate", rfc822(newest))
    return _splice(rss, "</channel>", _serialised(site, spec, bodies, _rss_item, memo))


def _rss_item(site: Site, article: Article, bodies, memo: dict) -> tuple[str, ...]:
    """The serialised ``<item>`` of ``article`` as strings to join (made once per
    build, see :func:`_splice`), its full content shared with the Atom entry."""
    s = site.settings
    url = s.base_url + article_url(article.slug)
    parts = ["<item>", _element("title", article.title), _element("link", url),
             _element("guid", url, isPermaLink="true"),
             _element("pubDate", rfc822(article.date))]
    parts += [_element("dc:creator", name) for name in article.authors]
    parts += [_element("category", tag) for tag in article.tags]
    parts.append(_element("description", article.summary))
    if s.feed_content == "full":
        text = _content(site, article, bodies, memo)
        if text:
            return "".join(parts) + "<content:encoded>", text, "</content:encoded></item>"
        parts.append("<content:encoded />")
    parts.append("</item>")
    return ("".join(parts),)


def sitemaps(site: Site, paths: list[str]) -> dict[str, bytes]:
    """``sitemap.xml`` listing every HTML page in ``paths`` (404 left out), article
    pages with ``<lastmod>``; past :data:`SITEMAP_LIMIT` URLs the URLs go into
    ``sitemap-1.xml``, ``sitemap-2.xml``... and ``sitemap.xml`` is their index."""
    s = site.settings
    lastmod = {f"articles/{a.slug}/index.html": (a.updated or a.date) for a in site.articles}
    urls = [p for p in paths if p != "404.html"]
    chunks = [urls[i:i + SITEMAP_LIMIT] for i in range(0, max(len(urls), 1), SITEMAP_LIMIT)]

    base = html.escape(xml_text(s.base_url), quote=False)

    def urlset(chunk: list[str]) -> bytes:
        # Written as text (the values are percent-encoded URLs and dates): many
        # times faster than a tree for a list of 50,000 URLs; same bytes.
        parts = [f'<urlset xmlns="{SITEMAP_NS}">']
        for path in chunk:
            loc = base + html.escape(encode_path(path.removesuffix("index.html")), quote=False)
            if path in lastmod:
                parts.append(f"<url><loc>{loc}</loc><lastmod>{rfc3339(lastmod[path])}</lastmod></url>")
            else:
                parts.append(f"<url><loc>{loc}</loc></url>")
        parts.append("</urlset>")
        return _DECLARATION + "".join(parts).encode("utf-8") + b"\n"

    if len(chunks) == 1:
        return {"sitemap.xml": urlset(chunks[0])}
    out = {f"sitemap-{n}.xml": urlset(chunk) for n, chunk in enumerate(chunks, 1)}
    index = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for name in out:
        _sub(_sub(index, "sitemap"), "loc", s.base_url + name)
    out["sitemap.xml"] = _bytes(index)
    return out


def news_sitemap(site: Site, now: dt.datetime) -> bytes:
    """``news-sitemap.xml`` (Google News): articles published in the
    :data:`NEWS_DAYS` days before ``now``, at most :data:`NEWS_LIMIT`, with the
    publication name and ``ar``."""
    s = site.settings
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    since = now - dt.timedelta(days=NEWS_DAYS)
    recent = [a for a in site.articles if since <= a.date <= now][:NEWS_LIMIT]
    for article in recent:
        url = _sub(root, "url")
        _sub(url, "loc", s.base_url + article_url(article.slug))
        news = _sub(url, "news__news")
        publication = _sub(news, "news__publication")
        _sub(publication, "news__name", s.title)
        _sub(publication, "news__language", "ar")
        _sub(news, "news__publication_date", rfc3339(article.date))
        _sub(news, "news__title", article.title)
    return _bytes(root)


def robots_txt(site: Site) -> bytes:
    """``robots.txt`` allowing everything and naming the sitemaps (absolute URLs)."""
    base = site.settings.base_url
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\nSitemap: {base}news-sitemap.xml\n".encode("utf-8")
