"""A commenter's second look: Edit (in place with JavaScript, on a page of its own without),
Delete, and Preview (in place with JavaScript, above the form without), each with axe clean;
another visitor sees no Edit link and gets a page saying why."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import ESSAY, LANDED, comment_item, fill_comment_form, post_comment, reply_form

pytestmark = pytest.mark.browser

FIRST = "Teh essay is right about the Baltic states."


@pytest.fixture(autouse=True)
def _approved_at_once(essay):
    from comments.models import DiscussionSettings

    rules = DiscussionSettings.load()
    rules.require_previous_approval = False
    rules.save()


def post_first(page, page_log=None):
    page.goto(ESSAY)
    comment_id = post_comment(page, comment=FIRST, email="ed@example.com", name="Ed Itor")
    if comment_id is None and page_log is not None:
        # Without JavaScript the shared page's form holds no timestamp: the first post is
        # answered "Please confirm" (400, the text kept) and the second posts it (README,
        # "Per-reader bytes"; tests/browser/test_cached_page.py).
        expect(page.get_by_text("Please confirm your comment")).to_be_visible()
        page_log.console_errors.remove(
            next(error for error in page_log.console_errors if "status of 400" in error)
        )
        with page.expect_navigation():
            reply_form(page).get_by_role("button", name="Post Comment").click()
        match = LANDED.search(page.url)
        comment_id = int(match.group(1)) if match else None
    assert comment_id is not None
    return comment_item(page, comment_id), comment_id


def body_of(comment_id):
    from comments.models import Comment

    return Comment.objects.get(pk=comment_id).body


def test_edit_in_place_with_javascript(page, page_log, axe):
    mine, comment_id = post_first(page)
    mine.get_by_role("link", name="Edit your comment").click()
    form = mine.locator("form.comment-edit-form")
    expect(form).to_be_visible()
    textarea = form.get_by_role("textbox", name="Comment")
    expect(textarea).to_have_value(FIRST)
    expect(textarea).to_be_focused()
    assert page.url.endswith(f"#comment-{comment_id}")  # no navigation: in place
    assert axe(page) == []

    textarea.fill("   ")
    form.get_by_role("button", name="Save").click()
    form = mine.locator("form.comment-edit-form")
    expect(form.get_by_text("Please type your comment.")).to_be_visible()
    assert axe(page) == []

    form.get_by_role("textbox", name="Comment").fill("The essay is *right* about the Baltic.")
    form.get_by_role("button", name="Preview").click()
    expect(form.locator(".comment-preview em")).to_have_text("right")
    assert body_of(comment_id) == FIRST  # a preview changes nothing

    with page.expect_navigation():
        form.get_by_role("button", name="Save").click()
    mine = comment_item(page, comment_id)
    expect(mine.locator(".comment-content em")).to_have_text("right")
    expect(mine.locator(".comment-edited")).to_contain_text("edited")
    expect(page.get_by_text("Your comment was updated.")).to_be_visible()
    assert body_of(comment_id) == "The essay is *right* about the Baltic."
    assert axe(page) == []

    mine.get_by_role("link", name="Edit your comment").click()
    mine.locator("form.comment-edit-form").get_by_role("link", name="Cancel").click()
    expect(mine.locator("form.comment-edit-form")).to_have_count(0)
    expect(mine.locator(".comment-content")).to_be_visible()
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_edit_and_delete_without_javascript(new_page, page_log):
    page = new_page(java_script_enabled=False)
    mine, comment_id = post_first(page, page_log)
    mine.get_by_role("link", name="Edit your comment").click()
    expect(page).to_have_url(re.compile(rf"/comments/{comment_id}/edit/$"))
    expect(page.get_by_role("heading", name="Edit your comment")).to_be_visible()
    textarea = page.get_by_role("textbox", name="Comment")
    expect(textarea).to_have_value(FIRST)

    textarea.fill("The essay is **right**.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".comment-preview strong")).to_have_text("right")
    expect(page.get_by_role("textbox", name="Comment")).to_have_value("The essay is **right**.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(LANDED)
    mine = comment_item(page, comment_id)
    expect(mine.locator(".comment-content strong")).to_have_text("right")

    mine.get_by_role("link", name="Delete your comment").click()
    expect(page.get_by_role("heading", name="Delete your comment")).to_be_visible()
    page.get_by_role("button", name="Delete this comment").click()
    expect(page.get_by_text("Your comment was deleted.")).to_be_visible()
    expect(comment_item(page, comment_id)).to_have_count(0)
    assert page_log.console_errors == []


def test_delete_with_javascript(page, page_log):
    mine, comment_id = post_first(page)
    mine.get_by_role("link", name="Delete your comment").click()
    page.get_by_role("button", name="Delete this comment").click()
    expect(page.get_by_text("Your comment was deleted.")).to_be_visible()
    expect(comment_item(page, comment_id)).to_have_count(0)
    assert page_log.console_errors == []


def test_preview_in_place_with_javascript(page, page_log, axe):
    from comments.models import Comment

    page.goto(ESSAY)
    form = reply_form(page)
    expect(form.get_by_text("Formatting: *emphasis*")).to_be_visible()
    fill_comment_form(form, comment="> quoted\n\nAnd **mine**.", email="p@example.com", name="P")
    form.get_by_role("button", name="Preview").click()
    expect(form.locator(".comment-preview blockquote")).to_have_text("quoted")
    expect(form.locator(".comment-preview strong")).to_have_text("mine")
    assert page.url.endswith(ESSAY)  # stayed on the page
    expect(form.get_by_role("textbox", name="Name")).to_have_value("P")
    assert not Comment.objects.exists()
    assert axe(page) == []
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_preview_without_javascript(new_page, page_log):
    from comments.models import Comment

    page = new_page(java_script_enabled=False)
    page.goto(ESSAY)
    form = reply_form(page)
    fill_comment_form(form, comment="A *previewed* comment.", email="q@example.com", name="Q")
    with page.expect_navigation():
        form.get_by_role("button", name="Preview").click()
    form = reply_form(page)
    expect(form.locator(".comment-preview em")).to_have_text("previewed")
    expect(form.get_by_role("textbox", name="Comment")).to_have_value("A *previewed* comment.")
    expect(form.get_by_role("textbox", name="Email")).to_have_value("q@example.com")
    assert not Comment.objects.exists()
    with page.expect_navigation():
        form.get_by_role("button", name="Post Comment").click()
    expect(page).to_have_url(LANDED)
    assert Comment.objects.get().body == "A *previewed* comment."


def test_another_visitor_sees_no_edit_link_and_a_page_that_says_why(page, new_page, axe):
    mine, comment_id = post_first(page)
    expect(mine.get_by_role("link", name="Edit your comment")).to_be_visible()
    other = new_page()
    other.goto(ESSAY)
    expect(other.locator(f"#comment-{comment_id}")).to_contain_text(FIRST)
    expect(other.get_by_role("link", name="Edit your comment")).to_have_count(0)
    response = other.goto(f"/comments/{comment_id}/edit/")
    assert response.status == 403
    expect(other.get_by_text("Only the person who wrote a comment can change it")).to_be_visible()
    assert axe(other) == []


def test_the_pages_without_javascript_have_no_wcag_violations(page, axe):
    """axe needs JavaScript (it cannot run where JavaScript is off): the same pages and states,
    in a browser that gets an empty comments.js, so Edit, Preview and Delete work as they do
    without JavaScript."""
    page.route(
        "**/js/comments.js",
        lambda route: route.fulfill(body="", content_type="text/javascript"),
    )
    mine, comment_id = post_first(page)
    with page.expect_navigation():
        mine.get_by_role("link", name="Edit your comment").click()
    assert axe(page) == []
    page.get_by_role("textbox", name="Comment").fill("With **Markdown**.")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    expect(page.locator(".comment-preview strong")).to_have_text("Markdown")
    assert axe(page) == []
    page.goto(f"/comments/{comment_id}/delete/")
    assert axe(page) == []
    page.goto(ESSAY)
    fill_comment_form(reply_form(page), comment="*New*", email="n@example.com", name="N")
    with page.expect_navigation():
        reply_form(page).get_by_role("button", name="Preview").click()
    expect(reply_form(page).locator(".comment-preview em")).to_have_text("New")
    assert axe(page) == []
