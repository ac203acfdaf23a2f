"""A keyboard user can jump past the header straight to the content, and leave a comment or
a reply with the keyboard alone, always seeing where the focus is."""

import pytest
from playwright.sync_api import expect

from .helpers import AWAITING, ESSAY, LANDED, reply_form

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


def focus_is_visible(locator):
    """The focused element draws a ring: an outline of 2px or more, or a box-shadow."""
    style = locator.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"
    )
    outline, width, shadow = style
    return (outline != "none" and width >= 2) or shadow != "none"


def test_comment_form_works_with_the_keyboard_alone(page, page_log):
    page.goto(f"{ESSAY}#respond")  # e.g. from a "Leave a comment" link
    form = reply_form(page)
    steps = [
        # (the control, what the keyboard does there)
        (form.get_by_role("link", name="Log in"), None),
        (form.get_by_role("link", name="create an account"), None),
        (form.get_by_role("textbox", name="Comment"), "Typed with the keyboard."),
        (form.get_by_role("textbox", name="Email"), "kim@example.com"),
        (form.get_by_role("textbox", name="Name"), "Kim Keys"),
        (form.get_by_role("textbox", name="Website"), "https://kim.example/"),
        (form.get_by_role("checkbox", name="Notify me of new comments"), "Space"),
        (form.get_by_role("checkbox", name="Notify me of new posts"), None),
        (form.get_by_role("checkbox", name="Save my name"), None),
        (form.get_by_role("button", name="Post Comment"), None),
    ]

    for control, keys in steps:
        page.keyboard.press("Tab")
        expect(control).to_be_focused()
        assert focus_is_visible(control), f"no visible focus on {control}"
        if keys == "Space":
            page.keyboard.press("Space")
            expect(control).to_be_checked()
        elif keys:
            page.keyboard.type(keys)
            expect(control).to_have_value(keys)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(LANDED)
    mine = page.locator(f"#comment-{LANDED.search(page.url).group(1)}")
    expect(mine).to_contain_text("Typed with the keyboard.")
    expect(mine.get_by_text(AWAITING)).to_be_visible()
    assert page_log.console_errors == []


def test_reply_and_cancel_reply_with_the_keyboard(page, page_log, discussion):
    ann = discussion["ann"]
    page.goto(f"{ESSAY}#comment-{ann.pk}")
    form = reply_form(page)
    reply_link = page.get_by_role("link", name="Reply to Ann Lindqvist")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="March 4, 2025 at 9:15 a.m.")).to_be_focused()  # Ann's
    page.keyboard.press("Tab")
    expect(reply_link).to_be_focused()
    assert focus_is_visible(reply_link)

    page.keyboard.press("Enter")

    expect(page.locator(f"#comment-{ann.pk} > #respond")).to_be_visible()
    expect(form.get_by_role("heading", level=3)).to_have_text(
        "Leave a Reply to Ann Lindqvist Cancel reply", use_inner_text=True
    )
    comment_box = form.get_by_role("textbox", name="Comment")
    expect(comment_box).to_be_focused()
    assert focus_is_visible(comment_box)
    # back past "Log in or create an account" to Cancel reply
    cancel = form.get_by_role("link", name="Cancel reply")
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    expect(cancel).to_be_focused()
    assert focus_is_visible(cancel)

    page.keyboard.press("Enter")

    expect(page.locator("#comments > #respond")).to_be_visible()
    expect(form.get_by_role("heading", level=3)).to_have_text("Leave a Reply", use_inner_text=True)
    expect(reply_link).to_be_focused()
    assert focus_is_visible(reply_link)
    expect(page).to_have_url(f"{ESSAY}#comment-{ann.pk}")  # no reload, no jump
    assert page_log.console_errors == []
