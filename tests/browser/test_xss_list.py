"""The whole XSS list (tests/xss.py), posted through the form and approved, shown in Chromium: no
script runs, on the article page and in the admin, with the Content Security Policy and
without it (the escaping alone holds)."""

import json

import pytest
from django.test import Client

from tests import xss

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

# Elements the commenters' text could have become, and attributes that run code.
DOM_CHECK = """() => {
  const TEXT_TAGS = TEXT_TAGS_JS;
  const handlers = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) handlers.push(el.tagName + "[" + attr.name + "]");
      const url = /^\\s*(javascript|data|vbscript):/i.test(attr.value);
      if (url && /href|src|action/.test(attr.name))
        handlers.push(el.tagName + "[" + attr.name + "=" + attr.value.slice(0, 30) + "]");
    }
  }
  const inComments = [...document.querySelectorAll(".comment-content *")]
    .map((el) => el.tagName)
    .filter((tag) => !TEXT_TAGS.includes(tag));
  const scripts = [...document.scripts].map((s) => s.getAttribute("src") || "inline");
  return {
    xss: window.__xss === undefined ? null : String(window.__xss),
    handlers, inComments, scripts,
    violations: window.__violations,
  };
}""".replace(
    "TEXT_TAGS_JS", json.dumps(sorted(tag.upper() for tag in xss.TEXT_TAGS))
)  # what comment text may hold (the Markdown subset)


@pytest.fixture
def xss_comments(essay, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = 0
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 0
    settings.COMMENTS_PER_PAGE = 500
    return xss.post_payloads(Client(), essay)


def watched(page, strip_csp=False):
    """Record dialogs (alert), requests leaving the site and CSP violations; optionally serve
    every page without its Content-Security-Policy header."""
    seen = {"dialogs": [], "elsewhere": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    def route(route):
        url = route.request.url
        if not url.startswith(("http://localhost", "http://127.0.0.1")):
            seen["elsewhere"].append(url)
            route.abort()
            return
        if strip_csp and route.request.resource_type == "document":
            response = route.fetch()
            headers = {
                k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"
            }
            route.fulfill(response=response, headers=headers)
            return
        route.continue_()

    page.on("dialog", on_dialog)
    page.route("**/*", route)
    page.add_init_script(WATCH)
    return seen


def assert_nothing_ran(page, seen):
    # hover and focus everything a payload might have hooked, then look
    for link in page.locator(".comment-body a").all()[:80]:
        link.hover()
    page.keyboard.press("Tab")
    page.wait_for_timeout(200)
    result = page.evaluate(DOM_CHECK)
    assert result["xss"] is None
    assert seen["dialogs"] == []
    assert seen["elsewhere"] == []
    assert result["handlers"] == []
    assert result["inComments"] == []
    return result


@pytest.mark.parametrize("strip_csp", [False, True], ids=["with CSP", "without CSP"])
def test_no_payload_runs_on_the_article_page(page, page_log, xss_comments, essay, strip_csp):
    seen = watched(page, strip_csp=strip_csp)
    response = page.goto(essay.get_absolute_url())
    assert response.status == 200
    assert ("content-security-policy" in response.headers) is not strip_csp
    assert page.locator(".comment-content").count() == len(xss_comments)
    result = assert_nothing_ran(page, seen)
    ours = {"/static/js/comments.js", "/static/js/form-timestamp.js"}
    assert [src for src in result["scripts"] if src not in ours] == []
    # with the policy on, nothing was even attempted: no violation to block
    assert result["violations"] == []
    assert page_log.console_errors == []
    # and the payloads are there, as text a reader can see
    assert page.get_by_text("<script>window.__xss=1;alert(1)</script>", exact=True).count() >= 1


def test_no_payload_runs_in_the_admin(
    page, page_log, xss_comments, django_user_model, live_server
):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    seen = watched(page)
    for url in [
        "/admin/comments/comment/",
        f"/admin/comments/comment/{xss_comments[0].pk}/change/",
        f"/admin/comments/comment/{xss_comments[5].pk}/change/",
    ]:
        assert page.goto(url).status == 200
        result = assert_nothing_ran(page, seen)
        assert result["violations"] == []
    assert page_log.console_errors == []


def test_the_watch_catches_a_script_that_runs(page, live_server):
    """The checks above can fail: a page that does run an injected payload is caught."""
    seen = watched(page, strip_csp=True)
    page.route(
        "**/injected/",
        lambda route: route.fulfill(
            body=f"<p>hi</p><img src=x onerror='{xss.RUN}'>", content_type="text/html"
        ),
    )
    page.goto(f"{live_server.url}/injected/")
    page.wait_for_timeout(200)
    result = page.evaluate(DOM_CHECK)
    assert result["xss"] == "1"
    assert seen["dialogs"] == ["1"]
    assert result["handlers"] == ["IMG[onerror]"]


def test_a_payload_typed_into_the_form_by_a_person_shows_as_text(page, essay, settings):
    """The real browser path: typed into the form, posted, approved, shown."""
    from comments import actions
    from comments.models import Comment

    seen = watched(page)
    page.goto(essay.get_absolute_url())
    payload = xss.BODIES[2]  # <img src=x onerror=...>
    page.locator("#id_body").fill(payload)
    page.locator("#id_author_email").fill("typist@example.com")
    page.locator("#id_author_name").fill(xss.NAMES[1])
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()
    typed = Comment.objects.filter(author_email="typist@example.com")
    actions.change_status(typed, Comment.Status.APPROVED, "Set by a test")
    page.goto(essay.get_absolute_url())
    assert_nothing_ran(page, seen)
    assert page.get_by_text(payload, exact=True).count() == 1
