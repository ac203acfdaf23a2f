"""Edit one's own comment: its author only (the session that posted it, or the account), for
COMMENTS_EDIT_WINDOW_MINUTES, while nobody has an approved reply; the moderation rules decide
again, subscribers are not mailed again, moderators keep every earlier version."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentRevision, DiscussionSettings
from mail.models import OutgoingMail
from tests.conftest import comment_data
from tests.factories import CommentFactory, SubscriptionFactory, UserFactory


@pytest.fixture
def rules(db):
    rules = DiscussionSettings.load()
    rules.require_previous_approval = False  # a first comment is approved at once
    rules.save()
    return rules


@pytest.fixture
def author(essay, rules):
    """A browser that posted an approved comment: (its client, the comment)."""
    client = Client()
    url = reverse("comments:post", kwargs={"slug": essay.slug})
    assert client.post(url, comment_data(body="Teh first version.")).status_code == 302
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.APPROVED
    return client, comment


def edit_url(comment):
    return reverse("comments:edit", kwargs={"pk": comment.pk})


def edit(client, comment, body, **extra):
    return client.post(edit_url(comment), {"body": body, **extra})


def page(client, essay):
    return client.get(essay.get_absolute_url()).content.decode()


def test_only_the_author_sees_edit_and_delete(essay, author):
    client, comment = author
    mine = page(client, essay)
    assert f'href="{edit_url(comment)}"' in mine
    assert f'href="{reverse("comments:delete", kwargs={"pk": comment.pk})}"' in mine
    theirs = page(Client(), essay)
    assert f'id="comment-{comment.pk}"' in theirs
    assert "comment-edit-link" not in theirs
    assert "comment-delete-link" not in theirs


def test_a_logged_in_author_edits_from_any_browser(essay, rules):
    user = UserFactory(email="lou@example.com")
    comment = CommentFactory(article=essay, user=user, body="Mine.")
    client = Client()
    client.force_login(user)
    assert f'href="{edit_url(comment)}"' in page(client, essay)
    response = edit(client, comment, "Mine, better.")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Mine, better."


def test_the_edit_page_has_the_text_and_returns_to_the_anchor(essay, author):
    client, comment = author
    form = client.get(edit_url(comment))
    assert form.status_code == 200
    assert "Teh first version.</textarea>" in form.content.decode()
    assert "no-store" in form["Cache-Control"]
    response = edit(client, comment, "The *first* version.")
    assert response.status_code == 302
    assert response["Location"] == f"{essay.get_absolute_url()}#comment-{comment.pk}"
    shown = page(client, essay)
    assert "<p>The <em>first</em> version.</p>" in shown
    assert "Teh first" not in shown
    assert 'class="comment-edited">(edited <time datetime=' in shown
    assert 'class="comment-edited"' in page(Client(), essay)  # readers see it was edited


def test_every_earlier_version_is_kept_oldest_first(essay, author, admin_client):
    client, comment = author
    edit(client, comment, "Second version.")
    edit(client, comment, "Third version.")
    revisions = list(CommentRevision.objects.filter(comment=comment))
    assert [r.body for r in revisions] == ["Teh first version.", "Second version."]
    assert revisions[0].written_at == comment.created_at
    admin_page = admin_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()
    assert admin_page.index("Teh first version.") < admin_page.index("Second version.")
    assert "Third version." in admin_page


def test_errors_are_shown_with_the_text_kept(essay, author):
    client, comment = author
    response = edit(client, comment, "   ")
    assert response.status_code == 200
    assert "Please type your comment." in response.content.decode()
    response = edit(client, comment, "x" * 65526)
    assert response.status_code == 200
    assert "x" * 65526 in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Teh first version."


def forbidden(response, reason):
    assert response.status_code == 403
    assert reason in response.content.decode()
    assert "Nothing was changed." in response.content.decode()


def test_anybody_else_gets_403_and_nothing_changes(essay, author):
    _, comment = author
    stranger = Client()
    reason = "Only the person who wrote a comment can change it"
    forbidden(stranger.get(edit_url(comment)), reason)
    forbidden(edit(stranger, comment, "Hijacked."), reason)
    other_user = Client()
    other_user.force_login(UserFactory())
    forbidden(edit(other_user, comment, "Hijacked."), reason)
    comment.refresh_from_db()
    assert comment.body == "Teh first version."
    assert not CommentRevision.objects.exists()


def test_after_the_window_403(essay, author, settings):
    client, comment = author
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 15
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert "comment-edit-link" not in page(client, essay)
    forbidden(edit(client, comment, "Too late."), "changed for 15 minutes after it was posted")
    comment.refresh_from_db()
    assert comment.body == "Teh first version."


def test_within_the_window_allowed(essay, author, settings):
    client, comment = author
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=14))
    assert "comment-edit-link" in page(client, essay)
    assert edit(client, comment, "Just in time.").status_code == 302


def test_window_zero_turns_it_off(essay, author, settings):
    client, comment = author
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 0
    assert "comment-edit-link" not in page(client, essay)
    forbidden(edit(client, comment, "No."), "cannot be edited or deleted on this site")


def test_an_approved_reply_closes_it(essay, author):
    client, comment = author
    reply = CommentFactory(article=essay, parent=comment, status=Comment.Status.PENDING)
    assert "comment-edit-link" in page(client, essay)  # a reply not approved yet: still open
    from comments import actions

    actions.change_status([reply], Comment.Status.APPROVED, "Set by a test")
    assert "comment-edit-link" not in page(client, essay)
    forbidden(edit(client, comment, "Changed under them."), "Someone has replied")
    comment.refresh_from_db()
    assert comment.body == "Teh first version."


def test_an_edit_with_a_disallowed_word_goes_to_spam(essay, author, rules):
    client, comment = author
    rules.disallowed_keys = "casino"
    rules.save()
    assert edit(client, comment, "Visit my casino.").status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.moderation_reason == "After an edit: Disallowed key “casino” in the comment"
    assert f'id="comment-{comment.pk}"' not in page(Client(), essay)


def test_an_edit_with_too_many_links_goes_back_to_pending(
    essay, author, rules, moderator_emails, django_capture_on_commit_callbacks, run_tasks
):
    client, comment = author
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, comment, "See https://a.example and https://b.example")
    run_tasks()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason.startswith("After an edit: Held: 2 links")
    assert f'id="comment-{comment.pk}"' not in page(Client(), essay)
    mine = page(client, essay)
    assert "Your comment is awaiting moderation." in mine  # its author still sees it
    alert = OutgoingMail.objects.get(to="mods@example.com")
    assert "Held: 2 links" in alert.body_text


def test_subscribers_are_not_mailed_again_for_an_edit(
    essay, author, rules, django_capture_on_commit_callbacks, run_tasks
):
    from comments import actions

    client, _ = author
    SubscriptionFactory(article=essay, email="sub@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("comments:post", kwargs={"slug": essay.slug}),
            comment_data(body="A second comment.", author_email="ann2@example.com"),
        )
    run_tasks()
    comment = Comment.objects.latest("pk")
    assert OutgoingMail.objects.filter(to="sub@example.com").count() == 1  # the positive control
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, comment, "A second comment, fixed.")
    run_tasks()
    # approved → pending (too many links) → approved again by a moderator
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, comment, "https://a.example https://b.example")
    run_tasks()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        actions.moderate_action([comment], "approve", via="by a test")
    run_tasks()
    assert OutgoingMail.objects.filter(to="sub@example.com").count() == 1


def test_edits_count_against_the_rate_limits(essay, author, settings):
    client, comment = author
    settings.COMMENTS_RATE_LIMIT_PER_IP = 2  # the post counted one
    assert edit(client, comment, "Second.").status_code == 302
    response = edit(client, comment, "Third.")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "faster than we allow" in response.content.decode()
    assert "Third.</textarea>" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Second."


def test_the_form_opened_in_place_is_told_where_to_go(essay, author):
    """comments.js posts with X-Requested-With: fetch and gets a 204 naming the comment's
    address, so the browser goes there itself (and sees the message)."""
    client, comment = author
    response = client.post(
        edit_url(comment), {"body": "Fixed in place."}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    assert response["X-Location"] == f"{essay.get_absolute_url()}#comment-{comment.pk}"
    assert "Your comment was updated." in page(client, essay)


@pytest.mark.parametrize("count", [10, 200])
def test_the_authors_page_costs_the_same_queries_whatever_the_number_of_comments(
    essay, rules, count, settings, django_assert_num_queries
):
    from tests.comments.test_queries import add_threads

    settings.COMMENTS_PER_PAGE = 1000
    add_threads(essay, count)
    user = UserFactory()
    CommentFactory(article=essay, user=user, body="Mine.")
    client = Client()
    client.force_login(user)
    url = essay.get_absolute_url() + "?uncached"
    client.get(url)
    with django_assert_num_queries(5):  # session, user, the account's avatar, then as for anybody
        shown = client.get(url).content.decode()
    assert shown.count("comment-edit-link") == 1


def test_earlier_versions_are_in_the_export_and_go_when_the_comment_is_emptied(essay, author):
    from comments import actions
    from comments.privacy import export_comments

    client, comment = author
    edit(client, comment, "Second version.")
    exported = export_comments("ann@example.com")
    assert exported[0]["comment"] == "Second version."
    assert [v["comment"] for v in exported[0]["earlier_versions"]] == ["Teh first version."]
    actions.empty([comment], author_name="Anonymous")
    assert not CommentRevision.objects.exists()


def test_a_comment_readers_do_not_see_is_404_to_anybody_but_its_author(essay, author):
    client, comment = author
    edit(client, comment, "https://a.example https://b.example")  # held: too many links
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert Client().get(edit_url(comment)).status_code == 404
    assert client.get(edit_url(comment)).status_code == 200
