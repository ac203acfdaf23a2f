"""manage.py page_headers: the headers the app gives the shared page, as the nginx lines that
add them to the page files (pagecache/files.py)."""

import io

import pytest
from django.core.management import CommandError, call_command


def page_headers(*args):
    out = io.StringIO()
    call_command("page_headers", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_app_s_headers_as_add_header_lines(db, essay, settings):
    settings.ALLOWED_HOSTS = ["blog.example"]
    lines = page_headers("--http", "--path", essay.get_absolute_url())
    assert lines[0] == f"# manage.py page_headers (http://blog.example{essay.get_absolute_url()})"
    names = [line.split()[1] for line in lines[1:]]
    assert all(line.startswith("add_header ") and line.endswith('";') for line in lines[1:])
    assert {"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"} <= set(names)
    for own in ("Content-Length", "Content-Type", "ETag", "Vary", "Cache-Control", "Set-Cookie"):
        assert own not in names  # each response's own: nginx's for a file
    assert 'add_header X-Frame-Options "DENY";' in lines


def test_over_https_as_deployed_with_hsts(db, settings):
    settings.ALLOWED_HOSTS = ["blog.example"]
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    lines = page_headers()
    assert lines[0] == "# manage.py page_headers (https://blog.example/)"
    assert any(line.startswith("add_header Strict-Transport-Security ") for line in lines)
    assert not any("Strict-Transport-Security" in line for line in page_headers("--http"))


def test_a_value_nginx_would_read_as_a_variable_is_refused(db, settings):
    settings.ALLOWED_HOSTS = ["blog.example"]
    settings.SECURE_REFERRER_POLICY = "no-referrer, $host"
    with pytest.raises(CommandError, match=r"Referrer-Policy: a value nginx cannot hold"):
        page_headers("--http")


def test_without_a_host_to_ask_for_it_says_so(db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    with pytest.raises(CommandError, match="give --host"):
        page_headers()
    assert page_headers("--host", "blog.example", "--http")[0].startswith("# manage.py")
