"""The page cache turned on (the test settings turn it off), the essay's address, and
reading what a response says about the cache."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

AWAITING = "Your comment is awaiting moderation."
FILL = {"HTTP_X_PAGE_CACHE": "fill"}  # what nginx sends with a plain request (page files)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def token_of(response):
    return TOKEN.search(response.content.decode()).group(1)


def timestamp_of(response):
    return re.search(r'name="timestamp" value="([^"]*)"', response.content.decode()).group(1)


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


@pytest.fixture
def page_headers(settings, tmp_path, db):
    """The snippet of the page's headers nginx adds to the page files, as deployed."""
    settings.PAGE_HEADERS_FILE = str(tmp_path / "page-headers.conf")
    headers = io.StringIO()
    call_command("page_headers", "--http", "--host", "testserver", stdout=headers)
    (tmp_path / "page-headers.conf").write_text(headers.getvalue())
    return tmp_path / "page-headers.conf"


@pytest.fixture
def folder(settings, tmp_path, page_headers):
    """The page files' directory (pagecache/files.py), nginx's snippet in place."""
    settings.PAGE_FILES_DIR = str(tmp_path / "pages")
    return tmp_path / "pages"


def page_path(folder, url, host="testserver"):
    return folder / "http" / host / (url.lstrip("/") + ".page.html")
