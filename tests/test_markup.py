import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from unittest import mock

from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.preprocessors import NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor

from conftest import SHARED
from generator import markup
from generator.markup import Renderer, escape_paragraph, paragraphs_to_markdown

RENDERER = Renderer()


class Fragment(HTMLParser):
    """Tags and text (character references decoded) of an HTML fragment."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.parts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def render_paragraph(text: str) -> tuple[list[str], str, str]:
    html = RENDERER.render(escape_paragraph(text))
    fragment = Fragment(html)
    return fragment.tags, fragment.text, html


def assert_round_trip(text: str) -> None:
    tags, shown, html = render_paragraph(text)
    # a phone number written in groups is isolated left to right (<span dir="ltr">)
    assert [t for t in tags if t != "span"] == ["p"] and html.count("<span") == html.count('<span dir="ltr">'), html
    assert html.startswith("<p>") and html.endswith("</p>"), html
    assert shown == text, html


TRICKY = [
    "2024. عام الانتخابات",
    "2024.",
    "1) أولا",
    "1. البند الأول",
    "١. البند الأول",
    "3.5 مليون دولار",
    "- قائمة",
    "-",
    "--- فاصل",
    "---",
    "+ زائد",
    "# عنوان",
    "## عنوان",
    "#وسم",
    "* نجمة",
    "***",
    "*مائل* و**عريض**",
    "_مائل_ و__عريض__",
    "> اقتباس",
    ">",
    "<script>alert(1)</script>",
    "<b>عريض</b>",
    "<https://example.com>",
    "a < b > c",
    "&amp;",
    "&lt;script&gt;",
    "&#58; و &copy; و &",
    "AT&T",
    "`code`",
    "```",
    "``` python",
    "[x](y)",
    "![صورة](img.png)",
    "[رابط][1]",
    "[1]: https://example.com",
    "[^1]",
    "*[HTML]: Hyper Text",
    "{: #id}",
    "نص {: .class}",
    ": x",
    ":",
    "~~~",
    "~",
    "===",
    "=",
    "| a | b |",
    "\\",
    "\\*ليس مائلا\\*",
    "C:\\Windows\\",
    "snake_case_name",
    "2*3*4",
    "قال: \"نعم\" و«لا» و“ربما”",
    "مصر   تقود    مفاوضات",
    "\u200fنص\u200e مع علامات اتجاه",
    "https://example.com/a_b_c",
    "foo@example.com",
]


@pytest.mark.parametrize("text", TRICKY)
def test_escape_paragraph_round_trip(text):
    assert_round_trip(text)


def test_escape_paragraph_strips_both_ends():
    assert escape_paragraph("  مصر  ") == "مصر"


def test_paragraphs_to_markdown_renders_each_paragraph():
    paragraphs = ["2024. عام", "- قائمة", "# عنوان", "<script>"]
    html = RENDERER.render(paragraphs_to_markdown(paragraphs))
    fragment = Fragment(html)
    assert fragment.tags == ["p"] * len(paragraphs)
    assert [line.removeprefix("<p>").removesuffix("</p>") for line in html.split("\n")] == [
        "2024. عام", "- قائمة", "# عنوان", "&lt;script&gt;",
    ]


def test_tab_renders_as_white_space():
    # Python-Markdown expands tabs to spaces; in HTML they show the same.
    _, shown, _ = render_paragraph("مصر\tتونس")
    assert shown.split() == ["مصر", "تونس"]


# Control characters (category Cc: tab, STX/ETX...) are left out: Python-Markdown
# expands tabs to spaces and drops STX/ETX (its own placeholder marks). Neither
# shows in a browser differently; see test_tab_renders_as_white_space.
SINGLE_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")))
MARKDOWN_PIECES = st.lists(
    st.sampled_from(
        list("\\`*_{}[]()#+-.!:|~=<>&;\"' 0123456789١٢abمصر/%@^$?،")
        + ["&amp;", "&#58;", "http://", "<b>", "1.", "1)", "    ", "![x](y)", "[^1]", "*[", "]:", "{: ",
           "```", "~~~", "---", "***", "\u00a0", "\u200f"]
    ),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(SINGLE_LINE, MARKDOWN_PIECES))
@example("2024. عام")
@example("1) x")
@example("&amp;")
def test_escape_paragraph_round_trip_property(text):
    text = text.strip()
    if not text:
        return
    assert_round_trip(text)


#: Pieces of Markdown (inline and block syntax, Arabic text, phone numbers) that
#: random documents are made of.
PIECES = ["*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")", "!", "<", ">", "&", ";", "amp", "#", ":", "/",
          "http://a.b", "www.x.com", "a@b.c", "  \n", "\n", "\n\n", " ", "نص", "غزة", "+20 2 2345 6789",
          "010-1234-5678", "0", "+", "٠١٢", "^", "- ", "1. ", "> ", "# ", "|", "---", "~~~", "    ", "[^1]",
          "[^1]: حاشية\n", "*[HTML]: Hyper\n", "HTML", "{: .c}", "<b>", "</b>", "<!-- c -->", "[a]: http://x\n",
          "[a]", "![i](p.jpg)", "[l](http://e.com)", "&copy;", "&#1234;", "<http://a.b/c>", "\n===", "\n- - -",
          "***", "___", ": تعريف", "\n:   ", "| a | b |\n|---|---|\n| 1 | 2 |", "|", "## ", "#عنوان#", ">>", "1) ",
          "\\-", "{", "}", "{#i}", "02", "-", "5678", "\x02", "\x03", "\t", "\r", "\r\n", "```"]


def _reference(allow_html: bool) -> Renderer:
    """A renderer with Python-Markdown's own inline processor (which tries every pattern on
    every text) and block tests (which search every block), and with ``fenced_code``
    given at the start, first, as in Python-Markdown's "extra"."""
    with mock.patch.object(markup, "EXTENSIONS", (FencedCodeExtension, *markup.EXTENSIONS)):
        renderer = Renderer(allow_html=allow_html, fast=False)
    assert "fenced_code_block" in renderer._md.preprocessors
    assert not any("test" in vars(processor) for processor in renderer._md.parser.blockprocessors)
    assert type(renderer._md.treeprocessors["inline"]) is InlineProcessor
    assert not any("run" in vars(processor) for processor in renderer._md.treeprocessors)
    assert renderer._md.treeprocessors["jarida_isolate"].source is None
    assert type(renderer._md.preprocessors["normalize_whitespace"]) is NormalizeWhitespace
    return renderer


