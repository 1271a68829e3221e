"""Shared fixtures and helpers for the end-to-end tests of Jarida.

- ``bundled_site``: a private copy of the repository's example site
  (``site.toml``, ``seeds/``, ``content/``) in ``tmp_path / "site"``;
- ``run_jarida``: run ``python -m generator ...`` as a subprocess;
- ``parse_html``: a small standard-library HTML parser for the built pages;
- ``write_fails``: a full disk (or another refusal) met by a build on one file.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

#: What a site is made of; copied from the repository for every test that needs a site.
SITE_PARTS = ("site.toml", "seeds", "content")


def jarida_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a ``python -m generator`` subprocess: the repository
    on ``PYTHONPATH`` (before anything already there), UTF-8 I/O."""
    env = dict(os.environ)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + old if old else "")
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("SOURCE_DATE_EPOCH", None)
    if extra:
        env.update(extra)
    return env


def run_jarida(*args, cwd=None, check=True, env: dict[str, str] | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``python -m generator *args``; ``cwd`` defaults to the repository root.

    ``env`` adds variables to the environment (e.g. ``SOURCE_DATE_EPOCH``).
    With ``check`` a non-zero exit fails the test showing stdout and stderr.
    """
    cmd = [sys.executable, "-m", "generator", *map(str, args)]
    proc = subprocess.run(
        cmd, cwd=str(cwd) if cwd is not None else str(REPO_ROOT), env=jarida_env(env),
        capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd[2:])} exited {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}",
            pytrace=False,
        )
    return proc


def copy_site(destination: Path) -> Path:
    """Copy the repository's example site into ``destination`` (mtimes preserved)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in SITE_PARTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, copy_function=shutil.copy2)
        elif source.is_file():
            shutil.copy2(source, destination / name)
    return destination


@pytest.fixture
def bundled_site(tmp_path) -> Path:
    """A private copy of the bundled example site in ``tmp_path / "site"``."""
    return copy_site(tmp_path / "site")


@pytest.fixture
def jarida():
    """The :func:`run_jarida` helper, as a fixture."""
    return run_jarida


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: POSIX relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_fails(monkeypatch, error: int, claim: Path, failing) -> None:
    """Make :func:`generator.output.put` raise ``OSError(error)`` as ``os.write`` does
    (naming no file) for the first output path for which ``failing(rel)`` is true,
    once in all the processes of the build (forked workers too): the process that
    creates ``claim`` first fails, and writes the path into it."""
    from generator import output

    real = output.put

    def put(folder, rel, data):
        if failing(rel):
            try:
                fd = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pass
            else:
                os.write(fd, rel.encode("utf-8"))
                os.close(fd)
                raise OSError(error, os.strerror(error))
        real(folder, rel, data)

    monkeypatch.setattr(output, "put", put)


# --------------------------------------------------------------------------- HTML

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass
class ParsedPage:
    """What the tests need from one HTML page."""

    lang: str | None = None
    dir: str | None = None
    title: str = ""
    hrefs: list[str] = field(default_factory=list)
    canonical: str | None = None
    #: class name -> text of every element carrying that class, in document order
    by_class: dict[str, list[str]] = field(default_factory=dict)
    #: class name -> hrefs of the links inside elements carrying that class
    links_by_class: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""

    def texts(self, cls: str) -> list[str]:
        return self.by_class.get(cls, [])


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._stack: list[tuple[str, list[str], list[str]]] = []  # (tag, classes, text parts)
        self._in_title = False
        self._title_parts: list[str] = []
        self._all_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.page.lang, self.page.dir = a.get("lang"), a.get("dir")
        if tag == "title":
            self._in_title = True
        href = a.get("href")
        if href is not None:
            self.page.hrefs.append(href)
            if tag == "link" and "canonical" in (a.get("rel") or "").split():
                self.page.canonical = href
            if tag == "a":
                for _, classes, _ in self._stack:
                    for c in classes:
                        self.page.links_by_class.setdefault(c, []).append(href)
        if tag in _VOID:
            return
        self._stack.append((tag, (a.get("class") or "").split(), []))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self._stack and self._stack[-1][0] == tag:
            self._close_top()

    def _close_top(self):
        tag, classes, parts = self._stack.pop()
        text = " ".join("".join(parts).split())
        for c in classes:
            self.page.by_class.setdefault(c, []).append(text)
        if self._stack:
            self._stack[-1][2].append("".join(parts))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in _VOID:
            return
        if not any(t == tag for t, _, _ in self._stack):
            return  # stray end tag
        while self._stack:
            top = self._stack[-1][0]
            self._close_top()
            if top == tag:
                break

    def handle_data(self, data):
        if self._in_title:
            self._title_parts.append(data)
        self._all_text.append(data)
        if self._stack:
            self._stack[-1][2].append(data)

    def close(self):
        super().close()
        while self._stack:
            self._close_top()
        self.page.title = " ".join("".join(self._title_parts).split())
        self.page.text = "".join(self._all_text)


def parse_html(html: str | bytes) -> ParsedPage:
    """Parse an HTML page: ``<html lang dir>``, ``<title>`` (unescaped), every
    ``href``, the canonical link and the text of elements by class."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


@pytest.fixture
def html_page():
    """The :func:`parse_html` helper, as a fixture."""
    return parse_html


# --------------------------------------------------------------------------- shared corpus

#: The shared Arabic corpus: next to the repository, or where JARIDA_SHARED says.
SHARED = Path(os.environ.get("JARIDA_SHARED") or REPO_ROOT.parent / "shared")
#: A marker that only marks a list item; in a run of such lines it becomes a real
#: list, so the page shows a bullet or a number instead of the characters.
LIST_MARKER = re.compile(r"^(?:[-–•*▪●◦■◆]+|[0-9]{1,3}[.)])\s*")


def corpus_marks(folder: Path, needed: str) -> list:
    """pytest marks for a module that reads ``SHARED/corpus/<folder>``: ``corpus``,
    ``slow``, and a skip with a clear reason when ``needed`` is missing there."""
    path = SHARED / "corpus" / folder
    return [
        pytest.mark.corpus,
        pytest.mark.slow,
        pytest.mark.skipif(
            not (path / needed).is_file(),
            reason=f"the shared Arabic corpus is not at {path}: put the 'shared' folder next to the "
            "repository or set JARIDA_SHARED to its path",
        ),
    ]


def norm(text: str) -> str:
    """NFC (Jarida NFC-normalises on purpose), white space collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def visible(line: str) -> str:
    """The text of a source line as the page shows it (list marker removed)."""
    return norm(LIST_MARKER.sub("", norm(line)))
