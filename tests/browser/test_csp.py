"""The Content Security Policy in a real browser, where it is enforced."""

import pytest

from .helpers import ESSAY

pytestmark = pytest.mark.browser


def test_a_log_in_icon_form_may_redirect_to_its_provider(page, live_server):
    """form-action covers the redirect to the provider's sign-in page after the icon's POST
    (browsers apply it to redirects too): no violation, the provider's page opens."""
    from django.test import Client

    csp = Client().get(ESSAY)["Content-Security-Policy"]
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "form-action" in m.text else None)

    def serve(route):
        url = route.request.url
        if url.startswith("https://www.facebook.com/"):
            route.fulfill(body="<p>Facebook sign-in</p>", content_type="text/html")
        elif url.endswith("/icon/"):
            route.fulfill(
                body='<form method="post" action="/go/"><button>Log in</button></form>',
                content_type="text/html",
                headers={"Content-Security-Policy": csp},
            )
        elif url.endswith("/go/"):
            route.fulfill(
                status=302, headers={"Location": "https://www.facebook.com/v19.0/dialog/oauth"}
            )
        else:
            route.abort()

    page.context.route("**/*", serve)
    page.goto(f"{live_server.url}/icon/")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("https://www.facebook.com/**", timeout=5000)
    assert page.get_by_text("Facebook sign-in").is_visible()
    assert violations == []
