"""The content model: immutable records passed between the steps of a build."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .settings import Settings


@dataclass(frozen=True)
class Article:
    """One article, as read from ``content/articles/<slug>.md``.

    ``path`` is the source file relative to the site root (POSIX separators);
    ``date`` is time-zone aware; ``authors`` and ``tags`` are display names in
    the order written; ``body`` is Markdown and ``body_line`` its first line in
    the file; ``summary`` is plain text; a ``draft`` is built only on request.
    ``section`` is a section key; ``byline`` the byline line as the source wrote
    it; ``dateline``, ``source_outlet`` and ``url`` say where the story came from;
    ``image`` is a lead image (a path in the site's ``static/`` folder or an
    http(s) URL) described by ``image_alt``. ``slug_line`` is the line of the
    ``slug:`` key the slug comes from (1 when it comes from the file name).
    """

    path: str
    slug: str
    title: str
    date: dt.datetime
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str
    body: str
    body_line: int = 1
    updated: dt.datetime | None = None
    draft: bool = False
    section: str | None = None
    byline: str | None = None
    dateline: str | None = None
    source_outlet: str | None = None
    url: str | None = None
    image: str | None = None
    image_alt: str | None = None
    slug_line: int = 1


def _moment(when: dt.datetime | None):
    return None if when is None else (when, when.utcoffset(), when.tzname())


def record_key(article: Article) -> tuple:
    """What tells two records apart as pages show them: the record itself and the UTC
    offset and zone name of its dates. Python's ``datetime`` equality compares the
    instant only (``2023-11-01T01:00+02:00 == 2023-10-31T23:00+00:00``), while a page
    shows the date in its own offset: another day, another archive month."""
    return (article, _moment(article.date), _moment(article.updated))


@dataclass(frozen=True)
class Profile:
    """An author's profile from ``content/authors/<slug>.md``: display ``name``,
    Markdown ``bio``, the file ``path``, an optional ``role`` (``محررة``),
    ``avatar`` (an image path or URL) and ``links`` (label, URL) pairs."""

    path: str
    slug: str
    name: str
    bio: str = ""
    role: str | None = None
    avatar: str | None = None
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Term:
    """One term of a taxonomy (a tag, an author): its folded identity ``key``,
    display ``name``, URL ``slug`` and the slugs of its articles, newest first.
    ``profile`` is the author's profile for terms of the ``authors`` taxonomy."""

    taxonomy: str
    key: str
    name: str
    slug: str
    articles: tuple[str, ...]
    profile: Profile | None = None


@dataclass(frozen=True)
class Site:
    """Everything a build renders: settings, articles newest first, and the
    terms of each taxonomy (``"sections"``, ``"tags"``, ``"authors"``) sorted by name."""

    settings: Settings
    articles: tuple[Article, ...]
    taxonomies: dict[str, tuple[Term, ...]] = field(default_factory=dict)

