"""Markdown in and out: escaping plain text so it renders back to itself, and rendering.

Rendering uses Python-Markdown. Escaping targets its syntax: backslash escapes
for the characters in ``Markdown.ESCAPED_CHARS`` where they could start
markup, and character references for ``<`` and ``&`` (raw HTML and entities).
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString

_INLINE_RE = re.compile(r"([\\`*_\[\]{}|])")
#: Line starts that Markdown reads as a block: headings, quotes, lists, rules,
#: definitions, code fences and ordered-list numbers such as "2024." or "1)".
_BACKSLASHED_START = "#>-+"
_ENTITY_START = {"~": "&#126;", ":": "&#58;", "=": "&#61;"}
_ORDERED_RE = re.compile(r"^(\d+)([.)])")
#: Python-Markdown's "extra" (its parts, in its order) and "sane_lists", less
#: ``fenced_code``, which :class:`Renderer` adds for the first document that holds
#: a fence (see :data:`FENCES`): importing it imports Pygments through
#: ``codehilite`` (about 25 ms at every start). They are given as classes, not by
#: name: looking a name up reads the entry points of every installed package
#: (about 30 ms at every start).
EXTENSIONS = (FootnoteExtension, AttrListExtension, DefListExtension, TableExtension,
              AbbrExtension, MarkdownInHtmlExtension, SaneListExtension)
#: What a document must hold for ``fenced_code`` to act on it: a fenced code block
#: opens with three or more backticks or tildes at the start of a line.
FENCES = ("```", "~~~")


#: A web address in running text; trailing punctuation is not part of it.
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"«»“”\\`]+[^\s<>\"«»“”\\`.,،؛:;!?؟)\]}'’]")


def escape_text(text: str) -> str:
    """Escape one line of plain text for Markdown, turning web addresses into links
    (``<https://...>`` autolinks; ``www.`` addresses link to ``http://``)."""
    text = text.strip()
    out, last = [], 0
    for match in URL_RE.finditer(text):
        before = _escape_segment(text[last:match.start()], at_start=last == 0)
        if before.endswith("!"):  # "![" would make an image of the link
            before = before[:-1] + "\\!"
        out.append(before)
        url = match.group(0)
        href = url if url.startswith("http") else "http://" + url
        out.append(f"[{_escape_inline(url)}](<{href}>)")
        last = match.end()
    out.append(_escape_segment(text[last:], at_start=last == 0))
    return "".join(out)


def _escape_inline(text: str) -> str:
    return _INLINE_RE.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;")).replace("(", "\\(").replace(")", "\\)")


def escape_paragraph(text: str) -> str:
    """Escape one paragraph of plain text (one line) so Markdown renders it back exactly.

    ``render(escape_paragraph(t))`` shows ``t`` as text: ``<script>`` and
    ``&amp;`` stay visible text, a line starting with ``2024.``, ``-``, ``#``,
    ``*`` or ``>`` stays a plain paragraph. Newlines are not expected (a seed
    paragraph is one line); runs of spaces are kept.
    """
    return _escape_segment(text.strip(), True)


def _escape_segment(text: str, at_start: bool) -> str:
    """Escape a piece of a line; only the piece at the start of the line can start a block."""
    if not at_start:
        return _escape_inline(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _INLINE_RE.sub(r"\\\1", text)
    text = _ORDERED_RE.sub(r"\1\\\2", text)
    if text and text[0] in _BACKSLASHED_START:
        text = "\\" + text
    elif text and text[0] in _ENTITY_START:
        text = _ENTITY_START[text[0]] + text[1:]
    return text


def paragraphs_to_markdown(paragraphs: list[str]) -> str:
    """Join plain-text paragraphs into a Markdown body, one blank line between them."""
    return "\n\n".join(escape_text(p) for p in paragraphs) + "\n"


#: Between two lists of the same kind that follow each other: Markdown would make them
#: one list (CommonMark's way of keeping them apart; :class:`_CommentBlock` drops it).
LIST_BREAK = "<!-- -->"


def blocks_to_markdown(blocks) -> str:
    """Markdown for body blocks (see :class:`generator.structure.Block`): paragraphs,
    bulleted lists (``- item``), numbered lists with their own numbers, lists
    whose markers stay text, lists nested in an item (``Block.sublists``), and
    question/answer lines joined by hard line breaks.
    Two lists in a row that Markdown would join (both bulleted, or both numbered)
    are kept apart by :data:`LIST_BREAK`."""
    parts = []
    marker = None  # the list marker of the block before: "-", "." or None
    for block in blocks:
        now = {"ul": "-", "list": "-", "ol": "."}.get(block.kind)
        if now is not None and now == marker:
            parts.append(LIST_BREAK)
        marker = now
        if block.kind == "p":
            parts.append(escape_text(block.items[0]))
        elif block.kind in ("ul", "ol", "list"):
            parts.append("\n".join(_list_lines(block)))
        else:  # "qa": one paragraph, a line each (two trailing spaces make a line break)
            parts.append("  \n".join(escape_text(item) for item in block.items))
    return "\n\n".join(parts) + "\n"


def _list_lines(block, indent: str = "") -> list[str]:
    """The Markdown lines of a list block: ``- item``, or ``3. item`` in a numbered
    list (sane_lists keeps the first number: ``<ol start="3">``), each followed by
    the list nested in it, indented by four spaces (Python-Markdown's rule)."""
    lines = []
    for i, item in enumerate(block.items):
        marker = f"{block.start + i}. " if block.kind == "ol" else "- "
        lines.append(indent + marker + escape_text(item))
        if block.sublists and block.sublists[i] is not None:
            lines += _list_lines(block.sublists[i], indent + "    ")
    return lines


#: URL schemes a link or image may use; anything else (``javascript:``, ``data:``,
#: ``vbscript:``) is removed from the ``href``/``src``. Relative URLs are fine.
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*)\s*:")


def safe_url(url: str) -> bool:
    """True for relative URLs and those with a scheme in :data:`SAFE_SCHEMES`
    (control and white-space characters, which browsers ignore, are ignored here too)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url))
    match = _SCHEME_RE.match(cleaned)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


#: Stands for the site root in rendered HTML; pages replace it with their relative
#: root (``../../``), feeds with the base URL.
ROOT = "\x1fjarida-root\x1f/"


class _SafeLinks(Treeprocessor):
    """Drop unsafe URLs (see :func:`safe_url`) from links and images; mark site
    paths (``images/a.jpg``, ``/images/a.jpg``) as relative to the site root (:data:`ROOT`)."""

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None:
                    continue
                if not safe_url(value):
                    del element.attrib[attribute]
                elif not _SCHEME_RE.match(value) and not value.startswith(("#", "//", "../", "./", "?")):
                    element.set(attribute, ROOT + value.lstrip("/"))
        return root


#: A phone number written with spaces or hyphens between its groups
#: (``+20 2 2345 6789``, ``010-1234-5678``): it starts with ``+`` or ``0``.
PHONE_RE = re.compile(r"(?<![\w+])(?:\+|0)\d{1,4}(?:[ \-]\d{1,5}){1,5}(?![\w])")
_NO_ISOLATE = {"a", "code", "pre", "span", "script", "style"}
#: A phone number :data:`PHONE_RE` can find in a text of the tree is there in the
#: Markdown source too, as a match of this looser pattern (backslash escapes are
#: placeholders until after :class:`_Isolate` has run).
_PHONE_HINT_RE = re.compile(r"[+0]\d{0,4}[ \-]\d")


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds phone numbers (8 to 15 digits in groups)."""
    if "0" not in text and "+" not in text:  # every match starts with one of them
        return []
    return [m.span() for m in PHONE_RE.finditer(text) if 8 <= sum(c.isdigit() for c in m.group(0)) <= 15]


class _Isolate(Treeprocessor):
    """Keep left-to-right pieces of Arabic sentences in their order: links whose
    text is a web address get ``dir="ltr"``, and phone numbers written in groups
    are wrapped in ``<span dir="ltr">`` (the bidi algorithm would otherwise show
    ``+20 2 2345 6789`` as ``6789 2345 2 20+`` in right-to-left text). The text
    itself is unchanged.

    ``source`` (a one-item list) holds the Markdown source of the document being
    converted: phone numbers are looked for only when it holds something
    :data:`_PHONE_HINT_RE` finds, links only when it holds ``[`` or ``<``."""

    def __init__(self, md=None, source: list | None = None):
        super().__init__(md)
        self.source = source

    def run(self, root):
        if self.source is not None and _PHONE_HINT_RE.search(self.source[0]) is None:
            if "[" in self.source[0] or "<" in self.source[0]:
                for element in root.iter("a"):
                    if element.text and URL_RE.fullmatch(element.text.strip()) and len(element) == 0:
                        element.set("dir", "ltr")
            return root
        for element in list(root.iter()):
            if element.tag == "a" and element.text and URL_RE.fullmatch(element.text.strip()) and len(element) == 0:
                element.set("dir", "ltr")
            if element.tag in _NO_ISOLATE:
                continue
            element.text = self._split(element, element.text, 0)
            for child in list(element):
                child.tail = self._split(element, child.tail, list(element).index(child) + 1)
        return root

    @staticmethod
    def _split(parent, text: str | None, position: int) -> str | None:
        """Move the phone numbers of ``text`` (the text at ``position`` among
        ``parent``'s children) into spans; return what stays as text."""
        if not text:
            return text
        spans = _phone_spans(text)
        if not spans:
            return text
        head = text[:spans[0][0]]
        for number, (start, end) in enumerate(spans):
            span = etree.Element("span", {"dir": "ltr"})
            span.text = text[start:end]
            following = spans[number + 1][0] if number + 1 < len(spans) else len(text)
            span.tail = text[end:following]
            parent.insert(position + number, span)
        return head


#: What a text must hold for each of Python-Markdown's inline patterns (by the
#: name it is registered under) to match anywhere in it: any one of these
#: strings. Patterns not named here are always tried.
_PATTERN_NEEDS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("[",),
    "image_reference": ("[",),
    "short_reference": ("[",),
    "short_image_ref": ("[",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "linebreak": ("  \n",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "not_strong": ("*", "_"),
}
_NEEDED_RE = re.compile("|".join(re.escape(n) for n in sorted({n for ns in _PATTERN_NEEDS.values() for n in ns},
                                                             key=len, reverse=True)))


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline processor, which tries every inline pattern on
    every text; this one skips a pattern over a text that holds nothing it needs
    (see :data:`_PATTERN_NEEDS`): most paragraphs of news text hold no ``[``,
    ``*``, ``_``, ``<``, ``&``, backslash or backtick. The same tree comes out."""

    _for: tuple = ()
    _needs: list = []
    _patterns: list = []

    def run(self, tree, ancestors=None):
        patterns = list(self.inlinePatterns)
        key = tuple(map(id, patterns))
        if key != self._for:  # the patterns in their order, and what each one needs
            self._for, self._patterns, self._needs = key, patterns, [None] * len(patterns)
            for name, needs in _PATTERN_NEEDS.items():
                if name in self.inlinePatterns:
                    self._needs[self.inlinePatterns.get_index_for_name(name)] = frozenset(needs)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # InlineProcessor's own loop (a pattern that does not match moves on to the next
        # one, whose search starts at 0), with the patterns that cannot match skipped. A
        # match only takes text away (a placeholder holds none of the needed strings), so
        # what the text holds at the start is enough to know.
        if isinstance(data, AtomicString):
            return data
        found = set(_NEEDED_RE.findall(data))
        needs_of, patterns, apply = self._needs, self._patterns, self._InlineProcessor__applyPattern
        start, count = 0, len(patterns)
        while patternIndex < count:
            needs = needs_of[patternIndex]
            if needs is not None and needs.isdisjoint(found):
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


#: Whether this Python-Markdown has the private methods :class:`_QuickInline`
#: relies on (``InlineProcessor.__handleInline`` and ``__applyPattern``).
_QUICK_INLINE_FITS = all(hasattr(InlineProcessor, "_InlineProcessor__" + name)
                         for name in ("handleInline", "applyPattern"))


#: What a block must hold for each of these block processors of Python-Markdown
#: (by the name it is registered under) to take it: any one of these strings.
#: Their tests (or, for definitions of references, footnotes and abbreviations,
#: their runs, which give the block back when it holds none) search the whole block
#: with a regular expression; most blocks of news text are plain paragraphs that
#: hold none of them.
_BLOCK_NEEDS = {
    "hashheader": ("#",),
    "setextheader": ("\n=", "\n-"),
    "hr": ("-", "_", "*"),
    "quote": (">",),
    "deflist": (":",),
    "table": ("|",),
    "footnote": ("[^",),
    "abbr": ("*[",),
    "reference": ("]:",),
}



#: What the Markdown source of a document must hold for each of these tree
#: processors (by the name it is registered under) to change its tree: any one
#: of these strings. ``attr_list`` looks for ``{...}`` in every element, ``unescape``
#: for the placeholders of backslash escapes; the links processors for links and
#: images (raw HTML included), which start with ``[`` or ``<``.
_TREE_NEEDS = {
    "attr_list": ("{",),
    "unescape": ("\\",),
    "jarida_safe_links": ("[", "<"),
}


class _QuickNormalize(Preprocessor):
    """Python-Markdown's ``NormalizeWhitespace`` (placeholder characters removed, one
    kind of line end, tabs expanded, lines of spaces emptied), each step done only
    when the text holds what it changes: its search for lines of spaces, a regular
    expression with a look-behind tried at every character, took a tenth of the
    time of rendering a news article that has none. The same lines come out."""

    def run(self, lines: list[str]) -> list[str]:
        # Python-Markdown expands tabs after adding the two line ends: the same text.
        source = _normal_text("\n".join(lines), self.md.tab_length) + "\n\n"
        if "\n " in source:  # every match starts there
            source = _SPACE_LINE_RE.sub("\n", source)
        return source.split("\n")


#: Python-Markdown's lines of spaces (``NormalizeWhitespace``).
_SPACE_LINE_RE = re.compile(r"(?<=\n) +\n")


def _normal_text(text: str, tab_length: int) -> str:
    """``text`` without the characters Python-Markdown uses for placeholders (U+0002,
    U+0003), with one kind of line end and tabs expanded to ``tab_length`` columns:
    the first steps of its ``NormalizeWhitespace``, each done only when needed."""
    if "\x02" in text or "\x03" in text:
        text = text.replace("\x02", "").replace("\x03", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = text.expandtabs(tab_length)
    return text


def _quick_run(processor, needed, source: list) -> None:
    """Make ``processor.run`` leave the tree as it is when ``needed(source[0])`` is
    false (``source[0]``: the Markdown source of the document being converted)."""
    run = processor.run

    def quick(root):
        return run(root) if needed(source[0]) else None

    processor.run = quick


def _quick_test(processor, needs: tuple[str, ...]) -> None:
    """Make ``processor.test`` answer False at once for a block that holds none of ``needs``."""
    test = processor.test

    def quick(parent, block: str) -> bool:
        for need in needs:
            if need in block:
                return test(parent, block)
        return False

    processor.test = quick


class _CommentBlock(BlockProcessor):
    """A block that is one HTML comment alone (``<!-- -->``, as :data:`LIST_BREAK`
    keeps two lists apart) gives no HTML, where raw HTML is otherwise shown as
    text: a comment is not shown on a page either way, and it ends the block
    before it (CommonMark §5.3 uses it to separate two lists)."""

    _RE = re.compile(r"<!--(?:(?!-->).)*-->", re.DOTALL)

    def test(self, parent, block) -> bool:
        start = block.find("<!--", 0, 7)  # up to three spaces before it, as before any block (four make code)
        return start != -1 and block[:start] == " " * start \
            and self._RE.fullmatch(block[start:].rstrip()) is not None

    def run(self, parent, blocks) -> None:
        blocks.pop(0)
        # an element that is written as nothing (no tag, no text), so that a list after it starts anew
        etree.SubElement(parent, None)


class Renderer:
    """A reusable Python-Markdown converter (resetting it between documents).

    ``allow_html`` (the site setting): raw HTML in Markdown passes through;
    otherwise it is shown as text (Python-Markdown's raw HTML handling is
    removed). Unsafe URL schemes are always removed from links and images.
    ``fast`` (default True) skips the inline patterns, block tests, tree
    processors and whitespace steps that cannot match or change anything (:class:`_QuickInline`,
    :func:`_quick_test`, :func:`_quick_run`, :class:`_QuickNormalize`); False keeps Python-Markdown's own loops. Both give the same HTML (tested on the
    corpus). The inline skip overrides a private method of Python-Markdown's
    ``InlineProcessor`` and is left out where that method is missing.
    """

    def __init__(self, allow_html: bool = False, *, fast: bool = True) -> None:
        self._md = markdown.Markdown(extensions=[ext() for ext in EXTENSIONS], output_format="html")
        if not allow_html:
            self._md.preprocessors.deregister("html_block")
            self._md.inlinePatterns.deregister("html")
            self._md.parser.blockprocessors.register(_CommentBlock(self._md.parser), "jarida_comment", 95)
        if fast and _QUICK_INLINE_FITS:  # in place of Python-Markdown's own
            self._md.treeprocessors.register(_QuickInline(self._md), "inline", 20)
        if fast and type(self._md.preprocessors["normalize_whitespace"]) is NormalizeWhitespace:
            self._md.preprocessors.register(_QuickNormalize(self._md), "normalize_whitespace", 30)
        for name, needs in _BLOCK_NEEDS.items():
            if fast and name in self._md.parser.blockprocessors:
                _quick_test(self._md.parser.blockprocessors[name], needs)
        self._md.treeprocessors.register(_SafeLinks(self._md), "jarida_safe_links", 0)
        self._source = [""]
        self._fenced = False
        self._md.treeprocessors.register(_Isolate(self._md, self._source if fast else None), "jarida_isolate", 1)
        if fast:
            for name, needs in _TREE_NEEDS.items():
                if name in self._md.treeprocessors:
                    _quick_run(self._md.treeprocessors[name], lambda text, needs=needs: any(n in text for n in needs),
                               self._source)

    def render(self, text: str) -> str:
        """Render Markdown ``text`` to an HTML fragment (``str``)."""
        text = self._normalized(text)
        if not self._fenced and any(fence in text for fence in FENCES):
            self._add_fenced_code()
        self._source[0] = text
        html = self._md.reset().convert(text)
        return html

    def _normalized(self, text: str) -> str:
        """``text`` as Python-Markdown's first preprocessor leaves it for the others:
        without the characters it uses for placeholders (U+0002, U+0003), with one
        kind of line end and tabs expanded. What :data:`FENCES` and the source checks
        of :class:`_Isolate` and :func:`_quick_run` look for is looked for in this
        text (``"``\x02`"`` is a fence once U+0002 is gone); Python-Markdown does the
        same again, which changes nothing."""
        return _normal_text(text, self._md.tab_length)

    def _add_fenced_code(self) -> None:
        """Register Python-Markdown's ``fenced_code`` extension (kept for every later
        document). Its preprocessor goes by its priority (25, before ``html_block``),
        so the HTML is the same as with the extension given at the start."""
        from markdown.extensions.fenced_code import FencedCodeExtension

        self._md.registerExtensions([FencedCodeExtension()], {})
        self._fenced = True
