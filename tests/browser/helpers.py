"""What the browser journeys share: the essay's address and the Leave a Reply form."""

import re
from datetime import UTC, datetime

ESSAY = "/articles/the-future-of-nato/"
AWAITING = "Your comment is awaiting moderation."
# Where a visitor lands after posting: the page, at their comment.
LANDED = re.compile(r"/articles/the-future-of-nato/#comment-(\d+)$")
# When the `discussion` fixture's first comment was written.
DISCUSSION_START = datetime(2025, 3, 4, 9, 15, tzinfo=UTC)


def reply_form(page):
    """The Leave a Reply form, wherever it is on the page (it moves under a comment)."""
    return page.locator("#respond")


def fill_comment_form(form, *, comment="", email="", name="", website="", remember=None):
    """Type into the form's fields as a visitor would (a field left as "" is left alone);
    tick or untick "Save my name…" when `remember` is True or False."""
    fields = {"Comment": comment, "Email": email, "Name": name, "Website": website}
    for label, value in fields.items():
        if value:
            form.get_by_role("textbox", name=label).fill(value)
    if remember is not None:
        form.get_by_role("checkbox", name="Save my name").set_checked(remember)


def post_comment(page, **fields):
    """Fill the form and press Post Comment; returns the id of the comment the visitor lands
    on (None if they stayed on the form)."""
    form = reply_form(page)
    fill_comment_form(form, **fields)
    with page.expect_navigation():
        form.get_by_role("button", name="Post Comment").click()
    match = LANDED.search(page.url)
    return int(match.group(1)) if match else None


def comment_item(page, comment_id):
    """A comment as it stands in the thread: its list item."""
    return page.locator(f"#comment-{comment_id}")


def gap_between(upper, lower):
    """Pixels from the bottom of `upper` to the top of `lower` on the screen, measured at once
    (the page may be scrolling smoothly to a focused field)."""
    return lower.evaluate(
        "(low, up) => low.getBoundingClientRect().top - up.getBoundingClientRect().bottom",
        upper.element_handle(),
    )


def log_in_to_admin(page, username, password):
    """Open the admin and log in through its form, as a person does."""
    from django.urls import reverse

    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
