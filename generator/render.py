"""Rendering: Jinja2 templates of the theme, looked up file by file.

A site's own ``themes/<name>/`` overrides the bundled default theme one file at
a time (templates and static files alike). Autoescaping is on for every
template and undefined names fail with the template name and line
(``StrictUndefined``).
"""
from __future__ import annotations

import itertools
import os
import re
import types
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension

from .cache import files_under
from .markup import ROOT
from .pages import Page
from .problems import JaridaError, Problem
from .views import View
from .theme import BUNDLED_THEMES, load_strings, static_files, theme_dirs  # noqa: F401 - the theme API, here too


_ENVIRONMENTS: dict = {}
#: Template source digest -> the template names it references (``None`` among them: a name
#: known only at run time).
_REFERENCES: dict = {}
_REFERENCES_LOADED: set = set()


def environment(dirs: list[Path], cache_dir: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment over the ``templates/`` folders of ``dirs``; one per
    process and theme. Templates are compiled once: the environment is made
    again when any template file is added, removed or changed (its bytes are
    part of the key), so within one environment no template file is looked at
    again (no ``auto_reload`` check of every ``include``). With ``cache_dir``,
    compiled templates are also kept there between processes (Jinja2's
    ``FileSystemBytecodeCache``, keyed by template name and source; the folder
    is emptied when Jarida's code or Jinja2's version changes)."""
    import hashlib
    import os

    # Which file provides each template may change (an override added or removed), and so may
    # what a file holds: both are part of the key.
    files = []
    for d in dirs:
        names = [str(path) for path in files_under(d / "templates")]
        for name in names:
            try:
                with open(name, "rb") as fh:
                    files.append((name, hashlib.blake2b(fh.read(), digest_size=16).digest()))
            except OSError:
                files.append((name, None))
        files.append((str(d), None))
    key = (tuple(files), str(cache_dir))
    env = _ENVIRONMENTS.get(key)
    if env is None:
        if len(_ENVIRONMENTS) > 8:
            _ENVIRONMENTS.clear()
        env = _ENVIRONMENTS[key] = _new_environment(dirs, cache_dir)
        env.references_file = cache_dir / REFERENCES_FILE if cache_dir is not None else None
    return env


#: In the compiled-template folder: the templates each template source names
#: (``{% extends %}``, ``include``, ``import``), so that a build finds the
#: dependencies of unchanged templates without parsing them.
REFERENCES_FILE = "references.json"


#: At most this many template sources are kept in :data:`REFERENCES_FILE` (those of
#: the last build, and of earlier ones while the total stays below it).
REFERENCES_KEPT = 256


def _made_by() -> str:
    """What cached template data was made by: Jarida's code and Jinja2's version."""
    from .cache import code_fingerprint

    return f"{code_fingerprint()} {jinja2.__version__}"


def _load_references(path: Path) -> set[str]:
    """Add the references kept in ``path`` (when written by this Jarida and Jinja2)
    to :data:`_REFERENCES`; the source digests it held."""
    import json

    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(kept, dict) or kept.get("made_by") != _made_by():
            return set()
        references = {digest: set(names) for digest, names in kept["references"].items()
                      if isinstance(digest, str) and isinstance(names, list)
                      and all(name is None or isinstance(name, str) for name in names)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()
    for digest, names in references.items():
        _REFERENCES.setdefault(digest, names)
    return set(references)


def _save_references(path: Path, digests: set[str]) -> None:
    """Keep the references of the template sources ``digests`` in ``path``, with
    those the file held while fewer than :data:`REFERENCES_KEPT` (written whole
    to a temporary file, then renamed over it)."""
    import json
    import os

    earlier = _load_references(path) - digests
    if len(earlier) + len(digests) <= REFERENCES_KEPT:
        digests = digests | earlier
    data = {"made_by": _made_by(),
            "references": {d: sorted(_REFERENCES[d], key=str) for d in sorted(digests)}}
    try:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only cache only costs time
        pass


#: Names a plain ``dict`` answers as attributes (its methods): for any other name,
#: ``x.name`` in a template is ``x["name"]``. The same for a :class:`generator.views.View`
#: (a dict subclass), plus what its instance holds.
_DICT_NAMES = frozenset(dir(dict))
_VIEW_NAMES = frozenset(dir(View))


def _escape_fn():
    """markupsafe's ``escape`` for the compiled templates, a plain ``str`` (nearly
    every value) escaped without the two Python-level calls of markupsafe 3
    (``escape`` then ``Markup.__new__``): the same ``Markup`` results."""
    import markupsafe

    inner = getattr(markupsafe, "_escape_inner", None)
    if inner is None:  # markupsafe 2: escape is all C already
        return markupsafe.escape
    slow, markup, new = markupsafe.escape, markupsafe.Markup, str.__new__

    def escape(s, /):
        if type(s) is str:
            return new(markup, inner(s))
        return slow(s)

    return escape


_ESCAPE = _escape_fn()


class _Template(jinja2.Template):
    """A compiled template whose output expressions use :data:`_ESCAPE`."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        if "escape" in namespace:
            namespace["escape"] = _ESCAPE
        return super()._from_namespace(environment, namespace, globals)


