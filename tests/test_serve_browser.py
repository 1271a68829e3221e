"""The live preview in a real browser (Playwright driving the system's Chromium):
an edited article appears without a manual reload, broken front matter shows
the Arabic overlay with ``path:line`` until it is fixed, and a stylesheet
change is applied without reloading the page."""
from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from test_serve import ARABIC_LETTERS, HAND_SLUG, article_url, hand_article, live  # noqa: F401 - live is a fixture

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(sync_playwright is None, reason="Playwright for Python is not installed (pip install '.[test]')"),
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"Chromium is not installed at {CHROMIUM}"),
]


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def word() -> str:
    return "كلمة" + "".join(secrets.choice(ARABIC_LETTERS) for _ in range(10))


def test_the_open_page_follows_every_save(live, browser_page):
    page = browser_page
    page.goto(live.server.url.rstrip("/") + article_url(HAND_SLUG))
    page.wait_for_function("() => document.querySelector('h1.headline') !== null")

    # 1. an edit appears without a manual reload
    first = word()
    live.article.write_text(hand_article(body=f"فقرة جديدة فيها {first}."), encoding="utf-8")
    page.wait_for_function("w => document.body.innerText.includes(w)", arg=first)

    # 2. broken front matter: the overlay, right to left, with path:line left to right
    live.article.write_text("---\ntitle: [عنوان مكسور\n---\nنص\n", encoding="utf-8")
    overlay = page.wait_for_selector("#jarida-error", state="visible")
    assert overlay.get_attribute("dir") == "rtl"
    assert "تعذّر بناء الموقع" in overlay.inner_text()
    where = page.query_selector("#jarida-error bdi.jarida-where")
    assert where.get_attribute("dir") == "ltr"
    path, _, line = where.inner_text().rpartition(":")
    assert path == f"content/articles/{HAND_SLUG}.md" and line.isdigit() and int(line) >= 1
    assert first in page.inner_text("article.article"), "the last good page stays under the overlay"

    # 3. the fix clears the overlay by itself and shows the new text
    second = word()
    live.article.write_text(hand_article(body=f"أصلحت المقدمة {second}."), encoding="utf-8")
    page.wait_for_selector("#jarida-error", state="detached")
    page.wait_for_function("w => document.body.innerText.includes(w)", arg=second)

    # 4. a stylesheet change is applied without reloading the page
    page.wait_for_load_state("load")
    page.evaluate("() => { window.__jaridaKept = 'same page'; }")
    navigations = page.evaluate("() => performance.getEntriesByType('navigation').length + ':' + performance.timeOrigin")
    with live.stylesheet.open("a", encoding="utf-8") as f:
        f.write("\nh1.headline { color: rgb(1, 2, 3) !important; }\n")
    page.wait_for_function("() => getComputedStyle(document.querySelector('h1.headline')).color === 'rgb(1, 2, 3)'")
    assert page.evaluate("() => window.__jaridaKept") == "same page", "the page was reloaded"
    assert page.evaluate("() => performance.getEntriesByType('navigation').length + ':' + performance.timeOrigin") == navigations
    assert page.evaluate("() => document.querySelectorAll('link[rel~=stylesheet]').length") == 1
