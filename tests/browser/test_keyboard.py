"""A keyboard user can jump past the header straight to the content."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_skip_link_is_the_first_tab_stop_and_shows_focus(page, page_log):
    page.goto("/articles/the-future-of-nato/")
    skip_link = page.get_by_role("link", name="Skip to content")
    assert skip_link.bounding_box()["width"] <= 1  # hidden until a keyboard user reaches it

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    box = skip_link.bounding_box()
    assert box["width"] > 50
    assert box["height"] > 20
    outline = skip_link.evaluate(
        "link => { const s = getComputedStyle(link); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none"
    assert float(outline[1].removesuffix("px")) >= 2

    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    assert page_log.console_errors == []
