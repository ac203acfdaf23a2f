"""deploy/: the nginx site and gunicorn settings agree with the app (articles/cache.py)."""

import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings

from harness.nginx import SITE_LINES, site_config
from pagecache.cache import PROXY_FILL
from pagecache.encoding import choose

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = (DEPLOY / "nginx.conf").read_text()


def nginx_map(variable):
    """{source: value} of the map that sets ``variable``."""
    body = re.search(r"map [^{]*\$" + variable + r" \{(.*?)\n\}", NGINX, re.DOTALL).group(1)
    entries = re.findall(r'^\s*("[^"]*"|\S+)\s+("[^"]*"|\S+);', body, re.MULTILINE)
    return {source.strip('"'): value.strip('"') for source, value in entries}


def test_nginx_keeps_one_copy_per_encoding_and_changes_nothing_in_it():
    assert "sub_filter" not in NGINX  # the shared page holds nothing of any reader
    assert "proxy_set_header X-Page-Cache $natoblog_fill;" in NGINX
    assert nginx_map("natoblog_fill") == {"0": PROXY_FILL, "default": ""}
    assert "proxy_set_header Accept-Encoding $natoblog_encoding;" in NGINX
    # the URI the app was asked for ($uri is the page file's, once rewritten)
    assert 'proxy_cache_key "$scheme://$host$request_uri|$natoblog_encoding";' in NGINX
    assert "proxy_pass http://natoblog_app$request_uri;" in NGINX


@pytest.mark.parametrize(
    "header",
    [
        "gzip, deflate, br",
        "gzip, deflate, br, zstd",
        "gzip",
        "x-gzip",
        "br;q=0, gzip",
        "br;q=0.0,gzip;q=0",
        "br; q=0.5",
        "deflate",
        "identity",
        "",
        "brotli, gzipped",
    ],
)
def test_nginx_and_the_app_agree_on_the_encoding_class(header):
    """nginx asks the app for the class its map gives: the copy the app would send."""
    nginx_class = ""
    for source, value in nginx_map("natoblog_encoding").items():
        if source.startswith("~*") and re.search(source[2:], header, re.IGNORECASE):
            nginx_class = value
            break
    expected = choose(header, {"": b"", "gzip": b"", "br": b""})
    assert nginx_class == expected


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
