"""Reading plain-text seed articles: headline, byline, paragraphs and author bio.

Pure functions: bytes or text in, a :class:`ParsedSeed` out. The layouts read
are those of real Arabic news text (see the README, "Seed format"): the
headline on the first non-empty line, optionally repeated; an optional byline
line (``كتب: <name>``, ``بقلم: <name>``, ``كتبت - <name>``, ``<name> - <city>``);
paragraphs, one per line, separated by any number of blank lines; lines holding
only white space or no-break spaces are separators; an optional trailing bio
paragraph (``<name> يعمل كمحرر ... لدى ...``) that names the author.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .arabic import ARABIC_LETTER_RE, BYLINE_LABELS, SPACE_RE, fold, has_arabic, nfc, remove_invisible
from .metadata import CITIES, Credit, Metadata, is_outlet, looks_like_name, parse_credit
from .structure import Block, blocks, find_dateline

_NAME = r"[^\W\d_][\w.'’ ]{1,60}?"
BYLINE_RES = (
    re.compile(rf"^(?:{BYLINE_LABELS})\s*[:：\-–—]\s*(?P<name>{_NAME})\s*$"),
    re.compile(rf"^(?P<name>{_NAME})\s+[-–—]\s+(?P<city>[^\W\d_][\w ]{{1,30}})$"),
)
#: Words that start the role in an author bio: "<name> يعمل كمحرر ... لدى ...".
BIO_ROLES = (
    "يعمل", "تعمل", "محرر", "محررة", "صحفي", "صحفية", "صحافي", "صحافية", "مراسل", "مراسلة",
    "كاتب", "كاتبة", "مدير", "مديرة", "مدون", "مدونة", "محلل", "محللة",
)
#: Words that name an outlet or agency, never a person ("عين اليوم - لندن" is a dateline).
OUTLET_WORDS = frozenset(fold(w) for w in (
    "اليوم وكالة صحيفة جريدة موقع بوابة قناة إذاعة تلفزيون مجلة نيوز الأنباء رويترز واس "
    "أ ش أ فرانس برس أسوشيتد العربية الجزيرة سكاي بي سي سي إن إن مراسلنا مراسلو خاص"
).split())
#: Words that cannot start a person's name in a bio ("من جهته علق ..." is not a bio).
NOT_NAME_START = frozenset(fold(w) for w in "من في على إلى عن مع وقد وقال وأضاف كما ثم هذا هذه".split())
_BIO_RE = re.compile(
    r"^(?P<name>(?:[^\W\d_]+ ){1,3}?[^\W\d_]+) (?P<role>" + "|".join(BIO_ROLES) + r")\b"
)
_BIO_PLACE_RE = re.compile(r"\b(?:لدى|في|بـ?)\b")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a seed: its 1-based line number in the file and its text."""

    line: int
    text: str


@dataclass(frozen=True)
class ParsedSeed:
    """What a seed says: ``title`` and its line (0 when the title came from
    metadata), ``author`` (``None`` when the seed names nobody) and the
    ``coauthors`` its metadata names beside (``الرياض: فارس السبيعي وعبد الله
    الهلابي``), the author's ``bio`` paragraph, the ``byline`` line as written (left out of the body),
    the ``dateline`` place and ``source_outlet`` (kept in the body too), and
    the body as ``blocks``; ``paragraphs`` lists every body line in order."""

    title: str
    title_line: int
    author: str | None
    bio: str | None
    paragraphs: tuple[Paragraph, ...]
    blocks: tuple[Block, ...] = ()
    byline: str | None = None
    dateline: str | None = None
    source_outlet: str | None = None
    coauthors: tuple[str, ...] = ()


