"""The moderation queue in the Django admin."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory

S = Comment.Status
CHANGELIST = "/admin/comments/comment/"


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def act(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_list_shows_what_a_moderator_needs(moderator_client, essay):
    parent = CommentFactory(article=essay, author_name="Parent Person")
    CommentFactory(
        article=essay,
        parent=parent,
        status=S.PENDING,
        author_name="Held Harry",
        author_email="harry@example.com",
        author_url="https://harry.example/",
        ip_address="192.0.2.5",
        body="Please hold this one for review.",
        moderation_reason="Held: first comment from this author",
    )
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "Please hold this one for review." in page
    assert "Held Harry" in page
    assert "harry@example.com" in page
    assert "https://harry.example/" in page
    assert "192.0.2.5" in page
    assert f'href="{essay.get_absolute_url()}"' in page
    assert f'href="{change_url(parent)}">Parent Person</a>' in page
    assert '<span class="comment-badge badge-pending">Pending</span>' in page
    assert "Held: first comment from this author" in page


def test_list_shows_a_website_other_than_http_as_text(moderator_client, essay):
    CommentFactory(article=essay, status=S.PENDING, author_url="javascript:alert(1)")
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "javascript:alert(1)<br>" in page
    assert 'href="javascript:' not in page


def test_list_is_newest_first_with_filters_and_search(moderator_client, essay):
    old = CommentFactory(article=essay, body="older words")
    new = CommentFactory(article=essay, body="newer words", ip_address="192.0.2.99")
    page = moderator_client.get(CHANGELIST).content.decode()
    assert page.index("newer words") < page.index("older words")
    pending = moderator_client.get(CHANGELIST + "?status__exact=pending").content.decode()
    assert "newer words" not in pending
    by_ip = moderator_client.get(CHANGELIST + "?q=192.0.2.99").content.decode()
    assert "newer words" in by_ip
    assert "older words" not in by_ip
    by_email = moderator_client.get(CHANGELIST + f"?q={old.author_email}").content.decode()
    assert "older words" in by_email
    assert "newer words" not in by_email
    by_article = moderator_client.get(CHANGELIST + f"?article__id__exact={essay.pk}")
    assert by_article.status_code == 200
    assert new.body in by_article.content.decode()
    assert moderator_client.get(CHANGELIST + "?created_at__year=2020").status_code == 200


def test_admin_index_counts_pending_and_links_to_them(moderator_client, essay):
    CommentFactory.create_batch(3, article=essay, status=S.PENDING)
    CommentFactory(article=essay)
    page = moderator_client.get("/admin/").content.decode()
    assert (
        '<a href="/admin/comments/comment/?status__exact=pending"><strong>3</strong> '
        "comments awaiting moderation</a>" in page
    )


@pytest.mark.parametrize(
    ("action", "before", "after", "message"),
    [
        ("approve", S.PENDING, S.APPROVED, "Approved: 2 comments."),
        ("unapprove", S.APPROVED, S.PENDING, "Unapproved: 2 comments."),
        ("spam", S.PENDING, S.SPAM, "Marked as spam: 2 comments."),
        ("not_spam", S.SPAM, S.PENDING, "Marked as not spam: 2 comments."),
        ("trash", S.APPROVED, S.TRASH, "Moved to trash: 2 comments."),
    ],
)
def test_bulk_actions_change_status_log_and_count(
    moderator_client, moderator, essay, action, before, after, message
):
    comments = CommentFactory.create_batch(2, article=essay, status=before)
    response = act(moderator_client, action, comments)
    assert messages_of(response) == [message]
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == after
        assert comment.moderation_reason.endswith("by mod")
        entry = LogEntry.objects.get(object_id=str(comment.pk))
        assert entry.user == moderator
        assert entry.change_message.startswith(message.split(":")[0])


def test_actions_skip_comments_they_do_not_apply_to(moderator_client, essay):
    approved = CommentFactory(article=essay)
    spam = CommentFactory(article=essay, status=S.SPAM)
    response = act(moderator_client, "not_spam", [approved, spam])
    assert messages_of(response) == [
        "Marked as not spam: 1 comment. 1 left as they were (the action does not apply to them)."
    ]
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


def test_action_on_the_filtered_queue_counts_what_was_selected(moderator_client, essay):
    # From the pending queue (?status__exact=pending) the approved comments drop out of the
    # filter as the action runs; the message must still count the selection.
    pending = CommentFactory.create_batch(2, article=essay, status=S.PENDING)
    response = moderator_client.post(
        CHANGELIST + "?status__exact=pending",
        {"action": "approve", "_selected_action": [c.pk for c in pending]},
        follow=True,
    )
    assert messages_of(response) == ["Approved: 2 comments."]


def test_restore_from_trash_returns_to_the_previous_status(moderator_client, essay):
    was_approved = CommentFactory(article=essay)
    was_pending = CommentFactory(article=essay, status=S.PENDING)
    act(moderator_client, "trash", [was_approved, was_pending])
    response = act(moderator_client, "restore", [was_approved, was_pending])
    assert messages_of(response) == ["Restored from trash: 2 comments."]
    was_approved.refresh_from_db()
    was_pending.refresh_from_db()
    assert was_approved.status == S.APPROVED
    assert was_pending.status == S.PENDING


def test_delete_permanently_only_spam_and_trash(moderator_client, essay):
    spam = CommentFactory(article=essay, status=S.SPAM)
    trash = CommentFactory(article=essay, status=S.TRASH)
    keep = CommentFactory(article=essay)
    response = act(moderator_client, "delete_permanently", [spam, trash, keep])
    assert messages_of(response) == [
        "Deleted permanently: 2 comments. 1 kept: only spam and trash can be deleted."
    ]
    assert list(Comment.objects.all()) == [keep]
    assert LogEntry.objects.filter(action_flag=3).count() == 2


def test_django_delete_selected_is_not_offered(moderator_client, essay):
    CommentFactory(article=essay)
    page = moderator_client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in page
    assert 'value="delete_permanently"' in page


def test_history_shows_status_changes(moderator_client, essay):
    comment = CommentFactory(article=essay, status=S.PENDING)
    act(moderator_client, "approve", [comment])
    history = moderator_client.get(
        reverse("admin:comments_comment_history", args=[comment.pk])
    ).content.decode()
    assert "Approved: Pending → Approved" in history


def test_change_page_shows_the_comment_in_context(moderator_client, essay):
    parent = CommentFactory(article=essay, author_name="Earlier", body="The parent's words.")
    comment = CommentFactory(
        article=essay,
        parent=parent,
        status=S.PENDING,
        author_email="habit@example.com",
        ip_address="192.0.2.44",
    )
    CommentFactory(article=essay, author_email="habit@example.com", status=S.SPAM)
    CommentFactory(article=essay, author_email="HABIT@example.com")
    CommentFactory(article=essay, ip_address="192.0.2.44", author_email="other@example.com")
    page = moderator_client.get(change_url(comment)).content.decode()
    assert "The parent&#x27;s words." in page or "The parent's words." in page
    assert essay.get_absolute_url() in page
    assert (
        '<tr><th scope="row">with this e-mail</th><td>1</td><td>1</td><td>1</td><td>0</td></tr>'
        in page
    )
    assert (
        '<tr><th scope="row">from 192.0.2.44</th><td>1</td><td>1</td><td>0</td><td>0</td></tr>'
        in page
    )
    assert "Trust this author" in page
    assert "Block this author" in page


def test_trust_approves_all_their_pending_comments(moderator_client, essay):
    mine = CommentFactory.create_batch(2, article=essay, status=S.PENDING, author_email="a@x.org")
    other = CommentFactory(article=essay, status=S.PENDING, author_email="b@x.org")
    response = moderator_client.post(
        reverse("admin:comments_comment_trust", args=[mine[0].pk]), follow=True
    )
    assert messages_of(response) == [
        f"Trusted {mine[0].author_name}: approved 2 pending comments."
    ]
    assert {c.status for c in Comment.objects.filter(author_email="a@x.org")} == {S.APPROVED}
    other.refresh_from_db()
    assert other.status == S.PENDING
    rules = DiscussionSettings.load()
    assert rules.disallowed_keys == ""
    assert rules.moderation_keys == ""


def test_block_adds_keys_and_marks_pending_as_spam(moderator_client, essay):
    comment = CommentFactory(
        article=essay, status=S.PENDING, author_email="troll@x.org", ip_address="192.0.2.66"
    )
    approved = CommentFactory(article=essay, author_email="troll@x.org")
    response = moderator_client.post(
        reverse("admin:comments_comment_block", args=[comment.pk]), follow=True
    )
    assert "added 2 disallowed keys; 1 pending comment marked as spam." in messages_of(response)[0]
    comment.refresh_from_db()
    approved.refresh_from_db()
    assert comment.status == S.SPAM
    assert approved.status == S.APPROVED
    keys = DiscussionSettings.load().disallowed_keys.splitlines()
    assert "troll@x.org" in keys
    assert "192.0.2.66" in keys
    # the rules now hold them back
    new = Comment.objects.create(
        article=essay, author_name="T", author_email="troll@x.org", body="again"
    )
    assert new.status == S.SPAM


def test_trust_and_block_need_post(moderator_client, essay):
    comment = CommentFactory(article=essay)
    assert (
        moderator_client.get(
            reverse("admin:comments_comment_trust", args=[comment.pk])
        ).status_code
        == 405
    )


def test_moderator_reply_from_the_admin_is_approved_and_threaded(moderator_client, essay):
    comment = CommentFactory(article=essay, author_name="Asker")
    response = moderator_client.post(
        reverse("admin:comments_comment_reply", args=[comment.pk]),
        {"reply_body": "Thanks for asking."},
        follow=True,
    )
    assert "Your reply was posted (approved)." in messages_of(response)[0]
    reply = Comment.objects.get(body="Thanks for asking.")
    assert reply.parent == comment
    assert reply.status == S.APPROVED
    assert reply.author_name == "Mo Derator"
    page = moderator_client.get(essay.get_absolute_url()).content.decode()
    assert "Thanks for asking." in page


def test_empty_reply_is_refused(moderator_client, essay):
    comment = CommentFactory(article=essay)
    response = moderator_client.post(
        reverse("admin:comments_comment_reply", args=[comment.pk]),
        {"reply_body": "  "},
        follow=True,
    )
    assert messages_of(response) == ["Type a reply before posting it."]
    assert Comment.objects.count() == 1


def test_article_admin_shows_counts_and_comments_inline(admin_client, essay):
    CommentFactory.create_batch(2, article=essay)
    CommentFactory(article=essay, status=S.PENDING, body="Inline pending words")
    page = admin_client.get("/admin/articles/article/").content.decode()
    base = f"/admin/comments/comment/?article__id__exact={essay.pk}&amp;status__exact="
    assert f'<a href="{base}approved">2</a>' in page
    assert f'<a href="{base}pending">1</a>' in page
    change = admin_client.get(f"/admin/articles/article/{essay.pk}/change/").content.decode()
    assert "comments (newest first)" in change.lower()
    assert "Inline pending words" in change


def test_moderation_list_queries_are_constant(moderator_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = ArticleFactory()

    def add(count):
        for parent in CommentFactory.create_batch(count, article=article):
            CommentFactory(article=article, parent=parent, status=S.PENDING)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(CHANGELIST).status_code == 200
        return len(captured)

    add(3)
    few = queries()
    add(100)
    assert queries() == few
    assert few <= 12
