"""Hostile text posted as comments stays text: no dialog opens and no script runs, on the
article, the report page and in the moderation queue."""

import pytest
from playwright.sync_api import expect

from comments import actions
from comments.models import Comment
from tests.factories import CommentFactory

from .helpers import ESSAY, comment_item, log_in_to_admin, post_comment, reply_form

pytestmark = pytest.mark.browser

RUN = "window.__xss=1;alert(1)"  # what every payload tries to do
PAYLOADS = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f'<img src="x" onerror="{RUN}">',
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror={RUN}>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f'<a href="javascript:{RUN}">click me</a>',
    f"javascript:{RUN}",
    f'<iframe srcdoc="<script>parent.{RUN}</script>"></iframe>',
    f"<details open ontoggle={RUN}>",
    f"<body onload={RUN}>",
    f"</textarea><script>{RUN}</script>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
]


@pytest.fixture
def dialogs():
    """Messages of the dialogs that opened (each dismissed), in every page given to it."""
    opened = []

    def watch(page):
        page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
        return page

    watch.opened = opened
    return watch


def nothing_ran(page):
    return page.evaluate("typeof window.__xss") == "undefined"


def test_hostile_comments_are_shown_as_text_and_run_nothing(
    page, new_page, page_log, dialogs, settings
):
    settings.COMMENTS_RATE_LIMIT_PER_IP = 0  # 17 posts from one address: past the flood limit
    dialogs(page)
    page.goto(ESSAY)
    # refused once (bad e-mail): the form comes back holding the payloads as typed
    post_comment(page, comment=PAYLOADS[-2], name=PAYLOADS[5], email="not-an-address")
    form = reply_form(page)
    expect(form.get_by_role("textbox", name="Comment")).to_have_value(PAYLOADS[-2])
    expect(form.get_by_role("textbox", name="Name")).to_have_value(PAYLOADS[5])
    assert nothing_ran(page)
    # a javascript: website is refused by the form
    post_comment(page, email="ok@example.com", website=f"javascript:{RUN}")
    expect(page.get_by_role("alert")).to_contain_text(
        "Website: Please enter a web address starting with http:// or https://."
    )
    form.get_by_role("textbox", name="Website").fill("")
    assert nothing_ran(page)

    posted = {}
    for number, payload in enumerate(PAYLOADS):
        posted[payload] = post_comment(
            page, comment=payload, name=payload, email=f"x{number}@example.com"
        )
        assert posted[payload], f"not posted: {payload}"
    # and one that came in by another way (an import), with a javascript: website
    imported = CommentFactory(
        article=Comment.objects.get(pk=posted[PAYLOADS[0]]).article,
        author_name="Imported Person",
        author_url=f"javascript:{RUN}",
        body="Imported.",
    )
    actions.change_status(
        Comment.objects.pending(), Comment.Status.APPROVED, "Set by a test"
    )  # a moderator approves

    visitor = dialogs(new_page())
    visitor.goto(ESSAY)
    for payload, comment_id in posted.items():
        item = comment_item(visitor, comment_id)
        expect(item.locator(".comment-author")).to_have_text(payload)
        expect(item.locator(".comment-content")).to_have_text(payload)
    # the imported website is no link, and clicking the name does nothing
    name = comment_item(visitor, imported.pk).locator(".comment-author")
    expect(name).to_have_text("Imported Person")
    expect(name.get_by_role("link")).to_have_count(0)
    name.click()
    # Reply puts the hostile name into the form's heading: as text
    hostile = PAYLOADS[5]
    comment_item(visitor, posted[hostile]).get_by_role("link", name="Reply to").click()
    expect(reply_form(visitor).locator("#reply-title-text")).to_have_text(
        f"Leave a Reply to {hostile}"
    )
    assert nothing_ran(visitor)
    # the report page quotes the comment
    visitor.goto(f"/comments/report/?comment={posted[PAYLOADS[0]]}")
    expect(visitor.locator(".report-quote")).to_have_text(PAYLOADS[0])
    expect(visitor.get_by_role("main")).to_contain_text(f"{PAYLOADS[0]} wrote:")
    assert nothing_ran(visitor)
    assert dialogs.opened == []
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_hostile_comments_are_inert_in_the_moderation_queue(
    page, page_log, dialogs, moderator, essay
):
    comments = [
        CommentFactory(article=essay, body=payload, author_name=payload, status="pending")
        for payload in PAYLOADS
    ]
    CommentFactory(
        article=essay,
        parent=comments[0],
        author_name="Imported Person",
        author_url=f"javascript:{RUN}",
        status="pending",
    )
    dialogs(page)

    log_in_to_admin(page, moderator.username, "pw")
    page.get_by_role("link", name=f"{len(PAYLOADS) + 1} comments awaiting moderation").click()

    for payload in PAYLOADS:
        expect(page.get_by_role("row").filter(has_text=payload).first).to_be_visible()
    imported = page.get_by_role("row").filter(has_text="Imported Person")
    expect(imported).to_contain_text(f"javascript:{RUN}")  # shown to the moderator, as text
    expect(imported.get_by_role("link", name=f"javascript:{RUN}")).to_have_count(0)
    assert nothing_ran(page)
    # a reply's page shows the comment it answers, in context
    imported.get_by_role("link").first.click()
    expect(page.locator(".comment-parent blockquote")).to_have_text(PAYLOADS[0])
    assert nothing_ran(page)
    assert dialogs.opened == []
    assert page_log.console_errors == []
    assert page_log.failed_requests == []
