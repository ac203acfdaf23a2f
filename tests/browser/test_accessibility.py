"""axe-core finds no WCAG 2.1 A/AA violations on the pages a visitor can reach."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [
    # (path, status, the h1 a visitor sees)
    ("/", 200, "Articles"),
    ("/articles/the-future-of-nato/", 200, "The Future of\u00a0NATO"),
    ("/accounts/login/", 200, "Log in"),
    ("/no-such-page/", 404, "Page not found"),
]


@pytest.mark.parametrize(("path", "status", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_wcag_violations(page, page_log, axe, path, status, heading):
    response = page.goto(path)

    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe(page) == []
    assert page_log.failed_requests == []
