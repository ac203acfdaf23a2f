"""The article page cache: served from the cache to anonymous readers, refreshed exactly when
what the page shows changes, and nothing personal ever shared."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from comments import actions
from comments.models import Comment
from pagecache.cache import CSRF_PLACEHOLDER
from tests.factories import ArticleFactory, CommentFactory

AWAITING = "Your comment is awaiting moderation."
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def token_of(response):
    return TOKEN.search(response.content.decode()).group(1)


def state(response):
    return response.get("X-Page-Cache")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """The test settings turn the page cache off (see natoblog/settings_test.py)."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600


@pytest.fixture
def url(essay):
    return essay.get_absolute_url()


@pytest.fixture
def cached(url, db):
    """Fill the cache for the essay's page, and check that it now serves it."""

    def fill():
        assert state(Client().get(url)) == "miss"
        assert state(Client().get(url)) == "hit"

    return fill


def test_second_anonymous_reader_gets_the_page_without_a_query(
    url, essay, django_assert_num_queries
):
    CommentFactory(article=essay, body="Cached words.")
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert (state(first), state(second)) == ("miss", "hit")
    assert second.status_code == 200
    assert "Cached words." in second.content.decode()
    # the same page, but for the token of the form
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert int(second["Content-Length"]) == len(second.content)


def test_every_reader_gets_their_own_token_and_can_post(url, essay, post_comment, monkeypatch):
    from comments import spam

    ann, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_ann, page_bob = ann.get(url), bob.get(url)
    assert (state(page_ann), state(page_bob)) == ("miss", "hit")
    assert token_of(page_ann) != token_of(page_bob)
    assert ann.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    for page in (page_ann, page_bob):  # every form on the page (comment, follow) has it
        assert len(set(TOKEN.findall(page.content.decode()))) == 1
        assert CSRF_PLACEHOLDER not in page.content.decode()
    later = time.time() + 60  # a person takes a while to write
    monkeypatch.setattr(spam, "now", lambda: later)
    # each posts the form they were given: its token and its timestamp
    for reader, page, body in [(ann, page_ann, "Ann's."), (bob, page_bob, "Bob's.")]:
        sent = post_comment(essay, using=reader, body=body, **hidden_fields(page))
        assert sent.status_code == 302, sent.content.decode()[:300]
    # a token is worth nothing with another reader's cookie
    carol = Client(enforce_csrf_checks=True)
    carol.get(url)
    fields = hidden_fields(page_ann)
    assert post_comment(essay, using=carol, body="Carol's.", **fields).status_code == 403


@pytest.mark.parametrize("where", ["body", "author_name", "author_url", "article"])
def test_a_visitor_cannot_write_the_placeholder_into_the_page(url, essay, where):
    """Only the app puts CSRF_PLACEHOLDER into a page: what a visitor writes is escaped, so
    nginx and the app never put a reader's token into it."""
    mark = CSRF_PLACEHOLDER
    value = f"https://example.org/{mark}" if where == "author_url" else mark
    if where == "article":  # Markdown from the staff, sanitised
        essay.body += f"\n\n{mark} [a]({mark}) <a title='{mark}' href='/{mark}'>b</a>"
        essay.save()
    else:
        CommentFactory(article=essay, status=Comment.Status.APPROVED, **{where: value})
    page = Client().get(url).content.decode()
    assert CSRF_PLACEHOLDER not in page
    assert len(set(TOKEN.findall(page))) == 1
    assert page.count(token_of(Client().get(url))) == 0  # another reader's token: nowhere


def hidden_fields(page):
    """The form's token and timestamp, as the page gave them."""
    html = page.content.decode()
    return {
        "csrfmiddlewaretoken": TOKEN.search(html).group(1),
        "timestamp": re.search(r'name="timestamp" value="([^"]*)"', html).group(1),
    }


def test_the_form_timestamp_is_fresh_in_every_response(url, essay, monkeypatch):
    from comments import spam

    stamps = []
    for expected, moment in [("miss", 1_000_000), ("hit", 1_000_100)]:
        monkeypatch.setattr(spam, "now", lambda moment=moment: moment)
        page = Client().get(url)
        assert state(page) == expected
        stamps.append(hidden_fields(page)["timestamp"])
        monkeypatch.setattr(spam, "now", lambda moment=moment: moment + 5)
        assert spam.token_age(stamps[-1]) == 5  # signed when the response was made
    assert stamps[0] != stamps[1]


