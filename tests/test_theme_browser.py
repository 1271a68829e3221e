"""The default theme in a real browser: Chromium driven by Playwright over the
built bundled site and a 300-article site from ``../shared/corpus/public``,
served on 127.0.0.1.

Checked on every kind of page, at 360 px and 1280 px and in light and dark
mode (axe-core: both modes at 1280 px, light at 360 px): no horizontal scrolling, ``document.dir`` is ``rtl``, the bundled Arabic
fonts are the ones used, no serious or critical axe-core violation, and a
sentence mixing Arabic with Latin words, numbers and a URL is laid out in
logical order. Screenshots of each page go to ``.cache/screenshots/`` (not
committed).

Needs Debian's ``chromium`` (or ``JARIDA_CHROMIUM``), the ``playwright``
package and axe-core from npm (``.cache/npm/node_modules/axe-core/axe.min.js``
or ``JARIDA_AXE``); ``.ci/run`` installs all three. Without them the tests are
skipped with the reason, except where ``CI`` is set: there they fail.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import REPO_ROOT, SHARED, copy_site, jarida_env

CHROMIUM = Path(os.environ.get("JARIDA_CHROMIUM") or "/usr/bin/chromium")
AXE = Path(os.environ.get("JARIDA_AXE") or REPO_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js")
SCREENSHOTS = REPO_ROOT / ".cache" / "screenshots"
PUBLIC = SHARED / "corpus" / "public"
CORPUS_ARTICLES = 300
WIDTHS = (360, 1280)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

#: The sentence of the bidi test: Arabic with a Latin product name and number,
#: a Latin word joined to a number by a hyphen, a percentage, a URL, a phone number.
MIXED = ("أعلنت الشركة أن هاتف iPhone 15 سيصل إلى الأسواق بعد تراجع إصابات COVID-19 بنسبة 35% هذا العام، "
         "والتفاصيل على https://example.com/ar/news?id=2024 أو على الرقم +20 2 2345 6789 منذ الصباح.")
#: Tokens of MIXED in logical order, each tagged with the direction of the run it belongs to.
MIXED_TOKENS = [("أعلنت", "rtl"), ("الشركة", "rtl"), ("هاتف", "rtl"), ("iPhone", "ltr"), ("15", "ltr"),
                ("سيصل", "rtl"), ("إصابات", "rtl"), ("COVID", "ltr"), ("-19", "ltr"), ("بنسبة", "rtl"),
                ("35", "rtl"), ("هذا", "rtl"), ("والتفاصيل", "rtl"), ("على", "rtl"),
                ("https://", "ltr"), ("example.com", "ltr"), ("/ar/news", "ltr"), ("?id=2024", "ltr"),
                ("أو", "rtl"), ("+20", "ltr"), ("2345", "ltr"), ("6789", "ltr"), ("منذ", "rtl"), ("الصباح", "rtl")]


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the 'playwright' package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set JARIDA_CHROMIUM)"
    if not AXE.is_file():
        return f"axe-core is not at {AXE} (npm install --prefix .cache/npm axe-core@4, or set JARIDA_AXE)"
    return None


MISSING = _missing()
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"the browser tests must run in CI: {MISSING}")

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]


# --------------------------------------------------------------------------- sites and server

class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".woff2": "font/woff2",
                      ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format, *args):  # noqa: A002
        pass


class StaticServer:
    """A built site served by the standard library on 127.0.0.1 (a free port)."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _build(site: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)], cwd=str(REPO_ROOT),
                          env=jarida_env(), capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


def _first(folder: Path, pattern: str) -> str:
    """The site path of the first (sorted) folder matching ``pattern`` under ``folder``."""
    found = sorted(p for p in folder.glob(pattern) if p.is_dir() and p.name != "page")
    assert found, f"nothing matches {pattern} in {folder}"
    return found[0].relative_to(folder).as_posix() + "/"


