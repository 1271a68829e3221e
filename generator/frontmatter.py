"""YAML front matter: ``---`` fenced YAML at the top of a Markdown file.

Parsing uses PyYAML's C loader when present (libyaml); dumping keeps keys in
the order given and writes Arabic and emoji as UTF-8, not escapes.
"""
from __future__ import annotations

import datetime as dt
import re

FENCE = "---"
#: A time of day and the UTC offset after it: ``10:00:00+03:00``, ``10:00 -0500``, ``10:00:00 +3``.
_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*([+-])(\d\d?)(?::?(\d\d))?(?![\d:])")


class FrontMatterError(ValueError):
    """Front matter that cannot be read; ``line`` is 1-based in the whole file."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def load_yaml(text: str):
    """The YAML document in ``text`` read as front matter is (PyYAML's safe loader,
    with libyaml where available). Raises ``yaml.YAMLError`` for bad YAML and for a
    key given twice in one mapping (its ``problem`` and ``problem_mark`` say
    which and where), ``ValueError`` for a timestamp that is no real date or
    whose UTC offset is out of range."""
    from . import yamlio

    return yamlio.load(text)


def split(text: str, memo=None) -> tuple[dict, str, int]:
    """Split a Markdown file's text into ``(front matter, body, body's first line)``.

    A file without a leading ``---`` line has empty front matter. Raises
    :class:`FrontMatterError` for an unclosed fence, YAML syntax errors (with the
    YAML line mapped to the file's line), a key given twice in one mapping (on
    the line of the second) or front matter that is not a mapping.

    ``memo``, when given, remembers front matter read before: ``memo.get(yaml_text)``
    gives the mapping read from that YAML text or ``None``, and
    ``memo.put(yaml_text, mapping)`` is called after reading new YAML text
    (see :class:`generator.build.FrontMatterMemo`); errors are not remembered.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return {}, text, 1
    for end in range(1, len(lines)):
        if lines[end].rstrip() in (FENCE, "..."):
            break
    else:
        raise FrontMatterError("front matter is not closed: add a line '---' after it", 1)
    source = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1:])
    if memo is not None:
        data = memo.get(source)
        if data is not None:
            return data, body, end + 2
    data = _read(source, lines, end)
    if memo is not None:
        memo.put(source, data)
    return data, body, end + 2


def _read(source: str, lines: list[str], end: int) -> dict:
    """The mapping in the YAML text ``source``, which is ``lines[1:end]`` of a file
    (see :func:`split`, which gives the errors raised)."""
    from . import yamlio

    yaml = yamlio.yaml
    try:
        data = yamlio.load(source)
    except yamlio.RepeatedKey as exc:
        raise FrontMatterError(f"'{exc}' is given twice (first on line {exc.first.start_mark.line + 2}); keep "
                               "the one you mean and delete the other", exc.node.start_mark.line + 2) from None
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct starts (an unclosed quote or
        # bracket); the problem mark is where the parser noticed, often a line later.
        # A tab is the exception: the problem mark is on the tab, the context mark on
        # the value before it, a line too early.
        found = getattr(exc, "problem_mark", None)
        mark = getattr(exc, "context_mark", None) or found
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        if _on_tab(lines[1:end], found):
            line = found.line + 2
            if not lines[line - 1][:found.column].strip():
                problem = "a tab character indents this line; indent with spaces"
        elif isinstance(exc, yaml.reader.ReaderError):  # a control character: its line, not the parser's words
            line = source[:exc.position].count("\n") + 2
            problem = f"a control character (U+{exc.character:04X}) is in this line; delete it"
        elif problem.startswith("mapping values are not allowed") and found is not None:
            line = found.line + 2
            here = lines[line - 1]
            if here[:1].isspace() and found.line > 0 and not lines[line - 2][:1].isspace():
                problem += "; this line is indented: start it at the beginning of the line, as the key above"
            elif ": " in here.partition(":")[2]:
                key, _, value = here.partition(":")
                problem += (f"; the value holds ': ', so put it in quotes: {key.strip()}: "
                            f"\"{value.strip().replace(chr(34), chr(92) + chr(34))}\"")
        raise FrontMatterError(f"front matter is not valid YAML: {problem}", line) from exc
    except (ValueError, OverflowError) as exc:  # a YAML timestamp that is no real date
        line = next((n for n, text in enumerate(lines[1:end], 2) if _bad_timestamp(text)), 2)
        problem = offset_problem(lines[line - 1]) or f"impossible date or time ({exc}); write a real date such " \
                                                      "as 2024-05-01T09:30:00+03:00"
        raise FrontMatterError(problem, line) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be 'key: value' lines", 2)
    if "\\" in source:  # only YAML's escapes ("\e", "\x00") make control characters here
        data = _without_controls(data)
    return data


#: C0 and C1 control characters but tab, line feed and carriage return: no HTML page or
#: XML feed may hold them (HTML Living Standard, "control"; XML 1.0 §2.2).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _without_controls(value):
    """``value`` (front matter data) with control characters removed from its texts."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_controls(v) for k, v in value.items()}
    return value


def _on_tab(lines: list[str], mark) -> bool:
    """Whether the YAML ``mark`` (or ``None``) points at a tab in ``lines``, the YAML text's lines."""
    return mark is not None and 0 <= mark.line < len(lines) and \
        lines[mark.line][mark.column:mark.column + 1] == "\t"


def _bad_timestamp(line: str) -> bool:
    from . import yamlio

    try:
        yamlio.load(line)
    except (ValueError, OverflowError):
        return True
    except yamlio.yaml.YAMLError:
        return False
    return False


def offset_problem(text: str) -> str | None:
    """What is wrong with the date and time in ``text`` (a value such as
    ``2024-05-01T10:00:00+25:00``, or a whole ``key: value`` line) when its UTC
    offset is out of range, in plain words with the form expected; ``None`` when
    it has no offset or one in range (RFC 3339: -23:59 to +23:59)."""
    found = _OFFSET.search(text)
    if found is None:
        return None
    sign, hours, minutes = found[1], int(found[2]), int(found[3] or 0)
    if hours <= 23 and minutes <= 59:
        return None
    return (f"the UTC offset {sign}{hours:02}:{minutes:02} is out of range: RFC 3339 allows -23:59 to +23:59 "
            "(hours 00 to 23, minutes 00 to 59); write the date as 2024-05-01T09:30:00+03:00")


def key_line(text: str, key: str) -> int:
    """1-based line of ``key:`` in the front matter of ``text`` (1 when not found)."""
    for number, line in enumerate(text.split("\n")[1:], 2):
        if line.rstrip() == FENCE:
            break
        if line.startswith(f"{key}:"):
            return number
    return 1


def dump(meta: dict, body: str) -> str:
    """Return file text: ``meta`` as fenced YAML (keys in the given order), then ``body``.

    Datetimes are written as RFC 3339 strings with their offset, so that they
    read back as time-zone-aware datetimes.
    """
    from . import yamlio

    yaml_text = yamlio.dump({k: _plain(v) for k, v in meta.items()})
    return f"{FENCE}\n{yaml_text}{FENCE}\n\n{body.rstrip()}\n"


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
