"""The checks the other browser tests rely on do report problems when there are some."""

import pytest

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!doctype html>
<html lang="en"><head><title>Broken</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
</head><body><main>
<h1>Broken</h1>
<img src="/static/no-such-image.png">
<p><a href="/"></a></p>
</main></body></html>"""


@pytest.fixture
def broken_page(page):
    """A page with an image that has no text alternative (and is missing), an empty link and
    a strict Content-Security-Policy, served at /broken/ on the live server's origin."""
    page.route(
        "**/broken/", lambda route: route.fulfill(body=BROKEN_PAGE, content_type="text/html")
    )
    page.goto("/broken/")
    return page


def test_axe_reports_violations_even_under_a_strict_csp(broken_page, axe):
    found = {violation["id"] for violation in axe(broken_page)}

    assert {"image-alt", "link-name"} <= found


def test_page_log_records_console_errors_and_failed_requests(live_server, broken_page, page_log):
    broken_page.evaluate("() => setTimeout(() => { throw new Error('boom'); })")
    broken_page.wait_for_timeout(100)

    assert any("boom" in error for error in page_log.console_errors)
    assert page_log.failed_requests == [f"404 {live_server.url}/static/no-such-image.png"]