def test_a_returning_reader_with_the_csrf_cookie_still_gets_the_cached_page(url, cached):
    cached()
    reader = Client()
    reader.get(url)
    again = reader.get(url)
    assert state(again) == "hit"
    assert again.cookies["csrftoken"].value == reader.cookies["csrftoken"].value


def change(action):
    """The ways an article page changes, each as a function of the essay."""
    return pytest.param(action, id=action.__name__)


def approve(essay):
    comment = Comment.objects.get(body="Held back.")
    actions.change_status([comment], Comment.Status.APPROVED, "Set by a test")
    return "Held back."


def approve_in_bulk(essay):
    actions.change_status(
        Comment.objects.filter(body="Held back."), Comment.Status.APPROVED, "Set by a test"
    )
    return "Held back."


def edit(essay):
    comment = Comment.objects.get(body="Shown.")
    comment.body = "Shown, then edited."
    comment.save()
    return "Shown, then edited."


def mark_spam(essay):
    comment = Comment.objects.get(body="Shown.")
    actions.change_status([comment], Comment.Status.SPAM, "Set by a test")
    return "No thoughts yet"


def trash_in_bulk(essay):
    actions.change_status(
        Comment.objects.filter(body="Shown."), Comment.Status.TRASH, "Set by a test"
    )
    return "No thoughts yet"


def delete(essay):
    Comment.objects.get(body="Shown.").delete()
    return "No thoughts yet"


def delete_in_bulk(essay):
    Comment.objects.filter(body="Shown.").delete()
    return "No thoughts yet"


def add_approved(essay):
    CommentFactory(article=essay, body="Straight in.")
    return "Straight in."


def edit_article(essay):
    essay.title = "The Future of NATO, revised"
    essay.save()
    return "The Future of NATO, revised"


def edit_author(essay):
    essay.author.bio = "Now writes elsewhere."
    essay.author.save()
    return "Now writes elsewhere."


@pytest.mark.parametrize(
    "action",
    [
        change(approve),
        change(approve_in_bulk),
        change(edit),
        change(mark_spam),
        change(trash_in_bulk),
        change(delete),
        change(delete_in_bulk),
        change(add_approved),
        change(edit_article),
        change(edit_author),
    ],
)
def test_the_page_is_refreshed_when_the_change_commits(
    url, essay, cached, action, django_capture_on_commit_callbacks
):
    CommentFactory(article=essay, body="Shown.")
    CommentFactory(article=essay, body="Held back.", status=Comment.Status.PENDING)
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        expected = action(essay)
        # not before the transaction commits: a reader could cache the old page again
        assert state(Client().get(url)) == "hit"
    page = Client().get(url)
    assert state(page) == "miss"
    assert expected in page.content.decode()


def test_a_comment_held_for_moderation_leaves_the_cache_alone(
    url, essay, cached, post_comment, django_capture_on_commit_callbacks
):
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(essay, body="Wait for me.")
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert state(Client().get(url)) == "hit"


def test_a_renamed_article_is_gone_from_its_old_address(
    url, essay, cached, django_capture_on_commit_callbacks
):
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        essay.slug = "nato-tomorrow"
        essay.save()
    assert Client().get(url).status_code == 404
    assert Client().get("/articles/nato-tomorrow/").status_code == 200


def test_a_draft_is_gone_at_once(url, essay, cached, django_capture_on_commit_callbacks):
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        type(essay).objects.filter(pk=essay.pk).update(status="draft")
    assert Client().get(url).status_code == 404


# Nothing personal is ever shared.


def test_own_pending_comment_is_never_cached_nor_shown_to_others(url, essay, post_comment, client):
    assert state(Client().get(url)) == "miss"
    post_comment(essay, body="Mine, waiting.")
    mine = client.get(url)
    assert AWAITING in mine.content.decode()
    assert state(mine) is None  # rendered for them
    assert "private" in mine["Cache-Control"]
    assert "ETag" not in mine
    for _ in range(2):
        other = Client().get(url).content.decode()
        assert AWAITING not in other
        assert "Mine, waiting." not in other


