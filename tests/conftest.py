import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (it may be a shared Redis in CI)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def essay(db):
    """The essay as the data migration created it."""
    from articles.models import Article

    return Article.objects.select_related("author").get(slug="the-future-of-nato")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", "editor@example.com", "pw", is_staff=True
    )
    client.force_login(user)
    return client
