"""The static search index: ``search/index.json``, searched in the browser by the
theme's ``search.js`` (no server).

Each article is indexed by the folded keys (:func:`generator.arabic.fold`) of
its title, tags, section, authors and summary, and by the same words without
an attached clitic (``الحرب`` -> ``حرب``, ``بغزة`` -> ``غزه``), so that a query
for ``غزه``, ``غزة`` or ``بغزة`` finds the same stories. The browser folds the
query with the same rules (``search.js``).
"""
from __future__ import annotations

import functools
import json

from .arabic import cut_at_word, fold, unshape
from .content import term_key
from .model import Site
from .tags import CLITICS, tokens
from .urls import article_url


def keys(text: str) -> set[str]:
    """Folded words of ``text`` and their forms without a leading clitic (3+ letters
    left); words in presentation forms are read as the letters they show."""
    text = unshape(text)
    out = set()
    for token in tokens(text):
        out.update(_token_keys(token))
    for word in text.split():  # Latin words and numbers too
        key = _latin_key(word)
        if key:
            out.add(key)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _token_keys(token: str) -> tuple[str, ...]:
    key = fold(token)
    return (key, *(key[len(c):] for c in CLITICS if key.startswith(c) and len(key) - len(c) >= 3))


@functools.lru_cache(maxsize=1 << 16)
def _latin_key(word: str) -> str:
    key = fold(word).strip(".,:;!?()[]«»\"'،؛؟")
    return key if key and not any("\u0600" <= c <= "\u06ff" for c in key) else ""


def article_keys(article) -> tuple[str, ...]:
    """The search keys of an article's own words (title, tags, authors, summary),
    sorted, each once (a tuple: a tenth of the memory of a set, for an archive
    of 100,000 articles kept in the cache)."""
    return tuple(sorted(keys(" ".join([article.title, *article.tags, *article.authors, article.summary]))))


def index_from_keys(site: Site, article_keys: dict[str, tuple], section_keys: dict[str, frozenset],
                    summary_chars: int = 160) -> bytes:
    """The index as compact UTF-8 JSON: ``{"docs": [[title, url, summary, date, "key key ..."], ...]}``
    (site-relative percent-encoded URLs, newest first; the summary cut at a word to at
    most ``summary_chars`` characters and "…"), from keys computed earlier
    and cached: ``article_keys`` maps article slugs to :func:`article_keys`,
    ``section_keys`` section term keys to the keys of the section's display name."""
    docs = []
    for article in site.articles:
        found = article_keys[article.slug]
        more = section_keys.get(term_key(article.section), ()) if article.section else ()
        if more:
            found = sorted(set(found).union(more))
        docs.append([article.title, article_url(article.slug), cut_at_word(article.summary, summary_chars),
                     article.date.date().isoformat(), " ".join(found)])
    return json.dumps({"docs": docs}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
