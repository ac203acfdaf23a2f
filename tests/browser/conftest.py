"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Without Chromium every test marked `browser` is skipped with the reason; with
NATOBLOG_REQUIRE_BROWSER=1 (what CI sets) a missing Chromium is an error instead.
"""

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from .helpers import DISCUSSION_START

# Playwright's sync API runs an event loop in the test thread; without this Django raises
# SynchronousOnlyOperation while it sets up and flushes the test database. (Django reads it
# when a query runs, so setting it here, before any test, is early enough.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's browser: the binary itself first (the /usr/bin wrapper script prints a harmless
# "unexpected operator" line), then the wrapper. Never `playwright install`: no internet.
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM = next((p for p in CHROMIUM_PATHS if os.access(p, os.X_OK)), None)
REQUIRE_BROWSER = os.environ.get("NATOBLOG_REQUIRE_BROWSER") == "1"
MISSING = "Chromium not found: apt-get install chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

# axe-core 4.14.1, vendored from `npm pack axe-core@4` (MPL-2.0, see vendor/LICENSE), so the
# tests need no npm at run time. To update: npm pack axe-core@4, copy axe.min.js and LICENSE*.
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM or REQUIRE_BROWSER:
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:  # only reached when NATOBLOG_REQUIRE_BROWSER=1
        pytest.fail(f"{MISSING} (NATOBLOG_REQUIRE_BROWSER=1 forbids skipping)", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _same_database_connections_under_playwright(django_db_setup, request):
    """Keep the test thread on the database connections the test database was set up with.

    Django keeps connections per thread, but per async context while an event loop runs in
    the thread, and Playwright's sync API runs one. Without this, browser tests would open
    fresh connections: ones without the data serialized at set-up (so `serialized_rollback`
    would restore nothing) and, on SQLite in memory, not the one shared with the live server.
    """
    import asyncio

    from django.db import connections

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop yet: `connections` still hands out the set-up connections
        pass
    else:
        pytest.fail("Playwright started before the test database: fixture order changed")
    originals = {alias: connections[alias] for alias in connections}
    request.getfixturevalue("playwright")  # from here on an event loop runs in this thread
    for alias, connection in originals.items():
        connections[alias] = connection


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists: on SQLite in
    memory the server thread must share that connection, or it reads another database."""
    return live_server


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs (`page.goto("/")`) go to the live server. Also replaces pytest-playwright's
    own `base_url`, whose class-based definition pytest 9 warns about."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every context asks for reduced motion: Bootstrap then scrolls to a fragment or a
    focused field at once instead of smoothly, so positions are final when a test reads them
    and a journey does not wait out each animation."""
    return {**browser_context_args, "reduced_motion": "reduce"}


@pytest.fixture(autouse=True)
def _live_site(live_server, django_db_serialized_rollback):
    """Every browser test talks to the live server, with the migrated essay in the database.

    The live server needs a transactional database, which is flushed after each test: the
    serialized rollback puts the data migration's essay back before the next one.
    """


@pytest.fixture(autouse=True)
def _robot_fast_typing_allowed(settings):
    """Playwright fills a form in milliseconds, faster than COMMENTS_MIN_SECONDS lets a person
    post (comments.spam). Journeys are not about that check, so it is off here; it is tested
    in tests/comments/test_spam.py and, at its real setting, in test_spam_defences.py."""
    settings.COMMENTS_MIN_SECONDS = 0


@dataclass
class PageLog:
    """What went wrong in the browser while a test ran; a clean page leaves both lists empty."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page_log():
    return PageLog()


def watch(page, page_log):
    """Record the page's console errors, uncaught exceptions and failed requests in `page_log`.

    A response of 400 or more counts as failed, except the document a test navigates to: its
    status is the test's to check (the 404 page is meant to answer 404). A request cancelled
    because the page moved on (net::ERR_ABORTED) does not count.
    """

    def on_console(message):
        if message.type == "error":
            page_log.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def on_response(response):
        if response.status >= 400 and not response.request.is_navigation_request():
            page_log.failed_requests.append(f"{response.status} {response.url}")

    def on_request_failed(request):
        if request.failure != "net::ERR_ABORTED":
            page_log.failed_requests.append(f"{request.failure} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_log.console_errors.append(f"uncaught: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    return page


@pytest.fixture
def page(page, page_log):
    """pytest-playwright's page, watched: its problems are recorded in `page_log`."""
    return watch(page, page_log)


@pytest.fixture
def new_page(new_context, page_log):
    """`new_page(**context_args)`: a page in a browser context of its own (another visitor,
    with its own cookies; `java_script_enabled=False` for one without JavaScript), watched
    like `page`, into the same `page_log`."""

    def open_page(**context_args):
        return watch(new_context(**context_args).new_page(), page_log)

    return open_page


@pytest.fixture
def axe():
    """`axe(page)` runs axe-core on the page as it is now and returns the WCAG 2.1 A/AA
    violations, each shortened to what a failing assertion needs to show."""

    def run(page):
        # Evaluated through the DevTools protocol, not a <script> tag: works under a strict CSP.
        page.evaluate(AXE_SOURCE)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [
                    {"target": node["target"], "summary": node["failureSummary"]}
                    for node in violation["nodes"]
                ],
            }
            for violation in result["violations"]
        ]

    return run


@pytest.fixture
def discussion(essay):
    """Approved comments under the essay, threaded, from DISCUSSION_START on (fixed times for
    stable screenshots): Ann; Ben (with a website) replying to Ann; Cy replying to Ben; a
    comment moved to trash whose reply by Dee stays under "This comment was removed."; then
    Eve. Returns them by first name."""
    from comments.models import Comment
    from tests.factories import CommentFactory

    def say(name, body, minutes, **extra):
        comment = CommentFactory(
            article=essay,
            author_name=name,
            author_email=f"{name.split()[0].lower()}@example.com",
            body=body,
            **extra,
        )
        created = DISCUSSION_START + timedelta(minutes=minutes)
        Comment.objects.filter(pk=comment.pk).update(created_at=created)
        comment.created_at = created
        return comment

    ann = say(
        "Ann Lindqvist",
        "Finland and Sweden joining shows the open door still matters. The harder question "
        "is whether the 2% target is the right measure of commitment.",
        0,
    )
    ben = say(
        "Ben Okafor",
        "Agreed on the door. On spending, I would rather count capabilities delivered than "
        "money spent: a drone programme can be worth more than another frigate.",
        27,
        parent=ann,
        author_url="https://ben.example/",
    )
    cy = say(
        "Cy Martin", "Capabilities, yes, but someone still has to pay for them.", 50, parent=ben
    )
    removed = say("Someone", "Removed by a moderator.", 105, status=Comment.Status.TRASH)
    dee = say(
        "Dee Novak",
        "Whatever was said above, the section on hybrid threats is the strongest part of "
        "the essay.",
        125,
        parent=removed,
    )
    eve = say(
        "Eve Schmidt",
        "A clear essay. I would add a paragraph on the Arctic, where Russia has been "
        "reopening Soviet-era bases.",
        195,
    )
    return {"ann": ann, "ben": ben, "cy": cy, "removed": removed, "dee": dee, "eve": eve}
