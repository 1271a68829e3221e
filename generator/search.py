"""The static search index: ``search/index.json``, searched in the browser by the
theme's ``search.js`` (no server).

Each article is indexed by the folded keys (:func:`generator.arabic.fold`) of
its title, tags, section, authors and summary, and by the same words without
an attached clitic (``الحرب`` -> ``حرب``, ``بغزة`` -> ``غزه``), so that a query
for ``غزه``, ``غزة`` or ``بغزة`` finds the same stories. The browser folds the
query with the same rules (``search.js``).
"""
from __future__ import annotations

import json

from .arabic import fold
from .content import term_key
from .model import Site
from .tags import CLITICS, tokens
from .urls import article_url


def keys(text: str) -> set[str]:
    """Folded words of ``text`` and their forms without a leading clitic (3+ letters left)."""
    out = set()
    for token in tokens(text):
        key = fold(token)
        out.add(key)
        for clitic in CLITICS:
            if key.startswith(clitic) and len(key) - len(clitic) >= 3:
                out.add(key[len(clitic):])
    for word in text.split():  # Latin words and numbers too
        key = fold(word).strip(".,:;!?()[]«»\"'،؛؟")
        if key and not any("\u0600" <= c <= "\u06ff" for c in key):
            out.add(key)
    return out


def search_index(site: Site, summary_chars: int = 160) -> bytes:
    """The index as compact UTF-8 JSON: ``{"docs": [[title, url, summary, date, "key key ..."], ...]}``
    (site-relative percent-encoded URLs, newest first)."""
    docs = []
    section_names = {t.key: t.name for t in site.taxonomies.get("sections", ())}
    for article in site.articles:
        section = section_names.get(term_key(article.section)) if article.section else ""
        text = " ".join([article.title, *article.tags, *article.authors, section or "", article.summary])
        docs.append([article.title, article_url(article.slug), article.summary[:summary_chars],
                     article.date.date().isoformat(), " ".join(sorted(keys(text)))])
    return json.dumps({"docs": docs}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
