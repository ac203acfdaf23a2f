"""The moderation queue with the spam filter, in Chromium: each row shows its spam probability
and its one-click buttons; a click decides in place (no reload), the keyboard (j / k to move,
a / s / t to decide) too, and without JavaScript the buttons still work. axe finds nothing."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from spamfilter import store
from spamfilter.models import Verdict

from .helpers import log_in_to_admin

pytestmark = pytest.mark.browser

PASSWORD = "pw"  # the moderator fixture's (tests/conftest.py)
QUEUE = "/admin/comments/comment/"
SPAM = "Check out my channel and subscribe, free money http://cheap-pills.example/win"
GOOD = "The alliance must adapt its posture to deterrence in the east."
OTHER = "Burden sharing among members remains contested after the summit."


def teach():
    for n in range(20):
        spam = Comment(body=f"{SPAM} {n}", author_name="Promo Bot")
        ham = Comment(body=f"{GOOD} {OTHER} {n}", author_name="Ann Reader")
        store.learn(store.comment_tokens(spam), store.SPAM)
        store.learn(store.comment_tokens(ham), store.HAM)


def post(essay, body, name, email):
    return Comment.objects.create(article=essay, body=body, author_name=name, author_email=email)


def shown(comment):
    score = Verdict.objects.get(comment=comment).score
    return f"{int(score * 100) / 100:.2f}"


@pytest.fixture
def queue(essay, moderator):
    teach()
    comments = {
        "spam": post(essay, SPAM, "Promo Bot", "bot@spam.example"),
        "good": post(essay, GOOD, "Alice Moreau", "alice@example.com"),
        "other": post(essay, OTHER, "Bo Berg", "bo@example.com"),
    }
    assert comments["spam"].status == Comment.Status.SPAM  # the filter decided
    assert comments["good"].status == Comment.Status.PENDING  # first comment: held
    return comments


def row(page, text):
    return page.locator("#result_list tbody tr").filter(has_text=text)


def test_the_queue_shows_the_score_and_decides_in_place(page, page_log, axe, queue, moderator):
    log_in_to_admin(page, moderator.username, PASSWORD)
    page.goto(QUEUE)
    expect(page.get_by_role("columnheader", name="Spam score")).to_be_visible()
    for key, text in [("spam", SPAM), ("good", GOOD), ("other", OTHER)]:
        expect(row(page, text).locator(".spam-score")).to_have_text(shown(queue[key]))
    expect(row(page, SPAM)).to_contain_text(re.compile(r"Spam: spam probability \d\.\d\d"))
    assert axe(page) == []

    url = page.url
    row(page, GOOD).get_by_role("button", name="Approve: Alice Moreau").click()
    expect(row(page, GOOD).locator(".comment-badge")).to_have_text("Approved")
    expect(row(page, GOOD)).to_contain_text("Approved by mod")
    expect(row(page, GOOD).get_by_role("button", name="Approve: Alice Moreau")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(f"Approved: {GOOD}")
    assert page.url == url  # no reload
    assert Verdict.objects.get(comment=queue["good"]).learnt_as == "ham"
    assert axe(page) == []
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_the_keyboard_moves_and_decides(page, page_log, queue, moderator):
    log_in_to_admin(page, moderator.username, PASSWORD)
    page.goto(QUEUE)  # newest first: OTHER, GOOD, SPAM
    expect(page.get_by_text("Keyboard: j / k next / previous comment")).to_be_visible()
    page.locator("body").press("j")
    expect(row(page, OTHER)).to_have_class(re.compile("queue-current"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(row(page, SPAM)).to_have_class(re.compile("queue-current"))
    page.keyboard.press("s")  # on a comment in spam: Not spam
    expect(row(page, SPAM).locator(".comment-badge")).to_have_text("Pending")
    expect(row(page, SPAM)).to_contain_text("Marked as not spam by mod")
    page.keyboard.press("k")
    expect(row(page, GOOD)).to_have_class(re.compile("queue-current"))
    page.keyboard.press("t")
    expect(row(page, GOOD).locator(".comment-badge")).to_have_text("Trash")
    page.keyboard.press("k")
    page.keyboard.press("a")
    expect(row(page, OTHER).locator(".comment-badge")).to_have_text("Approved")
    statuses = {k: Comment.objects.get(pk=c.pk).status for k, c in queue.items()}
    assert statuses == {"spam": "pending", "good": "trash", "other": "approved"}
    assert Verdict.objects.get(comment=queue["spam"]).learnt_as == "ham"  # a false positive
    assert page_log.console_errors == []


def test_the_buttons_work_without_javascript(new_page, page_log, queue, moderator):
    page = new_page(java_script_enabled=False)
    log_in_to_admin(page, moderator.username, PASSWORD)
    page.goto(QUEUE + "?status__exact=pending")
    expect(page.get_by_text("Keyboard: j / k")).to_be_hidden()  # no keys without the script
    row(page, GOOD).get_by_role("button", name="Spam: Alice Moreau").click()
    expect(page.locator(".messagelist")).to_have_text(f"Marked as spam: {GOOD}")
    expect(page).to_have_url(re.compile(r"/admin/comments/comment/\?status__exact=pending$"))
    expect(row(page, GOOD)).to_have_count(0)  # out of the pending queue
    assert Comment.objects.get(pk=queue["good"].pk).status == Comment.Status.SPAM
    assert Verdict.objects.get(comment=queue["good"]).learnt_as == "spam"
    assert page_log.failed_requests == []