REFERENCES = {allow: _reference(allow) for allow in (False, True)}
RENDERERS = {False: RENDERER, True: Renderer(allow_html=True)}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.booleans())
@example(["**", "نص", "**", "  \n", "[l](http://e.com)", " ", "&copy;", "_", "x", "_"], False)
@example(["اتصل على ", "010", "\x02", "-1234-5678"], False)  # a phone number once U+0002 is gone
def test_skipping_patterns_and_block_tests_that_cannot_match_changes_nothing(pieces, allow_html):
    text = "".join(pieces)
    assert RENDERERS[allow_html].render(text) == REFERENCES[allow_html].render(text)


def test_the_fast_renderer_really_skips():
    """The comparison above compares two different renderers."""
    assert type(RENDERER._md.treeprocessors["inline"]) is not InlineProcessor
    assert any("test" in vars(processor) for processor in RENDERER._md.parser.blockprocessors)
    skipped = {name for name in ("attr_list", "unescape", "jarida_safe_links")
               if "run" in vars(RENDERER._md.treeprocessors[name])}
    assert skipped == {"attr_list", "unescape", "jarida_safe_links"}
    assert RENDERER._md.treeprocessors["jarida_isolate"].source is not None
    assert type(RENDERER._md.preprocessors["normalize_whitespace"]) is markup._QuickNormalize
    def order(renderer):
        return [(item.name, item.priority) for item in renderer._md.preprocessors._priority
                if item.name != "fenced_code_block"]  # added with the first fence (see below)

    assert order(RENDERER) == order(REFERENCES[False])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "  ", "\t", "\r", "\r\n", "\x02", "\x03", "نص", "a", "\n \n", "\n\n"]),
                max_size=30).map("".join))
@example("نص\n   \nنص")
@example("نص\n \x02\n")  # a line of spaces once U+0002 is gone
@example("\t\n \r\n")
def test_quick_whitespace_normalisation_gives_python_markdowns_lines(text):
    """Python-Markdown's own ``NormalizeWhitespace`` and the one that skips the steps
    with nothing to change give the same lines, on the text as it comes (not only
    as :meth:`Renderer.render` leaves it)."""
    lines = text.split("\n")
    md = RENDERER._md
    assert markup._QuickNormalize(md).run(list(lines)) == NormalizeWhitespace(md).run(list(lines))


