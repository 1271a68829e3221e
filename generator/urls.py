"""URLs of the site: percent-encoded (RFC 3986) and relative to the site root.

Output paths keep the Arabic slugs as file names; every URL written into a
page, feed or sitemap is percent-encoded UTF-8.
"""
from __future__ import annotations

import functools
from urllib.parse import quote

from .model import Term


@functools.lru_cache(maxsize=1 << 17)
def encode(segment: str) -> str:
    """Percent-encode one URL path segment as UTF-8 (RFC 3986)."""
    return quote(segment, safe="-._~")


def encode_path(path: str) -> str:
    """Percent-encode every segment of a ``/``-separated site path (not memoised:
    most paths are encoded once or twice, and the segments are, see :func:`encode`)."""
    return "/".join(encode(part) for part in path.split("/"))


def is_url(path_or_url: str) -> bool:
    """Whether an image or link target is a URL (``https://...``, protocol-relative
    ``//cdn...``) rather than a path in the site."""
    return "://" in path_or_url or path_or_url.startswith("//")


def site_path_url(path: str) -> str:
    """The site-relative URL of a site path as an editor writes it (``images/a.jpg``,
    ``/images/صورة خبر.jpg``, ``./images/a.jpg?v=2``, or already percent-encoded):
    each segment percent-encoded once (RFC 3986), ``.`` segments and the leading
    ``/`` dropped, a query or fragment kept as written."""
    import posixpath
    from urllib.parse import unquote

    cut = min((i for i in (path.find("?"), path.find("#")) if i >= 0), default=len(path))
    rest = path[cut:]
    clean = posixpath.normpath(unquote(path[:cut]).lstrip("/")) if path[:cut].strip("/") else ""
    return encode_path("" if clean == "." else clean) + rest


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
