"""The page for nginx in front (X-Page-Cache: fill): the same bytes every reader gets, with
X-Accel-Expires, no cookie, the app's validators, one copy per encoding nginx asks for."""

from django.test import Client

from tests.pagecache.conftest import TOKEN, state


def test_for_nginx_the_page_is_the_shared_one_with_x_accel_expires(url, essay, settings):
    settings.PAGE_CACHE_PROXY_SECONDS = 2
    plain = Client().get(url).content
    for expected in ("hit", "hit"):
        response = Client().get(url, HTTP_X_PAGE_CACHE="fill")
        assert state(response) == expected
        assert response.content == plain
        assert response["X-Accel-Expires"] == "2"
        assert not response.cookies
        assert response["ETag"].startswith('W/"')
        assert "Accept-Encoding" in response["Vary"]


def test_nginx_gets_the_encoding_it_asks_for(url, essay, settings):
    import gzip

    import brotli

    settings.PAGE_CACHE_PROXY_SECONDS = 2
    plain = Client().get(url).content
    gz = Client().get(url, HTTP_X_PAGE_CACHE="fill", HTTP_ACCEPT_ENCODING="gzip")
    br = Client().get(url, HTTP_X_PAGE_CACHE="fill", HTTP_ACCEPT_ENCODING="br")
    assert (gz["Content-Encoding"], br["Content-Encoding"]) == ("gzip", "br")
    assert gzip.decompress(gz.content) == brotli.decompress(br.content) == plain


def test_the_nginx_header_is_ignored_unless_configured_or_for_personal_pages(
    url, essay, settings, post_comment, client
):
    settings.PAGE_CACHE_PROXY_SECONDS = 0
    response = Client().get(url, HTTP_X_PAGE_CACHE="fill")
    assert "X-Accel-Expires" not in response
    settings.PAGE_CACHE_PROXY_SECONDS = 2
    post_comment(essay)
    response = client.get(url, HTTP_X_PAGE_CACHE="fill")
    assert len(TOKEN.search(response.content.decode()).group(1)) == 64
    assert "X-Accel-Expires" not in response
