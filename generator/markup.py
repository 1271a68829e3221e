"""Markdown in and out: escaping plain text so it renders back to itself, and rendering.

Rendering uses Python-Markdown. Escaping targets its syntax: backslash escapes
for the characters in ``Markdown.ESCAPED_CHARS`` where they could start
markup, and character references for ``<`` and ``&`` (raw HTML and entities).
"""
from __future__ import annotations

import re

import markdown

_INLINE_RE = re.compile(r"([\\`*_\[\]{}])")
#: Line starts that Markdown reads as a block: headings, quotes, lists, rules,
#: definitions, code fences and ordered-list numbers such as "2024." or "1)".
_BACKSLASHED_START = "#>-+"
_ENTITY_START = {"~": "&#126;", ":": "&#58;", "=": "&#61;"}
_ORDERED_RE = re.compile(r"^(\d+)([.)])")
EXTENSIONS = ("markdown.extensions.extra", "markdown.extensions.sane_lists")


def escape_paragraph(text: str) -> str:
    """Escape one paragraph of plain text (one line) so Markdown renders it back exactly.

    ``render(escape_paragraph(t))`` shows ``t`` as text: ``<script>`` and
    ``&amp;`` stay visible text, a line starting with ``2024.``, ``-``, ``#``,
    ``*`` or ``>`` stays a plain paragraph. Newlines are not expected (a seed
    paragraph is one line); runs of spaces are kept.
    """
    text = text.strip().replace("&", "&amp;").replace("<", "&lt;")
    text = _INLINE_RE.sub(r"\\\1", text)
    text = _ORDERED_RE.sub(r"\1\\\2", text)
    if text[:1] in _BACKSLASHED_START:
        text = "\\" + text
    elif text[:1] in _ENTITY_START:
        text = _ENTITY_START[text[0]] + text[1:]
    return text


def paragraphs_to_markdown(paragraphs: list[str]) -> str:
    """Join plain-text paragraphs into a Markdown body, one blank line between them."""
    return "\n\n".join(escape_paragraph(p) for p in paragraphs) + "\n"


class Renderer:
    """A reusable Python-Markdown converter (resetting it between documents)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")

    def render(self, text: str) -> str:
        """Render Markdown ``text`` to an HTML fragment (``str``)."""
        html = self._md.reset().convert(text)
        return html
