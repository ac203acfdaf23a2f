"""Moderators hear about held and reported comments: who gets the mail, what it says, where its
links go."""

import pytest

from comments.actions import moderate_action, report
from comments.models import Comment
from mail.models import OutgoingMail
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory
from tests.mailbox import html_part, link_to, links


@pytest.fixture
def article(db):
    return ArticleFactory(author=AuthorFactory(email="Writer@Example.com"), title="On Alliances")


@pytest.fixture
def held(article, moderator_emails, django_capture_on_commit_callbacks, run_tasks):
    """A visitor's first comment, held for moderation, and the mails it caused."""

    def post(**fields):
        fields = {
            "article": article,
            "author_name": "Ann Reader",
            "author_email": "ann@example.com",
            "author_url": "https://ann.example/",
            "body": "Enlargement <b>matters</b>.\n\nSecond paragraph.",
            "ip_address": "203.0.113.7",
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            comment = Comment.objects.create(**fields)
        assert comment.status == Comment.Status.PENDING
        run_tasks()
        return comment

    return post


def test_held_comment_is_mailed_to_the_author_and_the_moderators(held, mailoutbox, settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.com", "WRITER@example.com"]
    held()
    assert sorted(m.to[0] for m in mailoutbox) == ["mods@example.com", "writer@example.com"]
    assert {m.kind for m in OutgoingMail.objects.all()} == {"moderation"}


def test_moderation_mail_shows_the_comment_the_rule_and_the_links(held, mailoutbox):
    comment = held()
    message = mailoutbox[0]
    assert message.subject == "[natoblog] Please moderate: “On Alliances”"
    text = message.body
    assert "A new comment on “On Alliances” is waiting for your approval." in text
    assert "Why: Held: first comment from this author" in text
    assert "Ann Reader" in text
    assert "ann@example.com" in text
    assert "https://ann.example/" in text
    assert "203.0.113.7" in text
    assert "Enlargement <b>matters</b>." in text  # plain text, as typed
    assert f"http://testserver/comments/{comment.pk}/" in text
    assert f"http://testserver{comment.article.get_absolute_url()}" in text
    assert f"http://testserver/admin/comments/comment/{comment.pk}/change/" in text
    for label in ("Approve it:", "Mark it as spam:", "Move it to the trash:"):
        assert f"{label} http://testserver/comments/moderate/" in text
    assert len([url for url in links(text) if "/comments/moderate/" in url]) == 3

    html = html_part(message)
    assert "Enlargement &lt;b&gt;matters&lt;/b&gt;." in html  # escaped, never marked safe
    assert "<p>Second paragraph.</p>" in html
    for label in (">Approve</a>", ">Spam</a>", ">Trash</a>"):
        assert label in html
    assert "List-Unsubscribe" not in message.extra_headers


def test_moderation_mail_shows_the_parent_of_a_reply(held, article, mailoutbox):
    parent = CommentFactory(article=article, author_name="Bo", body="The original point.")
    held(parent=parent)
    text = mailoutbox[0].body
    assert "In reply to Bo (http://testserver/comments/" in text
    assert "> The original point." in text


@pytest.mark.parametrize("status", ["approved", "spam", "trash"])
def test_no_moderation_mail_when_nothing_is_held(
    article, moderator_emails, status, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    from comments.models import DiscussionSettings

    rules = DiscussionSettings.load()
    rules.require_previous_approval = status != "approved"
    rules.disallowed_keys = "casino" if status != "approved" else ""
    rules.disallowed_action = status if status != "approved" else "spam"
    rules.save()
    with django_capture_on_commit_callbacks(execute=True):
        comment = Comment.objects.create(
            article=article, author_name="X", author_email="x@example.com", body="casino"
        )
    assert comment.status == status
    run_tasks()
    assert not [m for m in mailoutbox if "moderate" in m.subject]


def test_nothing_is_sent_if_the_comment_was_moderated_before_the_worker_ran(
    article, moderator_emails, mailoutbox, django_capture_on_commit_callbacks, run_tasks, moderator
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = Comment.objects.create(
            article=article, author_name="X", author_email="x@example.com", body="Hello"
        )
        moderate_action([comment], "spam", user=moderator)
    run_tasks()
    assert mailoutbox == []
    # the same comment left waiting is mailed to the moderators
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(
            article=article, author_name="Y", author_email="y@example.com", body="Hello again"
        )
    run_tasks()
    assert ["mods@example.com"] in [m.to for m in mailoutbox]


def test_a_comment_reported_past_the_threshold_is_mailed(
    article, moderator_emails, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    comment = CommentFactory(article=article, body="Contested words.")
    with django_capture_on_commit_callbacks(execute=True):
        for reporter in ("a", "b", "c"):
            report(comment, reporter)
    run_tasks()
    moderation = [m for m in mailoutbox if "moderate" in m.subject]
    assert sorted(m.to[0] for m in moderation) == ["mods@example.com", "writer@example.com"]
    assert "Why: Held: reported by 3 readers" in moderation[0].body
    assert "Contested words." in moderation[0].body


def test_notify_moderators_can_be_called_for_any_reason(
    article, moderator_emails, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    from comments.models import Comment
    from comments.signals import comment_needs_moderator

    comment = CommentFactory(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        comment_needs_moderator.send(Comment, comment=comment, reason="Reported: off-topic")
    run_tasks()
    text = mailoutbox[0].body
    assert "needs your attention" in text
    assert "Why: Reported: off-topic" in text


def test_author_hears_of_approved_comments_only_when_asked(
    article, settings, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(article=article, body="First approved.")
    run_tasks()
    assert mailoutbox == []

    settings.COMMENTS_NOTIFY_AUTHOR_ON_APPROVAL = True
    with django_capture_on_commit_callbacks(execute=True):
        comment = CommentFactory(article=article, body="Second approved.")
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["writer@example.com"]
    assert "“On Alliances” was approved" in message.subject
    assert "Second approved." in message.body
    assert f"http://testserver/comments/{comment.pk}/" in message.body


def test_the_comment_link_in_a_mail_leads_to_the_comment_in_its_thread(
    held, client, moderator, mailoutbox
):
    comment = held()
    moderate_action([comment], "approve", user=moderator)
    response = client.get(link_to(mailoutbox[0], f"/comments/{comment.pk}/"))
    assert response.status_code == 302
    assert response["Location"] == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
