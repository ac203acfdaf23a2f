"""deploy/: the nginx site and gunicorn settings agree with the app (articles/cache.py)."""

import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings

from harness.nginx import SITE_LINES, site_config
from pagecache.cache import CSRF_PLACEHOLDER, PROXY_FILL

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = (DEPLOY / "nginx.conf").read_text()


def nginx_map(variable):
    """{source: value} of the map that sets ``variable``."""
    body = re.search(r"map [^{]*\$" + variable + r" \{(.*?)\n\}", NGINX, re.DOTALL).group(1)
    entries = re.findall(r'^\s*("[^"]*"|\S+)\s+("[^"]*"|\S+);', body, re.MULTILINE)
    return {source.strip('"'): value.strip('"') for source, value in entries}


def test_nginx_fills_the_placeholder_the_app_leaves():
    assert f'sub_filter "{CSRF_PLACEHOLDER}" $natoblog_csrf;' in NGINX
    assert "proxy_set_header X-Page-Cache $natoblog_fill;" in NGINX
    assert nginx_map("natoblog_fill") == {"0": PROXY_FILL, "default": ""}


@pytest.mark.parametrize(
    ("cookies", "plain"),
    [
        ("", True),
        ("csrftoken=abcDEF123", True),
        ("csrftoken=abcDEF123;", True),
        ("sessionid=x", False),
        ("csrftoken=abc; sessionid=x", False),
        ("comment_author_name=Ann", False),
        ("messages=x; csrftoken=abc", False),
        ("xcsrftoken=abc", False),
    ],
)
def test_nginx_and_the_app_agree_on_plain_requests(cookies, plain, rf):
    """nginx may only keep and serve the shared page where the app would serve it too."""
    from pagecache.cache import is_plain

    nginx_plain = None
    for source, value in nginx_map("natoblog_cookies").items():
        if source == "default":
            continue
        if (source.startswith("~") and re.search(source[1:], cookies)) or source == cookies:
            nginx_plain = value == "plain"
            break
    request = rf.get("/", HTTP_COOKIE=cookies)
    assert bool(nginx_plain) == plain
    assert is_plain(request) == plain
    assert settings.CSRF_COOKIE_NAME == "csrftoken"  # the name the maps use


def test_nginx_sets_the_csrf_cookie_as_django_would():
    cookie = nginx_map("natoblog_set_csrf_cookie")["00"]
    assert cookie.startswith(f"{settings.CSRF_COOKIE_NAME}=$request_id;")
    assert f"Max-Age={settings.CSRF_COOKIE_AGE};" in cookie
    assert f"SameSite={settings.CSRF_COOKIE_SAMESITE}" in cookie
    assert f"Path={settings.CSRF_COOKIE_PATH};" in cookie
    assert ("; HttpOnly;" in cookie) == settings.CSRF_COOKIE_HTTPONLY


def test_the_benchmark_rewrites_every_site_line_and_only_those(tmp_path):
    config = site_config({"app": 1, "nginx": 2, "static": 3}, tmp_path)
    site_lines = [line for line in NGINX.splitlines() if line.rstrip().endswith("# site")]
    assert len(site_lines) == len(SITE_LINES)
    assert "listen 127.0.0.1:2;" in config
    assert "server 127.0.0.1:1;" in config
    assert f"alias {tmp_path}/staticfiles/;" in config
    assert not re.search(r"listen (?!127\.0\.0\.1:)", config)
    assert len(config.splitlines()) == len(NGINX.splitlines())


def test_gunicorn_settings(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9999")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["bind"] == "127.0.0.1:9999"
    assert conf["workers"] == 3
    assert conf["worker_class"] == "sync"
    assert conf["preload_app"] is True