def _kinds(build: Path, article: str) -> dict[str, str]:
    """A page of every kind: name -> site path (not encoded)."""
    biggest_tag = max((p for p in (build / "tags").iterdir() if p.is_dir()),
                      key=lambda p: (len(list(p.glob("page/*"))), len((p / "index.html").read_bytes()), p.name))
    return {
        "front": "",
        "front-page-2": "page/2/",
        "article": article,
        "section": _first(build, "sections/*"),
        "tag": biggest_tag.relative_to(build).as_posix() + "/",
        "author": _first(build, "authors/*"),
        "tags": "tags/",
        "archive": "archive/",
        "archive-month": _first(build, "archive/*/*"),
        "search": "search/?q=" + "مصر",
        "404": "404.html",
    }


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled example site with one more article holding :data:`MIXED`, built and served."""
    site = copy_site(tmp_path_factory.mktemp("theme") / "site")
    (site / "content" / "articles" / "اختبار-الاتجاه.md").write_text(
        "---\ntitle: هاتف iPhone 15 يصل إلى الأسواق بعد COVID-19\ndate: 2018-06-01T10:00:00+03:00\n"
        "section: technology\ntags: [تكنولوجيا, آبل]\nauthors: [دينا النجار]\n---\n\n" + MIXED + "\n\n"
        "فقرة ثانية تشرح الخبر بتفاصيل أكثر عن الهاتف الجديد وأسعاره في الأسواق العربية.\n",
        encoding="utf-8")
    _build(site)
    server = StaticServer(site / "build")
    yield {"name": "bundled", "server": server, "build": site / "build",
           "kinds": _kinds(site / "build", "articles/اختبار-الاتجاه/")}
    server.close()


SECTIONS = {
    "politics": "سياسة", "politic": "شؤون سياسية", "economy": "اقتصاد", "sport": "رياضة", "technology": "تكنولوجيا",
    "culture": "ثقافة", "middleEast": "الشرق الأوسط", "internationalNews": "العالم", "diverse": "منوعات",
    "society": "مجتمع", "localNews": "محليات",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A site of the first 300 articles of the public corpus, converted, built and served."""
    if not (PUBLIC / "manifest.jsonl").is_file():
        pytest.skip(f"the shared Arabic corpus is not at {PUBLIC}")
    root = tmp_path_factory.mktemp("theme-corpus")
    seeds, site = root / "seeds", root / "site"
    seeds.mkdir()
    site.mkdir()
    names = sorted(p.name for p in PUBLIC.glob("*.txt"))[:CORPUS_ARTICLES]
    for name in names:
        shutil.copyfile(PUBLIC / name, seeds / name)
    wanted = set(names)
    lines = [line for line in (PUBLIC / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["file"] in wanted]
    (seeds / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (site / "site.toml").write_text(
        'title = "الجريدة العربية"\ndescription = "أخبار العالم العربي والعالم على مدار الساعة"\n'
        'base_url = "https://example.org/"\ntimezone = "Africa/Cairo"\nper_page = 12\n\n[sections]\n'
        + "".join(f'{key} = "{name}"\n' for key, name in SECTIONS.items()), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "generator", "convert", "--site", str(site), str(seeds)],
                          cwd=str(REPO_ROOT), env=jarida_env(), capture_output=True, text=True, encoding="utf-8",
                          timeout=300)
    assert proc.returncode == 0, f"convert failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    _build(site)
    build = site / "build"
    article = next(p for p in sorted((build / "articles").iterdir())  # one with every part an article page has
                   if all(part in (p / "index.html").read_text(encoding="utf-8")
                          for part in ('class="kicker"', 'rel="author"', 'rel="tag"', 'class="related"')))
    server = StaticServer(build)
    yield {"name": "corpus", "server": server, "build": build,
           "kinds": _kinds(build, article.relative_to(build).as_posix() + "/")}
    server.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module", params=["bundled", "corpus"])
def site(request):
    """Each test site in turn."""
    return request.getfixturevalue(request.param)


# --------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # this run's screenshots only
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, site: dict, path: str, width: int, scheme: str = "light"):
    """A new page of ``width`` CSS pixels in colour ``scheme`` showing ``path``
    (site path, not encoded), with its fonts loaded; requests that leave the
    loopback server are recorded on ``page.outside``."""
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme,
                                  device_scale_factor=1, locale="ar-EG")
    page = context.new_page()
    page.outside = []
    base = site["server"].url
    page.on("request", lambda request: None if request.url.startswith((base, "data:"))
            else page.outside.append(request.url))
    page.goto(base + quote(path, safe="/?=&"), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def close(page) -> None:
    page.context.close()


#: What the sweep measures on each page: direction, widths, elements that stick out.
LAYOUT = """() => ({
    dir: document.dir,
    scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    width: document.documentElement.clientWidth,
    wide: [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.left < -1 || r.right > document.documentElement.clientWidth + 1)
            && !e.closest('.site-nav ul, .visually-hidden, .skip-link');
    }).slice(0, 3).map(e => e.tagName + '.' + e.className)
})"""
#: Where axe-core checks every kind of page: both colour schemes wide, the light one narrow.
AXE_VIEWS = {(1280, "light"), (1280, "dark"), (360, "light")}
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']}))
    .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')
        + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}))"""


@pytest.fixture(scope="module")
def sweep(browser, site):
    """Every kind of page of ``site`` at each width in light and dark mode, once:
    its layout, the requests that left the site, axe-core's serious and critical
    violations (in the views of :data:`AXE_VIEWS`); a screenshot of each is
    written to ``.cache/screenshots/``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe = AXE.read_text(encoding="utf-8")
    results = []
    started = time.perf_counter()
    for width in WIDTHS:
        for scheme in ("light", "dark"):
            for kind, path in site["kinds"].items():
                page = open_page(browser, site, path, width, scheme)
                try:
                    layout = page.evaluate(LAYOUT)
                    page.screenshot(path=str(SCREENSHOTS / f"{site['name']}-{kind}-{width}-{scheme}.png"), full_page=True)
                    violations = []
                    if (width, scheme) in AXE_VIEWS:
                        page.add_script_tag(content=axe)
                        violations = page.evaluate(AXE_RUN)
                    results.append({"kind": kind, "width": width, "scheme": scheme, "layout": layout,
                                     "outside": list(page.outside), "violations": violations})
                finally:
                    close(page)
    print(f"\n{site['name']}: {len(results)} page views in {time.perf_counter() - started:.1f} s")
    return results