class SeedError(ValueError):
    """A seed cannot be read; ``line`` is 1-based (0: the whole file)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode seed bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1256.

    Returns ``(text, warning)``, where ``warning`` says which encoding was
    guessed when it was not UTF-8. Line ends become ``\\n``; control characters are removed (see
    :data:`_CONTROLS`); text is NFC.
    Raises :class:`SeedError` (with the line) for binary data (NUL bytes), for
    UTF-8 text with stray bytes (mostly valid UTF-8 Arabic: not Windows-1256)
    and for bytes that are text in none of these encodings.
    """
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SeedError("not a text file (it holds NUL bytes); remove it or save it as UTF-8 text")
    warning = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        warning = "read as UTF-16; save it as UTF-8 to silence this warning"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raw, start = exc.object, exc.start  # after a byte order mark
            line = _line_of(raw, start)
            lenient = data.decode("utf-8", "replace")
            # Windows-1256 Arabic read as UTF-8 makes almost no Arabic letter (at most one for
            # 140 bad bytes in the corpus): letters a twentieth as many as the bad bytes mean
            # UTF-8 text with a few stray bytes or a word pasted from another encoding.
            if 20 * len(ARABIC_LETTER_RE.findall(lenient)) > lenient.count("\ufffd"):
                raise SeedError(f"not valid UTF-8: byte 0x{raw[start]:02x} in a UTF-8 text (a word pasted from "
                                "a Windows-1256 text?); fix or remove it and save the whole file as UTF-8",
                                line) from exc
            utf8 = _UTF8_ARABIC_RE.search(raw)
            if utf8:  # Windows-1256 text holding a word in UTF-8: read as one, the other is garbled
                raise SeedError("a word in UTF-8 in a Windows-1256 text; save the whole file as UTF-8",
                                _line_of(raw, utf8.start())) from exc
            try:
                text = data.decode("cp1256")
            except UnicodeDecodeError:
                raise SeedError("not UTF-8 nor Windows-1256 text; save it as UTF-8", line) from exc
            if not _plausible_text(text):
                raise SeedError("not a text file (not UTF-8, and not Arabic text in Windows-1256); "
                                "remove it or save it as UTF-8", line) from exc
            warning = "read as Windows-1256; save it as UTF-8 to silence this warning"
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    return nfc(_CONTROLS.sub("", text)), warning


#: C0 and C1 control characters but tab and line feed (a vertical tab or form feed
#: becomes a line feed): no page or feed may hold them (HTML Living Standard,
#: "control"; XML 1.0 §2.2), and they are never text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: Three Arabic letters in a row as UTF-8 bytes: in none of the 2,187 corpus texts
#: encoded in Windows-1256, where such pairs are rare letters and punctuation.
_UTF8_ARABIC_RE = re.compile(rb"(?:[\xd8-\xdb][\x80-\xbf]){3,}")


def _line_of(data: bytes, offset: int) -> int:
    """The line (from 1) of byte ``offset`` of ``data``, whatever its line ends."""
    return data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def _plausible_text(text: str) -> bool:
    """True when bytes read as Windows-1256 look like Arabic text: no control
    characters but white space, and mostly Arabic among the letters."""
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        return False
    if len(text) > 60 and sum(c.isspace() for c in text) < len(text) / 25:
        return False  # Arabic text has a space every few letters
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if ARABIC_LETTER_RE.match(c))
    return bool(letters) and arabic >= 0.5 * len(letters)


def clean_line(line: str) -> str:
    """Strip a line and fold its runs of white space (no-break spaces included) to one space."""
    return SPACE_RE.sub(" ", line).strip()


def parse_seed(text: str, meta: Metadata | None = None) -> ParsedSeed:
    """Parse decoded seed text (see :func:`decode`) into a :class:`ParsedSeed`.

    ``meta`` (from a manifest, a sidecar file or header lines) wins over what
    is read from the text: with a ``title``, the text may have no headline
    line (a first line equal to it is still taken as the headline); header
    lines are left out; a bio counts only when it names the ``author`` given.
    Raises :class:`SeedError` when the seed has no headline or no body.
    """
    meta = meta or Metadata()
    # Blank and white-space-only lines (no-break spaces included) are separators;
    # the text of the other lines is kept exactly as written, stripped at both ends.
    lines = [(n, raw.strip()) for n, raw in enumerate(text.split("\n"), 1)
             if n > meta.header_lines and clean_line(remove_invisible(raw))]
    if not lines and not meta.title:
        raise SeedError("the seed is empty; write the headline on the first line and the text below it")
    rest = lines
    if meta.title:
        title, title_line = remove_invisible(meta.title).strip(), 0
        if rest and _same(rest[0][1], title):
            title_line, rest = rest[0][0], rest[1:]
    else:
        title_line, title = lines[0][0], remove_invisible(lines[0][1]).strip()
        rest = lines[1:]
    if rest and _same(rest[0][1], title):  # the repeated headline
        rest = rest[1:]
    credit = parse_credit(meta.author, CITIES) if meta.author else None
    author = credit.person if credit else None  # metadata > byline > bio > outlet byline
    outlet = credit.outlet if credit else None
    place = credit.place if credit else None
    coauthors = credit.coauthors if credit and author else ()
    byline = None
    if rest:
        found = parse_byline(clean_line(rest[0][1]))
        if found:
            byline, rest = rest[0][1], rest[1:]
            author = author or found.person
            outlet, place = outlet or found.outlet, place or found.place
    bio = None
    if len(rest) > 1:
        bio_author = parse_bio(clean_line(rest[-1][1]))
        if bio_author and (author is None or fold(author) == fold(bio_author)):
            bio, author, rest = rest[-1][1], bio_author, rest[:-1]
    if not rest:
        raise SeedError("the seed has a headline but no text; add the article's paragraphs below it", title_line)
    first = clean_line(rest[0][1])
    dateline = find_dateline(first, CITIES, is_outlet)
    if dateline:
        place, outlet = place or dateline.place, outlet or dateline.outlet
    else:
        credit = parse_outlet_byline(first)
        if credit:
            author, outlet, place = author or credit.person, outlet or credit.outlet, place or credit.place
    body = blocks(rest)
    paragraphs = tuple(Paragraph(n, t) for n, t in rest)
    clean = (lambda v: remove_invisible(v).strip() or None if v else None)
    coauthors = tuple(dict.fromkeys(filter(None, map(clean, coauthors))))
    return ParsedSeed(title, title_line, clean(author), bio, paragraphs, tuple(body), byline, clean(place), clean(outlet),
                      coauthors)


