"""The top of the article at a phone's and a laptop's width.

Every run takes the screenshots (into a temporary folder) and checks them; `make screenshots`
points NATOBLOG_SCREENSHOTS_DIR at docs/screenshots to refresh the committed ones.
"""

import os
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]

VIEWPORTS = {"mobile": (390, 844), "desktop": (1280, 800)}


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_article_top_screenshots(page, page_log, tmp_path):
    folder = Path(os.environ.get("NATOBLOG_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/articles/the-future-of-nato/")
        expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
        path = folder / f"article-{name}-{width}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")

        assert png_size(path) == (width, height)
        no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
        assert page.evaluate(no_sideways_scroll), f"horizontal scroll at {width}px"
    assert page_log.console_errors == []
    assert page_log.failed_requests == []
