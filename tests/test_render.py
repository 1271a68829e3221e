"""The template environment: compiled once per theme state, fragments rendered once
per build, and the same output as plain Jinja2."""
from __future__ import annotations

import jinja2
import markupsafe
import pytest

from generator import render
from generator.pages import Page
from generator.views import View


def theme(tmp_path, templates: dict[str, str]):
    """A theme folder with ``templates``; its list of folders for :func:`render.environment`."""
    folder = tmp_path / "theme"
    for name, text in templates.items():
        path = folder / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [folder]


def page(path: str, **context) -> Page:
    return Page(path, "page.html", context)


def test_a_template_edited_in_place_is_compiled_again(tmp_path):
    dirs = theme(tmp_path, {"page.html": "<p>{{ x }}</p>"})
    env = render.environment(dirs)
    assert env.get_template("page.html").render(x="أ") == "<p>أ</p>"
    assert render.environment(dirs) is env  # nothing changed: the same environment
    (dirs[0] / "templates" / "page.html").write_text("<b>{{ x }}</b>", encoding="utf-8")  # same size, same name
    again = render.environment(dirs)
    assert again is not env and again.get_template("page.html").render(x="أ") == "<b>أ</b>"


def test_a_fragment_is_rendered_once_per_key(tmp_path):
    dirs = theme(tmp_path, {"page.html": "{% fragment root %}<a href=\"{{ root }}\">{{ site.title }}"
                                         "{{ count() }}</a>{% endfragment %}|{{ page_path }}"})
    calls = []
    renderer = render.PageRenderer(render.environment(dirs), {"title": "جريدة"}, "https://example.com/")
    renderer.env.globals["count"] = lambda: calls.append(1) or len(calls)
    pages = [renderer(page(path)).decode() for path in ("index.html", "a/index.html", "b/index.html", "c/d/index.html")]
    # Inside a fragment ``root`` is filled in when the page is finished, so a fragment
    # keyed by it is rendered once for pages at every depth.
    assert pages == ['<a href="./">جريدة1</a>|index.html', '<a href="../">جريدة1</a>|a/index.html',
                     '<a href="../">جريدة1</a>|b/index.html', '<a href="../../">جريدة1</a>|c/d/index.html']
    other = render.PageRenderer(renderer.env, {"title": "أخرى"}, "https://example.com/")  # another build
    assert other(page("a/index.html")).decode() == '<a href="../">أخرى2</a>|a/index.html'


def test_root_is_the_page_s_own_outside_fragments_and_filled_in_inside_them(tmp_path):
    dirs = theme(tmp_path, {"page.html": "{% if root == './' %}HOME {% endif %}{{ root | length }} {{ root | tojson }} "
                                         "{% fragment 'nav' %}<a href=\"{{ root }}tags/\">{{ count() }}</a>{% endfragment %}"})
    calls = []
    renderer = render.PageRenderer(render.environment(dirs), {}, "https://example.com/news/")
    renderer.env.globals["count"] = lambda: calls.append(1) or len(calls)
    pages = [renderer(page(path)).decode() for path in ("index.html", "a/b/index.html", "404.html")]
    # Outside the fragment, root is the page's own value; inside it, it is filled in when
    # the page is finished, so the fragment (its key without root) is right at every depth.
    assert pages == ['HOME 2 "./" <a href="./tags/">1</a>', '6 "../../" <a href="../../tags/">1</a>',
                     '6 "/news/" <a href="/news/tags/">1</a>']


@pytest.mark.parametrize("use", ["root | upper", "root | tojson", "root | urlencode", "root[1:]", "root | title"])
def test_root_changed_by_a_filter_inside_a_fragment_is_an_error_naming_the_page(tmp_path, use):
    from generator.problems import JaridaError

    dirs = theme(tmp_path, {"page.html": "{% fragment 'x' %}<script>var r = {{ " + use + " }};</script>{% endfragment %}"})
    renderer = render.PageRenderer(render.environment(dirs), {}, "https://example.com/")
    with pytest.raises(JaridaError) as caught:
        renderer(page("tags/x/index.html"))
    assert "page.html:1: template error: root is changed or compared inside this fragment" in str(caught.value)


