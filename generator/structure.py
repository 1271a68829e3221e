"""Structure inside the body of a seed: lists, question/answer runs, datelines,
and paragraph boundaries of single-line articles.

Pure functions over (line number, text) pairs. Nothing of the text is dropped:
list markers that only mark an item (``-``, ``•``, ``*``, the same on every line
of a run) become list items, numbered and ordinal markers (``1.``, ``١)``,
``أولا:``) stay in the text, and so do markers that differ from line to line
(``•`` before questions and ``●●`` before answers in an interview; ``*`` and
``**`` before footnotes), which tell the lines apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .arabic import fold

_BULLET_RE = re.compile(r"^(?P<marker>[-–•*▪●◦■◆]+)\s*(?P<text>\S.*)$")
_NUMBER_RE = re.compile(r"^(?P<number>[0-9]{1,3})[.)]\s+\S")
_OTHER_ORDERED_RE = re.compile(
    r"^(?:[٠-٩۰-۹]{1,3}\s*[.)\-–]|\(?[٠-٩۰-۹0-9]{1,3}\)|"
    r"(?:أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا)ً?\s*[:：\-–])\s*\S"
)
_QA_RE = re.compile(r"^(?:س|ج|سؤال|جواب)\s*[:：/]")
#: The end of a sentence followed by a run of two or more white-space characters:
#: where a single-line article joined its paragraphs ("... العاصمة. \xa0 رابط ...").
_JOINED_PARAGRAPHS_RE = re.compile(r"(?<=[.!?؟…»\"”)])[ \t\u00a0\u2007\u202f]{2,}(?=\S)")
#: A period after a one-letter word is an abbreviation (د. for doctor, م. for engineer), not a sentence end.
_ABBREVIATION_END_RE = re.compile(r"(?:^|\s)\w\.$")

#: A wire-service dateline line: "<place> 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس".
_SPA_RE = re.compile(r"^(?P<place>[^\d]+?)\s*\d{1,2}\s+\S+\s+\d{4}\s*هـ?\s*الموافق\s+.+?\d{4}\s*م?\s+(?P<outlet>\S+)$")
#: A dateline at the start of a paragraph: "(CNN)--", "دبي، الإمارات العربية المتحدة (CNN)—".
_PREFIX_RE = re.compile(r"^(?P<place>[^()\n]{0,60}?)\s*\((?P<outlet>[A-Za-z][\w .]{0,20}|[^\W\d_][^()]{0,20})\)\s*[-–—]+")


@dataclass(frozen=True)
class Block:
    """A piece of the body: ``kind`` is ``"p"`` (one paragraph), ``"ul"`` (items
    whose marker only marks them, marker removed), ``"ol"`` (items numbered
    ``start``, ``start + 1``... in the source; numbers removed from the items and
    shown by the list), ``"list"`` (items with a marker that stays
    in the text: ``١)``, ``أولا:``) or ``"qa"`` (question/answer lines kept as
    lines). ``line`` is the 1-based line of the first item in the file."""

    kind: str
    line: int
    items: tuple[str, ...]
    start: int = 1


def _family(text: str) -> str | None:
    if _QA_RE.match(text):
        return "qa"
    if _NUMBER_RE.match(text):
        return "ol"
    if _OTHER_ORDERED_RE.match(text):
        return "list"
    if _BULLET_RE.match(text) and not re.match(r"^-+\s*$", text):
        return "ul"
    return None


def blocks(lines: list[tuple[int, str]]) -> list[Block]:
    """Group body lines into blocks: a run of two or more lines of one list family
    (or of question/answer lines) is one block; any other line is a paragraph.
    A single-line body is split at joined paragraph boundaries (see
    :func:`split_joined`)."""
    if len(lines) == 1:
        number, text = lines[0]
        return [Block("p", number, (part,)) for part in split_joined(text)]
    out: list[Block] = []
    i = 0
    while i < len(lines):
        family = _family(lines[i][1])
        j = i + 1
        while family and j < len(lines) and _family(lines[j][1]) == family:
            j += 1
        if family and j - i >= 2:
            texts = [t for _, t in lines[i:j]]
            if family == "ul" and len({_BULLET_RE.match(t).group("marker") for t in texts}) > 1:
                family = "qa"  # markers that tell lines apart (questions and answers): kept, a line each
            items = tuple(_item(family, text) for text in texts)
            start = ol_start(texts[0]) if family == "ol" else 1
            if family == "ol" and not _consecutive(texts):
                family, items, start = "list", tuple(texts), 1
            out.append(Block(family, lines[i][0], items, start))
            i = j
        else:
            out.append(Block("p", lines[i][0], (lines[i][1],)))
            i += 1
    return out


def _item(family: str, text: str) -> str:
    if family == "ul":
        return _BULLET_RE.match(text).group("text")
    if family == "ol":
        return text[_NUMBER_RE.match(text).end() - 1:].strip()
    return text


def _consecutive(texts: list[str]) -> bool:
    numbers = [int(_NUMBER_RE.match(t).group("number")) for t in texts]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def ol_start(text: str) -> int:
    """The number an ordered-list line starts with."""
    return int(_NUMBER_RE.match(text).group("number"))


def split_joined(text: str) -> list[str]:
    """Split one line holding a whole article at real paragraph boundaries: a
    sentence end followed by two or more white-space characters. Never inside
    a sentence; a line without such a boundary stays whole."""
    parts: list[str] = []
    last = 0
    for match in _JOINED_PARAGRAPHS_RE.finditer(text):
        if _ABBREVIATION_END_RE.search(text[last:match.start()]):
            continue
        parts.append(text[last:match.start()])
        last = match.end()
    parts.append(text[last:])
    return [part.strip() for part in parts if part.strip()]


@dataclass(frozen=True)
class Dateline:
    """A dateline found in the text: ``place`` and ``outlet`` (either may be ``None``)."""

    place: str | None
    outlet: str | None


def find_dateline(text: str, cities: frozenset[str], is_outlet) -> Dateline | None:
    """Recognise a dateline: a whole line (``القاهرة - أ ش أ``, ``عين اليوم – جدة``,
    ``الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس``) or the start of a
    paragraph (``(CNN)--``, ``دبي، الإمارات العربية المتحدة (CNN)—``).
    ``is_outlet`` tells an outlet name from a person's name."""
    match = _SPA_RE.match(text)
    if match:
        return Dateline(match.group("place").strip(" ،,-–"), match.group("outlet"))
    match = _PREFIX_RE.match(text)
    if match:
        return Dateline(match.group("place").strip(" ،,-–") or None, match.group("outlet").strip())
    parts = [p.strip() for p in re.split(r"\s+[-–—]\s+", text)]
    if len(parts) == 2 and len(text) <= 60:
        first, second = parts
        if fold(first) in cities and is_outlet(second):
            return Dateline(first, second)
        if is_outlet(first) and fold(second) in cities:
            return Dateline(second, first)
    return None
