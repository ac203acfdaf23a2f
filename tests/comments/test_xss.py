"""The XSS list (tests/xss.py) posted through the form, approved and rendered: on the article
page, the report page and in the admin, no markup of the commenter's gets through.
(tests/browser/test_xss.py shows the same pages in Chromium and checks that no script runs.)"""

import pytest
from django.test import Client

from comments import actions
from comments.models import Comment
from tests import xss
from tests.conftest import comment_data
from tests.html import unsafe_markup

POST_URL = "/comments/post/the-future-of-nato/"


@pytest.fixture
def no_rate_limits(settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = 0
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 0
    settings.COMMENTS_PER_PAGE = 500


@pytest.fixture
def payloads(client, essay, no_rate_limits):
    return xss.post_payloads(client, essay)


def test_every_payload_is_accepted_as_text_and_stored_as_typed(payloads):
    assert len(payloads) == len(xss.BODIES) - 1  # the one with a NUL character is refused
    for comment in payloads:
        assert comment.body in xss.BODIES


def test_the_article_page_shows_payloads_as_text(payloads, essay):
    page = Client().get(essay.get_absolute_url()).content.decode()
    for comment in payloads:
        fragment = xss.comment_fragment(page, comment.pk)
        assert xss.markup_problems(fragment) == [], comment.body
    # outside the comments, too: the only script is ours
    assert page.count("<script") == 2
    assert '<script src="/static/js/comments.js" defer></script>' in page
    assert '<script src="/static/js/form-timestamp.js" defer></script>' in page


def test_the_markup_check_can_fail(payloads, essay):
    Comment.objects.filter(pk=payloads[0].pk).update(
        body_html='<p>hi<img src=x onerror="alert(1)"></p>'
    )
    page = Client().get(essay.get_absolute_url()).content.decode()
    problems = xss.markup_problems(xss.comment_fragment(page, payloads[0].pk))
    assert "img[onerror]" in problems


def test_the_author_link_never_carries_a_script_url(payloads, essay):
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert "javascript:" not in page.lower().replace("javascript:window.__xss", "")
    for comment in payloads:
        if comment.author_url:
            assert comment.author_url.startswith("https://")


def test_the_report_page_shows_the_payload_as_text(payloads):
    for comment in payloads[:15]:
        page = Client().get(f"/comments/report/?comment={comment.pk}").content.decode()
        quote = page[page.index('<blockquote class="report-quote">') :]
        quote = quote[: quote.index("</blockquote>")]
        assert unsafe_markup(quote) == [], comment.body


def test_the_admin_shows_payloads_as_text(payloads, moderator_client, essay):
    from tests.factories import ArticleFactory, CommentFactory

    harmless = [CommentFactory(article=ArticleFactory()) for _ in range(len(payloads))]
    changelist = moderator_client.get(
        f"/admin/comments/comment/?article__id__exact={essay.pk}"
    ).content.decode()
    baseline = moderator_client.get(
        f"/admin/comments/comment/?article__id__exact={harmless[0].article_id}"
    ).content.decode()
    assert "window.__xss" in changelist  # the payloads are there, as text
    assert xss.admin_problems(changelist, baseline) == []
    baseline = moderator_client.get(
        f"/admin/comments/comment/{harmless[0].pk}/change/"
    ).content.decode()
    for comment in payloads:
        page = moderator_client.get(
            f"/admin/comments/comment/{comment.pk}/change/"
        ).content.decode()
        assert xss.admin_problems(page, baseline) == [], comment.body


def test_the_admin_check_can_fail():
    baseline = '<script src="/static/admin/js/core.js"></script><svg class="icon"></svg>'
    assert xss.admin_problems(baseline, baseline) == []
    assert xss.admin_problems(baseline + "<script>alert(1)</script>", baseline) == [
        "inline script",
        "script",
    ]
    assert xss.admin_problems(baseline + "<svg onload=alert(1)>", baseline) == [
        "svg",
        "svg[onload]",
    ]


@pytest.mark.parametrize("url", xss.URLS)
def test_script_urls_are_refused_as_websites(client, essay, url):
    response = client.post(POST_URL, comment_data(author_url=url))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a web address starting with http:// or https://." in page
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("url", xss.SAFE_URLS_WITH_MARKUP)
def test_valid_websites_with_markup_become_harmless_links(client, essay, url, settings):
    settings.COMMENTS_PER_PAGE = 500
    assert client.post(POST_URL, comment_data(author_url=url)).status_code == 302
    comment = Comment.objects.get()
    assert comment.author_url.startswith("https://")
    actions.change_status([comment], Comment.Status.APPROVED, "Set by a test")
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert xss.markup_problems(xss.comment_fragment(page, comment.pk)) == []


@pytest.mark.parametrize("email", xss.EMAILS)
def test_markup_in_an_email_address_is_refused(client, essay, email):
    response = client.post(POST_URL, comment_data(author_email=email))
    assert response.status_code == 200
    assert "Please enter a valid email address" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_valid_address_with_markup_is_never_shown(client, essay):
    email = xss.VALID_EMAIL_WITH_MARKUP
    assert client.post(POST_URL, comment_data(author_email=email)).status_code == 302
    actions.change_status(Comment.objects.all(), Comment.Status.APPROVED, "Set by a test")
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert "<script>window" not in page
    assert "window.__xss" not in page