def parse_byline(line: str):
    """Return who a byline line credits (a :class:`~generator.metadata.Credit`
    with a ``person``), or ``None`` when ``line`` is not such a byline. These
    lines are left out of the body (the page shows the byline as written).

    ``"بقلم: مريم العطار"`` and ``"كتبت - ليلى النجار"`` credit the person;
    ``"يوسف المصري - القاهرة"`` the person and a place. A dateline such as
    ``"القاهرة - أ ش أ"`` or ``"عين اليوم – لندن"`` names no person: ``None``.
    Bylines that name an outlet are read by :func:`parse_outlet_byline`.
    """
    if len(line) > 80:
        return None
    for pattern in BYLINE_RES:
        match = pattern.match(line)
        if not match:
            continue
        name = re.sub(r"^(?:[A-Za-z]+\s+)+(?=[^\x00-\x7f])", "", match.group("name").strip())  # "Next Previous"
        if "city" in match.groupdict():
            if fold(match.group("city")) not in CITIES or fold(name) in CITIES:
                continue
            if 1 <= len(name.split()) <= 5 and has_arabic(name) and not _names_outlet(name):
                return Credit(person=name, place=match.group("city"))
            continue
        if 1 <= len(name.split()) <= 5 and has_arabic(name) and not _names_outlet(name):
            return Credit(person=name)
    return None


def parse_outlet_byline(line: str):
    """Read a byline that names an outlet and a person: ``"العربية.نت - رانيا لوقا"``,
    ``"داليا أبوالعيش – عين اليوم"``. Such a line stays in the body (it is part
    of the text as published); it gives the author when nothing else does,
    and the ``source_outlet``. Returns a Credit or ``None``."""
    if len(line) > 80 or not re.search(r"\s[-–—]\s", line) or re.search(r"[.!؟?،,]$", line):
        return None
    credit = parse_credit(line, CITIES)
    if credit.person and credit.outlet and looks_like_name(credit.person, least_words=2) \
            and len(credit.person.split()) <= 4 and not _names_outlet(credit.person):
        return credit
    return None


def parse_bio(paragraph: str) -> str | None:
    """Return the author named by a bio paragraph, or ``None`` when it is not a bio.

    A bio starts with a name of two to four words followed by a role word
    (``يعمل``, ``تعمل``, ``محررة``, ``صحفي``...) and says where (``لدى``, ``في``).
    """
    if len(paragraph) > 400:
        return None
    match = _BIO_RE.match(paragraph)
    if not match or not _BIO_PLACE_RE.search(paragraph[match.end():]):
        return None
    name = match.group("name")
    if fold(name.split()[0]) in NOT_NAME_START or _names_outlet(name) or not looks_like_name(name):
        return None
    return name


def _names_outlet(name: str) -> bool:
    return any(fold(w) in OUTLET_WORDS for w in name.split())


def _same(a: str, b: str) -> bool:
    return fold(a) == fold(b)
