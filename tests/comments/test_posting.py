"""Posting: POST/redirect/GET to the comment, pending visible to its author only, cookies only
with consent, logged-in commenters, closed comments."""

from datetime import timedelta
from urllib.parse import unquote

from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.conftest import form_fields
from tests.factories import ArticleFactory, CommentFactory, UserFactory

AWAITING = "Your comment is awaiting moderation."


def test_post_redirects_to_the_comment_anchor(post_comment, essay):
    response = post_comment(essay)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/the-future-of-nato/#comment-{comment.pk}"


def test_new_visitor_comment_is_pending_and_keeps_what_was_sent(post_comment, essay, client):
    post_comment(
        essay,
        notify_comments="on",
        notify_posts="",
    )
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.notify_comments is True
    assert comment.notify_posts is False
    assert comment.ip_address == "127.0.0.1"
    assert comment.article == essay


def test_user_agent_is_recorded(client, essay):
    from tests.conftest import comment_data

    client.post(
        "/comments/post/the-future-of-nato/", comment_data(), HTTP_USER_AGENT="Lynx/2.9 " * 40
    )
    assert Comment.objects.get().user_agent.startswith("Lynx/2.9")
    assert len(Comment.objects.get().user_agent) == 255


def test_pending_comment_is_shown_to_its_author_only(post_comment, essay, client):
    post_comment(essay, body="Awaiting my turn.")
    mine = client.get(essay.get_absolute_url()).content.decode()
    assert "Awaiting my turn." in mine
    assert AWAITING in mine
    # and across page loads
    assert AWAITING in client.get(essay.get_absolute_url()).content.decode()

    stranger = Client().get(essay.get_absolute_url()).content.decode()
    assert "Awaiting my turn." not in stranger
    assert AWAITING not in stranger
    assert "No thoughts yet" in stranger


def test_approved_comment_is_shown_to_everyone(essay):
    CommentFactory(article=essay, body="Approved words.", author_name="Pat")
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert "Approved words." in page
    assert "Pat" in page
    assert AWAITING not in page


def test_spam_and_trash_are_never_shown(essay, client):
    CommentFactory(article=essay, body="Buy pills", status=Comment.Status.SPAM)
    CommentFactory(article=essay, body="Rubbish", status=Comment.Status.TRASH)
    CommentFactory(article=essay, body="Someone else waiting", status=Comment.Status.PENDING)
    CommentFactory(article=essay, body="Approved beside them")
    page = client.get(essay.get_absolute_url()).content.decode()
    for text in ["Buy pills", "Rubbish", "Someone else waiting"]:
        assert text not in page
    # the page does show comments: the approved one, and only it in the count
    assert "Approved beside them" in page
    assert "One thought on" in page


def test_remember_me_sets_cookies_and_prefills(post_comment, essay, client):
    response = post_comment(
        essay, remember="on", author_name="Zoë", author_url="https://zoe.example/"
    )
    assert unquote(response.cookies["comment_author_name"].value) == "Zoë"
    assert unquote(response.cookies["comment_author_email"].value) == "ann@example.com"
    assert response.cookies["comment_author_name"]["httponly"]
    page = client.get(essay.get_absolute_url()).content.decode()
    assert 'value="Zoë"' in page
    assert 'value="ann@example.com"' in page
    assert 'value="https://zoe.example/"' in page


def test_without_consent_nothing_is_stored_in_the_browser(post_comment, essay, client):
    response = post_comment(essay)
    assert not [name for name in response.cookies if name.startswith("comment_author")]
    page = client.get(essay.get_absolute_url()).content.decode()
    assert 'value="Ann Reader"' not in page


def test_unticking_forgets_the_details(post_comment, essay, client):
    post_comment(essay, remember="on")
    response = post_comment(essay, body="Second thought.")
    for name in ["comment_author_name", "comment_author_email", "comment_author_url"]:
        assert response.cookies[name].value == ""
        assert response.cookies[name]["max-age"] == 0
    client.cookies.clear()
    page = client.get(essay.get_absolute_url()).content.decode()
    assert 'value="Ann Reader"' not in page


def test_logged_in_user_comments_without_name_and_email(client, essay):
    user = UserFactory(username="olga", email="olga@example.com", first_name="Olga", last_name="K")
    client.force_login(user)
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "You are commenting using your account (Olga K)." in page
    assert "Log Out" in page
    assert "Change" in page
    assert 'name="author_email"' not in page
    assert 'name="author_name"' not in page
    response = client.post(
        "/comments/post/the-future-of-nato/", {"body": "As Olga.", **form_fields()}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.user == user
    assert comment.author_name == "Olga K"
    assert comment.author_email == "olga@example.com"


def test_log_out_from_the_form_returns_to_the_article(client, essay):
    user = UserFactory(username="olga", email="olga@example.com")
    client.force_login(user)
    response = client.post("/accounts/logout/", {"next": "/articles/the-future-of-nato/#respond"})
    assert response.status_code == 302
    assert response["Location"] == "/articles/the-future-of-nato/#respond"
    assert "_auth_user_id" not in client.session


def test_closed_article_shows_comments_are_closed(client, db):
    article = ArticleFactory(comments_enabled=False)
    CommentFactory(article=article, body="An earlier word.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." in page
    assert "An earlier word." in page
    assert 'id="commentform"' not in page
    assert "comment-reply-link" not in page


def test_post_to_a_closed_article_is_refused_and_text_kept(post_comment, db):
    article = ArticleFactory(comments_enabled=False)
    response = post_comment(article, body="Too late?")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Comments are closed on this article; your comment was not posted." in page
    assert "Too late?" in page
    assert Comment.objects.count() == 0


def test_comments_close_automatically_after_n_days(post_comment, db, settings, client):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=15))
    recent = ArticleFactory(published_at=timezone.now() - timedelta(days=13))
    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    assert post_comment(old).status_code == 403
    assert "Comments are closed." not in client.get(recent.get_absolute_url()).content.decode()
    assert post_comment(recent).status_code == 302


def test_post_to_a_draft_is_404(post_comment, db):
    from articles.models import Article

    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert post_comment(draft).status_code == 404


def test_get_on_the_post_url_is_not_allowed(client, essay):
    assert client.get("/comments/post/the-future-of-nato/").status_code == 405


def test_staff_comment_is_approved_at_once(client, essay):
    staff = UserFactory(username="mod", email="mod@example.com", is_staff=True)
    client.force_login(staff)
    client.post(
        "/comments/post/the-future-of-nato/", {"body": "From the editors.", **form_fields()}
    )
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert "From the editors." in Client().get(essay.get_absolute_url()).content.decode()
