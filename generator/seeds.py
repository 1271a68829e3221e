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

from .arabic import ARABIC_LETTER_RE, SPACE_RE, fold, has_arabic, nfc

#: Cities that follow a reporter's name in a ``<name> - <city>`` byline. A line
#: whose first part is one of these is a dateline, not a byline.
CITIES = frozenset(fold(c) for c in (
    "القاهرة الإسكندرية الجيزة الرياض جدة مكة المدينة دبي أبوظبي الشارقة الدوحة "
    "الكويت المنامة مسقط عمان بيروت دمشق بغداد القدس غزة رام الله الخرطوم "
    "طرابلس تونس الجزائر الرباط الدار البيضاء نواكشوط صنعاء عدن لندن باريس "
    "واشنطن نيويورك موسكو برلين جنيف إسطنبول أنقرة طهران"
).split()) | {fold("رام الله"), fold("الدار البيضاء"), fold("أبو ظبي"), fold("المدينة المنورة"), fold("مكة المكرمة")}

_NAME = r"[^\W\d_][\w.'’ ]{1,60}?"
BYLINE_RES = (
    re.compile(rf"^(?:كتب|كتبت|بقلم|إعداد|تقرير|تحرير)\s*[:：\-–—]\s*(?P<name>{_NAME})\s*$"),
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
    """What a seed says: ``title`` and its line, ``author`` (``None`` when the seed
    names nobody), the author's ``bio`` paragraph (or ``None``), and the body
    ``paragraphs`` in order."""

    title: str
    title_line: int
    author: str | None
    bio: str | None
    paragraphs: tuple[Paragraph, ...]


class SeedError(ValueError):
    """A seed cannot be read; ``line`` is 1-based (0: the whole file)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode seed bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1256.

    Returns ``(text, warning)``, where ``warning`` says which encoding was
    guessed when it was not UTF-8. Line ends become ``\\n``; text is NFC.
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
            lenient = data.decode("utf-8", "replace")
            if len(ARABIC_LETTER_RE.findall(lenient)) > 4 * lenient.count("\ufffd"):
                line = data[: exc.start].count(b"\n") + 1
                raise SeedError(f"not valid UTF-8: byte 0x{data[exc.start]:02x} in a UTF-8 text; "
                                "fix or remove it and save the file as UTF-8", line) from exc
            try:
                text = data.decode("cp1256")
            except UnicodeDecodeError:
                line = data[: exc.start].count(b"\n") + 1
                raise SeedError("not UTF-8 nor Windows-1256 text; save it as UTF-8", line) from exc
            if not has_arabic(text):
                line = data[: exc.start].count(b"\n") + 1
                raise SeedError("not UTF-8 text; save it as UTF-8", line) from exc
            warning = "read as Windows-1256; save it as UTF-8 to silence this warning"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return nfc(text), warning


def clean_line(line: str) -> str:
    """Strip a line and fold its runs of white space (no-break spaces included) to one space."""
    return SPACE_RE.sub(" ", line).strip()


def parse_seed(text: str) -> ParsedSeed:
    """Parse decoded seed text (see :func:`decode`) into a :class:`ParsedSeed`.

    Raises :class:`SeedError` when the seed has no headline or no body.
    """
    # Blank and white-space-only lines (no-break spaces included) are separators;
    # the text of the other lines is kept exactly as written, stripped at both ends.
    lines = [(n, raw.strip()) for n, raw in enumerate(text.split("\n"), 1) if clean_line(raw)]
    if not lines:
        raise SeedError("the seed is empty; write the headline on the first line and the text below it")
    title_line, title = lines[0]
    rest = lines[1:]
    if rest and _same(rest[0][1], title):  # the repeated headline
        rest = rest[1:]
    author = None
    if rest:
        author = parse_byline(clean_line(rest[0][1]))
        if author:
            rest = rest[1:]
    bio = None
    if len(rest) > 1:
        bio_author = parse_bio(clean_line(rest[-1][1]))
        if bio_author:
            bio = rest[-1][1]
            author = author or bio_author
            rest = rest[:-1]
    if not rest:
        raise SeedError("the seed has a headline but no text; add the article's paragraphs below it", title_line)
    return ParsedSeed(title, title_line, author, bio, tuple(Paragraph(n, t) for n, t in rest))


def parse_byline(line: str) -> str | None:
    """Return the person named by a byline line, or ``None`` when ``line`` is not one.

    ``parse_byline("بقلم: مريم العطار") == "مريم العطار"``; ``"يوسف المصري - القاهرة"``
    gives ``"يوسف المصري"``; a dateline such as ``"القاهرة - أ ش أ"`` gives ``None``.
    """
    if len(line) > 80:
        return None
    for pattern in BYLINE_RES:
        match = pattern.match(line)
        if not match:
            continue
        name = match.group("name").strip()
        if "city" in match.groupdict():
            if fold(match.group("city")) not in CITIES or fold(name) in CITIES:
                continue
        if 1 <= len(name.split()) <= 5 and has_arabic(name) and not _names_outlet(name):
            return name
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
    if fold(name.split()[0]) in NOT_NAME_START or _names_outlet(name):
        return None
    return name


def _names_outlet(name: str) -> bool:
    return any(fold(w) in OUTLET_WORDS for w in name.split())


def _same(a: str, b: str) -> bool:
    return fold(a) == fold(b)
