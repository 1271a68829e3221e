"""Metadata that comes with a seed: a folder's ``manifest.jsonl``, a sidecar
``<name>.json`` / ``<name>.yml``, or ``key: value`` header lines at the top of
the seed. Values found here win over what is guessed from the text.

Also the readers of the values themselves: dates in the forms newsrooms send
(RFC 822 / RFC 2822, ISO 8601 with or without offset, ``dd/mm/yyyy``), and
author strings that mix a person, an outlet and a place
(``العربية.نت - رانيا لوقا``, ``دبي - العربية.نت``, ``واس - الرياض``).
"""
from __future__ import annotations

import datetime as dt
import email.utils
import functools
import html
import dataclasses
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from functools import lru_cache

import yaml

from .arabic import SPACE_RE, fold, has_arabic, nfc, strip_marks
from .frontmatter import load_yaml, offset_problem
from .problems import Problem, not_utf8

MANIFEST = "manifest.jsonl"
#: Header keys in Arabic and English, mapped to the metadata field they fill.
HEADER_KEYS = {
    "title": "title", "العنوان": "title", "عنوان": "title",
    "date": "date", "التاريخ": "date", "تاريخ": "date",
    "author": "author", "الكاتب": "author", "الكاتبة": "author", "كاتب": "author",
    "tags": "tags", "الوسوم": "tags", "وسوم": "tags", "الكلمات المفتاحية": "tags",
    "section": "section", "القسم": "section", "قسم": "section",
    "url": "url", "الرابط": "url", "رابط": "url",
    "abstract": "abstract", "الملخص": "abstract", "ملخص": "abstract", "summary": "abstract",
}
#: Keys used only when the main key is missing (scrapers' extraction date).
FALLBACK_KEYS = {"date_extracted": "date", "published": "date", "headline": "title", "description": "abstract"}
_FIELDS = ("title", "date", "author", "section", "tags", "url", "abstract")
_HEADER_RE = re.compile(r"^\s*(?P<key>[^:：]{2,25}?)\s*[:：]\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True)
class Metadata:
    """What is known about a seed from outside its text; every field may be ``None``.

    ``date`` is the raw value (see :func:`parse_date`); ``tags`` a list of names;
    ``header_lines`` the number of header lines at the top of the seed text
    that held these values (to be left out of the body); ``unknown`` the
    ``(line, key)`` of each header line whose key is not known (left out too);
    ``date_line`` the line of the text's header that gave ``date`` (0 for a date
    from a sidecar or the manifest); ``repeated`` the ``(line, key, first line)``
    of each header line that gives a key an earlier line gave (its value is used);
    ``date_from`` the ``(file, line)`` of a manifest line or sidecar that gave ``date``
    (line 0: not known), for messages; ``misspelled`` the ``(file, line, key, known key)`` of
    each key of a manifest line or sidecar that is no key Jarida reads but close to one
    (``titel``: a typo, whose value would be lost without a word).
    """

    title: str | None = None
    date: str | None = None
    author: str | None = None
    section: str | None = None
    tags: tuple[str, ...] | None = None
    url: str | None = None
    abstract: str | None = None
    header_lines: int = 0
    unknown: tuple[tuple[int, str], ...] = ()
    date_line: int = 0
    repeated: tuple[tuple[int, str, int], ...] = ()
    date_from: tuple = ()
    misspelled: tuple = ()

    def merged(self, other: "Metadata") -> "Metadata":
        """Fields of ``other`` where it has them, else ours (``other`` wins)."""
        values = {f: getattr(other, f) if getattr(other, f) is not None else getattr(self, f) for f in _FIELDS}
        return Metadata(**values, header_lines=max(self.header_lines, other.header_lines),
                        unknown=self.unknown + other.unknown,
                        date_line=other.date_line if other.date is not None else self.date_line,
                        repeated=self.repeated + other.repeated,
                        date_from=other.date_from if other.date is not None else self.date_from,
                        misspelled=self.misspelled + other.misspelled)


def split_names(value) -> tuple[str, ...] | None:
    """Names from a list or a string split on ``,`` ``،`` ``؛`` (empty ones dropped)."""
    if value is None:
        return None
    items = value if isinstance(value, list) else re.split(r"[,،؛]", str(value))
    names = tuple(str(v).strip() for v in items if str(v).strip())
    return names or None


def clean_value(value) -> str:
    """A metadata value as text: HTML character references that scrapers leave
    (``&nbsp;``, ``&amp;``) decoded, NFC, white space folded, ends stripped."""
    text = html.unescape(str(value)) if "&" in str(value) else str(value)
    return SPACE_RE.sub(" ", nfc(text)).strip()


def from_mapping(data: dict, source: str = "", line: int = 0) -> Metadata:
    """Metadata from a JSON/YAML mapping with English or Arabic keys (read from the file
    ``source``, at ``line``, 0 for a whole file); unknown keys are ignored, those close to
    a known key named in ``misspelled``."""
    values: dict = {}
    misspelled = []
    for key in data:
        folded = str(key).strip().casefold()
        # A compound key (author_id, title_en) is a field of its own, not a typo.
        if folded not in HEADER_KEYS and folded not in FALLBACK_KEYS and folded not in _OTHER_KEYS \
                and not re.search(r"[_\-. ]", folded):
            import difflib

            close = difflib.get_close_matches(folded, [*HEADER_KEYS, *FALLBACK_KEYS], n=1, cutoff=0.8)
            if close:
                misspelled.append((source, line, str(key), close[0]))
    # Fallback keys first, so that the main key wins when both are present.
    for key, value in sorted(data.items(), key=lambda item: str(item[0]).casefold() not in FALLBACK_KEYS):
        name = HEADER_KEYS.get(str(key).strip().casefold()) or FALLBACK_KEYS.get(str(key).strip().casefold())
        if name is None or value is None or value == "":
            continue
        if name == "tags":
            values[name] = split_names([clean_value(v) for v in value] if isinstance(value, list) else clean_value(value))
        else:
            values[name] = clean_value(value) or None
    return Metadata(**values, misspelled=tuple(misspelled))


#: Keys of a manifest line that are no metadata: the seed's file name.
_OTHER_KEYS = {"file"}


def read_manifest(folder: Path) -> tuple[dict[str, Metadata], list[Problem]]:
    """Read ``folder/manifest.jsonl`` if present: file name -> :class:`Metadata`.

    A line that is not a JSON object with a ``file`` is a problem (with its line);
    see :func:`held_back` for the seeds it may have been about.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return {}, []
    out, problems = {}, []
    for number, line in enumerate(_read_lines(path), 1):
        if not line.strip():
            continue
        bad = _NOT_UTF8_RE.search(line)
        if bad:  # an export from a spreadsheet in Windows-1256: its names would be garbled
            problems.append(Problem(str(path), number, f"not UTF-8 text (byte 0x{ord(bad.group()) - 0xDC00:02x}); "
                                                       "save the manifest as UTF-8"))
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), number, f"not a JSON object: {exc.msg}"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("file"), str):
            problems.append(Problem(str(path), number, "each line must be a JSON object with a \"file\" name"))
            continue
        meta = from_mapping(data, str(path), number)
        out[data["file"]] = dataclasses.replace(meta, date_from=(str(path), number)) if meta.date else meta
    return out, problems


#: A byte that is not UTF-8, as ``surrogateescape`` decodes it.
_NOT_UTF8_RE = re.compile("[\udc80-\udcff]")


def _read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 file (a BOM left out); bytes that are not UTF-8 are kept as
    the lone surrogates of ``surrogateescape``, for :data:`_NOT_UTF8_RE` to find."""
    return path.read_bytes().decode("utf-8-sig", "surrogateescape").splitlines()


def _once(pairs: list) -> dict:
    """A JSON object from its ``(key, value)`` pairs; ``ValueError`` for a key given twice."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"'{key}' is given twice; keep the one you mean and delete the other")
            seen.add(key)
    return data


#: A file name in a manifest line that could not be read as JSON.
_NAMED_RE = re.compile(r'"file"\s*:\s*"([^"]+)"')


def held_back(folder: Path, manifest: dict[str, Metadata], problems: list[Problem]) -> set[str] | None:
    """The seeds of ``folder`` that must wait because a line of its manifest could
    not be read (``problems`` from :func:`read_manifest`): the files those lines
    name, or ``None`` (every seed the manifest does not describe) when a broken
    line names none. Converting them from guesses would publish a wrong title
    and date, and a second copy of the article once the line is fixed."""
    if not problems:
        return set()
    lines = _read_lines(folder / MANIFEST)
    held = set()
    for problem in problems:
        named = _NAMED_RE.search(lines[problem.line - 1]) if 0 < problem.line <= len(lines) else None
        if named is None:
            return None
        held.add(named[1])
    return held


def read_sidecar(seed: Path) -> tuple[Metadata | None, Problem | None]:
    """Read ``<name>.json``, ``<name>.yml`` or ``<name>.yaml`` beside a seed, if any."""
    for suffix in (".json", ".yml", ".yaml"):
        path = seed.with_suffix(suffix)
        if not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, not_utf8(str(path), exc)
        try:
            data = json.loads(text, object_pairs_hook=_once) if suffix == ".json" else load_yaml(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            line = getattr(exc, "lineno", None) or (getattr(getattr(exc, "problem_mark", None), "line", -1) + 1)
            reason = getattr(exc, "msg", None) or getattr(exc, "problem", None) or "not valid"
            if reason.startswith("mapping values are not allowed"):
                reason += "; a value holding ': ' must be in quotes (title: \"مصادر: الحكومة …\")"
            return None, Problem(str(path), max(line, 0), f"cannot read this metadata file: {reason}")
        except ValueError as exc:  # a YAML timestamp that is no real date, a key given twice in JSON
            return None, Problem(str(path), 0, f"cannot read this metadata file: {offset_problem(text) or exc}")
        if not isinstance(data, dict):
            return None, Problem(str(path), 1, "metadata must be 'key: value' pairs")
        meta = from_mapping(data, str(path))
        if meta.misspelled:  # each at its line of the file
            meta = dataclasses.replace(meta, misspelled=tuple(
                (where, _key_line(text, lambda k, key=key: k == key.strip().casefold()), key, known)
                for where, _, key, known in meta.misspelled))
        return (dataclasses.replace(meta, date_from=(str(path), _date_key_line(text))) if meta.date else meta), None
    return None, None


_KEY_RE = re.compile(r"""(?:^|[{,])\s*["']?([^"':{},]+?)["']?\s*:""")


def _date_key_line(text: str) -> int:
    """The line of a JSON or YAML metadata file that gives the date (0: not found)."""
    return _key_line(text, lambda key: (HEADER_KEYS.get(key) or FALLBACK_KEYS.get(key)) == "date")


def _key_line(text: str, wanted) -> int:
    """The first line of a JSON or YAML metadata file with a key (stripped, case-folded)
    for which ``wanted(key)`` is true (0: not found)."""
    for number, line in enumerate(text.splitlines(), 1):
        if any(wanted(key.strip().casefold()) for key in _KEY_RE.findall(line)):
            return number
    return 0


def read_header(text: str) -> Metadata:
    """Header lines at the top of seed text: ``key: value`` lines, at least one
    with a known key (Arabic or English, :data:`HEADER_KEYS`), ended by a blank
    line or by the first line that is no such line (the text then starts there).
    A line with an unknown key and a short value (``المصدر: واس``) is left out of
    the text and named in ``unknown``; one with a longer value (a quotation,
    ``قال الوزير: إن ...``) is text. Returns empty metadata when there is no
    header (a headline such as ``كينيا: مقتل 5 أشخاص`` followed by a blank line:
    ``كينيا`` is no known key). A known key with no value is left out; a key
    given on two lines takes the value of the later one (named in ``repeated``)."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    values: dict = {}
    unknown, repeated, first = [], [], {}
    end = start
    while end < len(lines) and lines[end].strip():
        match = _HEADER_RE.match(lines[end])
        name = HEADER_KEYS.get(match.group("key").strip().casefold()) if match else None
        if name == "date" and end == start and not re.search(r"[0-9٠-٩۰-۹]", match.group("value")) \
                and not _metadata_like(match.group("key"), match.group("value")):
            break  # no number and a sentence: a headline (التاريخ: هل يعيد نفسه؟), not a date
        if name is None:
            if match is None or not _metadata_like(match.group("key"), match.group("value")):
                break  # the text starts here
            unknown.append((end + 1, match.group("key").strip()))
        else:
            value = clean_value(match.group("value"))
            if value:
                if name in first:
                    repeated.append((end + 1, match.group("key").strip(), first[name]))
                first.setdefault(name, end + 1)
                values[name] = split_names(value) if name == "tags" else value
                if name == "date":
                    values["date_line"] = end + 1
        end += 1
    known = end - start - len(unknown)
    if not known:
        return Metadata()
    return Metadata(**values, header_lines=end, unknown=tuple(unknown), repeated=tuple(repeated))


def _metadata_like(key: str, value: str) -> bool:
    """Whether a ``key: value`` line with an unknown key reads as metadata (a key of
    one or two words, a value of at most four words that is no sentence: ``المصدر:
    واس``) rather than text (``الرياض: الوزارة تعلن خطة جديدة``, a headline)."""
    value = value.strip()
    return len(key.split()) <= 2 and len(value.split()) <= 4 and not value.endswith((".", "؟", "?", "!", "…"))


#: The header keys an unknown one is told about (Arabic, then English).
KNOWN_HEADER_KEYS = "العنوان، التاريخ، الكاتب، الوسوم، القسم، الرابط، الملخص (title, date, author, tags, section, url, abstract)"


_DMY_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


#: Month names that newsrooms write and CLDR does not list (Egyptian spellings).
_OTHER_MONTH_NAMES = {"يونيه": 6, "يوليه": 7, "كانون ثاني": 1, "تشرين أول": 10, "تشرين ثاني": 11, "كانون أول": 12}
#: Locales whose CLDR month names are read: Egypt and the Gulf, the Levant and Iraq
#: (كانون الثاني), Algeria and Tunisia (جانفي), Morocco (شتنبر), Mauritania.
_MONTH_LOCALES = ("ar", "ar_LB", "ar_DZ", "ar_MA", "ar_MR")


@functools.lru_cache(maxsize=1)
def _named_month_re() -> tuple[re.Pattern, dict[str, int]]:
    """A pattern for a date written with an Arabic month name, as folded text
    (:func:`generator.arabic.fold`), and the month of each folded name. The names
    come from CLDR (Babel's ``get_month_names``) for :data:`_MONTH_LOCALES`."""
    from babel.dates import get_month_names

    months = {fold(name): number for name, number in _OTHER_MONTH_NAMES.items()}
    for locale in _MONTH_LOCALES:
        for number, name in get_month_names("wide", locale=locale).items():
            months[fold(name)] = number
    names = "|".join(re.escape(n) for n in sorted(months, key=len, reverse=True))
    pattern = re.compile(
        rf"^(?:\w+[،,]?\s+)?(\d{{1,2}})\s+({names})(?:\s*/\s*(?:{names}))?[،,]?\s+(\d{{4}})(?:\s*م)?"
        rf"(?:[،,]?\s+(?:الساعه\s+)?(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?(?:\s*(ص|م|صباحا|مساء|مساءا))?)?$")
    return pattern, months


def parse_date(value, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """Read a date as newsrooms send it and return a time-zone-aware datetime.

    Accepted: RFC 822 / RFC 2822 (``Sat, 28 Apr 2018 04:58:03 GMT``), ISO 8601
    / RFC 3339 with or without offset (``2017-02-15T12:53:00+01:00``,
    ``2015-08-09 17:31:04``), ``dd/mm/yyyy`` (optionally with ``HH:MM``), a day,
    an Arabic month name and a year (``16 يونيو 2018``, ``16 حزيران 2018``, ``16 جوان
    2018``, optionally after a weekday and before a time ``10:30``; month names of
    CLDR, see :func:`_named_month_re`), and datetime/date objects. Values without an offset are in ``tz``.
    Arabic-Indic digits are accepted. Raises ``ValueError`` otherwise, and for a
    UTC offset out of RFC 3339's range (see :func:`generator.frontmatter.offset_problem`).
    """
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    else:
        text = fold(str(value)).strip() if re.search("[٠-٩۰-۹]", str(value)) else str(value).strip()
        problem = offset_problem(text)  # Python reads +05:75 as +06:15
        if problem:
            raise ValueError(problem)
        result = None
        match = _DMY_RE.match(text)
        if match:
            day, month, year, hour, minute, second = match.groups()
            try:
                result = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
            except ValueError as exc:
                raise ValueError(f"{value!r} is no real date ({exc})") from exc
        named = None if result is not None or not re.search("[\u0621-\u064a]", text) else \
            _named_month_re()[0].match(fold(text))
        if named:  # 16 يونيو 2018, السبت 16 حزيران/يونيو 2018 الساعة 10:30
            day, month, year, hour, minute, second, half = named.groups()
            hour = int(hour or 0)
            if half and hour <= 12:  # ص morning, م evening (after a time; after the year م is the era)
                hour = hour % 12 + (12 if half.startswith("م") else 0)
            try:
                result = dt.datetime(int(year), _named_month_re()[1][month], int(day), hour,
                                     int(minute or 0), int(second or 0))
            except ValueError as exc:
                raise ValueError(f"{value!r} is no real date ({exc})") from exc
        if result is None:
            try:
                result = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                if "out of range" in str(exc) and re.match(r"\d{4}-\d\d-\d\d", text):  # 2018-02-30
                    raise ValueError(f"{value!r} is no real date ({exc})") from exc
                result = None
        if result is None:
            try:
                result = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                result = None
        if result is None:
            raise ValueError(f"not a date I can read: {value!r} (use 2024-05-01T09:30:00+03:00, "
                             "Sat, 28 Apr 2018 04:58:03 GMT, 28/04/2018 or 28 أبريل 2018)")
    if result.tzinfo is None:
        result = result.replace(tzinfo=tz)
    return result


@functools.lru_cache(maxsize=1)
def _weekdays() -> dict[str, int]:
    """The weekday (Monday 0, as ``datetime.weekday``) of each weekday name a date may
    start with: CLDR's wide Arabic names (Babel's ``get_day_names``), folded, and
    the English names and abbreviations of RFC 2822 (``Sat,``), lower-cased."""
    from babel.dates import get_day_names

    days = {fold(name): number for number, name in get_day_names("wide", locale="ar").items()}
    for number, name in get_day_names("wide", locale="en").items():
        days[name.lower()] = days[name[:3].lower()] = number
    return days


def weekday_problem(value, date: dt.datetime) -> str | None:
    """What is wrong when the written date ``value`` starts with a weekday other than
    that of ``date``, the date read from it (:func:`parse_date`, in its own time
    zone): ``الثلاثاء 5 نوفمبر 2023`` was a Sunday, so the day or the weekday is a
    typing mistake. None when they agree or when ``value`` names no weekday."""
    if not isinstance(value, str):
        return None
    first = re.match(r"\s*([^\W\d_]+)", fold(value) if re.search("[\u0621-\u064a]", value) else value)
    named = _weekdays().get(first.group(1).lower()) if first else None
    if named is None or named == date.weekday():
        return None
    from babel.dates import get_day_names

    names = get_day_names("wide", locale="ar")
    return (f"the date {value!r} names {names[named]}, but {date:%Y-%m-%d} was {names[date.weekday()]}; "
            f"it was converted as {date:%Y-%m-%d}: check the day and the weekday in the seed's metadata")


#: Places that stand beside a reporter's name or an outlet in bylines and datelines (folded).
#: A place of several words is listed whole, never word by word: a word of it alone is
#: often a person's name (``يونس`` of ``خان يونس``, ``إسلام`` of ``إسلام آباد``, ``خميس`` of
#: ``خميس مشيط``), and a name holding it would be read as a place.
CITIES = frozenset(fold(c) for c in (
    "القاهرة الإسكندرية الجيزة الرياض جدة مكة المدينة دبي أبوظبي الشارقة الدوحة الكويت المنامة "
    "مسقط عمان بيروت دمشق بغداد القدس غزة الخرطوم طرابلس تونس الجزائر الرباط نواكشوط صنعاء عدن "
    "لندن باريس واشنطن نيويورك موسكو برلين جنيف إسطنبول أنقرة طهران الدمام الطائف تبوك أبها "
    "جازان جيزان نجران حائل بريدة الخبر الظهران الأحساء الاحساء ينبع الباحة القطيف الجبيل عرعر "
    "سكاكا القريات الرس عنيزة الأقصر أسوان المنصورة طنطا بنغازي مصراتة وهران قسنطينة "
    "صفاقس سوسة فاس مراكش طنجة أغادير إربد الزرقاء حلب حمص اللاذقية الموصل البصرة أربيل "
    "كربلاء النجف نابلس الخليل جنين رفح صيدا طرابلس زحلة المكلا تعز الحديدة "
    "عجمان الفجيرة العين روما مدريد بروكسل فيينا بكين طوكيو نيودلهي كابول جاكرتا "
    "أثينا ستوكهولم كييف وارسو أوتاوا سيدني كانبيرا كوالالمبور برشلونة ميلانو مانشستر ليفربول "
    "إسطنبول اسطنبول سنغافورة بانكوك مانيلا شنغهاي سيول دكا كراتشي لاهور "
    "مومباي تورنتو مونتريال شيكاغو ميامي هيوستن ريو ليما بوغوتا "
    "مكسيكو جوهانسبرغ نيروبي لاغوس داكار أبيدجان "
    # countries, which stand where a city does in datelines
    "مصر السعودية الإمارات قطر البحرين الكويت عمان اليمن العراق سوريا سورية لبنان الأردن فلسطين "
    "ليبيا تونس الجزائر المغرب موريتانيا السودان الصومال جيبوتي تركيا إيران باكستان أفغانستان "
    "الهند الصين اليابان روسيا أوكرانيا فرنسا ألمانيا بريطانيا إيطاليا إسبانيا أمريكا أميركا "
    "كندا البرازيل الأرجنتين أستراليا ماليزيا إندونيسيا سويسرا زوريخ النمسا هولندا بلجيكا السويد "
    "النرويج الدنمارك اليونان قبرص كان نيس موناكو"
).split()) | {fold(c) for c in (
    "سان بطرسبرج", "سان بطرسبورغ", "هونغ كونغ", "بيونغ يانغ", "لوس أنجلوس", "ساو باولو", "بوينس آيرس",
    "أديس أبابا", "كيب تاون", "جنوب أفريقيا", "الولايات المتحدة", "المملكة المتحدة",
    "رام الله", "الدار البيضاء", "أبو ظبي", "المدينة المنورة", "مكة المكرمة", "القدس المحتلة",
    "شرم الشيخ", "بيت لحم", "خان يونس", "إسلام آباد", "نيو دلهي", "بندر عباس", "خميس مشيط",
    "ريو دي جانيرو", "سان فرانسيسكو", "لاس فيغاس", "لاس فيجاس",
    # bodies that stand where a city does in datelines: "نيويورك - الأمم المتحدة - رويترز"
    "الأمم المتحدة", "البيت الأبيض", "الفاتيكان",
)}

#: Wire agencies: their copy is credited to the agency, never to a reporter, so a part
#: beside one is a place (``سان فرانسيسكو - فرانس برس``, ``واس - وادي الدواسر``). Folded.
AGENCIES = frozenset(fold(o) for o in (
    "رويترز", "واس", "أ ش أ", "أ.ش.أ", "أ ف ب", "أ.ف.ب", "ا ف ب", "أ. ف. ب", "د ب أ", "د.ب.أ", "أسوشيتد برس",
    "اسوشيتد برس", "فرانس برس", "وكالة فرانس برس", "يو بي آي", "كونا", "وام", "بترا", "سانا", "قنا", "الأناضول",
    "وكالات", "وات", "و م ع", "و.م.ع", "أب", "أ ب", "Reuters", "AFP", "AP", "Associated Press",
))
#: Outlets and agencies that appear in bylines and datelines (folded for lookup).
OUTLETS = AGENCIES | frozenset(fold(o) for o in (
    "العربية.نت", "العربية نت", "سكاي نيوز عربية", "سكاي نيوز", "فرانس 24", "فرانس24", "رويترز", "واس",
    "أ ش أ", "أ.ش.أ", "أ ف ب", "أ.ف.ب", "د ب أ", "أسوشيتد برس", "الوئام", "عين اليوم", "الشرق الأوسط",
    "الجزيرة", "الجزيرة نت", "بي بي سي", "BBC", "CNN", "سي إن إن", "rt", "روسيا اليوم", "الأناضول",
    "البوابة العربية للأخبار التقنية", "الرياض الإلكتروني", "جوهرة أف أم", "جوهرة FM", "الحياة",
    "اليوم السابع", "الأهرام", "المصري اليوم", "وكالات", "متابعة", "سبق", "عكاظ", "الرياض", "المدينة",
    "فرانس برس", "وكالة فرانس برس", "ا ف ب", "أ. ف. ب", "يو بي آي", "د.ب.أ", "كونا", "وام", "بترا", "سانا", "قنا",
    "القافلة",
))
_OUTLET_HINT_RE = re.compile(r"\.نت\b|نيوز|(?:^|\s)برس$|وكالة|صحيفة|جريدة|موقع|بواب[ةه]|للأخبار|مكتب|قناة|إذاعة|تلفزيون|«|»|\d|\b[A-Z]{2,}\b")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


#: Words that are never part of a person's name in a byline or bio.
NOT_NAME_WORDS = frozenset(fold(w) for w in (
    "أفاد أفادت ذكر ذكرت قال قالت أضاف أضافت مصدر مصادر مقال افتتاحية بقلم كتب كتبت حاوره حاورته "
    "قراءة متابعة متابعات تقرير تحقيق تحليل حوار نص خاص وكالات مراسل مراسلة محرر محررة الشركة بيان "
    "تصوير عدسة صور فيديو أب أم ترجمة إعداد تنسيق هاتفيا"
).split())
@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """stopwords-iso's Arabic words (folded), less the particles of names (بن، أبو، أم، آل...)."""
    import stopwordsiso

    particles = {fold(w) for w in "بن بنت ابن أبو أبي أم آل عبد صباح".split()}
    return frozenset(fold(w) for w in stopwordsiso.stopwords("ar")) - particles


def looks_like_name(name: str, least_words: int = 1) -> bool:
    """True when ``name`` can be a person's name: Arabic words only (no Latin
    scraper junk such as ``Next Previous``), no place, and no word that is a
    stopword or a reporting verb, bare or after ``و``/``ف`` (``وأفاد مصدر``,
    ``وقالت سيندي``, ``افتتاحية مقال بقلم``)."""
    words = name.split()
    if not least_words <= len(words) <= 5 or fold(name) in CITIES or any(not has_arabic(w) for w in words):
        return False
    stop = function_words()
    for word in words:
        key = fold(word)
        if key in stop or key in NOT_NAME_WORDS or (key[:1] in "وف" and (key[1:] in stop or key[1:] in NOT_NAME_WORDS)):
            return False
    return True


@dataclass(frozen=True)
class Credit:
    """What an author string says: a ``person`` (the author), the ``outlet``
    (``source_outlet``) and the ``place`` (``dateline``); each may be ``None``.
    ``coauthors`` are the further people it credits, in the order written."""

    person: str | None = None
    outlet: str | None = None
    place: str | None = None
    coauthors: tuple[str, ...] = field(default_factory=tuple)


def is_outlet(text: str) -> bool:
    """True when ``text`` names an outlet or agency rather than a person."""
    key = fold(text)
    return key in OUTLETS or bool(_OUTLET_HINT_RE.search(text)) or not has_arabic(text) and len(text) <= 4


#: What separates the parts of a credit: a dash, spaced or not (``دبي- فيصل الشمري``), a
#: spaced underscore (``الرياض _ محمد جراح``), a colon before a space or between two words
#: (``حاوره:علي الرباعي``). The separator is kept: a part before a colon is a dateline.
_CREDIT_SEP_RE = re.compile(r"(\s+[-–—_]+\s+|\s*[-–—]\s*(?=\S)|\s*[:：]\s+|(?<=[^\W\d_])[:：](?=[^\W\d_]))")
#: A place named with its region or country in brackets: ``طبرق (شرق ليبيا)``, ``كانو (نيجيريا)``.
_BRACKET_RE = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<inside>[^()]+)\)$")
#: Words that start a place's name, or the region in brackets after a place or a name.
PLACE_WORDS = frozenset(fold(w) for w in "وادي جزيرة محافظة منطقة مدينة شرق غرب شمال جنوب وسط هاتفيا".split())
#: Given names that start with و, which never join two names: ``محمد ولد الشيخ`` is one person.
_WAW_NAMES = frozenset(fold(w) for w in (
    "وليد وائل وديع وسيم وحيد وفاء وعد وجدي ولاء وصفي وهيب وداد وسام وهبة ولي وجيه وضاح ولد وفيق وصال"
).split())
#: Labels after which the next name is the photographer's, not an author's.
_PHOTO_LABELS = frozenset(fold(w) for w in ("تصوير", "عدسة"))


def parse_credit(text: str, cities: frozenset[str]) -> Credit:
    """Split an author string into person(s), outlet and place.

    The press writes ``PLACE - PERSON``, ``PLACE: PERSON``, ``PLACE _ PERSON``, ``PLACE (REGION) -
    PERSON`` and ``PERSON - PLACE``; an outlet or agency may stand beside either:
    ``"العربية.نت - رانيا لوقا"`` -> person ``رانيا لوقا``, outlet ``العربية.نت``;
    ``"دبي - العربية.نت"`` -> place ``دبي``, outlet; ``"واس - الرياض"`` -> outlet, place;
    ``"لاس فيغاس: إد أوكيفي"`` -> place ``لاس فيغاس`` (a part before a colon is a place),
    person; ``"البدائع - فهد اللويحق"`` -> place, person (of two parts neither a known place
    nor an outlet, the first is the dateline, unless only the second is one word after a
    name); a part beside a wire agency (``سان فرانسيسكو - فرانس برس``) is a place: agencies
    name no reporter. Names joined by `` و`` or ``،`` (``فارس السبيعي وعبد الله الهلابي``) are
    several people: ``person`` and ``coauthors``. A role word (``تقرير:``) is no person, a
    name after ``تصوير`` is the photographer's; the first place found is the dateline; a UUID
    or other token without letters is no person.
    """
    text = re.sub(r"\s\u0640+\s", " - ", text)  # a tatweel used as a dash: "موسكو ـ مازن عباس"
    # scraper junk: "Next Previous جدة"; an acronym stays ("BBC عربي")
    text = re.sub(r"^(?:[A-Za-z]*[a-z][A-Za-z]*\s+)+(?=[^\x00-\x7f])", "", text)
    text = strip_marks(text).strip().strip(":：").strip()
    if not text or _UUID_RE.match(text):
        return Credit()
    pieces = _CREDIT_SEP_RE.split(text)
    parts = [(_clean_part(part), ":" in sep or "：" in sep)
             for part, sep in zip(pieces[::2], pieces[1::2] + [""])]
    parts = [(part, colon, last) for last, (part, colon) in enumerate(parts, 1 - len(parts)) if part]
    # Each part is a place, an outlet, a role word or (not known) a person or a place.
    items = []  # (kind, text, before a colon)
    listed = set()  # items of a list of names ("محمد علي، أحمد خالد، وسعيد حسن"): no dateline
    for part, colon, last in parts:
        bracket = _BRACKET_RE.match(part)
        if bracket and fold(bracket.group("head")) in cities and _is_place(bracket.group("inside"), cities):
            items.append(("place", part, colon))  # "الرياض (السعودية)": the city, not the newspaper
            continue
        if bracket and is_outlet(bracket.group("head")):  # "واس (جدة)", "عكاظ (الطائف)"
            items += [("outlet", bracket.group("head"), colon), ("place", bracket.group("inside").strip(), colon)]
            continue
        after = parts[len(parts) + last][0].split() if last < 0 else []
        if bracket and last < 0 and not (after and fold(after[0]) in NOT_NAME_WORDS
                                         and _kind(part, cities) == "person"
                                         and looks_like_name(bracket.group("head"), least_words=2)):
            items.append(("place", part, colon))  # "كان (جنوب فرنسا) - سعد المسعودي"
            continue  # but "سعيد الزهراني (الطائف) - تصوير: ..." names the reporter
        pieces = _commas(part, cities)
        kinds = [_kind(piece, cities) for piece in pieces]
        if len(pieces) > 1 and all(kind == "unknown" for kind in kinds):
            listed.update(range(len(items), len(items) + len(pieces)))
        # only the last item is before the colon: "غازي الحارثي , تصوير: ..."
        items += [(kind, piece, colon and n == len(pieces)) for n, (kind, piece) in enumerate(zip(kinds, pieces), 1)]
    for i, (kind, piece, colon) in enumerate(items[1:], 1):  # after a role word, a name: "حاوره: ..."
        if kind == "unknown" and items[i - 1][0] == "label":
            items[i] = ("photographer" if fold(items[i - 1][1]) in _PHOTO_LABELS else "person", piece, colon)
    known = any(kind == "place" for kind, _, _ in items)
    agency = any(kind == "outlet" and fold(piece) in AGENCIES for kind, piece, _ in items)
    unknown = [i for i, (kind, _, _) in enumerate(items) if kind == "unknown"]
    places, outlets, people = [], [], []
    for i, (kind, piece, colon) in enumerate(items):
        if kind == "both":  # "الرياض": the city, or the newspaper beside another city
            kind = "place" if colon or not known else "outlet"
        if kind == "unknown":
            if colon:  # "لاس فيغاس: إد أوكيفي"; "عرفات مدابش عدن: محمد علي محسن"
                head, tail = _tail_place(piece, cities)
                if head:
                    people.append(head)
                places.append(tail)
                continue
            if not known and not places and i not in listed and (agency and len(unknown) == 1 or len(unknown) > 1
                                                                 and i == _dateline_of(items, unknown)):
                places.append(piece)  # "سان فرانسيسكو - فرانس برس", "البدائع - فهد اللويحق"
                continue
            kind = "person"
        if kind == "place":
            places.append(piece)
        elif kind == "outlet":
            outlets.append(piece)
        elif kind == "person":
            people.append(piece)
    persons = []
    for piece in people:
        found = _person(piece, cities)
        if found is None:
            continue
        names, place = found
        persons += [name for name in names if fold(name) not in {fold(p) for p in persons}]
        if place:
            places.append(place)
    # an outlet rather than a role word that is listed as one: "متابعة - الرياض الإلكتروني"
    outlet = next((o for o in outlets if fold(o) not in NOT_NAME_WORDS), outlets[0] if outlets else None)
    place = places[0] if places else None
    if len(persons) == 1 and outlet and place is None and len(persons[0].split()) == 1:
        persons, place = [], persons[0]  # "سوتشي - د ب أ": a place beside an agency, not a person
    return Credit(persons[0] if persons else None, outlet, place, tuple(persons[1:]))


def _clean_part(part: str) -> str:
    part = part.strip().strip(":：").strip()
    return part.strip(" ،,*؛;.-–—_") if part.endswith(("،", ",", "*", "؛", ";")) else part.strip(" _*")


def _commas(part: str, cities: frozenset[str]) -> list[str]:
    """The items of a part listed with commas (``أحمد الريدي، أشرف عبد الحميد``,
    ``الأحساء، تحقيق``), or the part whole when it is one place or one outlet
    (``جازان، تبوك``, ``العربية.نت، رويترز``)."""
    pieces = [p.strip(" ،,") for p in re.split(r"\s*[،,]\s*", part) if p.strip(" ،,")]
    if len(pieces) < 2 or is_outlet(part) or all(fold(p) in cities for p in pieces) \
            or all(is_outlet(p) for p in pieces):
        pieces = [part]
    else:  # "أحمد خالد، وسعيد حسن": the و joins, it is no letter of the name
        pieces = pieces[:1] + [_no_and(p) for p in pieces[1:]]
    return [item for piece in pieces for item in _label_after(piece, cities)]


def _no_and(piece: str) -> str:
    """``وسعيد حسن`` -> ``سعيد حسن``: a name of a list after its ``و`` (a name such as
    ``وليد`` keeps it)."""
    words = piece.split()
    if len(words) > 1 and words[0] == "و":
        return " ".join(words[1:])
    if len(words) > 1 and words[0].startswith("و") and len(words[0]) > 2 and fold(words[0]) not in _WAW_NAMES:
        return piece[1:]
    return piece


def _label_after(piece: str, cities: frozenset[str] = frozenset()) -> list[str]:
    """One item of a credit split where it holds several: ``الطائف تصوير`` -> ``الطائف``,
    ``تصوير`` (a role word after a place or a name); ``تصوير محمد علي`` and ``أحمد الريدي
    وتصوير`` (the photographer's label, with or without و); ``فارس السبيعي و واس`` and
    ``أ ف ب ورويترز`` (an outlet joined by و); ``جدة واس`` (a place and an agency);
    ``خاص ب الرياض`` (a label and an outlet)."""
    words = piece.split()
    if is_outlet(piece) or fold(piece) in cities:
        return [piece]
    special = re.match(r"^(خاص)\s*(?:ب|ل)\s*ـ?\s*(\S.*)$", piece)
    if special and is_outlet(special.group(2)):
        return [special.group(1), special.group(2)]
    for i in range(1, len(words)):
        word = words[i]
        right = words[i + 1:] if word == "و" else [word[1:]] + words[i + 1:] if word.startswith("و") else []
        if not right or not right[0]:
            continue
        left, right = " ".join(words[:i]), " ".join(right)
        if any(fold(side) in OUTLETS and fold(side) not in cities for side in (left, right)) \
                or fold(right.split()[0]) in _PHOTO_LABELS:
            return _label_after(left, cities) + _label_after(right, cities)
    for i, word in enumerate(words):
        if fold(word) in _PHOTO_LABELS and len(words) > 1:
            return [p for p in (" ".join(words[:i]), word, " ".join(words[i + 1:])) if p]
    for size in (3, 2, 1):
        if len(words) > size and fold(" ".join(words[-size:])) in AGENCIES and fold(" ".join(words[:-size])) in cities:
            return [" ".join(words[:-size]), " ".join(words[-size:])]  # "جدة واس"
    if len(words) > 1 and fold(words[-1]) in NOT_NAME_WORDS and "(" not in piece and not is_outlet(piece):
        return [" ".join(words[:-1]).strip(" ،,"), words[-1]]
    return [piece]


def _kind(piece: str, cities: frozenset[str]) -> str:
    """What one item of a credit is: ``place``, ``outlet``, ``both`` (a city that names a
    newspaper too: ``الرياض``), ``label`` (a role word: ``تقرير``), ``person`` (a name with
    its place in brackets) or ``unknown``."""
    key = fold(piece)
    if key in cities:
        return "both" if key in OUTLETS else "place"
    bracket = _BRACKET_RE.match(piece)
    if bracket and fold(bracket.group("head")) not in cities and _is_place(bracket.group("inside"), cities):
        return "person"  # "سعاد الشمراني (الرياض)", read by _person
    if is_outlet(piece):
        return "outlet"
    if key in NOT_NAME_WORDS:
        return "label"
    return "unknown"


def _dateline_of(items: list, unknown: list[int]) -> int:
    """Of several parts, none a known place, the one that is the dateline (its index):
    the first (``البدائع - فهد اللويحق``), but the last in ``فهد العنزي - الزلفي``,
    where only it is one word, after a name."""
    first, last = items[unknown[0]][1], items[unknown[-1]][1]
    if len(unknown) == 2 and len(last.split()) == 1 < len(first.split()) and looks_like_name(first):
        return unknown[-1]
    return unknown[0]


def _tail_place(piece: str, cities: frozenset[str]) -> tuple[str | None, str]:
    """A part before a colon: ``(None, place)``, or ``(person, place)`` when it ends with a
    known place after a name (``عرفات مدابش عدن: ...`` in a list of bylines)."""
    words = piece.split()
    for size in (2, 1):
        if len(words) >= size + 2 and fold(" ".join(words[-size:])) in cities:
            return " ".join(words[:-size]), " ".join(words[-size:])
    return None, piece


def _person(piece: str, cities: frozenset[str]) -> tuple[list[str], str | None] | None:
    """The names in a part taken for people, and a place written with them
    (``سعاد الشمراني (الرياض)``, ``الرياض محمد جراح``); ``None`` when the part is
    no name. Names joined by `` و`` are split (``فارس السبيعي وعبد الله الهلابي``);
    ``name (place) name (place)`` gives both names."""
    pairs = re.findall(r"([^()]+?)\s*\(([^()]+)\)", piece)
    if len(pairs) > 1 and re.fullmatch(r"(?:[^()]+?\s*\([^()]+\)\s*)+", piece):
        names = [_person(f"{name} ({inside})", cities) for name, inside in pairs]
        found = [n for n in names if n]
        return ([name for names, _ in found for name in names], next((p for _, p in found if p), None)) if found else None
    place = None
    bracket = _BRACKET_RE.match(piece)
    if bracket and _is_place(bracket.group("inside"), cities):
        piece, place = bracket.group("head").strip(), bracket.group("inside").strip()
        place = re.sub(r"^هاتفيا\s+(?=\S)", "", place)  # "(هاتفيا عدن)": by telephone, from Aden
    words = piece.split()
    if not 1 <= len(words) <= 7 or not re.search(r"[^\W\d_]", piece) or fold(piece) in NOT_NAME_WORDS:
        return None
    if len(words) >= 3 and fold(words[0]) in cities and place is None:  # "الرياض محمد جراح"
        place, words = words[0], words[1:]
    if any(fold(w) in cities or fold(w) in NOT_NAME_WORDS for w in words):
        return ([], place or piece)  # "زوريخ سويسرا", "تصوير"...: not a person
    return _split_names(" ".join(words)), place


def _is_place(text: str, cities: frozenset[str]) -> bool:
    """True for the place in brackets after a name: a known place, or words of which one
    is a known place or starts a place's name (``وادي الدواسر``, ``هاتفيا عدن``)."""
    words = [fold(w) for w in text.split()]
    return fold(text) in cities or 1 <= len(words) <= 4 and any(w in cities or w in PLACE_WORDS for w in words)


def _split_names(text: str) -> list[str]:
    """``فارس السبيعي وعبد الله الهلابي`` -> both names: split before a word starting with
    و when both sides have two words or more; a name such as ``وليد`` never splits."""
    spaced = [name for name in re.split(r"\s+و\s+", text) if name]
    if len(spaced) > 1:  # "وليد خالد و وليد محمد", "أحمد و محمد"
        return [name for part in spaced for name in _split_names(part)]
    words = text.split()
    for i in range(2, len(words) - 1):
        word = words[i]
        if word.startswith("و") and len(word) > 2 and fold(word) not in _WAW_NAMES:
            rest = [word[1:]] + words[i + 1:]
            return [" ".join(words[:i])] + _split_names(" ".join(rest))
    return [text]