def test_a_personal_page_first_does_not_fill_the_cache(url, essay, post_comment, client):
    post_comment(essay, body="Mine, waiting.")
    assert AWAITING in client.get(url).content.decode()
    first_anonymous = Client().get(url)
    assert state(first_anonymous) == "miss"
    assert AWAITING not in first_anonymous.content.decode()


def test_remembered_details_are_not_shared(url, essay, post_comment, client):
    post_comment(essay, remember="on", author_name="Zoë Remembered")
    client.cookies.pop("sessionid")
    mine = client.get(url)
    assert 'value="Zoë Remembered"' in mine.content.decode()
    assert state(mine) is None
    for _ in range(2):
        assert "Zoë Remembered" not in Client().get(url).content.decode()


def test_the_logged_in_line_is_not_shared(url, essay, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("olga", "o@example.com", "pw"))
    mine = client.get(url)
    assert "You are commenting using your account" in mine.content.decode()
    assert state(mine) is None
    for _ in range(2):
        page = Client().get(url).content.decode()
        assert "You are commenting using your account" not in page
        assert "olga" not in page


@pytest.mark.parametrize("query", ["?replytocom=1", "?utm_source=feed", "?"])
def test_a_query_string_gets_its_own_page(url, essay, cached, query):
    cached()
    response = Client().get(url + query)
    assert response.status_code == 200
    assert state(response) == (None if query != "?" else "hit")


def test_other_articles_and_pages_are_cached_apart(url, essay, cached, settings):
    settings.COMMENTS_PER_PAGE = 1
    other = ArticleFactory(title="Another essay")
    for _ in range(2):
        CommentFactory(article=essay)
    cached()
    assert "Another essay" in Client().get(other.get_absolute_url()).content.decode()
    assert state(Client().get(url + "comment-page-2/")) == "miss"
    local = Client().get(url, HTTP_HOST="localhost")
    assert state(local) == "miss"
    assert 'href="http://localhost/articles/the-future-of-nato/"' in local.content.decode()


def test_a_change_of_settings_that_changes_the_markup_is_a_new_page(url, essay, cached, settings):
    CommentFactory(article=essay)
    cached()
    settings.COMMENTS_GRAVATAR = not settings.COMMENTS_GRAVATAR
    assert state(Client().get(url)) == "miss"


# Conditional requests


def test_a_repeat_visit_gets_304(url, essay):
    reader = Client()
    first = reader.get(url)
    assert first["ETag"].startswith('W/"')
    assert first["Last-Modified"]
    assert first["Cache-Control"] == "private, no-cache"
    again = reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_no_304_for_a_copy_older_than_an_hour(url, essay, monkeypatch):
    """The copy holds the form's timestamp of then: after an hour, a new page."""
    from pagecache import cache as page_cache

    reader = Client()
    etag = reader.get(url)["ETag"]
    later = time.time() + page_cache.ETAG_PERIOD
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert reader.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_no_304_when_the_page_changed(url, essay, django_capture_on_commit_callbacks):
    reader = Client()
    etag = reader.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(article=essay, body="Something new.")
    again = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert "Something new." in again.content.decode()
    assert again["ETag"] != etag


def test_no_304_for_a_copy_whose_token_does_not_match_the_cookie(url, essay):
    """A browser's copy holds a token for the cookie it had then; with a new cookie (or none)
    only a new page has a token that posts."""
    etag = Client().get(url)["ETag"]
    other = Client()
    other.get(url)
    assert other.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_if_modified_since_alone_gets_the_page(url, essay):
    reader = Client()
    reader.get(url)
    later = http_date(timezone.now().timestamp() + 60)
    assert reader.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 200


def test_a_page_without_a_token_needs_no_cookie_for_its_304(rf, db):
    """(Every article page has a form; a page without one gets plain validators.)"""
    from django.http import HttpResponse

    from pagecache import cache as page_cache

    def render():
        return HttpResponse("<p>Nothing to post.</p>")

    first = page_cache.serve(rf.get("/articles/x/"), "x", render)
    assert "csrftoken" not in first.cookies
    again = page_cache.serve(rf.get("/articles/x/", HTTP_IF_NONE_MATCH=first["ETag"]), "x", render)
    assert again.status_code == 304


