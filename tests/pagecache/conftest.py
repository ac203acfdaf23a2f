"""The page cache turned on (the test settings turn it off), the essay's address, and
reading what a response says about the cache."""

import re

import pytest
from django.test import Client

AWAITING = "Your comment is awaiting moderation."
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
