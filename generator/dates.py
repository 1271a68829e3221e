"""Dates, numbers and reading time as readers of the site see them.

- Gregorian dates with the month names of the site's CLDR locale (Babel):
  ``نوفمبر`` in Egypt, ``تشرين الثاني`` in Lebanon, ``نونبر`` in Morocco.
- Optional Hijri date (Umm al-Qura calendar, hijridate, 1343–1500 AH) with a
  ±1 day offset, since moon-sighting countries differ.
- Optional Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩) for dates, counts and page numbers.
- Reading time at about 180 words a minute (Arabic silent reading), with the
  plural form of the locale (CLDR plural rules: one, two, few, many, other).
"""
from __future__ import annotations

import datetime as dt
import math
import re

from .arabic import to_arabic_digits

WORDS_PER_MINUTE = 180
_TAG_RE = re.compile(r"<[^>]+>")

#: The texts Babel made (CLDR month names and times, plural categories), by what
#: each was made from: ``("date", ordinal, pattern, locale)``, ``("time", hour,
#: minute, locale)``, ``("plural", count, locale)``. A build keeps them in its cache
#: (``generator.cache.State.texts``, made again when Babel changes), so that a
#: rebuild of a few pages finds its dates here and imports neither Babel nor its
#: CLDR data (about 25 ms). At most :data:`TEXTS_LIMIT` are kept.
TEXTS: dict[tuple, str] = {}
TEXTS_LIMIT = 1 << 16


def _babel_text(key: tuple, make) -> str:
    """The text under ``key`` in :data:`TEXTS`, made by ``make()`` (which imports
    Babel) and kept there when missing."""
    text = TEXTS.get(key)
    if text is None:
        if len(TEXTS) >= TEXTS_LIMIT:
            TEXTS.clear()
        text = TEXTS[key] = make()
    return text


def _format_date(day: dt.date, pattern: str, locale: str) -> str:
    def make():
        from babel.dates import format_date

        return format_date(day, pattern, locale=locale)

    return _babel_text(("date", day.toordinal(), pattern, locale), make)


def _format_time(hour: int, minute: int, locale: str) -> str:
    def make():
        from babel.dates import format_time

        return format_time(dt.time(hour, minute), "HH:mm", locale=locale)

    return _babel_text(("time", hour, minute, locale), make)


def _plural_category(locale: str, count: int) -> str:
    """The CLDR plural category (``one``, ``two``, ``few``, ``many``, ``other``) of ``count``."""
    def make():
        from babel import Locale

        return Locale.parse(locale).plural_form(count)

    return _babel_text(("plural", count, locale), make)


class Formatter:
    """Formats dates and numbers for one site.

    ``locale``: a CLDR locale (``ar_EG``); ``arabic_digits``: use ٠-٩;
    ``hijri``: add the Hijri date; ``hijri_offset``: days added to it (-1, 0, 1).
    """

    def __init__(self, locale: str, arabic_digits: bool = False, hijri: bool = False, hijri_offset: int = 0):
        self.locale = locale
        self.arabic_digits = arabic_digits
        self.hijri_enabled = hijri
        self.hijri_offset = hijri_offset

    def _plural(self, count: int) -> str:
        return _plural_category(self.locale, count)

    def digits(self, value) -> str:
        """``value`` as text, with Arabic-Indic digits when the site asks for them."""
        text = str(value)
        return to_arabic_digits(text) if self.arabic_digits else text

    def date(self, value: dt.datetime) -> str:
        """``5 نوفمبر 2023`` (day, month name of the locale, year)."""
        return self.digits(_format_date(value.date(), "d MMMM y", self.locale))

    def month_year(self, year: int, month: int) -> str:
        """``نوفمبر 2023`` (month name of the locale, year)."""
        return self.digits(_format_date(dt.date(year, month, 1), "MMMM y", self.locale))

    def time(self, value: dt.datetime) -> str:
        """``14:30`` (24-hour clock, the article's own offset)."""
        return self.digits(_format_time(value.hour, value.minute, self.locale))

    def hijri(self, value: dt.datetime) -> str | None:
        """``21 ربيع الثاني 1445 هـ`` (hijridate's Arabic month names), or ``None`` when disabled or out of the calendar's range."""
        if not self.hijri_enabled:
            return None
        from hijridate import Gregorian

        day = value.date() + dt.timedelta(days=self.hijri_offset)
        try:
            h = Gregorian(day.year, day.month, day.day).to_hijri()
        except (OverflowError, ValueError):
            return None
        return self.digits(f"{h.day} {h.month_name('ar')} {h.year} هـ")

    def plural(self, count: int, forms: dict[str, str]) -> str:
        """Pick the CLDR plural form of ``count`` from ``forms`` (``one``, ``two``,
        ``few``, ``many``, ``other``; ``{n}`` is replaced by the number)."""
        form = forms.get(self._plural(count)) or forms["other"]
        return form.replace("{n}", self.digits(count))


_MINUTE = dt.timedelta(minutes=1)


def exact_offset(moment: dt.datetime) -> dt.datetime:
    """``moment`` itself, or the same moment in UTC when its offset has seconds (the
    local mean time of tz database zones before standard time: Cairo before 1900,
    Riyadh before 1947), which RFC 3339 and RFC 822 offsets (hours and minutes)
    cannot hold."""
    offset = moment.utcoffset()
    if offset is not None and offset % _MINUTE:
        return moment.astimezone(dt.timezone.utc)
    return moment


def rfc3339(moment: dt.datetime) -> str:
    """``moment`` as an RFC 3339 date-time, ``2024-03-05T14:30:00+02:00``: the form of
    Atom (RFC 4287 §3.3), sitemaps, schema.org and HTML's ``<time datetime>``; see
    :func:`exact_offset` for offsets with seconds."""
    return exact_offset(moment).isoformat()


def word_count(html: str) -> int:
    """Words in an HTML fragment ``html``: the runs of text between white space
    and tags that hold a letter or a digit (as word processors count them).

    Harakat, tatweel and punctuation attached to a word do not split it: a
    vocalised ``مُحَمَّدٌ`` is one word, not four (the combining marks U+064B–U+065F
    are not letters, so counting runs of letters would break a word at each one);
    a dash or a guillemet standing alone is not a word."""
    runs = _TAG_RE.sub(" ", html).split()
    return len(runs) - sum(1 for run in runs if not run.isalnum() and not any(map(str.isalnum, run)))


def minutes_for(words: int) -> int:
    """Minutes to read ``words`` words at :data:`WORDS_PER_MINUTE`, at least 1."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
