"""“Notify me of new posts via email.” and “Follow this blog”: double opt-in for the whole
site, then one mail per newly published article, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from mail.models import OutgoingMail
from subscriptions.models import Subscription
from tests.factories import ArticleFactory, SubscriptionFactory
from tests.html import elements
from tests.mailbox import html_part, link_to, time_passes


@pytest.fixture
def follower(db):
    return SubscriptionFactory(kind="posts", email="follower@example.com")


@pytest.fixture
def publish(django_capture_on_commit_callbacks, run_tasks):
    """Save an article (new or changed), then let the worker run."""

    def save_and_run(article=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            if article is None:
                article = ArticleFactory(**fields)
            else:
                for name, value in fields.items():
                    setattr(article, name, value)
                article.save()
        run_tasks()
        return article

    return save_and_run


def test_the_footer_offers_to_follow_the_blog(client, essay):
    for url in ("/", essay.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Follow this blog" in page
        inputs = [attrs for tag, attrs in elements(page) if tag == "input"]
        assert any(a.get("name") == "follow-email" and a.get("type") == "email" for a in inputs)
        labels = [attrs for tag, attrs in elements(page) if tag == "label"]
        assert {"for": "id_follow-email", "class": "form-label requiredField"} in labels
        assert 'action="/comments/subscriptions/follow/"' in page


def test_following_mails_a_confirmation(
    client, db, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comments/subscriptions/follow/",
            {"follow-email": "Reader@Example.com", "next": "/authors/x/"},
        )
    assert response.status_code == 302
    assert response["Location"] == "/authors/x/"
    assert mailoutbox == []  # the worker sends it
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["reader@example.com"]
    assert "about new articles" in message.body
    subscription = Subscription.objects.get()
    assert (subscription.kind, subscription.is_confirmed) == ("posts", False)

    page = client.get("/").content.decode()
    assert "we have sent it a link" in page  # the message, shown once
    client.post(link_to(message, "/subscriptions/confirm/"))
    assert Subscription.objects.get().is_confirmed


def test_a_mistyped_address_is_kept_with_the_error(client, db):
    response = client.post("/comments/subscriptions/follow/", {"follow-email": "reader@"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a valid email address, like name@example.com." in page
    assert 'value="reader@"' in page
    assert page.count('name="follow-email"') == 1  # the footer's form steps aside
    assert not Subscription.objects.exists()


def test_following_never_redirects_off_site(client, db):
    response = client.post(
        "/comments/subscriptions/follow/",
        {"follow-email": "r@example.com", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_the_comment_forms_box_subscribes_to_new_posts(
    post_comment, essay, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(essay, notify_posts="on")
    run_tasks()
    assert Subscription.objects.get().kind == "posts"
    assert [m.to for m in mailoutbox if "confirm" in m.subject] == [["ann@example.com"]]


def test_a_new_article_is_mailed_to_confirmed_followers_once(publish, follower, mailoutbox):
    SubscriptionFactory(kind="posts", email="unconfirmed@example.com", confirmed=False)
    article = publish(title="Burden Sharing", excerpt="Who pays & why.", slug="burden-sharing")
    (message,) = mailoutbox
    assert message.to == ["follower@example.com"]
    assert message.subject == "[natoblog] New article: “Burden Sharing”"
    assert "Who pays & why." in message.body
    assert "Who pays &amp; why." in html_part(message)
    assert "http://testserver/articles/burden-sharing/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_to(message, "/subscriptions/unsubscribe/")
    assert link_to(message, "/subscriptions/manage/")

    publish(article, title="Burden Sharing (updated)")
    publish(article, status=Article.Status.DRAFT)
    publish(article, status=Article.Status.PUBLISHED)
    assert len(mailoutbox) == 1
    assert OutgoingMail.objects.filter(kind="new_post").count() == 1


def test_a_draft_is_mailed_when_it_is_published(publish, follower, mailoutbox):
    article = publish(status=Article.Status.DRAFT, published_at=None)
    assert mailoutbox == []
    publish(article, status=Article.Status.PUBLISHED)
    assert len(mailoutbox) == 1


def test_a_scheduled_article_is_mailed_when_it_goes_live(publish, follower, mailoutbox, run_tasks):
    article = publish(published_at=timezone.now() + timedelta(hours=3))
    assert mailoutbox == []
    # three hours later (the clock, as the article and the queue see it)
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    time_passes()
    run_tasks()
    assert len(mailoutbox) == 1


def test_the_essay_already_published_is_not_news(publish, essay, follower, mailoutbox):
    publish(essay, excerpt="A better excerpt.")
    assert mailoutbox == []
    publish(title="Burden Sharing")  # whereas a new article is news
    assert [m.to for m in mailoutbox] == [["follower@example.com"]]
