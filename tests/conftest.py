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
    """The essay as the data migration created it (created again if a transactional test
    flushed the database)."""
    from importlib import import_module

    from django.apps import apps

    from articles.models import Article

    import_module("articles.migrations.0002_the_future_of_nato").create_essay(apps, None)
    return Article.objects.select_related("author").get(slug="the-future-of-nato")


@pytest.fixture
def staff_client(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="editor", email="editor@example.com", is_staff=True)
    client.force_login(user)
    return client


def form_fields(seconds_ago=60):
    """The hidden fields the rendered form carries: the signed time it was rendered (a
    minute ago by default, as a person takes) and the empty honeypot."""
    import time

    from comments.spam import form_token

    return {"timestamp": form_token(time.time() - seconds_ago), "honeypot": ""}


def comment_data(**overrides):
    """What a visitor types into the Leave a Reply form (with the form's hidden fields)."""
    data = {
        "body": "A thoughtful comment.",
        "author_email": "ann@example.com",
        "author_name": "Ann Reader",
        "author_url": "",
        **form_fields(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def post_comment(client):
    """Post the form as a browser would: post_comment(article, body=..., ...)."""
    from django.urls import reverse

    def post(article, using=None, follow=False, **overrides):
        return (using or client).post(
            reverse("comments:post", kwargs={"slug": article.slug}),
            comment_data(**overrides),
            follow=follow,
        )

    return post


@pytest.fixture
def moderator(db):
    """A staff user in the Moderators group (not a superuser)."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(
        username="mod",
        email="mod@example.com",
        is_staff=True,
        first_name="Mo",
        last_name="Derator",
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


# --- Mail: the task queue and the worker ---------------------------------------------------


@pytest.fixture
def run_tasks(db, django_capture_on_commit_callbacks):
    """Run the queued background tasks as the worker does (`db_worker` runs each with the
    same Worker.run_task), inside this test's transaction, until none is due; callbacks
    queued on commit by a task run too. Fails the test if a task failed. Returns how many
    ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest",
        excluded_queue_names=[],
    )

    def run():
        ran = 0
        while True:
            with django_capture_on_commit_callbacks(execute=True):
                due = list(DBTaskResult.objects.ready())
                for result in due:
                    result.claim(worker.worker_id)
                    worker.run_task(result)
            if not due:
                break
            ran += len(due)
        failed = DBTaskResult.objects.failed().first()
        assert failed is None, failed.traceback
        return ran

    return run


@pytest.fixture
def moderator_emails(settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.com"]
    return settings.COMMENTS_MODERATOR_EMAILS