# Time, failure, and nginx in front


def test_the_page_is_not_kept_past_the_moment_comments_close(db, settings, monkeypatch):
    from pagecache import cache as page_cache

    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=14, minutes=-10))
    timeouts = []
    set_in_cache = page_cache.cache.set
    monkeypatch.setattr(
        page_cache.cache,
        "set",
        lambda key, value, timeout: timeouts.append(timeout) or set_in_cache(key, value, timeout),
    )
    Client().get(article.get_absolute_url())
    assert 0 < timeouts[0] <= 600


def test_a_cache_that_is_down_does_not_take_the_page_down(url, essay, monkeypatch):
    from pagecache import cache as page_cache

    def down(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(page_cache.cache, "get_many", down)
    response = Client().get(url)
    assert response.status_code == 200
    assert state(response) == "error"
    assert len(token_of(response)) == 64


def test_for_nginx_the_page_keeps_its_placeholder_and_sets_no_cookie(url, essay, settings):
    from comments import spam

    settings.PAGE_CACHE_PROXY_SECONDS = 2
    for expected in ("miss", "hit"):
        response = Client().get(url, HTTP_X_PAGE_CACHE="fill")
        assert state(response) == expected
        assert set(TOKEN.findall(response.content.decode())) == {CSRF_PLACEHOLDER}
        # the timestamp is the app's to fill: nginx keeps the page a moment only
        assert spam.token_age(hidden_fields(response)["timestamp"]) < 5
        assert response["X-Accel-Expires"] == "2"
        assert not response.cookies
        assert "ETag" not in response  # nginx makes each reader's (see the next test)
        assert "Last-Modified" not in response  # nginx must not answer If-Modified-Since


def test_the_etag_nginx_builds_from_the_page_tag_is_the_apps(url, essay, settings):
    """deploy/nginx.conf: W/"<X-Page-Tag>-<the reader's CSRF cookie, 8 characters>"."""
    from pagecache.cache import READER_TAG_LENGTH

    settings.PAGE_CACHE_PROXY_SECONDS = 2
    filled = Client().get(url, HTTP_X_PAGE_CACHE="fill")
    assert re.fullmatch(r"[0-9a-f]{24}", filled["X-Page-Tag"])
    reader = Client()
    reader.cookies["csrftoken"] = "a" * 32
    etag = f'W/"{filled["X-Page-Tag"]}-{"a" * READER_TAG_LENGTH}"'
    own = reader.get(url)
    assert own["ETag"] == etag
    assert own["Last-Modified"] == filled["X-Page-Modified"]
    assert reader.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    reader.cookies["csrftoken"] = "b" * 32  # a copy holding another cookie's token
    assert reader.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_nginx_header_is_ignored_unless_configured_or_for_personal_pages(
    url, essay, settings, post_comment, client
):
    settings.PAGE_CACHE_PROXY_SECONDS = 0
    response = Client().get(url, HTTP_X_PAGE_CACHE="fill")
    assert len(token_of(response)) == 64
    assert "X-Accel-Expires" not in response
    settings.PAGE_CACHE_PROXY_SECONDS = 2
    post_comment(essay)
    response = client.get(url, HTTP_X_PAGE_CACHE="fill")
    assert len(token_of(response)) == 64
    assert "X-Accel-Expires" not in response


def test_a_process_never_serves_its_own_copy_once_another_changed_the_page(url, essay, cached):
    """Each process keeps the pages it served; the version in the shared cache still decides."""
    from pagecache import cache as page_cache

    cached()
    assert page_cache._local  # this process kept the page
    page_cache._bump([essay.slug])  # what another process does after a commit
    assert state(Client().get(url)) == "miss"


def test_no_copy_is_served_past_its_time(url, essay, cached, monkeypatch):
    from pagecache import cache as page_cache

    cached()
    later = time.time() + page_cache.settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert state(Client().get(url)) == "miss"
