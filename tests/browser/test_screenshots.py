"""The article's top and its comment section at a phone's and a laptop's width, and the
moderation queue on a laptop.

Every run takes the screenshots (into a temporary folder) and checks them; `make screenshots`
points NATOBLOG_SCREENSHOTS_DIR at docs/screenshots to refresh the committed ones. Everything
in them has fixed names, texts and times, so a refresh changes a picture only when the page
changed.
"""

import os
import struct
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import CommentFactory

from .helpers import AWAITING, DISCUSSION_START, ESSAY, log_in_to_admin, post_comment

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]

VIEWPORTS = {"mobile": (390, 844), "desktop": (1280, 800)}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def folder(tmp_path):
    path = Path(os.environ.get("NATOBLOG_SCREENSHOTS_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def at(minutes):
    return DISCUSSION_START + timedelta(minutes=minutes)


def test_article_top_screenshots(page, page_log, folder):
    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(ESSAY)
        expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
        path = folder / f"article-{name}-{width}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")

        assert png_size(path) == (width, height)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"horizontal scroll at {width}px"
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_comment_section_screenshots(page, page_log, folder, discussion):
    """The threaded discussion with a removed comment and the visitor's own reply awaiting
    moderation, then the Leave a Reply form."""
    page.goto(ESSAY)
    page.get_by_role("link", name="Reply to Eve Schmidt").click()
    mine = post_comment(
        page,
        comment="The Arctic point is a good one: Norway has been saying so for years.",
        email="mia@example.com",
        name="Mia Holm",
    )
    Comment.objects.filter(pk=mine).update(created_at=at(230))

    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(ESSAY)
        section = page.locator("#comments")
        expect(section.get_by_text(AWAITING)).to_be_visible()
        for avatar in section.locator("img").all():  # lazy: load them all before the picture
            avatar.scroll_into_view_if_needed()
        page.wait_for_function(
            "[...document.querySelectorAll('#comments img')].every(i => i.complete)"
        )
        path = folder / f"comments-{name}-{width}.png"
        section.screenshot(path=path, animations="disabled", caret="hide")

        shot_width, shot_height = png_size(path)
        assert shot_width <= width
        assert shot_height > height  # the whole section, not the screen
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"horizontal scroll at {width}px"
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_moderation_queue_screenshot(page, page_log, folder, moderator, discussion):
    """The pending comments as a moderator finds them from the admin index."""
    held = [
        {
            "author_name": "Mia Holm",
            "author_email": "mia@example.com",
            "body": "The Arctic point is a good one: Norway has been saying so for years.",
            "parent": discussion["eve"],
            "ip_address": "192.0.2.14",
            "moderation_reason": "Held: first comment from this author",
        },
        {
            "author_name": "Best Deals",
            "author_email": "deals@example.net",
            "author_url": "https://deals.example/",
            "body": "Great article! Cheap watches at https://deals.example/ and "
            "https://watches.example/ today only.",
            "ip_address": "203.0.113.80",
            "moderation_reason": "Held: 2 links (the limit is 1)",
        },
        {
            "author_name": "Tomasz Wójcik",
            "author_email": "tomasz@example.org",
            "body": "As someone living in Poland, I would have liked more on the eastern flank "
            "and the forward presence battalions.",
            "ip_address": "198.51.100.7",
            "moderation_reason": "Held: first comment from this author",
        },
    ]
    for minutes, fields in zip((230, 250, 275), held, strict=True):
        comment = CommentFactory(article=discussion["ann"].article, status="pending", **fields)
        Comment.objects.filter(pk=comment.pk).update(created_at=at(minutes))
    width, height = VIEWPORTS["desktop"]
    page.set_viewport_size({"width": width, "height": height})

    log_in_to_admin(page, moderator.username, "pw")
    page.get_by_role("link", name="3 comments awaiting moderation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Select comment to change")
    # every column on the screen, none behind a sideways scroll
    for column in ("Comment", "Author", "Status", "Moderation reason", "Reports"):
        expect(page.get_by_role("columnheader", name=column, exact=True)).to_be_in_viewport()
    expect(page.get_by_role("link", name="Created at")).to_be_in_viewport()
    assert page.locator(".results").evaluate("table => table.scrollWidth <= table.clientWidth")
    path = folder / f"moderation-queue-desktop-{width}.png"
    page.screenshot(path=path, animations="disabled", caret="hide")
    assert png_size(path) == (width, height)
    assert page_log.console_errors == []
    assert page_log.failed_requests == []
