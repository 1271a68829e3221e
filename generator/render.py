"""Rendering: Jinja2 templates of the theme, looked up file by file.

A site's own ``themes/<name>/`` overrides the bundled default theme one file at
a time (templates and static files alike). Autoescaping is on for every
template and undefined names fail with the template name and line
(``StrictUndefined``).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from .markup import ROOT
from .pages import Page
from .problems import JaridaError, Problem
from .theme import BUNDLED_THEMES, load_strings, static_files, theme_dirs  # noqa: F401 - the theme API, here too


_ENVIRONMENTS: dict = {}
_REFERENCES: dict = {}


def environment(dirs: list[Path], cache_dir: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment over the ``templates/`` folders of ``dirs``; one per
    process and theme (templates are compiled once and compiled again when
    their file changes: Jinja2's ``auto_reload``). With ``cache_dir``, compiled
    templates are also kept there between processes (Jinja2's
    ``FileSystemBytecodeCache``, keyed by template name and source)."""
    import os

    # Which file provides each template may change (an override added or removed): part of the key.
    files = tuple((str(d), tuple(sorted(os.path.join(top, name) for top, _, names in os.walk(d / "templates")
                                        for name in names))) for d in dirs)
    key = (files, str(cache_dir))
    env = _ENVIRONMENTS.get(key)
    if env is None:
        if len(_ENVIRONMENTS) > 8:
            _ENVIRONMENTS.clear()
        env = _ENVIRONMENTS[key] = _new_environment(dirs, cache_dir)
    return env


#: How templates are compiled (compiled templates kept on disk are kept per these options).
_OPTIONS = {"autoescape": True, "undefined": jinja2.StrictUndefined, "keep_trailing_newline": True,
            "trim_blocks": True, "lstrip_blocks": True}


def _new_environment(dirs: list[Path], cache_dir: Path | None = None) -> jinja2.Environment:
    bytecode = None
    if cache_dir is not None:
        import hashlib

        # Jinja2 keys compiled templates by name and source only: the options and its version go in the folder name.
        folder = cache_dir / hashlib.blake2b(repr((jinja2.__version__, sorted(_OPTIONS.items()))).encode(),
                                             digest_size=8).hexdigest()
        folder.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(folder))
    return jinja2.Environment(loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
                              bytecode_cache=bytecode, **_OPTIONS)


class PageRenderer:
    """Renders one :class:`Page` at a time into UTF-8 bytes (templates loaded once).

    ``body_of`` maps a body key to the article's HTML. Calling it raises
    :class:`JaridaError` (exit code 2) for a missing template or a template
    error, naming the template file and line.
    """

    def __init__(self, env: jinja2.Environment, site_context: dict, base_url: str, strings: dict | None = None,
                 body_of=None):
        self.env, self.site_context, self.strings, self.body_of = env, site_context, strings or {}, body_of
        self.base_path = urlsplit(base_url).path or "/"
        self.templates: dict[str, jinja2.Template] = {}

    def __call__(self, page: Page) -> bytes:
        from .urls import root_of

        context = page.context
        if page.body is not None:
            context = dict(context, article=dict(context["article"], body_html=self.body_of(page.body)))
        try:
            template = self.templates.get(page.template) or self.templates.setdefault(
                page.template, self.env.get_template(page.template))
            root = self.base_path if page.path == "404.html" else root_of(page.path)
            html = template.render(site=self.site_context, root=root, page_path=page.path, t=self.strings, **context)
        except jinja2.TemplateNotFound as exc:
            raise JaridaError([Problem(f"themes/{exc.name}", 0, "template not found in the theme; add it or use the default theme")], 2) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise JaridaError([Problem(exc.filename or exc.name or "template", exc.lineno, f"template error: {exc.message}")], 2) from exc
        except jinja2.UndefinedError as exc:
            raise JaridaError([Problem(_template_location(exc, page.template)[0], _template_location(exc, page.template)[1],
                                       f"template error while rendering {page.path}: {exc.message}")], 2) from exc
        return html.replace(ROOT, root).encode("utf-8")


def template_fingerprints(env: jinja2.Environment, names: set[str]) -> dict[str, str]:
    """A fingerprint for each template in ``names``: the hash of its source and of
    every template it extends, includes or imports, recursively (found with
    ``jinja2.meta.find_referenced_templates``). A template that names another one
    only at run time depends on every template of the theme. A template that
    cannot be found or parsed gets a fingerprint of its name (rendering then
    reports the error)."""
    import hashlib

    from jinja2 import meta

    sources: dict[str, str | None] = {}
    refs: dict[str, set[str] | None] = {}

    def load(name: str) -> None:
        if name in sources:
            return
        try:
            source = env.loader.get_source(env, name)[0]
            sources[name] = source
            found = _REFERENCES.get(source)
            if found is None:
                found = _REFERENCES[source] = set(meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:
            sources[name], found = None, set()
        refs[name] = None if None in found else found
        for other in found - {None}:
            load(other)

    out = {}
    for name in sorted(names):
        load(name)
        closure, todo, dynamic = set(), [name], False
        while todo:
            current = todo.pop()
            if current in closure:
                continue
            closure.add(current)
            if refs.get(current) is None and current in refs:
                dynamic = True
            todo.extend(refs.get(current) or ())
        if dynamic:
            closure |= set(env.list_templates())
            for other in closure:
                load(other)
        h = hashlib.blake2b(digest_size=16)
        for member in sorted(closure):
            h.update(repr((member, sources.get(member))).encode())
        out[name] = h.hexdigest()
    return out


def _template_location(exc: Exception, default: str) -> tuple[str, int]:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html") or frame.filename.endswith(".xml"):
            return frame.filename, frame.lineno or 0
    return default, 0