# --------------------------------------------------------------------------- tests

def test_every_kind_of_page_is_rtl_without_horizontal_scrolling(sweep):
    problems = []
    for r in sweep:
        where, layout = f"{r['kind']} at {r['width']} px ({r['scheme']})", r["layout"]
        if layout["dir"] != "rtl":
            problems.append(f"{where}: document.dir is {layout['dir']!r}")
        if layout["scroll"] > layout["width"] or layout["wide"]:
            problems.append(f"{where}: scrolls sideways ({layout['scroll']} > {layout['width']}): {layout['wide']}")
    assert not problems, "\n".join(problems)


def test_nothing_is_loaded_from_outside_the_site(sweep):
    outside = [f"{r['kind']}: {url}" for r in sweep for url in r["outside"]]
    assert not outside, "\n".join(outside[:10])


def test_axe_finds_no_serious_or_critical_violation(sweep):
    problems = [f"{r['kind']} at {r['width']} px ({r['scheme']}): {v['impact']} {v['id']}: {v['nodes']}"
                for r in sweep for v in r["violations"]]
    assert not problems, "\n".join(problems)


#: CSS selector of body text and of headlines on each kind of page that has them.
FONT_TARGETS = {
    "article": [(".body p", "Noto Naskh Arabic"), (".headline", "Noto Kufi Arabic")],
    "front": [(".lead .summary", "Noto Naskh Arabic"), (".lead-title a", "Noto Kufi Arabic"),
              (".card-title a", "Noto Kufi Arabic")],
    "section": [(".summary", "Noto Naskh Arabic"), ("h1", "Noto Kufi Arabic")],
}


def test_text_and_headlines_use_the_bundled_arabic_fonts(browser, site):
    problems = []
    for kind, targets in FONT_TARGETS.items():
        page = open_page(browser, site, site["kinds"][kind], 1280)
        try:
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            document = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            for selector, family in targets:
                computed = page.eval_on_selector(selector, "e => getComputedStyle(e).fontFamily")
                if not computed.strip('"').startswith(family):
                    problems.append(f"{kind} {selector}: font-family {computed}")
                loaded = page.evaluate("f => [...document.fonts].some(x => x.family.replace(/\"/g, '') === f "
                                       "&& x.status === 'loaded')", family)
                if not loaded:
                    problems.append(f"{kind} {selector}: no face of {family} was loaded")
                node = cdp.send("DOM.querySelector", {"nodeId": document, "selector": selector})["nodeId"]
                used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                main = max(used, key=lambda f: f["glyphCount"]) if used else {}
                if not (main.get("isCustomFont") and main.get("familyName") == family):
                    problems.append(f"{kind} {selector}: glyphs drawn with {used}")
        finally:
            close(page)
    assert not problems, "\n".join(problems)