def test_a_fragment_outside_a_page_renderer_or_with_a_list_key_is_rendered_every_time(tmp_path):
    dirs = theme(tmp_path, {"page.html": "{% fragment items %}{{ items | join(',') }}{% endfragment %}"})
    env = render.environment(dirs)
    assert env.get_template("page.html").render(items=[1, 2]) == "1,2"
    renderer = render.PageRenderer(env, {}, "https://example.com/")
    assert renderer(page("index.html", items=[1, 2])) == b"1,2"
    assert renderer(page("index.html", items=[3])) == b"3"


@pytest.mark.parametrize("value", [
    {"title": "<عنوان>", "items": "x", "keys": "y"},
    View({"title": "a & b", "items": "z"}),
    {"other": 1},
])
def test_attributes_and_escaping_are_those_of_plain_jinja(tmp_path, value):
    source = ("{{ v.title is defined }}|{{ v.title | default('-') }}|{{ v['items'] }}|"
              "{{ v.items is callable }}|{{ v.get('title') }}|{{ n }}|{{ m }}|{{ none }}")
    dirs = theme(tmp_path, {"page.html": source})
    ours = render.environment(dirs).get_template("page.html")
    plain = jinja2.Environment(autoescape=True).from_string(source)
    options = {"v": value, "n": 3, "m": markupsafe.Markup("<i>ok</i>")}
    assert ours.render(**options) == plain.render(**options)
    with pytest.raises(jinja2.UndefinedError):
        render.environment(dirs).from_string("{{ v.missing.x }}").render(v=value)


def test_a_renderer_keeps_a_bounded_number_of_fragments(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "FRAGMENT_LIMIT", 4)
    dirs = theme(tmp_path, {"page.html": "{% fragment n %}[{{ n }}:{{ count() }}]{% endfragment %}"})
    calls = []
    renderer = render.PageRenderer(render.environment(dirs), {}, "https://example.com/")
    renderer.env.globals["count"] = lambda: calls.append(1) or len(calls)
    seen = [renderer(page("index.html", n=n)).decode() for n in (1, 2, 3, 1, 4, 5, 4, 3, 1)]
    # When 5 came, the oldest half (1 and 2) was forgotten; 3 and 4 were kept.
    assert seen == ["[1:1]", "[2:2]", "[3:3]", "[1:1]", "[4:4]", "[5:5]", "[4:4]", "[3:3]", "[1:6]"]
    assert len(renderer.fragments) <= 4


def test_cards_rendered_once_give_the_pages_of_rendering_every_card(tmp_path, monkeypatch):
    """The bundled theme's article cards are fragments keyed by the article, ``root``
    and the card's options: a build that reuses them gives the bytes of one that
    renders every card where it appears."""
    import datetime as dt

    from conftest import copy_site, snapshot
    from generator.build import build

    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    site = copy_site(tmp_path / "site")
    reused = []
    plain = render.Fragments._render

    def counting(key, context, caller):
        store = context.get(render.FRAGMENTS)
        if store is not None and key in store and "card.html" in key[0]:
            reused.append(key)
        return plain(key, context, caller)

    monkeypatch.setattr(render.Fragments, "_render", staticmethod(counting))
    build(site, now=now)
    assert len(reused) > 50  # cards are shown on many list pages
    once = snapshot(site / "build")
    # Every card rendered where it appears, with the page's own root.
    monkeypatch.setattr(render.Fragments, "_render",
                        staticmethod(lambda key, context, caller: caller(context.resolve("root"))))
    build(site, out=tmp_path / "every", now=now)
    assert snapshot(tmp_path / "every") == once


