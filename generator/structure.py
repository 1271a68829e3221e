"""Structure inside the body of a seed: lists, question/answer runs, datelines,
and paragraph boundaries of single-line articles.

Pure functions over (line number, text) pairs. Nothing of the text is dropped:
list markers that only mark an item (``-``, ``•``, ``*``, the same on every line
of a run) become list items, numbered and ordinal markers (``1.``, ``١)``,
``أولا:``) stay in the text, and so do markers that differ from line to line
(``•`` before questions and ``●●`` before answers in an interview; ``*`` and
``**`` before footnotes), which tell the lines apart. Numbered lines after an
ordinal point that ends with a colon are a list nested in that point.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from .arabic import fold

_BULLET_RE = re.compile(r"^(?P<marker>[-–•*▪●◦■◆]+)\s*(?P<text>\S.*)$")
_NUMBER_RE = re.compile(r"^(?P<number>[0-9]{1,3})[.)]\s+\S")
_ORDINAL = r"(?:أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا)ً?\s*[:：\-–]"
_OTHER_ORDERED_RE = re.compile(r"^(?:[٠-٩۰-۹]{1,3}\s*[.)\-–]|\(?[٠-٩۰-۹0-9]{1,3}\)|" + _ORDINAL + r")\s*\S")
#: The ordinal words that head the points of official texts (أولا:، ثانيا:...).
_ORDINAL_RE = re.compile("^" + _ORDINAL)
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
    lines). ``line`` is the 1-based line of the first item in the file.
    ``sublists`` is empty, or holds for each item the list nested in it
    (a ``"list"`` or ``"ol"`` block) or ``None``."""

    kind: str
    line: int
    items: tuple[str, ...]
    start: int = 1
    sublists: tuple[Block | None, ...] = ()


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
    """Group body lines (``(line number, text)`` pairs, in order) into blocks: a
    run of two or more lines of one list family (or of question/answer lines)
    is one block (see :func:`_runs`); any other line is a paragraph. A
    single-line body is split at joined paragraph boundaries (see
    :func:`split_joined`). Every line's text is in the blocks, in order."""
    if len(lines) == 1:
        number, text = lines[0]
        return [Block("p", number, (part,)) for part in split_joined(text)]
    out: list[Block] = []
    runs = _runs(lines)
    i = 0
    while i < len(runs):
        family, run = runs[i]
        block, after = _ordinal_points(runs, i) if family == "ordinal" else (None, i + 1)
        if block is not None:
            out.append(block)
        elif family is None or len(run) < 2:
            out.extend(Block("p", number, (text,)) for number, text in run)
        else:
            out.append(_block(family, run))
        i = after
    return out


def _ordinal_points(runs: list[tuple[str | None, list[tuple[int, str]]]], i: int) -> tuple[Block | None, int]:
    """The list of the run of ordinal points (``أولا:``, ``ثانيا:``...) at ``runs[i]``
    (see :func:`_runs`) and the index of the run after it; ``(None, i + 1)`` for a
    single point with nothing nested in it, which is a paragraph.

    Two or more numbered lines (``(1)``, ``١)``, ``1.``) right after a point that
    ends with a colon (``قرر مجلس الوزراء ما يلي:``) are its sub-points: a list
    nested in it, after which the next ordinal points go on with the same list.
    This is the outline of official texts (cabinet decisions, agreements) as the
    press quotes them: ordinal words for the points, numbers for the points of a
    point. After a point without a colon, numbered lines are another list (a
    list of sources, footnotes)."""
    items: list[str] = []
    sublists: list[Block | None] = []
    j = i
    while j < len(runs) and runs[j][0] == "ordinal":
        items += [text for _, text in runs[j][1]]
        sublists += [None] * len(runs[j][1])
        j += 1
        if j == len(runs) or runs[j][0] not in ("list", "ol") or len(runs[j][1]) < 2 \
                or not items[-1].rstrip().endswith((":", "：")):
            break
        sublists[-1] = _block(*runs[j])
        j += 1
    if not any(sublists):
        return (_block("ordinal", runs[i][1]) if len(items) > 1 else None), i + 1
    return Block("list", runs[i][1][0][0], tuple(items), 1, tuple(sublists)), j


def _runs(lines: list[tuple[int, str]]) -> list[tuple[str | None, list[tuple[int, str]]]]:
    """Split body lines into runs: lines in a row of one list family, and each
    other line alone (family ``None``). A bulleted run whose marker changes is
    cut where it changes when every part has two lines or more (a list of ``-``
    items, then a list of ``•`` items); otherwise the markers tell the lines
    apart (``•`` before an interview's questions and ``●●`` before its answers,
    ``*`` and ``**`` before an op-ed's notes) and the run is one ``"qa"`` run."""
    runs: list[tuple[str | None, list[tuple[int, str]]]] = []
    for number, text in lines:
        family = _family(text)
        if family == "list" and _ORDINAL_RE.match(text):
            family = "ordinal"  # a run of its own: numbered lines after it are another list, or nested in it
        if family and runs and runs[-1][0] == family:
            runs[-1][1].append((number, text))
        else:
            runs.append((family, [(number, text)]))
    out = []
    for family, run in runs:
        if family == "ul":
            parts = [list(part) for _, part in groupby(run, key=lambda line: _BULLET_RE.match(line[1]).group("marker"))]
            if len(parts) > 1 and all(len(part) >= 2 for part in parts):
                out.extend(("ul", part) for part in parts)
                continue
            if len(parts) > 1:
                family = "qa"
        out.append((family, run))
    return out


def _block(family: str, run: list[tuple[int, str]]) -> Block:
    """The block of a run of two or more lines of ``family``."""
    texts = [text for _, text in run]
    items = tuple(_item(family, text) for text in texts)
    start = ol_start(texts[0]) if family == "ol" else 1
    if family == "ol" and not _consecutive(texts):
        family, items, start = "list", tuple(texts), 1
    return Block("list" if family == "ordinal" else family, run[0][0], items, start)


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
