"""Rendering: Jinja2 templates of the theme, looked up file by file.

A site's own ``themes/<name>/`` overrides the bundled default theme one file at
a time (templates and static files alike). Autoescaping is on for every
template and undefined names fail with the template name and line
(``StrictUndefined``).
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from .markup import ROOT
from .pages import Page
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


def environment(dirs: list[Path]) -> jinja2.Environment:
    """A Jinja2 environment over the ``templates/`` folders of ``dirs``."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def load_strings(dirs: list[Path]) -> dict:
    """The theme's words: ``strings.toml`` of each theme folder, the most specific
    winning key by key (tables such as ``[reading_time]`` merged too).

    Raises :class:`JaridaError` (exit code 2) for a file that is not valid TOML.
    """
    strings: dict = {}
    for d in reversed(dirs):
        path = d / "strings.toml"
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise JaridaError([Problem(str(path), 0, f"not valid TOML: {exc}")], 2) from exc
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
        for file in sorted(static.rglob("*")):
            if file.is_file():
                found["theme/" + file.relative_to(static).as_posix()] = file
    return dict(sorted(found.items()))


def render_pages(env: jinja2.Environment, pages: list[Page], site_context: dict, base_url: str,
                 strings: dict | None = None) -> dict[str, bytes]:
    """Render every page; return output path -> UTF-8 bytes.

    Raises :class:`JaridaError` (exit code 2) for a missing template or a
    template error, naming the template file and line.
    """
    from .urls import root_of

    out: dict[str, bytes] = {}
    cache: dict[str, jinja2.Template] = {}
    base_path = urlsplit(base_url).path or "/"
    for page in pages:
        try:
            template = cache.get(page.template) or cache.setdefault(page.template, env.get_template(page.template))
            root = base_path if page.path == "404.html" else root_of(page.path)
            html = template.render(site=site_context, root=root, page_path=page.path, t=strings or {}, **page.context)
        except jinja2.TemplateNotFound as exc:
            raise JaridaError([Problem(f"themes/{exc.name}", 0, "template not found in the theme; add it or use the default theme")], 2) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise JaridaError([Problem(exc.filename or exc.name or "template", exc.lineno, f"template error: {exc.message}")], 2) from exc
        except jinja2.UndefinedError as exc:
            raise JaridaError([Problem(_template_location(exc, page.template)[0], _template_location(exc, page.template)[1],
                                       f"template error while rendering {page.path}: {exc.message}")], 2) from exc
        out[page.path] = html.replace(ROOT, root).encode("utf-8")
    return out


def _template_location(exc: Exception, default: str) -> tuple[str, int]:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html") or frame.filename.endswith(".xml"):
            return frame.filename, frame.lineno or 0
    return default, 0
