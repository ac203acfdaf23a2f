"""The page for nginx in front (X-Page-Cache: fill): it keeps its placeholder, sets no
cookie, and the ETag nginx builds is the app's."""

import re

from django.test import Client

from pagecache.cache import CSRF_PLACEHOLDER
from tests.pagecache.conftest import TOKEN, hidden_fields, state, token_of


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
