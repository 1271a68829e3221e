"""Arabic text rules: display normalisation, identity keys, slugs and digits.

Display text is kept exactly as written (NFC only). Identity keys fold the
letter variants listed in the project's Arabic rules (as camel-tools'
normalisers do): alef variants to bare alef, alef maqsura to yeh, final teh
marbuta to heh, tatweel, harakat, bidi controls and zero-width characters
removed, Arabic-Indic digits to ASCII, presentation forms to the letters they show.
"""
from __future__ import annotations

import re
import unicodedata

#: Harakat, tanween, shadda, sukun and the other combining marks U+064B–U+065F,
#: plus the superscript alef U+0670 (Unicode block "Arabic").
HARAKAT_RE = re.compile("[\u064b-\u065f\u0670]")
TATWEEL = "\u0640"
#: Bidi controls (LRM, RLM, ALM, embeddings/overrides, isolates) and
#: zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM).
INVISIBLE_RE = re.compile("[\u200b-\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_ALEF_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹"
_DIGITS_TO_ASCII = str.maketrans(ARABIC_INDIC + EXTENDED_ARABIC_INDIC, "0123456789" * 2)
_DIGITS_TO_ARABIC = str.maketrans("0123456789", ARABIC_INDIC)
#: White space that separates words but that str.split() may not know about.
SPACE_RE = re.compile(r"[\s\u00a0\u2007\u202f]+")
ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")

#: The words that label a byline before an author's name (``بقلم: منى حسن``, ``كتبت - ليلى``),
#: as a regular expression alternation: the name alone names the author.
BYLINE_LABELS = "كتب|كتبت|بقلم|إعداد|تقرير|تحرير|حاوره|حاورته|حوار"

#: The slugs :func:`slugify` made, by ``(text, max_bytes)``. A build keeps them in its
#: cache (``generator.cache.State.slugs``, made again when python-slugify changes), so
#: that a rebuild finds the slugs of the site's terms here and does not import
#: python-slugify (about 10 ms). At most :data:`SLUGS_LIMIT` are kept.
SLUGS: dict[tuple, str] = {}
SLUGS_LIMIT = 1 << 16
#: Text that python-slugify gives back as it is: words of letters and digits (``\w``
#: but ``_``), joined by single hyphens. Checked with lower case, NFKC and no marks.
_SLUG_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
#: Arabic Presentation Forms-A and -B (U+FB50–U+FDFF, U+FE70–U+FEFE): the shaped
#: letters and ligatures of text copied out of PDFs and old software. Their
#: compatibility decomposition (NFKC, UAX #15) gives the letters they show.
PRESENTATION_FORMS_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")


def unshape(text: str) -> str:
    """``text`` with Arabic presentation forms replaced by the letters they show
    (their NFKC compatibility decomposition, UAX #15: ``ﻏﺰﺓ`` -> ``غزة``,
    ``ﻻ`` -> ``لا``); anything else is left as it is."""
    if PRESENTATION_FORMS_RE.search(text) is None:
        return text
    return PRESENTATION_FORMS_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode Normalization Form C (UAX #15); nothing else changes."""
    return unicodedata.normalize("NFC", text)


def ascii_digits(text: str) -> str:
    """``text`` with Arabic-Indic (``٠١٢``) and Extended Arabic-Indic (``۰۱۲``) digits
    as ASCII digits (Unicode Nd characters U+0660–U+0669, U+06F0–U+06F9)."""
    return text.translate(_DIGITS_TO_ASCII)


def remove_invisible(text: str) -> str:
    """Remove bidi controls and zero-width characters (for titles, slugs and tags)."""
    return INVISIBLE_RE.sub("", text)


def strip_marks(text: str) -> str:
    """Remove harakat, tatweel, bidi controls and zero-width characters from ``text``."""
    return INVISIBLE_RE.sub("", HARAKAT_RE.sub("", text.replace(TATWEEL, "")))


def fold(text: str) -> str:
    """Return the identity key of ``text`` (for tags, authors, duplicates, search).

    ``fold("غـزّة") == fold("غزه") == "غزه"``. Folds alef variants, ``ى -> ي``, final
    ``ة -> ه`` (at the end of every word), removes marks (see :func:`strip_marks`),
    maps Arabic-Indic digits to ASCII, lower-cases Latin letters and collapses white
    space; presentation forms (``ﻏﺰﺓ``, ligatures such as ``ﻻ``) become the letters
    they show (NFKC of those characters only), as python-slugify does for slugs.
    Source: the project's Arabic rules, after camel-tools' normalisers.
    """
    text = strip_marks(nfc(unshape(text))).translate(_ALEF_FOLD).translate(_DIGITS_TO_ASCII)
    text = re.sub("ة(?=\\W|$)", "ه", text)
    return SPACE_RE.sub(" ", text).strip().casefold()


def to_arabic_digits(text: str) -> str:
    """Replace ASCII digits in ``text`` with Arabic-Indic digits (U+0660–U+0669)."""
    return text.translate(_DIGITS_TO_ARABIC)


def utf8_len(text: str) -> int:
    """Length of ``text`` in bytes once encoded as UTF-8."""
    return len(text.encode("utf-8"))


def slugify(text: str, max_bytes: int = 120) -> str:
    """Make a URL slug of ``text`` that keeps Arabic letters (never transliterated).

    Harakat, tatweel and bidi controls are removed first (python-slugify would
    otherwise split words at every haraka), then python-slugify with
    ``allow_unicode=True`` lower-cases Latin letters and joins words with ``-``.
    The result is cut at a word boundary so that it is at most ``max_bytes`` bytes
    of UTF-8 (a path component may be at most 255 bytes). May return ``""`` when
    ``text`` holds no letter or digit; callers decide what to do then.
    """
    slug = SLUGS.get((text, max_bytes))
    if slug is None and _is_slug(text):  # a slug already (as the converter writes them)
        slug = cut_slug(text, max_bytes)
    if slug is None:
        from slugify import slugify as _slugify

        if len(SLUGS) >= SLUGS_LIMIT:
            SLUGS.clear()
        # NFKC first (python-slugify applies it too): presentation forms such as U+FE77
        # decompose into tatweel + haraka, which must then be removed.
        slug = _slugify(strip_marks(unicodedata.normalize("NFKC", text)), allow_unicode=True)
        slug = SLUGS[(text, max_bytes)] = cut_slug(slug, max_bytes)
    return slug


def _is_slug(text: str) -> bool:
    """Whether python-slugify (``allow_unicode=True``) gives ``text`` back unchanged:
    it holds nothing that NFKC, lower case, the removal of marks or the
    replacement of runs of characters other than letters and digits by one
    ``-`` would change. Lets a slug written in front matter be taken as it is
    without importing python-slugify."""
    return (_SLUG_RE.fullmatch(text) is not None and text == text.lower() and strip_marks(text) == text
            and unicodedata.is_normalized("NFKC", text))


def cut_slug(slug: str, max_bytes: int) -> str:
    """Cut a ``-``-joined slug at a word boundary to at most ``max_bytes`` UTF-8 bytes."""
    if utf8_len(slug) <= max_bytes:
        return slug
    out = ""
    for word in slug.split("-"):
        candidate = f"{out}-{word}" if out else word
        if utf8_len(candidate) > max_bytes:
            break
        out = candidate
    if not out:  # one word longer than the budget: cut inside it, at a character
        out = slug.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
    return out


def cut_at_word(text: str, max_chars: int, ellipsis: str = "…") -> str:
    """Cut ``text`` to at most ``max_chars`` characters at a word boundary, adding ``ellipsis``."""
    text = SPACE_RE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else text[:max_chars]
    return cut.rstrip(" ،,؛;:-–—([{«“‹") + ellipsis


def has_arabic(text: str) -> bool:
    """True when ``text`` holds at least one Arabic letter."""
    return bool(ARABIC_LETTER_RE.search(text))
