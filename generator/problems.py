"""Problems found in content, settings or themes, reported together before anything is written."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with an input file.

    ``path`` is the file as the user would type it (relative to the site root
    when inside it), ``line`` is 1-based (0 when the problem is with the whole
    file), ``message`` says what is wrong and what to do, in plain words.
    """

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


def not_utf8(path: str, exc: UnicodeDecodeError) -> Problem:
    """The problem of a file ``path`` whose bytes are not UTF-8 (``exc``: the error of
    decoding them): at the line of the first bad byte, naming it."""
    data = exc.object
    line = data[:exc.start].count(b"\n") + 1
    return Problem(path, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8")


class JaridaError(Exception):
    """Raised when input problems stop a step; ``problems`` lists every one of them.

    ``exit_code`` is 1 for content problems and 2 for usage or settings problems.
    """

    def __init__(self, problems: list[Problem], exit_code: int = 1):
        self.problems = sorted(problems)
        self.exit_code = exit_code
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # raised in a worker process and re-raised in the build
        return (type(self), (self.problems, self.exit_code))


class ContentProblems(JaridaError):
    """Raised when problems in the site's input files (content, seeds, ``static/``)
    stop a build before it writes anything to the output: the previous site is as
    it was. Exit code 1."""


def tally(problems: list[Problem]) -> str:
    """How many errors and warnings ``problems`` holds, and in how many files, in
    words: ``2 errors and 1 warning in 2 files`` (no files when no problem has a path)."""
    errors = sum(1 for p in problems if not p.warning)
    warnings = len(problems) - errors
    files = len({p.path for p in problems if p.path})
    words = " and ".join([_count(errors, "error")] + ([_count(warnings, "warning")] if warnings else []))
    return words + (f" in {_count(files, 'file')}" if files else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
