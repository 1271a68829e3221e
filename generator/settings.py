"""Site settings: ``site.toml`` at the site root, every key with a default."""
from __future__ import annotations

import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit


from .problems import JaridaError, Problem, not_utf8

SETTINGS_FILE = "site.toml"


#: Entries of the output folder that a deployment needs and the build does not write;
#: they are carried over from one build to the next.
KEEP = ("CNAME", ".nojekyll", ".well-known", ".git", ".gitignore", "_redirects", "_headers")

#: Arabic display names of the section keys that feeds and exports use most.
#: A site's ``[sections]`` table in ``site.toml`` adds to and overrides these.
SECTION_NAMES = {
    "politics": "سياسة", "politic": "سياسة", "economy": "اقتصاد", "business": "أعمال", "sport": "رياضة",
    "sports": "رياضة", "technology": "تكنولوجيا", "tech": "تكنولوجيا", "culture": "ثقافة", "arts": "فنون",
    "society": "مجتمع", "health": "صحة", "science": "علوم", "world": "العالم", "internationalnews": "العالم",
    "middleeast": "الشرق الأوسط", "localnews": "محليات", "local": "محليات", "diverse": "منوعات",
    "variety": "منوعات", "opinion": "رأي", "religion": "دين", "education": "تعليم", "environment": "بيئة",
}


@dataclass(frozen=True)
class Settings:
    """The settings of one site, read from ``site.toml`` (all keys optional).

    ``base_url`` is the absolute URL the site is deployed at (used for feeds,
    the sitemap and canonical links; page links are relative so the site works
    at any sub-path); ``locale`` is a CLDR locale for dates (``ar_EG``,
    ``ar_LB``...); ``timezone`` an IANA zone name; ``per_page`` the number of
    articles on one page of a list; ``summary_length`` in characters;
    ``sections`` maps section keys (``economy``) to display names (``اقتصاد``);
    ``keep`` names top-level entries of the output folder kept across builds
    (``CNAME``, ``.git``...); ``allow_html`` lets hand-written Markdown hold raw
    HTML (otherwise it is shown as text); ``hijri`` adds the Hijri date (Umm
    al-Qura) with ``hijri_offset`` days; ``feed_content`` is ``"full"`` or
    ``"summary"``; ``logo`` is the publisher's logo (a path in ``static/`` or an
    http(s) URL) for the masthead and schema.org data.
    """

    title: str = "جريدة"
    description: str = "أخبار ومقالات"
    base_url: str = "http://127.0.0.1:8000/"
    locale: str = "ar_EG"
    timezone: str = "Africa/Cairo"
    default_author: str = "فريق التحرير"
    per_page: int = 10
    summary_length: int = 220
    feed_items: int = 20
    theme: str = "default"
    arabic_digits: bool = False
    sections: dict = field(default_factory=dict)
    keep: list = field(default_factory=lambda: list(KEEP))
    allow_html: bool = False
    hijri: bool = False
    hijri_offset: int = 0
    feed_content: str = "full"
    logo: str = ""

    def section_name(self, key: str) -> str:
        """The display name of a section: the ``[sections]`` table of ``site.toml``,
        else :data:`SECTION_NAMES`, else the key itself."""
        return self.sections.get(key) or SECTION_NAMES.get(key) or SECTION_NAMES.get(key.casefold()) or key

    def with_base_url(self, base_url: str | None) -> "Settings":
        """Return a copy with ``base_url`` replaced (when given), ending in ``/``.

        Raises :class:`JaridaError` (exit code 2) when it is not an absolute http(s) URL.
        """
        if not base_url:
            return self
        problem = base_url_problem(base_url)
        if problem:
            raise JaridaError([Problem("--base-url", 0, problem)], 2)
        return replace(self, base_url=normal_base_url(base_url))


_TYPES = {f.name: f.type for f in fields(Settings)}


