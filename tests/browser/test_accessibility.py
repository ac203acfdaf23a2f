"""axe-core finds no WCAG 2.1 A/AA violations on the pages a visitor can reach, in the states
the comment section can be in."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import AWAITING, ESSAY, post_comment, reply_form

pytestmark = pytest.mark.browser

PAGES = [
    # (path, status, the h1 a visitor sees)
    ("/", 200, "Articles"),
    (ESSAY, 200, "The Future of\u00a0NATO"),
    ("/authors/oliver-gao/", 200, "Oliver Gao"),
    ("/accounts/login/", 200, "Log in"),
    ("/no-such-page/", 404, "Page not found"),
]


@pytest.mark.parametrize(("path", "status", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_wcag_violations(page, page_log, axe, path, status, heading):
    response = page.goto(path)

    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe(page) == []
    assert page_log.failed_requests == []


def test_threaded_discussion_has_no_wcag_violations(page, page_log, axe, discussion):
    page.goto(ESSAY)
    page.get_by_role("link", name="Reply to Cy Martin").click()
    post_comment(page, comment="Mine, still waiting.", email="me@example.com", name="Mia Holm")

    expect(page.get_by_text("This comment was removed.")).to_be_visible()
    expect(page.get_by_text(AWAITING)).to_be_visible()
    expect(page.get_by_role("heading", name="5 thoughts on “The Future of NATO”")).to_be_visible()
    assert axe(page) == []

    # and with the form moved under a comment
    page.get_by_role("link", name="Reply to Ann Lindqvist").click()
    expect(reply_form(page).get_by_role("link", name="Cancel reply")).to_be_visible()
    assert axe(page) == []
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_form_with_errors_has_no_wcag_violations(page, page_log, axe):
    page.goto(ESSAY)
    post_comment(page, email="not-an-address", website="not a website")

    expect(page.get_by_role("alert")).to_contain_text("Your comment was not posted.")
    assert axe(page) == []
    assert page_log.console_errors == []


def test_report_page_has_no_wcag_violations(page, page_log, axe, discussion):
    page.goto(f"/comments/report/?comment={discussion['ben'].pk}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Report a comment")
    expect(page.locator(".report-quote")).to_contain_text("capabilities delivered")
    assert axe(page) == []
    assert page_log.failed_requests == []


WHITE = "rgb(255, 255, 255)"  # the page behind the form


def contrast(rgb_a, rgb_b):
    """WCAG contrast ratio of two "rgb(r, g, b)" colours."""

    def luminance(rgb):
        channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(rgb_a), luminance(rgb_b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_form_fields_edges_stand_out(page):
    """WCAG 1.4.11 (which axe does not check): a field's border, 3:1 against the page."""
    page.goto(ESSAY)
    form = reply_form(page)
    # (the spam trap is off-screen and hidden from people: comments.spam)
    fields = form.locator(
        "textarea, input:not([type=hidden]):not([type=submit]):not([name=honeypot])"
    )
    expect(fields).to_have_count(7)
    for field in fields.all():
        border = field.evaluate("el => getComputedStyle(el).borderTopColor")
        assert contrast(border, WHITE) >= 3, f"{field.get_attribute('name')}: {border}"