def test_mixed_arabic_and_latin_is_laid_out_in_logical_order(browser, bundled):
    """Every token of :data:`MIXED` is drawn after the one before it: to its left
    on the same line, except inside left-to-right runs (``iPhone 15``,
    ``COVID-19``, the URL, the phone number), where it is to its right; or on a
    later line. The characters of every Latin, number or URL token are drawn
    left to right."""
    problems = []
    for width in WIDTHS:
        page = open_page(browser, bundled, bundled["kinds"]["article"], width)
        try:
            chars = page.evaluate("""tokens => {
                const p = [...document.querySelectorAll('.body p')].find(e => e.textContent.includes('iPhone'));
                const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
                const nodes = [];
                let text = '';
                while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
                const box = offset => {
                    const [node, start] = nodes.filter(([n, s]) => s <= offset).pop();
                    const range = document.createRange();
                    range.setStart(node, offset - start);
                    range.setEnd(node, offset - start + 1);
                    const r = [...range.getClientRects()].find(r => r.width > 0);
                    return r ? {left: r.left, right: r.right, top: r.top} : null;
                };
                let from = 0;
                return tokens.map(token => {
                    const at = text.indexOf(token, from);
                    if (at < 0) return null;
                    from = at + token.length;
                    return [...token].map((_, i) => box(at + i));
                });
            }""", [t for t, _ in MIXED_TOKENS])
        finally:
            close(page)
        for (token, _), boxes in zip(MIXED_TOKENS, chars):
            if not boxes or None in boxes:
                problems.append(f"{width} px: {token!r} is not drawn in the paragraph")
            elif not any("\u0600" <= c <= "\u06ff" for c in token):
                for (c1, b1), (c2, b2) in zip(zip(token, boxes), zip(token[1:], boxes[1:])):
                    if abs(b1["top"] - b2["top"]) < 4 and b2["left"] < b1["right"] - 1:
                        problems.append(f"{width} px: in {token!r}, {c2!r} is drawn left of {c1!r}")
        if problems:
            break
        for (a, da), (b, db), ca, cb in zip(MIXED_TOKENS, MIXED_TOKENS[1:], chars, chars[1:]):
            first, second = ca[-1], cb[0]
            if abs(first["top"] - second["top"]) >= 4:
                if second["top"] < first["top"]:
                    problems.append(f"{width} px: {b!r} is on a line above {a!r}")
                continue
            if da == db == "ltr":
                if second["left"] < first["right"] - 1:
                    problems.append(f"{width} px: {b!r} should be right of {a!r} (left-to-right run)")
            elif second["right"] > first["left"] + 1:
                problems.append(f"{width} px: {b!r} should be left of {a!r}")
    assert not problems, "\n".join(problems)


def test_article_page_weight(bundled):
    """HTML + CSS of an article page under 60 KB before compression (fonts aside)."""
    build = bundled["build"]
    css = (build / "theme" / "style.css").stat().st_size
    pages = sorted((build / "articles").glob("*/index.html"), key=lambda p: p.stat().st_size)
    heaviest = pages[-1]
    total = heaviest.stat().st_size + css
    assert total < 60_000, f"{heaviest.parent.name}: {heaviest.stat().st_size} + {css} bytes"


@pytest.mark.parametrize("digits", ["latn", "arab"])
def test_the_search_page_counts_its_results_in_the_site_s_digits(browser, bundled, tmp_path, digits):
    """The count of results that search.js writes follows ``arabic_digits``, as the
    counts rendered by the build do."""
    if digits == "latn":
        site = bundled
    else:
        root = copy_site(tmp_path / "site")
        toml = root / "site.toml"  # the setting goes before the file's first [table]
        toml.write_text("arabic_digits = true\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
        _build(root)
        site = {"server": StaticServer(root / "build")}
    page = open_page(browser, site, "search/?q=" + "مصر", 1280)
    try:
        page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
        status = page.text_content("#search-status")
    finally:
        close(page)
        if digits == "arab":
            site["server"].close()
    number = re.search(r"[0-9٠-٩]+", status).group(0)
    assert int(number.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))) > 0, status
    assert (re.fullmatch("[٠-٩]+", number) if digits == "arab" else number.isascii()), status