def known_locale(name: str) -> bool:
    """True when CLDR (through Babel) has data for the locale ``name`` (``ar_EG``).
    Babel itself is imported only for names that are not a locale file's name."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    if spec and spec.origin and re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", name) and \
            (Path(spec.origin).parent / "locale-data" / f"{name}.dat").is_file():
        return True
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def load_settings(site: Path) -> Settings:
    """Read ``site/site.toml`` (missing file: all defaults).

    Raises :class:`JaridaError` (exit code 2) listing every unknown key (with a
    did-you-mean), every value of the wrong type and every invalid locale or time zone.
    """
    path = site / SETTINGS_FILE
    if not path.exists():
        return Settings()
    name = SETTINGS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8").removeprefix("\ufeff"))  # a BOM (Windows Notepad)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise JaridaError([toml_problem(name, path, exc)], 2) from exc
    problems = []
    values = {}
    for key, value in data.items():
        if key not in _TYPES:
            import difflib

            close = difflib.get_close_matches(key, _TYPES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Problem(name, key_line(path, key), f"unknown setting '{key}'{hint}"))
            continue
        want, kind = {"str": (str, "text in quotes"), "int": (int, "a whole number"),
                      "bool": (bool, "true or false"), "dict": (dict, "a table of names"),
                      "list": (list, "a list of names in quotes")}[_TYPES[key]]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            problems.append(Problem(name, key_line(path, key), f"setting '{key}' must be {kind}"))
            continue
        if want is list and not all(isinstance(v, str) and v and "/" not in v and v not in (".", "..") for v in value):
            problems.append(Problem(name, key_line(path, key), f"'{key}' must list top-level names, e.g. [\"CNAME\", \".git\"]"))
            continue
        if want is dict and not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            problems.append(Problem(name, key_line(path, f"[{key}]"), f"[{key}] must map names to text, e.g. economy = \"اقتصاد\""))
            continue
        values[key] = value
    settings = Settings(**values)
    if not known_locale(settings.locale):
        problems.append(Problem(name, key_line(path, "locale"), f"unknown locale '{settings.locale}' (try 'ar_EG')"))
    elif re.split(r"[_-]", settings.locale)[0].lower() != "ar":
        problems.append(Problem(name, key_line(path, "locale"), f"'{settings.locale}' is not an Arabic locale, and "
                                                                f"the pages are Arabic (lang=\"ar\"): their dates "
                                                                f"would be in another language; use an Arabic one "
                                                                f"such as 'ar_EG', 'ar_SA', 'ar_LB' or 'ar_MA'"))
    try:
        zoneinfo.ZoneInfo(settings.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(name, key_line(path, "timezone"), f"unknown time zone '{settings.timezone}' (try 'Africa/Cairo')"))
    if base_url_problem(settings.base_url):
        problems.append(Problem(name, key_line(path, "base_url"), base_url_problem(settings.base_url)))
    if "/" in settings.theme or "\\" in settings.theme or settings.theme.startswith("."):
        problems.append(Problem(name, key_line(path, "theme"), f"'theme' is a folder name in themes/, not a path: {settings.theme!r}"))
    if settings.hijri_offset not in (-1, 0, 1):
        problems.append(Problem(name, key_line(path, "hijri_offset"), "'hijri_offset' must be -1, 0 or 1 (days)"))
    if settings.feed_content not in ("full", "summary"):
        problems.append(Problem(name, key_line(path, "feed_content"), "'feed_content' must be \"full\" or \"summary\""))
    for key in ("per_page", "feed_items", "summary_length"):  # 0 or less: empty feeds, summaries of "…" only
        if getattr(settings, key) < 1:
            problems.append(Problem(name, key_line(path, key), f"setting '{key}' must be at least 1"))
    if not settings.title.strip():
        problems.append(Problem(name, key_line(path, "title"), "setting 'title' is empty; give the site's name, "
                                                               "shown on every page and in the feeds"))
    if problems:
        raise JaridaError(problems, 2)
    return settings.with_base_url(settings.base_url)


def base_url_problem(url: str) -> str | None:
    """What is wrong with a base URL (``None`` when it is an absolute http(s) URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        return f"base URL {url!r} must be an absolute http:// or https:// URL, e.g. https://user.github.io/akhbar/"
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return f"base URL {url!r} must not have a query (?) or a fragment (#)"
    return None


def normal_base_url(url: str) -> str:
    """A base URL ending in ``/`` with its path percent-encoded (RFC 3986):
    ``https://example.com/أخبار`` -> ``https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/``."""
    parts = urlsplit(url)
    path = quote(parts.path, safe="/%-._~!$&'()*+,;=:@")
    return urlunsplit((parts.scheme, parts.netloc, path if path.endswith("/") else path + "/", "", ""))


def key_line(path: Path, key: str) -> int:
    """1-based line of the setting ``key`` (or the table ``[key]``) in the TOML file
    ``path``: the first line that starts with it; 0 when none does. Raises
    ``OSError`` or ``UnicodeDecodeError`` when the file cannot be read."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().lstrip("[").startswith(key.lstrip("[")):
            return number
    return 0


#: tomllib's messages (Python 3.11-3.13) that an editor may not understand, and what they mean.
_TOML_WORDS = (
    ("Cannot overwrite a value", "'{key}' is given twice (or as a setting and as a [table]); keep one"),
    ("Cannot declare", "the table [{key}] is given twice; put its lines under one [{key}]"),
    ("Invalid value", "the value of '{key}' is not TOML: text goes in quotes, as in title = \"جريدة\""),
    ("Illegal character '\\n'", "the text of '{key}' is not closed: end it with a quote on the same line"),
    ("Expected '=' after a key", "a line that is not 'name = value'"),
    ("Expected \"'\"", "a text in single quotes is not closed: end it with ' on the same line"),
    ("Unterminated string", "a text in triple quotes is not closed: end it with the same three quotes"),
    ("Invalid statement", "a line that is not 'name = value' (names are Latin letters, digits, _ and -)"),
)


def toml_problem(name: str, path: Path, exc: Exception) -> Problem:
    """The problem of a TOML file that cannot be read (``exc``: tomllib's
    ``TOMLDecodeError``, or ``UnicodeDecodeError``): ``name`` (the file as shown)
    and the line tomllib names, in plain words where they are known; for bytes that
    are not UTF-8, the line of the first bad byte."""
    if isinstance(exc, UnicodeDecodeError):
        return not_utf8(name, exc)
    return Problem(name, _toml_line(exc), f"not valid TOML: {_toml_words(exc, path)}")


def _toml_words(exc: Exception, path: Path) -> str:
    """tomllib's message for ``exc``, in plain words when it is one of :data:`_TOML_WORDS`
    (naming the key of its line in ``path``), with its own words after them."""
    import re

    line = _toml_line(exc)
    try:
        text = path.read_text(encoding="utf-8").splitlines()[line - 1] if line else ""
    except (OSError, UnicodeDecodeError, IndexError):
        text = ""
    match = re.match(r"\s*\[*\s*([^\]=\s]+)", text)
    key = match.group(1) if match else "a setting"
    for start, words in _TOML_WORDS:
        if str(exc).startswith(start):
            return f"{words.format(key=key)} ({exc})"
    return str(exc)


def _toml_line(exc: Exception) -> int:
    import re

    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 0
