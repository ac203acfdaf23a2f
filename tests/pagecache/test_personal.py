"""Nothing personal is ever shared: a visitor's pending comment, remembered details and
logged-in line stay on their own page."""

from django.test import Client

from tests.factories import UserFactory
from tests.pagecache.conftest import AWAITING, state


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


def test_the_logged_in_line_is_not_shared(url, essay, client):
    client.force_login(UserFactory(username="olga", email="o@example.com"))
    mine = client.get(url)
    assert "You are commenting using your account" in mine.content.decode()
    assert state(mine) is None
    for _ in range(2):
        page = Client().get(url).content.decode()
        assert "You are commenting using your account" not in page
        assert "olga" not in page