FENCED = ["```\nprint('سلام')\n```", "~~~ python\nx = 1\n~~~\n\nنص بعده", "``` {.python #code}\nx < 1 & y\n```",
          "- بند\n\n    ```\n    x\n    ```", "<div markdown=\"1\">\n```\nx\n```\n</div>", "````\n```\n````",
          "نص ``` في السطر", "~~~\nغير مغلق", "``\x02`\nx = 1\n``\x02`", "~~\x03~\nx\n~~~", "\t```\r\nx\r\n```"]


@pytest.mark.parametrize("allow_html", [False, True])
def test_fenced_code_is_added_at_the_first_fence_with_the_same_html(allow_html):
    lazy = Renderer(allow_html=allow_html)
    assert "fenced_code_block" not in lazy._md.preprocessors
    assert lazy.render("نص *بلا* سياج") == REFERENCES[allow_html].render("نص *بلا* سياج")
    assert "fenced_code_block" not in lazy._md.preprocessors
    for text in FENCED:  # each the first document of its renderer, then after all the others
        assert Renderer(allow_html=allow_html).render(text) == REFERENCES[allow_html].render(text), text
    for text in FENCED + ["نص *بلا* سياج", "    شيفرة مزاحة"]:
        assert lazy.render(text) == REFERENCES[allow_html].render(text), text
    assert "<pre><code" in lazy.render(FENCED[0])
    order = [item.name for item in lazy._md.preprocessors._priority]
    assert order == [item.name for item in REFERENCES[allow_html]._md.preprocessors._priority]


def test_pygments_is_imported_only_for_a_document_with_a_fence():
    """Python-Markdown's fenced_code imports codehilite, and codehilite Pygments (about
    25 ms, at every start of ``jarida``)."""
    script = ("import sys\nfrom generator.markup import Renderer\nr = Renderer()\nr.render('نص ``شيفرة`` ~~نص~~')\n"
              "assert 'pygments' not in sys.modules and 'markdown.extensions.fenced_code' not in sys.modules\n"
              "assert '<pre>' in r.render('```\\nx\\n```')\nassert 'markdown.extensions.fenced_code' in sys.modules\n")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).resolve().parents[1])


def _real_documents():
    """The bundled site's Markdown, and the first 300 texts of the shared corpus as
    the converter writes them (when the corpus is there)."""
    repo = Path(__file__).resolve().parents[1]
    for path in sorted((repo / "content").rglob("*.md")):
        yield path.read_text(encoding="utf-8").partition("\n---\n")[2]
    public = SHARED / "corpus" / "public"
    for path in sorted(public.glob("*.txt"))[:300]:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        yield paragraphs_to_markdown(lines)


def test_skipping_changes_nothing_on_real_articles():
    documents = list(_real_documents())
    assert documents
    for text in documents:
        for allow_html in (False, True):
            assert RENDERERS[allow_html].render(text) == REFERENCES[allow_html].render(text)


@pytest.mark.parametrize("text, html", [
    ("- أ\n\n<!-- -->\n\n- ب\n", "<ul>\n<li>أ</li>\n</ul>\n<ul>\n<li>ب</li>\n</ul>"),
    ("نص\n\n<!-- ملاحظة\nللمحرر -->\n\nنص آخر\n", "<p>نص</p>\n<p>نص آخر</p>"),
    # not alone in its block: shown as text, as other raw HTML
    ("نص <!-- -->\n", "<p>نص &lt;!-- --&gt;</p>"),
    ("<!-- a --> ب\n", "<p>&lt;!-- a --&gt; ب</p>"),
    ("<!-- a --> <!-- b -->\n", "<p>&lt;!-- a --&gt; &lt;!-- b --&gt;</p>"),
    ("    <!-- -->\n", "<pre><code>&lt;!-- --&gt;\n</code></pre>"),
    ("نص\n\n   <!-- ملاحظة -->\n", "<p>نص</p>"),
])
def test_an_html_comment_alone_in_its_block_shows_nothing_and_ends_a_list(text, html):
    assert RENDERER.render(text) == html
