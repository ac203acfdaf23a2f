"""Spam and flood defences before moderation: the honeypot, the signed form timestamp,
duplicates and rate limits. Every refusal keeps what was typed and lets the visitor post
again; nothing refused is stored."""

import html
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from comments import spam
from comments.models import Comment
from tests.conftest import comment_data, form_fields
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.html import elements

POST_URL = "/comments/post/the-future-of-nato/"
ROOT = Path(__file__).resolve().parents[2]


def rendered_token(page):
    return re.search(r'name="timestamp" value="([^"]+)"', page).group(1)


def later(monkeypatch, seconds):
    """Move the defences' clock forward."""
    start = time.time()
    monkeypatch.setattr(spam, "now", lambda: start + seconds)


def assert_refused_and_kept(response, status, message, body):
    assert response.status_code == status
    page = response.content.decode()
    assert message in page
    assert body in page  # the text is kept in the form
    assert 'id="commentform"' in page
    assert not Comment.objects.filter(body=body).exists()
    return page


# The honeypot ---------------------------------------------------------------------------------


def test_honeypot_is_hidden_from_people_screen_readers_and_the_keyboard(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    inputs = [a for tag, a in elements(page) if tag == "input" and a.get("name") == "honeypot"]
    assert len(inputs) == 1
    assert inputs[0]["tabindex"] == "-1"
    assert inputs[0]["autocomplete"] == "off"
    assert not inputs[0].get("value")
    wrapper = re.search(r'<div\s+class="comment-hp"\s+aria-hidden="true">', page)
    assert wrapper is not None
    assert page.index(wrapper.group(0)) < page.index('name="honeypot"')
    assert "Leave this field empty if you are a person" in page
    css = (ROOT / "static" / "css" / "site.css").read_text()
    rule = re.search(r"\.comment-hp\s*\{([^}]*)\}", css).group(1)
    assert "left: -10000px" in rule
    assert "position: absolute" in rule


def test_a_filled_honeypot_is_refused_and_the_visitor_can_post_again(client, essay, monkeypatch):
    response = client.post(POST_URL, comment_data(body="Robots love forms.", honeypot="x"))
    page = assert_refused_and_kept(response, 400, "a field that must stay empty", "Robots")
    honeypot = [a for t, a in elements(page) if t == "input" and a.get("name") == "honeypot"]
    assert not honeypot[0].get("value")  # shown empty again
    # Posting the form as shown, a little later, works.
    later(monkeypatch, 30)
    again = client.post(
        POST_URL,
        comment_data(body="Robots love forms.", timestamp=rendered_token(page), honeypot=""),
    )
    assert again.status_code == 302
    assert Comment.objects.get().body == "Robots love forms."


# The signed timestamp ----------------------------------------------------------------------


def test_the_form_carries_a_fresh_signed_timestamp(client, essay):
    """In a page rendered for one visitor (logged in); the shared page's form asks for its
    timestamp when the visitor starts on it (tests/comments/test_no_javascript.py)."""
    client.force_login(UserFactory(username="lee", email="lee@example.com"))
    page = client.get(essay.get_absolute_url()).content.decode()
    age = spam.token_age(rendered_token(page))
    assert age is not None
    assert 0 <= age < 5


def test_a_post_faster_than_a_person_is_refused(client, essay, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    timestamp = client.get("/comments/timestamp/").content.decode()
    response = client.post(POST_URL, comment_data(body="Instant words.", timestamp=timestamp))
    assert_refused_and_kept(response, 400, "only moments after the page was opened", "Instant")


def test_a_post_after_the_minimum_is_accepted(client, essay, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    response = client.post(POST_URL, comment_data(**form_fields(seconds_ago=4)))
    assert response.status_code == 302


@pytest.mark.parametrize("hours", [1, 11.5])
def test_a_page_open_for_hours_still_posts(client, essay, settings, hours):
    """A page served from the cache carries an older timestamp: the maximum is generous."""
    settings.COMMENTS_MAX_AGE_HOURS = 12
    response = client.post(POST_URL, comment_data(**form_fields(seconds_ago=hours * 3600)))
    assert response.status_code == 302


def test_a_form_too_old_answers_with_a_fresh_form_keeping_the_text(
    client, essay, settings, monkeypatch
):
    settings.COMMENTS_MAX_AGE_HOURS = 12
    stale = form_fields(seconds_ago=13 * 3600)
    response = client.post(POST_URL, comment_data(body="Written slowly.", **stale))
    page = assert_refused_and_kept(response, 400, "the page had been open for a long time", "")
    assert "Written slowly." in page
    fresh = rendered_token(page)
    assert fresh != stale["timestamp"]
    assert spam.token_age(fresh) < 5
    later(monkeypatch, 10)
    assert client.post(POST_URL, comment_data(timestamp=fresh)).status_code == 302


@pytest.mark.parametrize(
    "token",
    [
        "comment-form",
        "not a token at all",
        "comment-form:1abcde:forged-signature",
    ],
)
def test_a_forged_timestamp_is_refused(client, essay, token):
    """(A missing one asks to post again: tests/comments/test_no_javascript.py.)"""
    data = comment_data(body="Where is my token?", timestamp=token)
    response = client.post(POST_URL, data)
    assert_refused_and_kept(response, 400, "incomplete or had been altered", "Where is my token?")


def test_a_tampered_timestamp_is_refused(client, essay):
    """Making an old token look older (or a fresh one look older) breaks the signature."""
    _, signature = spam.form_token().rsplit(":", 1)
    older = spam.form_token(time.time() - 3600).rsplit(":", 1)[0]
    response = client.post(POST_URL, comment_data(timestamp=f"{older}:{signature}"))
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_a_token_signed_for_something_else_is_refused(client, essay):
    from django.core import signing

    other = signing.Signer(salt=spam.TOKEN_SALT).sign_object({"v": "other", "t": 0})
    response = client.post(POST_URL, comment_data(timestamp=other))
    assert response.status_code == 400


# Duplicates -----------------------------------------------------------------------------------


def test_the_same_text_twice_is_refused_with_wordpress_message(client, essay):
    assert client.post(POST_URL, comment_data(body="Said once.")).status_code == 302
    response = client.post(POST_URL, comment_data(body="Said once."))
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Duplicate comment detected; it looks as though you've already said that!" in page
    assert "Said once." in page
    assert Comment.objects.count() == 1


def test_duplicates_are_per_author_and_article(client, essay):
    other_article = ArticleFactory()
    CommentFactory(article=essay, author_email="ann@example.com", body="Common words.")
    # another author, the same text: fine
    response = client.post(POST_URL, comment_data(body="Common words.", author_email="b@x.org"))
    assert response.status_code == 302
    # the same author on another article: fine
    response = client.post(
        f"/comments/post/{other_article.slug}/", comment_data(body="Common words.")
    )
    assert response.status_code == 302


def test_a_trashed_comment_does_not_count_as_a_duplicate(client, essay):
    CommentFactory(
        article=essay,
        author_email="ann@example.com",
        body="Try again.",
        status=Comment.Status.TRASH,
    )
    assert client.post(POST_URL, comment_data(body="Try again.")).status_code == 302


def test_duplicates_of_a_logged_in_user(client, essay):
    user = UserFactory(username="olga", email="olga@example.com")
    client.force_login(user)
    data = {"body": "As Olga, once.", **form_fields()}
    assert client.post(POST_URL, data).status_code == 302
    assert client.post(POST_URL, {"body": "As Olga, once.", **form_fields()}).status_code == 409


# Rate limits ---------------------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    settings.COMMENTS_RATE_LIMIT_WINDOW = 600
    settings.COMMENTS_RATE_LIMIT_PER_IP = 3
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 2
    return settings


def post_as(client, n, email=None, **extra):
    data = comment_data(body=f"Comment {n}", author_email=email or f"reader{n}@example.com")
    return client.post(POST_URL, data, **extra)


def test_past_the_ip_limit_answers_429_keeping_the_text(client, essay, limits):
    for n in range(3):
        assert post_as(client, n).status_code == 302
    response = post_as(client, 3)
    page = assert_refused_and_kept(response, 429, "faster than we allow", "Comment 3")
    assert re.search(r"please wait \d+ (minutes?|seconds?)", page)
    assert 0 < int(response["Retry-After"]) <= 601
    assert Comment.objects.count() == 3


def test_another_address_is_not_affected(client, essay, limits):
    for n in range(4):
        post_as(client, n)
    assert post_as(client, 4).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert post_as(other, 4).status_code == 302


def test_the_limit_resets_in_the_next_window(client, essay, limits, monkeypatch):
    for n in range(3):
        post_as(client, n)
    assert post_as(client, 3).status_code == 429
    later(monkeypatch, 601)
    assert post_as(client, 4).status_code == 302


def test_email_limit_holds_across_addresses(essay, limits):
    for n, address in enumerate(["192.0.2.1", "192.0.2.2"]):
        assert post_as(Client(REMOTE_ADDR=address), n, email="ann@example.com").status_code == 302
    response = post_as(Client(REMOTE_ADDR="192.0.2.3"), 2, email="ANN@example.com ")
    assert_refused_and_kept(response, 429, "faster than we allow", "Comment 2")


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(client, essay, limits):
    limits.COMMENTS_TRUSTED_PROXIES = 0
    for n in range(3):
        assert post_as(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 302
    response = post_as(client, 3, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, essay, limits):
    limits.COMMENTS_TRUSTED_PROXIES = 1
    for n in range(5):
        response = post_as(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 302
    assert Comment.objects.get(body="Comment 4").ip_address == "203.0.113.4"
    # one client behind the proxy, past its limit
    for n in range(5, 7):
        assert post_as(client, n, HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 302
    # spoofing a first hop does not help: the proxy's appended address is the one used
    response = post_as(client, 8, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    assert response.status_code == 302
    response = post_as(client, 9, HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.50")
    assert response.status_code == 429


def test_staff_are_not_rate_limited(client, essay, limits):
    staff = UserFactory(username="ed", email="ed@example.com", is_staff=True)
    client.force_login(staff)
    for n in range(5):
        response = client.post(POST_URL, {"body": f"Editor note {n}", **form_fields()})
        assert response.status_code == 302


def test_limits_of_zero_are_off(client, essay, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = 0
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 0
    for n in range(12):
        assert post_as(client, n, email="same@example.com").status_code == 302


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("192.0.2.10", "192.0.2.10"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::2", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.10", "192.0.2.10"),
        ("", None),
        (None, None),
        ("not-an-ip", None),
    ],
)
def test_one_ipv6_network_counts_as_one_sender(ip, key):
    assert spam.ip_key(ip) == key


def test_the_counter_is_atomic_under_concurrent_posts(db):
    """16 threads hit the same limit at once: exactly `limit` pass (the cache's add + incr
    are atomic; in CI this runs against Redis)."""
    limit, allowed = 10, []
    barrier = threading.Barrier(16)

    def one():
        barrier.wait()
        for _ in range(5):
            allowed.append(spam.hit("ip", "192.0.2.200", limit, 600) is None)

    threads = [threading.Thread(target=one) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == limit
    assert allowed.count(False) == 16 * 5 - limit


def test_the_counters_keep_no_personal_data_in_the_cache():
    key = spam.rate_key("email", "private.person@example.com", 123)
    assert "private" not in key
    assert key != spam.rate_key("email", "other.person@example.com", 123)
    assert key != spam.rate_key("email", "private.person@example.com", 124)


def test_a_post_is_counted_in_the_shared_cache(client, essay, limits):
    post_as(client, 1)
    bucket = int(time.time() // 600)
    assert cache.get(spam.rate_key("ip", "127.0.0.1", bucket)) == 1
