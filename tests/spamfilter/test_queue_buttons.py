"""One-click decisions in the moderation queue: Approve / Spam (Not spam) / Trash on each row,
POST with CSRF, without JavaScript (back to the list with a message) or as JSON for the
script; each click in the comment's history and teaching the filter."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from spamfilter import store
from spamfilter.models import Verdict
from tests.factories import CommentFactory
from tests.html import elements

S = Comment.Status
QUEUE = "/admin/comments/comment/?status__exact=pending"


def decide_url(comment):
    return reverse("admin:comments_comment_decide", args=[comment.pk])


@pytest.fixture
def held(essay):
    return CommentFactory(
        article=essay, status=S.PENDING, author_name="Promo Bot", body="Subscribe to my channel"
    )


def row_buttons(page, comment):
    """{decision: (key, label)} of the row's buttons (labels read from aria-label)."""
    return {
        attrs["value"]: (attrs["data-queue-key"], attrs["aria-label"])
        for tag, attrs in elements(page)
        if tag == "button" and attrs.get("formaction") == decide_url(comment)
    }


def test_each_row_has_its_buttons_inside_the_list_form(moderator_client, held, essay):
    spam = CommentFactory(article=essay, status=S.SPAM)
    page = moderator_client.get("/admin/comments/comment/").content.decode()
    assert row_buttons(page, held) == {
        "approve": ("a", "Approve: Promo Bot"),
        "spam": ("s", "Spam: Promo Bot"),
        "trash": ("t", "Trash: Promo Bot"),
    }
    who = spam.author_name
    assert row_buttons(page, spam) == {
        "approve": ("a", f"Approve: {who}"),
        "not_spam": ("s", f"Not spam: {who}"),
        "trash": ("t", f"Trash: {who}"),
    }
    assert f'value="not_spam" formaction="{decide_url(spam)}"' in page
    assert ">Not spam</button>" in page
    # inside the list's form (forms do not nest), which carries the CSRF token
    form = page[
        page.index('id="changelist-form"') : page.index(
            "</form>", page.index('id="changelist-form"')
        )
    ]
    assert 'name="csrfmiddlewaretoken"' in form
    assert form.count('class="button queue-button') == 6
    assert any(
        tag == "script" and attrs.get("src", "").endswith("js/admin-queue.js")
        for tag, attrs in elements(page)
    )


@pytest.mark.parametrize(
    ("decision", "status", "label"),
    [("approve", S.APPROVED, "ham"), ("spam", S.SPAM, "spam"), ("trash", S.TRASH, "")],
)
def test_a_click_without_javascript_decides_records_and_teaches(
    moderator_client, moderator, held, on_commit, decision, status, label
):
    with on_commit():
        response = moderator_client.post(
            decide_url(held),
            {"queue_decision": decision},
            HTTP_REFERER="http://testserver" + QUEUE,
        )
    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + QUEUE
    held.refresh_from_db()
    assert held.status == status
    assert held.moderation_reason.endswith("by mod")
    entry = LogEntry.objects.get(object_id=str(held.pk))
    assert entry.user == moderator
    assert "Pending →" in entry.change_message
    verdict = Verdict.objects.filter(comment=held).first()
    assert (verdict.learnt_as if verdict else "") == label
    page = moderator_client.get(QUEUE).content.decode()
    assert "Subscribe to my channel" in page or status != S.PENDING


def test_not_spam_brings_a_false_positive_back_and_teaches(moderator_client, essay, on_commit):
    caught = CommentFactory(article=essay, status=S.SPAM, body="A legitimate point on NATO")
    with on_commit():
        moderator_client.post(decide_url(caught), {"queue_decision": "not_spam"})
    caught.refresh_from_db()
    assert caught.status == S.PENDING
    assert Verdict.objects.get(comment=caught).learnt_as == "ham"
    assert store.totals() == (0, 1)


def test_with_javascript_the_answer_updates_the_row(moderator_client, held, on_commit):
    with on_commit():
        response = moderator_client.post(
            decide_url(held), {"queue_decision": "spam"}, HTTP_ACCEPT="application/json"
        )
    data = response.json()
    assert data["changed"] is True
    assert data["status"] == "spam"
    assert 'class="comment-badge badge-spam">Spam<' in data["status_html"]
    assert data["reason"] == "Marked as spam by mod"
    assert 'value="not_spam"' in data["buttons_html"]
    assert 'value="spam"' not in data["buttons_html"]
    assert data["message"].startswith("Marked as spam: Subscribe to my channel")


def test_the_message_after_a_click(moderator_client, held):
    response = moderator_client.post(decide_url(held), {"queue_decision": "approve"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Approved: Subscribe to my channel"]


def test_an_unknown_decision_or_a_get_is_refused(moderator_client, held):
    assert moderator_client.post(decide_url(held), {"queue_decision": "delete"}).status_code == 400
    assert moderator_client.get(decide_url(held)).status_code == 405
    held.refresh_from_db()
    assert held.status == S.PENDING


def test_csrf_is_checked(moderator, held):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(decide_url(held), {"queue_decision": "approve"})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == S.PENDING


def test_a_foreign_referer_is_not_followed(moderator_client, held):
    response = moderator_client.post(
        decide_url(held), {"queue_decision": "approve"}, HTTP_REFERER="https://evil.example/"
    )
    assert response["Location"] == "/admin/comments/comment/"


def test_view_only_staff_cannot_decide(client, held):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    assert client.post(decide_url(held), {"queue_decision": "approve"}).status_code == 403
    held.refresh_from_db()
    assert held.status == S.PENDING