#: The context variable holding a renderer's rendered fragments (see :class:`Fragments`).
FRAGMENTS = "_jarida_fragments"
#: At most this many fragments are kept by one renderer (a card is about 1 KB);
#: past it the oldest half is forgotten, and rendered again when next needed.
FRAGMENT_LIMIT = 20_000


class Fragments(Extension):
    """``{% fragment key, ... %}...{% endfragment %}``: a part of a template
    rendered once per build for each value of its key (the expressions after
    the tag) and reused on every other page with that key: the masthead and the
    footer, the same on thousands of pages. The key must name everything the
    part shows besides ``site``, ``t`` (the same on every page of a build) and
    ``root``: the article cards of list pages are keyed by the article's URL and
    the card's options (Hugo's ``partialCached`` with variant keys does the same).

    Inside the part, ``root`` (the way from the page to the site root) is the
    placeholder :data:`generator.markup.ROOT`, which :class:`PageRenderer`
    replaces in the finished page: the part is the same at every folder depth,
    and ``root`` in its key is the same value for every page. Outside a
    :class:`PageRenderer` the part is rendered every time, with ``root`` as it is."""

    tags = {"fragment"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        count = parser.__dict__.setdefault("_jarida_fragments", [0])  # two fragments on one line are two
        count[0] += 1
        key = [nodes.Const(parser.name), nodes.Const(lineno), nodes.Const(count[0]), parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        # ``root`` in the key is the placeholder the body sees: the same on every page.
        key = [nodes.Const(ROOT) if isinstance(part, nodes.Name) and part.name == "root" else part for part in key]
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        call = self.call_method("_render", [nodes.Tuple(key, "load"), nodes.ContextReference()])
        # The body takes ``root`` as its caller's argument (see _render).
        block = nodes.CallBlock(call, [nodes.Name("root", "param")], [], body).set_lineno(lineno)
        block.jarida_fragment_key = key  # checked against what the body reads (see _unkeyed_names)
        return block

    @staticmethod
    def _render(key: tuple, context, caller):
        store = context.get(FRAGMENTS)
        if store is None:
            return caller(context.resolve("root"))
        try:
            html = store.get(key)
        except TypeError:  # a key that cannot be hashed (a list, a dict): no reuse
            return _filled(key, context, caller)
        if html is None:
            if len(store) >= FRAGMENT_LIMIT:  # cards of a large archive: keep memory flat
                for old in list(itertools.islice(store, len(store) // 2)):  # the oldest half
                    del store[old]
            html = store[key] = _filled(key, context, caller)
        return html


#: :data:`generator.markup.ROOT`, as it is or as filters leave it (upper, title, tojson, urlencode...).
_CHANGED_ROOT_RE = re.compile(r"jarida-root", re.IGNORECASE)


def _filled(key: tuple, context, caller) -> str:
    """The body of the fragment ``key`` (its template's name and line first) rendered
    with ``root`` as :data:`generator.markup.ROOT`. Raises :class:`JaridaError`
    (exit code 2) when the body changed the placeholder (a filter or a slice of
    ``root``), which the finished page could then not replace."""
    html = caller(ROOT)
    if (html.count("arida-") != html.count(ROOT) or "ARIDA-" in html) \
            and len(_CHANGED_ROOT_RE.findall(html)) > html.count(ROOT):
        name, line = key[0], key[1]
        filename = context.environment.get_template(name).filename if name else None
        raise JaridaError([Problem(filename or name or "template", line,
                                   f"{context.get('page_path', 'a page')}: root was changed inside this fragment "
                                   "(by a filter, a slice...); there root stands for the way to the site root and "
                                   "is filled in when the page is finished: use it only before a path, as in "
                                   "{{ root }}{{ item.url }} (page_path tells which page this is)")], 2)
    return html


#: Names a fragment's part may read without naming them in its key: the same on every
#: page of a build (``site``, ``t``), or Jinja2's own.
_SAME_ON_EVERY_PAGE = frozenset({"site", "t", "varargs", "kwargs"})
#: Attributes that identify what they belong to: a key naming ``item.url`` covers ``item``.
_IDENTITY = frozenset({"url", "slug", "path"})


def _chain(node) -> tuple[str, ...] | None:
    """``("item", "section", "url")`` for ``item.section.url``; None for other expressions."""
    names = []
    while isinstance(node, nodes.Getattr):
        names.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        return (node.name, *reversed(names))
    return None


def _stored(target) -> set[str]:
    return {n.name for n in (target, *target.find_all(nodes.Name)) if isinstance(n, nodes.Name)}


def _callee(call: nodes.Call) -> str | None:
    """The name a call calls: ``m`` for ``m(...)`` and for ``m.f(...)`` (an imported
    template's macro); None for other calls."""
    node = call.node.node if isinstance(call.node, nodes.Getattr) else call.node
    return node.name if isinstance(node, nodes.Name) else None


def _import_names(node: nodes.Import | nodes.FromImport) -> list[str]:
    """The names one ``{% import ... as m %}`` or ``{% from ... import f, g as h %}`` defines."""
    if isinstance(node, nodes.Import):
        return [node.target]
    return [n if isinstance(n, str) else n[1] for n in node.names]


def _imported(template: nodes.Template, with_context: bool) -> set[str]:
    """The names the import tags of ``template`` define, those imported ``with
    context`` or those without."""
    return {name for node in template.find_all((nodes.Import, nodes.FromImport))
            if node.with_context == with_context for name in _import_names(node)}


def _template_names(node) -> list[str] | None:
    """The template names an ``{% include %}`` may load: ``'a.html'``, a list of such
    strings (``['a.html', 'b.html']``, the first found) or a choice between them
    (``'a.html' if x else 'b.html'``); None for a name computed from variables
    (``'p/' ~ name``)."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (nodes.List, nodes.Tuple)) and all(
            isinstance(item, nodes.Const) and isinstance(item.value, str) for item in node.items):
        return [item.value for item in node.items]
    if isinstance(node, nodes.CondExpr) and node.expr2 is not None:
        first, second = _template_names(node.expr1), _template_names(node.expr2)
        return first + second if first is not None and second is not None else None
    return None


def _unkeyed_names(template: nodes.Template, known, included=None) -> list[tuple[int, str, int | str, str]]:
    """For each ``{% fragment %}`` of the parsed ``template``, the first thing its part
    reads that its key does not cover, as (line of the tag, the variable, the line
    it is read on, what is wrong: ``"unkeyed"``, ``"root"`` or ``"caller"``): a part
    reused on every page with the same key would show the value of the first page
    rendered (every card the same headline).

    A key part that is a variable (``level``) covers it; ``item.url`` (or ``.slug``,
    ``.path``: what identifies it) covers all of ``item``; another attribute
    (``item.section.name``) covers only what lies under it; a variable used in
    another expression of the key (``page_path == "x"``) covers nothing, as the key
    holds only the value of the expression. The part may read what it sets before
    (``{% set %}``, a ``{% for %}`` of its own and its ``loop``), the template's
    macros (each macro named in the part is looked into, called or not, as it may
    be called under another name; every macro of that name) and imports, ``known`` (the environment's globals) and
    :data:`_SAME_ON_EVERY_PAGE`; ``root`` only as ``{{ root }}`` (or joined with
    ``~``), as it is a placeholder there; never ``caller()``, nor what is imported
    ``with context``. A template the part includes by name (or by a list of names)
    is looked into when ``included`` (a function: template name -> parsed
    template, or None) gives it; what it reads is then given as ``"name:line"``;
    a template included by a name computed from variables is refused
    (``"dynamic-include"``)."""
    defined = {m.name for m in template.find_all(nodes.Macro)} | _imported(template, False)
    with_context = _imported(template, True)  # their macros read the page's names
    # site, t and the globals are the same on every page unless the template binds them to another value
    rebound = {n.name for n in template.find_all(nodes.Name) if n.ctx in ("store", "param")}
    allowed = defined | (set(known) | _SAME_ON_EVERY_PAGE) - rebound
    inside = {id(m) for b in template.find_all(nodes.CallBlock) if getattr(b, "jarida_fragment_key", None)
              for m in b.find_all(nodes.Macro)}
    macros: dict[str, list] = {}  # outside every fragment; a name defined twice names both
    for m in template.find_all(nodes.Macro):
        if id(m) not in inside:
            macros.setdefault(m.name, []).append(m)
    found = []
    for block in template.find_all(nodes.CallBlock):
        key = getattr(block, "jarida_fragment_key", None)
        if key is None:
            continue
        whole, under = set(), []
        for part in key[3:]:
            chain = _chain(part)
            if chain is None:
                continue
            if len(chain) == 1 or (len(chain) == 2 and chain[1] in _IDENTITY):  # level, item.url
                whole.add(chain[0])
            elif chain[-1] in _IDENTITY:  # item.section.url: item.section, not all of item
                under.append(chain[:-1])
            else:
                under.append(chain)

        def covered(chain: tuple, scope: set) -> bool:
            return (chain[0] in scope or chain[0] in whole or chain[0] in allowed
                    or any(chain[:len(u)] == u for u in under))

        problem = []
        entered: set = set()  # the template's macros looked into, each once

        def visit(node, scope: set, parent=None, macro=None) -> None:
            if problem:
                return
            if isinstance(node, (nodes.Getattr, nodes.Name)) and _chain(node) is not None:
                chain = _chain(node)
                name = chain[0]
                if isinstance(node, nodes.Name) and node.ctx in ("store", "param"):
                    scope.add(name)
                    return
                if name == "root" and macro is not None and name not in scope:
                    problem.append((block.lineno, macro, node.lineno, "macro-root"))
                elif name == "root":
                    to_macro = isinstance(parent, nodes.Call) and _callee(parent) in macros.keys() | defined \
                        and (node in parent.args or any(k.value is node for k in parent.kwargs))  # passed on
                    if not isinstance(node, nodes.Name) or not (to_macro or isinstance(parent, (nodes.Output,
                                                                                                 nodes.Concat,
                                                                                                 nodes.Add))):
                        problem.append((block.lineno, "root", node.lineno, "root"))
                elif name == "caller" and name not in scope:
                    problem.append((block.lineno, "caller", node.lineno, "caller"))
                elif name in with_context and name not in scope:
                    problem.append((block.lineno, name, node.lineno, "context-import"))
                elif not covered(chain, scope):
                    shown = ".".join(chain[:2]) if any(u[0] == name for u in under) else name  # item.title
                    problem.append((block.lineno, shown, node.lineno, "unkeyed"))
                elif name in macros and name not in scope and name not in entered:
                    # called here, or later under another name ({% set f = m %}, passed to a macro): a macro
                    # of the template reads the page's names, not the part's
                    entered.add(name)
                    for called in macros[name]:
                        inner = {a.name for a in called.args} | {"caller", "varargs", "kwargs"}
                        for default in called.defaults:
                            visit(default, set(), called, macro=name)
                        for child in called.body:
                            visit(child, inner, called, macro=name)
                return
            if isinstance(node, nodes.Block):
                problem.append((block.lineno, node.name, node.lineno, "block"))
                return
            if isinstance(node, (nodes.Include, nodes.Extends)):  # an included template may extend another
                names = _template_names(node.template)
                if isinstance(node.template, nodes.CondExpr):  # 'a.html' if x else 'b.html': x is read too
                    visit(node.template.test, scope, node, macro)
                if names is None:  # what it shows cannot be known before the page is rendered
                    problem.append((block.lineno, "include", node.lineno, "dynamic-include"))
                    return
                for other_name in names if included is not None else ():
                    seen = f"include:{other_name}:{sorted(scope)}"  # again where the part set other names
                    if seen in entered:
                        continue
                    entered.add(seen)
                    other = included(other_name)
                    if other is not None:
                        before = len(problem)
                        inner = scope | {m.name for m in other.find_all(nodes.Macro)} | _imported(other, False)
                        imported = next((n for n in other.find_all((nodes.Import, nodes.FromImport))
                                         if n.with_context), None)
                        if imported is not None:
                            problem.append((block.lineno, ", ".join(_import_names(imported)), imported.lineno,
                                            "context-import"))
                        for child in other.body:
                            visit(child, inner, other, macro)
                        if len(problem) > before:
                            start, variable, used, kind = problem[-1]
                            problem[-1] = (start, variable, f"{other_name}:{used}", kind)
                            return
                return
            if isinstance(node, nodes.With):
                for value in node.values:
                    visit(value, scope, node, macro)
                inner = scope | {n for t in node.targets for n in _stored(t)}
                for child in node.body:
                    visit(child, inner, node, macro)
                return
            if isinstance(node, nodes.For):
                visit(node.iter, scope, node, macro)
                inner = scope | _stored(node.target) | {"loop"}
                for child in (*node.body, *([node.test] if node.test else [])):
                    visit(child, inner, node, macro)
                for child in node.else_:
                    visit(child, scope, node, macro)
                return
            if isinstance(node, (nodes.Assign, nodes.AssignBlock)) and isinstance(node.target, nodes.NSRef):
                problem.append((block.lineno, f"{node.target.name}.{node.target.attr}", node.lineno, "namespace"))
                return
            if isinstance(node, nodes.Assign):
                visit(node.node, scope, node, macro)
                scope |= _stored(node.target)
                return
            if isinstance(node, nodes.AssignBlock):
                for child in (*node.body, *([node.filter] if node.filter else [])):
                    visit(child, scope, node, macro)
                scope |= _stored(node.target)
                return
            if isinstance(node, nodes.If):  # a name is set after it only if every branch sets it
                visit(node.test, scope, node, macro)
                branches = [(None, node.body), *((branch.test, branch.body) for branch in node.elif_)]
                after = []
                for test, body in branches + [(None, node.else_)]:
                    inner = set(scope)
                    if test is not None:
                        visit(test, inner, node, macro)
                    for child in body:
                        visit(child, inner, node, macro)
                    after.append(inner)
                scope |= set.intersection(*after)
                return
            if isinstance(node, (nodes.Macro, nodes.CallBlock)) and node is not block:
                inner = scope | {a.name for a in node.args} | {"caller"}
                for default in node.defaults:
                    visit(default, scope, node, macro)
                if isinstance(node, nodes.CallBlock):
                    visit(node.call, scope, node, macro)
                for child in node.body:
                    visit(child, inner, node, macro)
                return
            if isinstance(node, nodes.Call):  # keyword arguments too are the call's own (root passed on)
                for child in (node.node, *node.args, *(k.value for k in node.kwargs), node.dyn_args, node.dyn_kwargs):
                    if child is not None:
                        visit(child, scope, node, macro)
                return
            for child in node.iter_child_nodes():
                visit(child, scope, node, macro)

        scope: set = set()  # what the part has set so far
        for child in block.body:
            visit(child, scope)
        found += problem
    return found


#: What a template error says of each problem :func:`_unkeyed_names` finds in a
#: fragment: kind -> function of (the variable, where it is read).
_FRAGMENT_PROBLEMS = {
    "root": lambda variable, used: (
        f"root is changed or compared inside this fragment ({used}): there it stands for the way to the site "
        "root, filled in when the page is finished; use it only as {{ root }} before a path, as in "
        "{{ root }}{{ item.url }} (page_path tells which page this is)"),
    "macro-root": lambda variable, used: (
        f"the macro {variable}() called inside this fragment reads root ({used}), which in a macro is the "
        f"page's own and not the fragment's: pass it as an argument, as in {{{{ {variable}(root, ...) }}}}"),
    "block": lambda variable, used: (
        f"the block {variable} ({used}) is inside this fragment: a template that extends this one can change "
        "it on some pages only; put the fragment inside the block"),
    "dynamic-include": lambda variable, used: (
        f"the template included inside this fragment ({used}) is named by an expression, so what it shows "
        "cannot be checked against the key: name it by a fixed string (or a list of them), as in "
        "{% include \"partials/badge.html\" %}"),
    "context-import": lambda variable, used: (
        f"'{variable}' is imported with context and used inside this fragment ({used}): its macros read the "
        "page's own variables, which the key does not cover; import it without context and pass what it "
        "shows as arguments"),
    "namespace": lambda variable, used: (
        f"{variable} is set inside this fragment ({used}): a fragment shown again is not run again, so the "
        "page after it would not see the change; set it before or after the fragment"),
    "caller": lambda variable, used: (
        f"caller() is read inside this fragment ({used}), where it is not the caller of the macro; put the "
        "fragment around the {% call %} instead"),
    "unkeyed": lambda variable, used: (
        f"the part of this fragment shows '{variable}' ({used}), which its key does not cover: it would be "
        "rendered once and the same shown on every page; add to the key "
        f"'{variable}', or what tells its values apart (as in {{% fragment item.url, root %}}); a value "
        "computed from a variable (page_path == \"x\") goes in the key by a {% set %} before the fragment"),
}


class _Environment(jinja2.Environment):
    """Jinja2's environment with a quicker ``x.name`` for the view models (plain
    dicts): Jinja2 tries ``getattr`` first and the item on ``AttributeError``;
    for a name that is no attribute of a dict the item is looked up at once
    (same result, no exception raised and caught on every lookup)."""

    template_class = _Template

    def _parse(self, source, name, filename):
        template = super()._parse(source, name, filename)

        def included(other: str):
            try:
                text, path, _ = self.loader.get_source(self, other)
                return super(_Environment, self)._parse(text, other, path)
            except (jinja2.TemplateError, OSError):
                return None  # reported when the page is rendered

        for line, variable, used, kind in _unkeyed_names(template, self.globals, included):
            message = _FRAGMENT_PROBLEMS[kind](variable, f"line {used}" if isinstance(used, int) else used)
            raise jinja2.TemplateSyntaxError(message, line, name, filename)
        return template

    def _load_template(self, name, globals, *args, **kwargs):
        # Jinja2 looks a template up in its LRU cache under a new weak reference to
        # the loader on every include; an environment here never reloads a template
        # (see :func:`environment`), so a plain dict by name gives the same template.
        if globals or args or kwargs:
            return super()._load_template(name, globals, *args, **kwargs)
        loaded = self.__dict__.setdefault("_jarida_loaded", {})
        template = loaded.get(name)
        if template is None:
            template = loaded[name] = super()._load_template(name, globals)
        return template

    def getattr(self, obj, attribute):
        kind = type(obj)
        if kind is dict:
            if attribute not in _DICT_NAMES:
                try:
                    return obj[attribute]
                except KeyError:
                    return self.undefined(obj=obj, name=attribute)
        elif kind is View and attribute not in _VIEW_NAMES and attribute not in obj.__dict__:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's ``FileSystemBytecodeCache``, whose writes never fail a build: the
    folder is made again when it was deleted (``rm -rf .cache`` while
    ``jarida serve`` runs), and a template that cannot be stored is compiled again
    next time; and whose reads never fail one either: a damaged file (a disk
    error, a cut copy) is a template compiled again, as a missing one is."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - pickle and marshal raise many kinds on damaged bytes
            bucket.reset()
            return
        if bucket.code is not None and not isinstance(bucket.code, types.CodeType):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache:
    """Jinja2's ``FileSystemBytecodeCache`` in ``folder``. Jinja2 keys a compiled
    template by its name and source only, so the folder is emptied first when
    it was filled by other code (Jarida's, with its extensions and options) or
    another Jinja2."""
    folder.mkdir(parents=True, exist_ok=True)
    bytecode = _BytecodeCache(str(folder))
    stamp, owner = folder / "made-by.txt", _made_by() + "\n"
    try:
        same = stamp.read_text(encoding="utf-8") == owner
    except (OSError, ValueError):  # missing, or damaged (not UTF-8)
        same = False
    if not same:
        bytecode.clear()
        stamp.write_text(owner, encoding="utf-8")
    return bytecode


def _new_environment(dirs: list[Path], cache_dir: Path | None = None) -> jinja2.Environment:
    return _Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=[Fragments],
        bytecode_cache=_bytecode_cache(cache_dir) if cache_dir is not None else None,
    )


class PageRenderer:
    """Renders one :class:`Page` at a time into UTF-8 bytes (templates loaded once).

    ``body_of`` maps a body key to the article's HTML. Templates get ``root``, the
    way from the page to the site root (``./``, ``../../``; the base URL's path on
    the 404 page); inside a fragment it is :data:`generator.markup.ROOT`, replaced
    in the finished page as in the article bodies (see :class:`Fragments`). Calling it raises
    :class:`JaridaError` (exit code 2) for a missing template or a template
    error, naming the template file and line, and for ``root`` put through a
    filter inside a fragment (see :func:`_filled`).
    """

    def __init__(self, env: jinja2.Environment, site_context: dict, base_url: str, strings: dict | None = None,
                 body_of=None):
        self.env, self.site_context, self.strings, self.body_of = env, site_context, strings or {}, body_of
        self.base_path = urlsplit(base_url).path or "/"
        self.templates: dict[str, jinja2.Template] = {}
        self.fragments: dict = {}  # see Fragments

    def __call__(self, page: Page) -> bytes:
        from .urls import root_of

        context = page.context
        if page.body is not None:
            context = dict(context, article=dict(context["article"], body_html=self.body_of(page.body)))
        try:
            template = self.templates.get(page.template) or self.templates.setdefault(
                page.template, self.env.get_template(page.template))
            root = self.base_path if page.path == "404.html" else root_of(page.path)
            html = template.render(site=self.site_context, root=root, page_path=page.path, t=self.strings,
                                   **{FRAGMENTS: self.fragments}, **context)
        except jinja2.TemplateNotFound as exc:  # the page's template, or one it extends, includes or imports
            path, line = _template_location(exc, "")
            folders = " or ".join(getattr(self.env.loader, "searchpath", ())) or "the theme"
            if path and isinstance(exc, jinja2.TemplatesNotFound) and len(exc.templates) > 1:  # include [a, b]
                names = ", ".join(f"'{getattr(t, 'name', t)}'" for t in exc.templates)
                problem = Problem(path, line, f"template error: none of {names} is found in {folders}; "
                                              "fix the names, or add one of the files")
            elif path:
                problem = Problem(path, line, f"template error: '{exc.name}' is not found in {folders}; "
                                              "fix the name, or add the file")
            else:
                problem = Problem(exc.name or page.template, 0, f"template not found in {folders}; add it, "
                                                                "or use the default theme")
            raise JaridaError([problem], 2) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise JaridaError([Problem(exc.filename or exc.name or "template", exc.lineno, f"template error: {exc.message}")], 2) from exc
        except JaridaError:
            raise
        except Exception as exc:  # an undefined name, or a Python error in an expression: 1 // 0, "a" + 1
            path, line = _template_location(exc, page.template)
            what = exc.message if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
            raise JaridaError([Problem(path, line, f"template error while rendering {page.path}: {what}")], 2) from exc
        return html.replace(ROOT, root).encode("utf-8")


def template_fingerprints(env: jinja2.Environment, names: set[str]) -> dict[str, str]:
    """A fingerprint for each template in ``names``: the hash of its source and of
    every template it extends, includes or imports, recursively (found with
    ``jinja2.meta.find_referenced_templates``). A template that names another one
    only at run time depends on every template of the theme. A template that
    cannot be found or parsed gets a fingerprint of its name (rendering then
    reports the error). With an environment made with a ``cache_dir``, the names
    each template source references are kept in :data:`REFERENCES_FILE` there,
    so a later build parses only templates it has not seen."""
    import hashlib

    from jinja2 import meta

    sources: dict[str, str | None] = {}
    refs: dict[str, set[str] | None] = {}
    kept = getattr(env, "references_file", None)
    if kept is not None and kept not in _REFERENCES_LOADED:
        _load_references(kept)
        _REFERENCES_LOADED.add(kept)
    used, parsed = set(), False

    def load(name: str) -> None:
        nonlocal parsed
        if name in sources:
            return
        try:
            source = env.loader.get_source(env, name)[0]
            sources[name] = source
            digest = hashlib.blake2b(source.encode("utf-8"), digest_size=16).hexdigest()
            found = _REFERENCES.get(digest)
            if found is None:
                found = _REFERENCES[digest] = set(meta.find_referenced_templates(env.parse(source)))
                parsed = True
            used.add(digest)
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
    if parsed and kept is not None:
        _save_references(kept, used)
    return out


def _template_location(exc: Exception, default: str) -> tuple[str, int]:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html") or frame.filename.endswith(".xml"):
            return frame.filename, frame.lineno or 0
    return default, 0
