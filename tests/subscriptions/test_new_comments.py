"""“Notify me of new comments via email.”: double opt-in, then each newly approved comment,
never to its own author, never for pending or spam, once per comment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.actions import change_status, moderate_action
from comments.models import Comment, DiscussionSettings
from mail.conf import settings as mail_settings
from mail.models import OutgoingMail
from subscriptions.models import Subscription
from tests.conftest import form_fields
from tests.factories import ArticleFactory, CommentFactory, SubscriptionFactory, UserFactory
from tests.mailbox import html_part, link_to


@pytest.fixture
def article(db):
    return ArticleFactory(title="On Deterrence")


@pytest.fixture
def post(post_comment, django_capture_on_commit_callbacks, run_tasks):
    """Post the comment form, then let the worker run."""

    def post_and_run(article, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_comment(article, **fields)
        assert response.status_code == 302
        run_tasks()
        return Comment.objects.latest("pk")

    return post_and_run


@pytest.fixture
def approve(moderator, django_capture_on_commit_callbacks, run_tasks):
    """A moderator approves comments in the admin; then the worker runs."""

    def approve_and_run(*comments):
        with django_capture_on_commit_callbacks(execute=True):
            moderate_action(comments, "approve", user=moderator)
        run_tasks()

    return approve_and_run


@pytest.fixture
def subscriber(article):
    return SubscriptionFactory(article=article, email="sub@example.com")


def confirm(client, message):
    link = link_to(message, "/subscriptions/confirm/")
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 200
    return response


def test_ticking_the_box_mails_a_confirmation_without_the_visitors_text(post, article, mailoutbox):
    post(
        article,
        notify_comments="on",
        author_name="Buy Cheap Pills",
        author_url="https://pills.example/",
        body="Visit https://pills.example/ now",
        author_email="Victim@Example.com",
    )
    subscription = Subscription.objects.get()
    assert subscription.email == "victim@example.com"
    assert subscription.article == article
    assert not subscription.is_confirmed
    (message,) = [m for m in mailoutbox if m.to == ["victim@example.com"]]
    assert message.subject == "[natoblog] Please confirm your subscription"
    for part in (message.subject, message.body, html_part(message)):
        assert "Pills" not in part
        assert "pills.example" not in part
        assert "Visit" not in part
    assert "new comments on “On Deterrence”" in message.body
    assert "List-Unsubscribe" not in message.extra_headers
    assert OutgoingMail.objects.get(to="victim@example.com").kind == "confirmation"


def test_confirming_takes_a_button(post, article, client, mailoutbox):
    post(article, notify_comments="on")
    link = link_to(mailoutbox[-1], "/subscriptions/confirm/")
    page = client.get(link).content.decode()
    assert "<h1>Confirm your subscription</h1>" in page
    assert "On Deterrence" in page
    assert not Subscription.objects.get().is_confirmed  # a link checker opened it: nothing
    response = client.post(link)
    assert "You are subscribed" in response.content.decode()
    assert Subscription.objects.get().is_confirmed
    assert "already confirmed" in client.get(link).content.decode()


def test_nothing_but_the_confirmation_before_confirming(post, approve, article, mailoutbox):
    post(article, notify_comments="on", author_email="ann@example.com")
    mailoutbox.clear()
    approve(CommentFactory(article=article, status="pending", body="Later words."))
    assert [m for m in mailoutbox if m.to == ["ann@example.com"]] == []


def test_after_confirming_each_approved_comment_arrives(
    post, approve, article, client, mailoutbox
):
    post(article, notify_comments="on", author_email="ann@example.com")
    confirm(client, mailoutbox[-1])
    mailoutbox.clear()
    parent = CommentFactory(article=article, author_name="Bo")
    reply = CommentFactory(
        article=article,
        parent=parent,
        status="pending",
        author_name="Cy <b>",
        body="A reply with <em>tags</em>.",
    )
    approve(reply)
    (message,) = mailoutbox
    assert message.to == ["ann@example.com"]
    assert message.subject == "[natoblog] New comment on “On Deterrence”"
    assert "Cy <b> commented on “On Deterrence”, in reply to Bo:" in message.body
    assert "A reply with <em>tags</em>." in message.body
    html = html_part(message)
    assert "A reply with &lt;em&gt;tags&lt;/em&gt;." in html
    assert "Cy &lt;b&gt;" in html

    path = link_to(message, f"/comments/{reply.pk}/")
    response = client.get(path)
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{reply.pk}"

    unsubscribe = link_to(message, "/subscriptions/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_to(message, "/subscriptions/manage/")
    assert "Unsubscribe</a>" in html


def test_the_comments_own_author_is_not_mailed(post, article, subscriber, mailoutbox, settings):
    DiscussionSettings.objects.update(require_previous_approval=False)  # approved at once
    post(article, author_email="SUB@example.com", body="My own words.")
    assert [m for m in mailoutbox if "New comment" in m.subject] == []
    post(article, author_email="other@example.com", body="Someone else's.")
    assert [m.to for m in mailoutbox if "New comment" in m.subject] == [["sub@example.com"]]


def test_pending_spam_and_trash_comments_are_not_mailed(post, article, subscriber, mailoutbox):
    rules = DiscussionSettings.load()
    rules.disallowed_keys = "casino\nrubbish"
    rules.save()
    post(article, body="Held, first comment.")  # pending
    post(article, body="casino time")  # spam
    rules.disallowed_action = "trash"
    rules.save()
    post(article, body="rubbish")  # trash
    assert sorted(Comment.objects.values_list("status", flat=True)) == ["pending", "spam", "trash"]
    assert [m for m in mailoutbox if m.to == ["sub@example.com"]] == []


def test_a_comment_is_mailed_once_even_if_approved_again(
    approve, article, subscriber, mailoutbox, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article, status="pending")
    approve(comment)
    with django_capture_on_commit_callbacks(execute=True):
        moderate_action([comment], "unapprove", user=moderator)
    approve(comment)
    assert len(mailoutbox) == 1


def test_a_status_changes_only_through_the_one_path_that_notifies(
    article, subscriber, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    comment = CommentFactory(article=article, status="pending", body="Edited and approved.")
    comment.status = Comment.Status.APPROVED
    with pytest.raises(ValueError, match="change_status"):
        comment.save()  # a bare save() would tell no one: refused
    with pytest.raises(TypeError, match="change_status"):
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    assert mailoutbox == []
    comment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        change_status([comment], Comment.Status.APPROVED, "Approved by a test")
    run_tasks()
    assert [m.to for m in mailoutbox] == [["sub@example.com"]]


def test_subscribers_of_another_article_hear_nothing(approve, article, subscriber, mailoutbox):
    approve(CommentFactory(article=ArticleFactory(), status="pending"))
    assert mailoutbox == []
    approve(CommentFactory(article=article, status="pending"))  # their own article's: mailed
    assert [m.to for m in mailoutbox] == [["sub@example.com"]]


def test_one_pending_confirmation_per_address_and_article(post, article, mailoutbox, settings):
    post(article, notify_comments="on", body="One.")
    post(article, notify_comments="on", body="Two.")
    assert Subscription.objects.count() == 1
    assert len([m for m in mailoutbox if "confirm" in m.subject]) == 1

    post(ArticleFactory(), notify_comments="on", body="Elsewhere.")
    assert Subscription.objects.count() == 2
    assert len([m for m in mailoutbox if "confirm" in m.subject]) == 2

    # once the first link has expired, asking again sends a new one
    old = timezone.now() - timedelta(days=mail_settings.COMMENTS_LINK_MAX_AGE_DAYS + 1)
    Subscription.objects.filter(article=article).update(confirmation_sent_at=old)
    post(article, notify_comments="on", body="Three.")
    assert len([m for m in mailoutbox if "confirm" in m.subject]) == 3


def test_a_confirmed_address_gets_no_new_confirmation(post, article, subscriber, mailoutbox):
    post(article, notify_comments="on", author_email="sub@example.com")
    assert [m for m in mailoutbox if "confirm" in m.subject] == []


def test_spam_with_the_box_ticked_subscribes_nobody(post, article, mailoutbox):
    rules = DiscussionSettings.load()
    rules.disallowed_keys = "casino"
    rules.save()
    comment = post(
        article, notify_comments="on", notify_posts="on", body="casino", author_email="v@x.org"
    )
    assert comment.status == Comment.Status.SPAM  # it was posted, and held as spam
    assert not Subscription.objects.exists()
    assert mailoutbox == []


def test_a_comment_rescued_from_spam_subscribes_its_author(
    article, moderator, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    comment = CommentFactory(article=article, status="spam", notify_comments=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderate_action([comment], "approve", user=moderator)
    run_tasks()
    assert Subscription.objects.get().email == comment.author_email
    assert "confirm" in mailoutbox[0].subject


@pytest.mark.parametrize("verified", [True, False])
def test_a_logged_in_user_with_a_verified_address_needs_no_confirmation(
    client,
    article,
    mailoutbox,
    django_capture_on_commit_callbacks,
    run_tasks,
    verified,
):
    from allauth.account.models import EmailAddress

    user = UserFactory(username="olga", email="olga@example.com")
    EmailAddress.objects.create(user=user, email="Olga@example.com", verified=verified)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/comments/post/{article.slug}/",
            {"body": "As Olga.", "notify_comments": "on", "notify_posts": "on", **form_fields()},
        )
    run_tasks()
    confirmations = [m for m in mailoutbox if "confirm" in m.subject]
    if verified:
        assert Subscription.objects.confirmed().count() == 2
        assert confirmations == []
    else:
        assert Subscription.objects.pending().count() == 2
        assert [m.to for m in confirmations] == [["olga@example.com"]] * 2


def test_a_user_without_an_address_is_not_subscribed(
    client, article, django_capture_on_commit_callbacks, run_tasks
):
    user = UserFactory(username="nomail", email="")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/comments/post/{article.slug}/",
            {"body": "Hi.", "notify_comments": "on", **form_fields()},
        )
    run_tasks()
    assert Comment.objects.get().user == user  # the comment went through, without a subscription
    assert not Subscription.objects.exists()


def test_the_commenter_is_told_to_look_for_the_confirmation(post_comment, article, client):
    response = post_comment(article, notify_comments="on", follow=True)
    assert "we are sending it a link: open it to confirm" in response.content.decode()
    response = post_comment(article, body="Again, without ticking.", follow=True)
    assert "we are sending it a link" not in response.content.decode()
