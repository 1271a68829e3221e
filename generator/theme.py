"""Theme folders: which theme files a site uses, its words and its static files.

A site's own ``themes/<name>/`` overrides the bundled default theme one file at
a time (templates and static files alike). Kept apart from :mod:`generator.render`
so that finding the inputs of a build does not load Jinja2.
"""
from __future__ import annotations

import re
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


#: A placeholder in a theme's word, filled in when a page is made: ``{n}``, the number
#: of a count. Any name of ASCII letters, digits and ``_`` in braces (``{m}``, ``{0}``,
#: ``{}``) is read as one, as Python's ``str.format`` reads fields; braces around other
#: text (``{ملاحظة}``) are text.
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]*)\}")


def _placeholders(word) -> set[str]:
    """The names of the placeholders in ``word``: text, or a table of texts (all of them)."""
    words = word.values() if isinstance(word, dict) else (word,)
    return {name for text in words if isinstance(text, str) for name in _PLACEHOLDER.findall(text)}


def _shown(names) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names))


def _placeholder_problems(path: Path, key: str, word, reference) -> list[Problem]:
    """The problems of the placeholders in a theme's word ``key`` of the strings file
    ``path``: ``word`` is its text, or its table of texts (``[reading_time]``),
    ``reference`` the default theme's word of that name, of the same shape.

    A placeholder that the default theme's word (any form of a table) does not have
    is an error: nothing fills it in, and pages would show ``{m}`` as written. A
    placeholder of the default theme's word (of the same form) that the theme's
    word leaves out is a warning: the word may say the number itself (``دقيقتان``,
    two minutes), as the default theme's own ``one`` and ``two`` forms do. This is
    what gettext's tools do with a translation: ``msgfmt --check-format`` and Babel's
    ``python_format`` checker refuse a named placeholder that the original lacks and
    accept one left out; Mozilla's ``dennis`` linter calls the first an error and the
    second a warning. Each problem is at the line of its word (see :func:`_word_line`).
    Raises ``OSError`` or ``UnicodeDecodeError`` when ``path`` cannot be read.
    """
    allowed = _placeholders(reference)
    may = f"may use {_shown(allowed)}" if allowed else "takes no placeholder"
    problems = []
    for form, text in (word.items() if isinstance(word, dict) else [(None, word)]):
        if not isinstance(text, str):
            continue
        used = set(_PLACEHOLDER.findall(text))
        name = f"'{key}'" if form is None else f"'{form}' of [{key}]"
        unknown = used - allowed
        own = reference if form is None else reference.get(form)
        # a word with a placeholder of another name is told which it may use: enough
        missing = _placeholders(own) - used if isinstance(own, str) and not unknown else set()
        if not unknown and not missing:
            continue
        line = _word_line(path, key) if form is None else _word_line(path, form, key)  # read only for a problem
        if unknown:
            what = "the placeholder" if len(unknown) == 1 else "the placeholders"
            problems.append(Problem(str(path), line, f"{name} has {what} {_shown(unknown)}, which nothing fills in "
                                                     f"(pages would show it as written): it {may}"))
        else:
            problems.append(Problem(str(path), line, f"{name} leaves out {_shown(missing)}, which the default theme's "
                                                     "word has, so pages do not show what it stands for; leave it out "
                                                     "only where the word says it itself (a count written in words, "
                                                     "as in دقيقتا قراءة)", warning=True))
    return problems


def _close(word: str, words, cutoff: float) -> list[str]:
    """The word of ``words`` closest to ``word`` (a list of at most one; see
    :func:`difflib.get_close_matches`), imported only for a word a theme misspells."""
    import difflib

    return difflib.get_close_matches(word, words, n=1, cutoff=cutoff)


def _table_problems(path: Path, key: str, table: dict, known: dict) -> list[Problem]:
    """The problems of the names and values of the theme's table ``[key]`` of the
    strings file ``path`` (``table``), whose default is ``known``: its names are the
    default theme's, or CLDR plural forms when the default's are; a value read by a
    template must be text. Raises ``OSError`` or ``UnicodeDecodeError`` when ``path``
    cannot be read."""
    plural = set(known) <= _PLURAL_FORMS
    problems = []
    for inner, word in table.items():
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
    return problems


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


def load_strings(dirs: list[Path]) -> tuple[dict, list[Problem]]:
    """The theme's words and the warnings about them: ``strings.toml`` of each theme
    folder, the most specific winning key by key (tables such as ``[reading_time]``
    merged too). The warnings are of words that leave out a placeholder of the
    default theme's (see :func:`_placeholder_problems`).

    Raises :class:`JaridaError` (exit code 2) for a file that is not valid TOML, and
    for a word that the default theme has in another form (``next = 5`` where
    ``next`` is text; text where ``[reading_time]`` is a table of plural forms;
    ``one = 5`` in such a table), whose name is a near miss of one of the default
    theme's (``nxt``, which no template reads), or that has a placeholder the
    default theme's word does not have (``{m}``), each at its line. A theme may add
    words of its own under other names.
    """
    from .settings import toml_problem

    strings: dict = {}
    warnings: list[Problem] = []
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
            else:  # a word of the default theme's, in its form: text, or a table of words
                if isinstance(value, dict):
                    problems += _table_problems(path, key, value, strings[key])
                for problem in _placeholder_problems(path, key, value, strings[key]):
                    (warnings if problem.warning else problems).append(problem)
        if problems:  # with the warnings of the same file: every problem of it in one run
            raise JaridaError(problems + [w for w in warnings if w.path == str(path)], 2)
        for key, value in data.items():
            if isinstance(value, dict):
                strings[key] = {**strings.get(key, {}), **value}
            else:
                strings[key] = value
    return strings, warnings


def static_files(dirs: list[Path]) -> dict[str, Path]:
    """Map output paths (``theme/style.css``) to theme static files, the most
    specific theme winning, sorted by output path."""
    found: dict[str, Path] = {}
    for d in reversed(dirs):
        static = d / "static"
        for file in files_under(static):
            found["theme/" + file.relative_to(static).as_posix()] = file
    return dict(sorted(found.items()))


