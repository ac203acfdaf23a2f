"""Approve / Spam / Trash links in moderation mails: signed, single-purpose, expiring, single
use; opening one changes nothing, only the button does."""

import time

import pytest
from django.core import signing as django_signing
from django.test import Client

from comments import actions
from comments import links as signing
from comments.models import Comment
from mail import links
from subscriptions import tokens
from tests.factories import ArticleFactory, CommentFactory, SubscriptionFactory
from tests.html import unsafe_markup


@pytest.fixture
def pending(db):
    parent = CommentFactory(body="The parent's point.", author_name="Bo")
    return CommentFactory(
        article=parent.article,
        parent=parent,
        status=Comment.Status.PENDING,
        author_name="Ann <i>Reader</i>",
        author_email="ann@example.com",
        body="Held words <script>alert(1)</script>",
        moderation_reason="Held: first comment from this author",
    )


def url(comment, action):
    return f"/comments/moderate/{signing.moderation_token(comment, action)}/"


def status_of(comment):
    comment.refresh_from_db()
    return comment.status


def test_opening_the_link_shows_the_comment_in_context_and_changes_nothing(client, pending):
    response = client.get(url(pending, "approve"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Approve?</h1>" in page
    assert pending.article.title in page
    assert "In reply to Bo:" in page
    assert "The parent&#x27;s point." in page
    assert "Held words &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Ann &lt;i&gt;Reader&lt;/i&gt;" in page
    assert "Held: first comment from this author" in page
    assert '<button type="submit" class="btn btn-primary">Approve</button>' in page
    assert "ann@example.com" not in page  # the address is in the mail, not on a page
    assert "script" not in unsafe_markup(page)
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"
    assert status_of(pending) == "pending"


@pytest.mark.parametrize(
    ("action", "status", "heading"),
    [
        ("approve", "approved", "Comment approved"),
        ("spam", "spam", "Comment marked as spam"),
        ("trash", "trash", "Comment moved to the trash"),
    ],
)
def test_the_button_acts(client, pending, action, status, heading):
    response = client.post(url(pending, action))
    assert response.status_code == 200
    assert heading in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == status
    assert pending.moderation_reason.endswith("from a moderation e-mail")
    if status != "approved":
        assert pending.status_before_removal == "pending"  # "Restore from trash" works


def test_a_link_works_once(client, pending):
    link = url(pending, "trash")
    client.post(link)
    pending.status = Comment.Status.PENDING
    pending.save()  # a moderator restored it meanwhile
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "This link has already been used" in response.content.decode()
    assert status_of(pending) == "pending"


def test_each_link_of_a_mail_is_its_own(client, pending):
    client.post(url(pending, "approve"))
    response = client.post(url(pending, "spam"))
    assert response.status_code == 200
    assert status_of(pending) == "spam"


def test_an_expired_link_changes_nothing(client, pending, settings, monkeypatch):
    settings.COMMENTS_LINK_MAX_AGE_DAYS = 7
    eight_days_ago = time.time() - 8 * 24 * 3600
    monkeypatch.setattr(
        django_signing.TimestampSigner,
        "timestamp",
        lambda self: django_signing.b62_encode(int(eight_days_ago)),
    )
    link = url(pending, "approve")
    monkeypatch.undo()
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert status_of(pending) == "pending"


def test_a_link_within_its_age_works(client, pending, settings, monkeypatch):
    six_days_ago = time.time() - 6 * 24 * 3600
    monkeypatch.setattr(
        django_signing.TimestampSigner,
        "timestamp",
        lambda self: django_signing.b62_encode(int(six_days_ago)),
    )
    link = url(pending, "approve")
    monkeypatch.undo()
    assert client.post(link).status_code == 200
    assert status_of(pending) == "approved"


def tampered(token):
    value, rest = token.split(":", 1)
    swapped = value[:-1] + ("A" if value[-1] != "A" else "B")
    return f"{swapped}:{rest}"


@pytest.mark.parametrize(
    "make_link",
    [
        lambda c: f"/comments/moderate/{tampered(signing.moderation_token(c, 'approve'))}/",
        lambda c: url(c, "approve")[:-6] + "/",
        lambda c: "/comments/moderate/not-a-token/",
        # a valid signature made for another purpose
        lambda c: (
            "/comments/moderate/"
            + links.make(tokens.UNSUBSCRIBE, {"c": c.pk, "a": "approve", "n": "x"})
            + "/"
        ),
        # the right salt but another action than the three
        lambda c: (
            "/comments/moderate/"
            + links.make(signing.MODERATE, {"c": c.pk, "a": "delete", "n": "x"})
            + "/"
        ),
    ],
)
def test_a_tampered_link_changes_nothing(client, pending, make_link):
    link = make_link(pending)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert status_of(pending) == "pending"


def test_a_link_to_a_deleted_comment(client, pending):
    link = url(pending, "approve")
    pending.delete()
    response = client.get(link)
    assert response.status_code == 404
    assert "This comment no longer exists" in response.content.decode()


def test_a_link_for_what_is_already_done_offers_no_button(client, pending):
    link = url(pending, "approve")
    actions.change_status([pending], Comment.Status.APPROVED, "Set by a test")
    response = client.post(link)
    page = response.content.decode()
    assert "This comment is already approved: there is nothing to do." in page
    assert "<button" not in page.split("<main", 1)[1].split("</main>")[0]


def test_the_button_needs_the_csrf_token(pending):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(url(pending, "approve")).status_code == 403
    assert status_of(pending) == "pending"


def test_approving_by_link_notifies_subscribers(
    client, pending, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    SubscriptionFactory(
        article=pending.article, email="sub@example.com", confirmed_at="2026-01-01T00:00Z"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(pending, "approve"))
    run_tasks()
    assert [m.to for m in mailoutbox] == [["sub@example.com"]]


def test_an_article_is_not_needed_to_be_published_to_moderate(client, db):
    comment = CommentFactory(article=ArticleFactory(status="draft"), status="pending")
    assert client.post(url(comment, "trash")).status_code == 200
    assert status_of(comment) == "trash"