def test_a_cold_build_renders_the_pages_showing_the_same_articles_together(tmp_path, monkeypatch):
    """Pages come in the order of the newest article they show (the front page, its
    articles' pages, their tags', authors' and months' pages mixed), not in the plan's
    order: with the renderer's fragments bounded, fewer cards are rendered again."""
    import datetime as dt

    from conftest import copy_site
    from generator.build import build

    site = copy_site(tmp_path / "site")
    (site / "site.toml").write_text((site / "site.toml").read_text(encoding="utf-8")
                                    .replace("per_page = 10", "per_page = 3"), encoding="utf-8")
    monkeypatch.setattr(render, "FRAGMENT_LIMIT", 16)
    shown, cards = [], []
    plain_call, plain_filled = render.PageRenderer.__call__, render._filled

    def rendering(self, page):
        context = page.context
        urls = [context["article"]["url"]] if "article" in context else \
            [a["url"] for a in context.get("articles") or ()]
        shown.append((page.path, urls))
        return plain_call(self, page)

    def filling(key, context, caller):
        cards.append(key)
        return plain_filled(key, context, caller)

    monkeypatch.setattr(render.PageRenderer, "__call__", rendering)
    monkeypatch.setattr(render, "_filled", filling)
    build(site, now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    front = sorted((path for path, _ in shown if path == "index.html" or path.startswith("page/")),
                   key=lambda path: int(path.split("/")[1]) if "/" in path else 1)
    newest_first = [url for path in front for url in dict(shown)[path]]
    assert len(newest_first) == len(set(newest_first)) > 20
    position = {url: i for i, url in enumerate(newest_first)}
    firsts = [min(position[url] for url in urls) for _, urls in shown if urls]
    assert len(firsts) > 100 and firsts == sorted(firsts)
    card_keys = [key for key in cards if "card.html" in key[0]]
    assert len(card_keys) < 1.9 * len(set(card_keys))


def test_the_templates_a_template_names_are_kept_between_processes(tmp_path, monkeypatch):
    """A later build (a new process: the memo in memory is empty) takes the names a
    template references from the cache instead of parsing it again; a template
    changed since is parsed, and a damaged or foreign file is ignored."""
    dirs = theme(tmp_path, {"page.html": "{% extends 'base.html' %}{% block b %}{% include 'part.html' %}{% endblock %}",
                            "base.html": "<main>{% block b %}{% endblock %}</main>", "part.html": "<p>x</p>"})
    cache_dir = tmp_path / "cache"
    first = render.template_fingerprints(render.environment(dirs, cache_dir), {"page.html"})
    kept = cache_dir / render.REFERENCES_FILE
    assert kept.is_file()

    parsed = []
    real_parse = render._Environment.parse

    def counting_parse(self, source, *args, **kwargs):
        parsed.append(source)
        return real_parse(self, source, *args, **kwargs)

    monkeypatch.setattr(render._Environment, "parse", counting_parse)
    for damage in (None, "not json", '{"made_by": "another", "references": {}}', '{"references": 3}'):
        monkeypatch.setattr(render, "_REFERENCES", {})
        monkeypatch.setattr(render, "_REFERENCES_LOADED", set())
        render._ENVIRONMENTS.clear()
        if damage is not None:
            kept.write_text(damage, encoding="utf-8")
        parsed.clear()
        assert render.template_fingerprints(render.environment(dirs, cache_dir), {"page.html"}) == first
        assert len(parsed) == (0 if damage is None else 3), damage
    # the part changes: its fingerprint and the page's change, and only the part is parsed again
    (dirs[0] / "templates" / "part.html").write_text("<p>y {% include 'extra.html' %}</p>", encoding="utf-8")
    (dirs[0] / "templates" / "extra.html").write_text("<i>z</i>", encoding="utf-8")
    monkeypatch.setattr(render, "_REFERENCES", {})
    monkeypatch.setattr(render, "_REFERENCES_LOADED", set())
    render._ENVIRONMENTS.clear()
    parsed.clear()
    again = render.template_fingerprints(render.environment(dirs, cache_dir), {"page.html"})
    assert again["page.html"] != first["page.html"]
    assert sorted(parsed) == ["<i>z</i>", "<p>y {% include 'extra.html' %}</p>"]


def test_an_included_template_is_loaded_once_per_environment(tmp_path):
    dirs = theme(tmp_path, {"page.html": "{% for i in range(3) %}{% include 'part.html' %}{% endfor %}",
                            "part.html": "<b>{{ i }}</b>"})
    env = render.environment(dirs)
    loads = []
    real = env.loader.load
    env.loader.load = lambda *args, **kwargs: loads.append(args[1]) or real(*args, **kwargs)
    assert env.get_template("page.html").render() == "<b>0</b><b>1</b><b>2</b>"
    assert env.get_template("page.html").render() == "<b>0</b><b>1</b><b>2</b>"
    assert sorted(loads) == ["page.html", "part.html"]
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("missing.html")


def test_a_deleted_compiled_template_folder_does_not_fail_rendering(tmp_path):
    """``rm -rf .cache`` while ``jarida serve`` runs: the environment of the process
    still points at the deleted folder; compiling a template makes it again."""
    import shutil

    dirs = theme(tmp_path, {"page.html": "<p>{{ x }}</p>", "other.html": "<b>{{ x }}</b>"})
    folder = tmp_path / "cache" / "templates"
    env = render.environment(dirs, folder)
    assert env.get_template("page.html").render(x="أ") == "<p>أ</p>"
    shutil.rmtree(tmp_path / "cache")
    assert env.get_template("other.html").render(x="ب") == "<b>ب</b>"
    assert any(folder.iterdir())  # stored again


@pytest.mark.parametrize("part, line", [
    ("{% fragment root %}\n<a href=\"{{ root }}{{ item.url }}\">{{ item.title }}</a>{% endfragment %}", 2),
    # the key names an attribute of item, not what identifies it: every article of a section would share a card
    ("{% fragment item.section.url %}<a>{{ item.title }}</a>{% endfragment %}", 1),
    # the loop of the page, not of the part: every card numbered as the first one rendered
    ("{% for item in items %}{% fragment item.url %}\n{{ loop.index }}{% endfragment %}{% endfor %}", 2),
    # the key holds the value of the comparison, not page_path
    ("{% fragment root, page_path == 'search/index.html' %}{% if page_path.startswith('archive') %}A"
     "{% endif %}{% endfragment %}", 1),
    # read before the part sets it: the value of the page
    ("{% fragment root %}<p>{{ title }}</p>{% set title = 'x' %}{{ title }}{% endfragment %}", 1),
    ("{% fragment item.url %}{% if compact %}<p>{{ item.summary }}</p>{% endif %}{% endfragment %}", 1),
    ("{% fragment 'nav' %}{% for s in site.sections %}<b {% if s.url == here %}class=x{% endif %}>"
     "</b>{% endfor %}{% endfragment %}", 1),
])
def test_a_fragment_whose_key_leaves_out_what_it_shows_is_a_template_error(tmp_path, part, line):
    """A part reused for every page with the same key must have in its key every
    variable it reads: else every card would show the first card's headline."""
    dirs = theme(tmp_path, {"page.html": "{% set x = 1 %}\n" + part})
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        render.environment(dirs).get_template("page.html")
    assert caught.value.lineno == 2  # the line of the tag, and of the variable read:
    assert f"(line {line + 1}), which its key does not cover" in caught.value.message


def test_a_fragment_may_read_its_key_its_own_names_macros_and_globals(tmp_path):
    source = ("{% macro link(r, url) %}<a href=\"{{ r }}{{ url }}\"></a>{% endmacro %}{% fragment 'x' %}"
              "{{ link(root, 'tags/') }}<a href=\"{{ root + 'a/' }}\"></a>{% endfragment %}"
              "{% macro badge(x) %}<i>{{ x }}</i>{% endmacro %}{% import 'm.html' as m %}{% from 'm.html' import f as g %}"
              "{% fragment item.url, root, level %}{% set n = item.title | length %}{% for a in item.authors %}"
              "{{ badge(a) }}{{ m.f(a) }}{{ g(a) }}{{ loop.index }}{% endfor %}<h{{ level }}>{{ n }}{{ t.more }}"
              "{{ site.title }}{{ range(2) | list }}</h{{ level }}>{% endfragment %}")
    dirs = theme(tmp_path, {"page.html": source, "m.html": "{% macro f(x) %}{{ x }}{% endmacro %}"})
    html = render.environment(dirs).get_template("page.html").render(
        item={"url": "u", "title": "عنوان", "authors": ["ليلى"]}, level=2, t={"more": "+"}, site={"title": "ج"},
        root="../")
    assert html == '<a href="../tags/"></a><a href="../a/"></a><i>ليلى</i>ليلىليلى1<h2>5+ج[0, 1]</h2>'



@pytest.mark.parametrize("part, kind", [
    ("{% fragment 'x' %}{{ root | length }}{% endfragment %}", "root is changed or compared"),
    ("{% fragment 'x' %}{{ root.count('/') }}{% endfragment %}", "root is changed or compared"),
    ("{% fragment 'x' %}{{ root | replace('./', '') }}{% endfragment %}", "root is changed or compared"),
    ("{% fragment 'x' %}{% if root == './' %}H{% endif %}{% endfragment %}", "root is changed or compared"),
    ("{% macro box(k) %}{% fragment k %}<div>{{ caller() }}</div>{% endfragment %}{% endmacro %}",
     "caller() is read inside this fragment"),
    ("{% macro link(url) %}<a href=\"{{ root }}{{ url }}\">x</a>{% endmacro %}"
     "{% fragment 'nav' %}{{ link('tags/') }}{% endfragment %}", "the macro link() called inside this fragment reads root"),
    ("{% macro here() %}{{ page_title }}{% endmacro %}{% fragment root %}{{ here() }}{% endfragment %}",
     "the part of this fragment shows 'page_title'"),
    ("{% fragment root %}<p>{% block tagline %}{{ site.description }}{% endblock %}</p>{% endfragment %}",
     "the block tagline (line 1) is inside this fragment"),
    ("{% fragment root %}{% with page_title = page_title %}{{ page_title }}{% endwith %}{% endfragment %}",
     "the part of this fragment shows 'page_title'"),
])
def test_root_used_otherwise_than_before_a_path_or_caller_in_a_fragment_is_a_template_error(tmp_path, part, kind):
    """Inside a fragment ``root`` is a placeholder (its length, a filter or a
    comparison would be those of the placeholder on every page), and ``caller`` is
    not the macro's: both are refused when the template is read."""
    dirs = theme(tmp_path, {"page.html": part})
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        render.environment(dirs).get_template("page.html")
    assert caught.value.message.startswith(kind)


@pytest.mark.parametrize("part, kind", [
    ("{% fragment root %}{% include ['missing.html', 'inner.html'] %}{% endfragment %}",
     "the part of this fragment shows 'page_path' (inner.html:1)"),
    ("{% fragment root %}{% include 'in' ~ 'ner.html' %}{% endfragment %}",
     "the template included inside this fragment (line 1) is named by an expression"),
    ("{% set name = 'inner.html' %}{% fragment root %}{% include name %}{% endfragment %}",
     "the template included inside this fragment (line 1) is named by an expression"),
    ("{% import 'm.html' as m with context %}{% fragment root %}{{ m.where() }}{% endfragment %}",
     "'m' is imported with context and used inside this fragment (line 1)"),
    ("{% from 'm.html' import where with context %}{% fragment root %}{{ where() }}{% endfragment %}",
     "'where' is imported with context and used inside this fragment (line 1)"),
    ("{% fragment root %}{% include 'by.html' %}{% endfragment %}",
     "'m' is imported with context and used inside this fragment (by.html:1)"),
    # a macro's default values are read where it is defined: on the page
    ("{% macro link(u, r=root) %}<a href=\"{{ r }}{{ u }}\"></a>{% endmacro %}"
     "{% fragment item.url %}{{ link(item.url) }}{% endfragment %}",
     "the macro link() called inside this fragment reads root (line 1)"),
    ("{% fragment item.url %}{% macro here(p=page_path) %}{{ p }}{% endmacro %}{{ here() }}{% endfragment %}",
     "the part of this fragment shows 'page_path' (line 1)"),
    # a fragment shown again does not run again: the page would not see the change
    ("{% set ns = namespace(n=0) %}{% fragment root %}{% set ns.n = 5 %}{% endfragment %}{{ ns.n }}",
     "ns.n is set inside this fragment (line 1)"),
    # site, t and the globals are keyless only while they are the same on every page
    ("{% set t = {'w': page_path} %}{% fragment root %}{{ t.w }}{% endfragment %}",
     "the part of this fragment shows 't' (line 1)"),
    ("{% for site in [page_title] %}{% fragment root %}{{ site }}{% endfragment %}{% endfor %}",
     "the part of this fragment shows 'site' (line 1)"),
    # the second include sees the page's page_title, not the one the part set for the first
    ("{% fragment item.url %}{% with page_title = item.title %}{% include 'title.html' %}{% endwith %}"
     "{% include 'title.html' %}{% endfragment %}", "the part of this fragment shows 'page_title' (title.html:1)"),
    ("{% fragment root %}{% include 'inner.html' if page_title else 'ok.html' %}{% endfragment %}",
     "the part of this fragment shows 'page_title' (line 1)"),
    # set in one branch only: the page's value where the branch is not taken
    ("{% fragment item.url %}{% if item.title %}{% set page_path = 'z' %}{% endif %}{{ page_path }}"
     "{% endfragment %}", "the part of this fragment shows 'page_path' (line 1)"),
    ("{% fragment root %}{% include 'child.html' %}{% endfragment %}",
     "the part of this fragment shows 'page_path' (child.html:inner.html:1)"),
    ("{% fragment item.url %}{% set x | replace('Q', page_path) %}Q{% endset %}{{ x }}{% endfragment %}"
     "{{ page_path }}", "the part of this fragment shows 'page_path' (line 1)"),
    # a macro called under another name, and a name defined twice: each macro it may call is looked into
    ("{% macro here() %}{{ page_path }}{% endmacro %}{% fragment root %}{% set f = here %}{{ f() }}"
     "{% endfragment %}", "the part of this fragment shows 'page_path' (line 1)"),
    ("{% macro here() %}{{ page_path }}{% endmacro %}{% fragment root %}{{ here() }}{% endfragment %}"
     "{% macro here() %}x{% endmacro %}", "the part of this fragment shows 'page_path' (line 1)"),
])
def test_what_a_fragment_includes_or_imports_with_context_is_checked(tmp_path, part, kind):
    """A template included by a list of names is looked into, one named by an
    expression or macros imported with context (which read the page's names) are
    refused: else a card would show the path of the first page that rendered it."""
    dirs = theme(tmp_path, {"page.html": part, "inner.html": "<span>{{ page_path }}</span>",
                            "m.html": "{% macro where() %}{{ page_path }}{% endmacro %}",
                            "by.html": "{% import 'm.html' as m with context %}{{ m.where() }}",
                            "title.html": "<h2>{{ page_title }}</h2>",
                            "child.html": "{% extends 'inner.html' %}",
                            "ok.html": "<a href=\"{{ root }}archive/\">{{ t.archive }}</a>"})
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        render.environment(dirs).get_template("page.html")
    assert caught.value.message.startswith(kind), caught.value.message
    (dirs[0] / "templates" / "page.html").write_text(
        "{% fragment root %}{% include ['missing.html', 'ok.html'] %}{% endfragment %}{{ page_path }}",
        encoding="utf-8")
    renderer = render.PageRenderer(render.environment(dirs), {}, "https://example.com/", {"archive": "الأرشيف"})
    assert renderer(page("tags/index.html")).decode() == \
        '<a href="../archive/">الأرشيف</a>tags/index.html'


def test_a_fragment_may_call_wrappers_pass_root_by_keyword_and_include_templates_that_import(tmp_path):
    """What the README tells a theme's author to do passes the check: ``root`` passed
    to a macro (its own or an imported one, by position or by keyword), a macro
    wrapping the part's own text by ``{% call %}``, an included template that
    imports its macros."""
    source = ("{% import 'm.html' as m %}{% from 'm.html' import link %}"
              "{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}"
              "{% macro own(u, r) %}<b href=\"{{ r }}{{ u }}\"></b>{% endmacro %}"
              "{% fragment item.url %}{% call box() %}<p>{{ item.summary }}</p>{% endcall %}"
              "{{ link(root, item.url) }}{{ m.link(root, item.url) }}{{ own(item.url, r=root) }}"
              "{% include 'by.html' %}{% include 'ok.html' if item.summary else 'by.html' %}"
              "{% if item.summary %}{% set w = 1 %}{% elif item.url %}{% set w = 2 %}{% else %}{% set w = 3 %}"
              "{% endif %}{{ w }}{% set o = own %}{{ o(item.url, 'x/') }}{% endfragment %}")
    dirs = theme(tmp_path, {"page.html": source,
                            "m.html": "{% macro link(r, u) %}<a href=\"{{ r }}{{ u }}\"></a>{% endmacro %}"
                                      "{% macro names(xs) %}{{ xs | join('، ') }}{% endmacro %}",
                            "by.html": "{% from 'm.html' import names %}<i>{{ names(item.authors) }}</i>",
                            "ok.html": "<u>{{ item.summary }}</u>"})
    renderer = render.PageRenderer(render.environment(dirs), {}, "https://example.com/")
    item = {"url": "articles/x/", "summary": "ملخص", "authors": ["ليلى", "سمير"]}
    html = renderer(page("tags/t/index.html", item=item)).decode()
    assert html == ('<div><p>ملخص</p></div><a href="../../articles/x/"></a><a href="../../articles/x/"></a>'
                    '<b href="../../articles/x/"></b><i>ليلى، سمير</i><u>ملخص</u>1<b href="x/articles/x/"></b>')


def test_the_default_theme_passes_the_fragment_check():
    env = render.environment([render.BUNDLED_THEMES / "default"])
    for name in env.list_templates(extensions=["html", "xml"]):
        env.get_template(name)


def test_two_fragments_on_one_line_are_kept_apart(tmp_path):
    dirs = theme(tmp_path, {"page.html": "{% fragment root %}<p>إعلان</p>{% endfragment %}"
                                         "{% fragment root %}<p>تنبيه</p>{% endfragment %}"})
    renderer = render.PageRenderer(render.environment(dirs), {}, "https://example.com/")
    assert renderer(page("index.html")).decode() == "<p>إعلان</p><p>تنبيه</p>"


def test_a_template_included_inside_a_fragment_is_checked_as_the_fragment_is(tmp_path):
    dirs = theme(tmp_path, {
        "page.html": "{% fragment root %}\n{% include 'partials/social.html' %}{% include 'partials/ok.html' %}"
                     "{% endfragment %}",
        "partials/ok.html": "<a href=\"{{ root }}archive/\">{{ t.archive }}</a>",
        "partials/social.html": "<a href=\"{{ root }}archive/\"\n{% if page_path.startswith('archive/') %}"
                                " aria-current=\"page\"{% endif %}>x</a>"})
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        render.environment(dirs).get_template("page.html")
    assert caught.value.lineno == 1
    assert caught.value.message.startswith("the part of this fragment shows 'page_path' (partials/social.html:2)")
    (dirs[0] / "templates" / "partials" / "social.html").write_text("<a href=\"{{ root }}tags/\">x</a>", encoding="utf-8")
    renderer = render.PageRenderer(render.environment(dirs), {}, "https://example.com/", {"archive": "الأرشيف"})
    assert renderer(page("a/index.html")).decode() == '<a href="../tags/">x</a><a href="../archive/">الأرشيف</a>'
