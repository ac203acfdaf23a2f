"""Headers every page sends, a strict Content Security Policy that our pages (and the admin)
live within, CSRF on every form, and the admin for staff only."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from comments.models import Comment
from tests.conftest import comment_data
from tests.factories import CommentFactory, UserFactory
from tests.html import elements

ROOT = Path(__file__).resolve().parents[2]


def policy(response):
    """{directive: [sources]} of the Content-Security-Policy header."""
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def inline_code(html):
    """Inline scripts, inline styles, style attributes and event handlers in a page: what a
    strict CSP would block (and what our templates must never need)."""
    found = []
    for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        if "src=" not in match.group(1) and match.group(2).strip():
            found.append(f"inline script: {match.group(2).strip()[:60]}")
    if re.search(r"<style\b", html, re.I):
        found.append("<style> element")
    for tag, attrs in elements(html):
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                found.append(f"{tag}[{name}]")
            if (value or "").strip().lower().startswith("javascript:"):
                found.append(f"{tag}[{name}=javascript:]")
    return found


def test_every_page_sends_the_security_headers(client, essay):
    response = client.get(essay.get_absolute_url())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    # our own pages, and the log-in providers the log-in icons' forms redirect to
    assert csp["form-action"][0] == "'self'"
    assert set(csp["form-action"][1:]) == {
        "https://www.facebook.com",
        "https://x.com",
        "https://public-api.wordpress.com",
    }
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_policy_applies_to_error_pages_and_the_admin(client, db):
    for url in ["/no-such-page/", "/admin/login/"]:
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.fixture
def pages(essay, client, staff_client_super):
    """Every kind of page the site and its admin render, as (name, html)."""
    CommentFactory(article=essay, body="An approved comment.")
    pending = CommentFactory(article=essay, status=Comment.Status.PENDING)
    anon = Client()
    result = [
        ("home", anon.get("/")),
        ("article", anon.get(essay.get_absolute_url())),
        ("author", anon.get(essay.author.get_absolute_url())),
        ("form with errors", anon.post(f"/comments/post/{essay.slug}/", {"body": ""})),
        ("spam refusal", anon.post(f"/comments/post/{essay.slug}/", comment_data(honeypot="x"))),
        ("report", anon.get(f"/comments/report/?comment={essay.comments.approved()[0].pk}")),
        ("log in", anon.get("/accounts/login/")),
        ("sign up", anon.get("/accounts/signup/")),
        ("password reset", anon.get("/accounts/password/reset/")),
        ("404", anon.get("/no-such-page/")),
        ("admin log in", anon.get("/admin/login/")),
    ]
    admin_urls = [
        "/admin/",
        "/admin/comments/comment/",
        f"/admin/comments/comment/{pending.pk}/change/",
        "/admin/comments/discussionsettings/1/change/",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{essay.pk}/change/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/axes/accessattempt/",
    ]
    from comments.models import DiscussionSettings

    DiscussionSettings.load()
    result += [(url, staff_client_super.get(url)) for url in admin_urls]
    result.append(("account page", staff_client_super.get("/accounts/profile/")))
    return result


@pytest.fixture
def staff_client_super(django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_no_page_needs_inline_script_or_style(pages):
    for name, response in pages:
        expected = {"404": 404, "spam refusal": 400}.get(name, 200)
        assert response.status_code == expected, (name, response.status_code)
        html = response.content.decode()
        assert inline_code(html) == [], name


def test_scripts_and_styles_come_from_the_site_itself(pages):
    seen = set()
    for name, response in pages:
        html = response.content.decode()
        for tag, attrs in elements(html):
            url = attrs.get("src") if tag == "script" else None
            if tag == "link" and attrs.get("rel") == "stylesheet":
                url = attrs.get("href")
            if url:
                assert url.startswith("/"), (name, url)
                assert not url.startswith("//"), (name, url)
                seen.add(url)
    # the pages do load scripts and styles (the loop above checked them)
    assert "/static/js/comments.js" in seen
    assert any(url.endswith(".css") for url in seen)


def test_the_inline_code_check_can_fail():
    assert inline_code('<p style="color:red">x</p>') == ["p[style]"]
    assert inline_code("<script>alert(1)</script>") == ["inline script: alert(1)"]
    assert inline_code('<img src=x onerror="alert(1)">') == ["img[onerror]"]
    assert inline_code("<style>p{}</style>") == ["<style> element"]
    assert inline_code('<a href="javascript:alert(1)">x</a>') == ["a[href=javascript:]"]
    assert inline_code('<script src="/static/x.js"></script>') == []


# CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [
        # (The comment form and "Follow this blog" of the page every anonymous reader shares
        # need no token from a visitor without a session: tests/comments/test_anonymous_csrf.py,
        # natoblog/csrf.py.)
        ("/comments/report/", {"comment": "1"}),
        ("/accounts/login/", {"username": "a", "password": "b"}),
        ("/admin/login/", {"username": "a", "password": "b"}),
    ],
)
def test_every_form_is_refused_without_the_csrf_token(essay, url, data):
    client = Client(enforce_csrf_checks=True)
    client.get(essay.get_absolute_url())  # has the CSRF cookie, but not the token
    response = client.post(url, data)
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_the_comment_form_posts_with_the_token_the_page_carries(essay):
    """A logged-in commenter's page carries their token (anonymous readers': none)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="lee", email="lee@example.com"))
    page = client.get(essay.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/comments/post/{essay.slug}/", {**comment_data(), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


# Views exempt from CSRF on purpose, and why.
CSRF_EXEMPT_TEMPLATES = {
    # RFC 8058 one-click unsubscribe: mail clients POST with no cookie; the signed token in
    # the address protects it (comments.mail_views.unsubscribe).
    "subscriptions/unsubscribe.html",
}


# Where each engine's templates are, and what writes the token in them: the Django template
# language's tag; in Jinja2's (natoblog/jinja.py), ``csrf()``: the request's csrf_input, or
# nothing on the page every anonymous reader shares (natoblog/csrf.py).
TEMPLATE_FOLDERS = [(ROOT / "templates", "{% csrf_token %}")] + [
    (folder, "{{ csrf() }}") for folder in sorted(ROOT.glob("*/jinja2"))
]


def test_every_post_form_in_our_templates_carries_the_csrf_token():
    checked = set()
    for folder, token in TEMPLATE_FOLDERS:
        for template in folder.rglob("*.html"):
            name = str(template.relative_to(folder))
            if name in CSRF_EXEMPT_TEMPLATES:
                continue
            text = template.read_text()
            for form in re.findall(r"<form\b[^>]*>.*?</form>", text, re.S | re.I):
                if re.search(r'method="post"', form, re.I):
                    assert token in form, template
                    checked.add(name)
    # the search finds the forms that matter (a regex that matched nothing would pass)
    assert {
        "comments/form.html",
        "comments/report.html",
        "comments/moderation/confirm.html",
        "subscriptions/follow_form.html",
        "subscriptions/manage.html",
        "account/login.html",
        "account/logout.html",
        "accounts/delete.html",
        "accounts/includes/provider_buttons.html",
    } <= checked
    # and each exemption still names a template that exists
    assert all((ROOT / "templates" / name).is_file() for name in CSRF_EXEMPT_TEMPLATES)


def test_the_csrf_cookie_is_not_readable_by_scripts(essay):
    response = Client().get("/accounts/login/")  # (the shared article page sets none)
    assert response.cookies["csrftoken"]["httponly"]


# The admin -----------------------------------------------------------------------------------


def test_the_admin_is_for_staff_only(db):
    anonymous = Client().get("/admin/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")

    reader = UserFactory(username="reader", email="r@example.com")
    client = Client()
    client.force_login(reader)
    for url in ["/admin/", "/admin/comments/comment/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = client.post("/admin/login/", {"username": "reader", "password": "pw"})
    assert response.status_code == 200
    assert "not authorized" in response.content.decode() or "staff account" in (
        response.content.decode()
    )


# Production ----------------------------------------------------------------------------------

GOOD_KEY = "x" * 20 + "a-long-random-production-secret-key-for-tests-only"


def production(code_or_args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "COMMENTS_"))
    }
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="blog.example",
        DJANGO_SETTINGS_MODULE="natoblog.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_serves_hsts_secure_cookies_and_upgrades_requests():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, d['upgrade-insecure-requests'], "
        "'https://www.gravatar.com' in d['img-src'])"
    )
    result = production(["-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True"]
