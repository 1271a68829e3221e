"""Theme folders: which theme files a site uses, its words and its static files.

A site's own ``themes/<name>/`` overrides the bundled default theme one file at
a time (templates and static files alike). Kept apart from :mod:`generator.render`
so that finding the inputs of a build does not load Jinja2.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from .cache import files_under
from .problems import JaridaError, Problem

BUNDLED_THEMES = Path(__file__).resolve().parent.parent / "themes"
if not (BUNDLED_THEMES / "default").is_dir():  # installed from a wheel: themes ship inside the package
    BUNDLED_THEMES = Path(__file__).resolve().parent / "themes"


def theme_dirs(site_root: Path, theme: str) -> list[Path]:
    """Theme folders, most specific first: the site's ``themes/<theme>``, then the
    bundled theme of that name, then the bundled default.

    Raises :class:`JaridaError` (exit code 2) when no theme of that name exists.
    """
    dirs = [site_root / "themes" / theme, BUNDLED_THEMES / theme, BUNDLED_THEMES / "default"]
    if not (dirs[0].is_dir() or dirs[1].is_dir()):
        raise JaridaError([Problem("site.toml", 0, f"theme '{theme}' not found: create themes/{theme}/ "
                                                   "in the site or set theme = \"default\"")], 2)
    unique = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


#: CLDR plural categories (Unicode TR35, Plural Rules).
_PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})


def _close(word: str, words, cutoff: float) -> list[str]:
    """The word of ``words`` closest to ``word`` (a list of at most one; see
    :func:`difflib.get_close_matches`), imported only for a word a theme misspells."""
    import difflib

    return difflib.get_close_matches(word, words, n=1, cutoff=cutoff)


def _word_line(path: Path, key: str, table: str | None = None) -> int:
    """1-based line of the word ``key`` in the strings file ``path`` (TOML), or of
    ``key`` in the table ``[table]`` when ``table`` is given: its ``key = ...`` line,
    under ``[table]`` or written ``table.key = ...``; for a table written inline
    (``table = {key = ...}``), the table's line; 0 when none is found (a key
    spelled otherwise than these). Raises ``OSError`` or ``UnicodeDecodeError``
    when the file cannot be read."""
    wanted = (table, key) if table is not None else (key,)
    current: tuple = ()
    inline = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").removeprefix("\ufeff").splitlines(), 1):
        text = line.strip()
        if text.startswith("["):
            current = _dotted(text.lstrip("[").partition("]")[0])
            continue
        name, equals, _ = text.partition("=")
        if not equals or text.startswith("#"):
            continue
        found = current + _dotted(name)
        if found == wanted:
            return number
        if table is not None and found == (table,) and not inline:
            inline = number
    return inline


def _dotted(name: str) -> tuple[str, ...]:
    """The parts of a TOML key as written (``reading_time.one``, ``"one"``), unquoted."""
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def load_strings(dirs: list[Path]) -> dict:
    """The theme's words: ``strings.toml`` of each theme folder, the most specific
    winning key by key (tables such as ``[reading_time]`` merged too).

    Raises :class:`JaridaError` (exit code 2) for a file that is not valid TOML, and
    for a word that the default theme has in another form (``next = 5`` where
    ``next`` is text; text where ``[reading_time]`` is a table of plural forms;
    ``one = 5`` in such a table) or whose name is a near miss of one of the default
    theme's (``nxt``, which no template reads), each at its line. A theme may add
    words of its own under other names.
    """
    from .settings import toml_problem

    strings: dict = {}
    for number, d in enumerate(reversed(dirs)):
        path = d / "strings.toml"
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8").removeprefix("\ufeff"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise JaridaError([toml_problem(str(path), path, exc)], 2) from exc
        problems = []
        for key, value in data.items() if number else ():  # the default theme's own words are the reference
            if key in strings and isinstance(strings[key], dict) != isinstance(value, dict):
                kind = "a table of plural forms, as in the default theme" if isinstance(strings[key], dict) \
                    else "text in quotes"
                problems.append(Problem(str(path), _word_line(path, key), f"'{key}' must be {kind}"))
            elif key in strings and not isinstance(value, (str, dict)):
                problems.append(Problem(str(path), _word_line(path, key), f"'{key}' must be text in quotes"))
            elif key not in strings:
                close = [key.lower()] if key.lower() in strings else _close(key, strings, 0.8)
                if close:
                    problems.append(Problem(str(path), _word_line(path, key),
                                            f"no template reads the word '{key}'; did you mean '{close[0]}'?"))
            elif isinstance(value, dict):  # a table: its names are the default theme's, or CLDR plural forms
                known = strings[key]
                plural = set(known) <= _PLURAL_FORMS
                for inner, word in value.items():
                    if inner in known or (plural and inner in _PLURAL_FORMS):
                        if not isinstance(word, str):  # a page would fail to show it
                            problems.append(Problem(str(path), _word_line(path, inner, key),
                                                    f"'{inner}' of [{key}] must be text in quotes"))
                        continue
                    close = _close(inner, _PLURAL_FORMS if plural else known, 0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    if plural:
                        hint += " (plural forms: zero, one, two, few, many, other)"
                    if plural or close:
                        problems.append(Problem(str(path), _word_line(path, inner, key),
                                                f"no template reads '{inner}' of [{key}]{hint}"))
        if problems:
            raise JaridaError(problems, 2)
        for key, value in data.items():
            if isinstance(value, dict):
                strings[key] = {**strings.get(key, {}), **value}
            else:
                strings[key] = value
    return strings


def static_files(dirs: list[Path]) -> dict[str, Path]:
    """Map output paths (``theme/style.css``) to theme static files, the most
    specific theme winning, sorted by output path."""
    found: dict[str, Path] = {}
    for d in reversed(dirs):
        static = d / "static"
        for file in files_under(static):
            found["theme/" + file.relative_to(static).as_posix()] = file
    return dict(sorted(found.items()))


