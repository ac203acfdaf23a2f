"""No page file without its headers: the app writes the shared page for nginx only while the
snippet nginx adds to those files (PAGE_HEADERS_FILE, written by manage.py page_headers)
holds exactly the headers the app gives the page (pagecache/files.py, ``nginx_adds``). A
deployer who skipped the step, or changed a security setting since, gets no files, a clear
log line, and the page from the app with all its headers."""

import logging
import os
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.test import Client

from harness import ROOT
from pagecache import asgi as short_path
from pagecache import files
from tests.pagecache.conftest import FILL, page_path, state
from tests.pagecache.test_asgi_alone import scope_for


@pytest.fixture(autouse=True)
def _nothing_said():
    files._said.clear()
    yield
    files._said.clear()


def test_with_the_snippet_as_the_command_wrote_it_the_file_is_written(folder, url, essay):
    response = Client().get(url, **FILL)
    assert state(response) == "miss"
    assert page_path(folder, url).exists()
    snippet = (folder.parent / "page-headers.conf").read_text()
    assert f'add_header X-Frame-Options "{response["X-Frame-Options"]}";' in snippet
    assert f'"{response["Content-Security-Policy"]}"' in snippet


def test_without_the_snippet_no_file_and_the_log_says_what_to_run(
    folder, page_headers, url, essay, caplog
):
    page_headers.unlink()
    with caplog.at_level(logging.ERROR, logger="pagecache.files"):
        first = Client().get(url, **FILL)
        second = Client().get(url, **FILL)  # from this process's copy (the short path)
    assert first.status_code == second.status_code == 200
    assert state(second) == "hit"
    assert "Content-Security-Policy" in second  # the app's answer keeps its headers
    assert not (folder / "http").exists()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1  # once a process, not once a request
    assert "No page files are written" in errors[0].getMessage()
    assert f"manage.py page_headers > {page_headers}" in errors[0].getMessage()


def test_a_security_setting_changed_since_stops_the_files_until_the_command_runs_again(
    folder, page_headers, url, essay, settings, caplog
):
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"  # the snippet still says DENY
    with caplog.at_level(logging.ERROR, logger="pagecache.files"):
        assert Client().get(url, **FILL)["X-Frame-Options"] == "SAMEORIGIN"
    assert not page_path(folder, url).exists()
    assert "does not hold the headers the app gives the page" in caplog.text
    snippet = page_headers.read_text().replace('"DENY"', '"SAMEORIGIN"')
    page_headers.write_text(snippet + "\n")  # as manage.py page_headers now writes it
    assert Client().get(url, **FILL).status_code == 200
    assert page_path(folder, url).exists()


def test_a_snippet_with_a_header_the_app_does_not_give_is_refused_too(
    folder, page_headers, url, essay
):
    page_headers.write_text(page_headers.read_text() + '\nadd_header X-Extra "yes";\n')
    Client().get(url, **FILL)
    assert not page_path(folder, url).exists()


def test_the_deploy_check_warns_when_the_snippet_is_missing(settings, tmp_path):
    settings.PAGE_FILES_DIR = str(tmp_path / "pages")
    settings.PAGE_HEADERS_FILE = str(tmp_path / "missing.conf")
    warnings = [m for m in run_checks(include_deployment_checks=True) if m.id == "pagecache.W001"]
    assert len(warnings) == 1
    assert "manage.py page_headers" in warnings[0].hint
    (tmp_path / "missing.conf").write_text('add_header X-Frame-Options "DENY";\n')
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "pagecache.W001"]
    settings.PAGE_FILES_DIR = ""
    (tmp_path / "missing.conf").unlink()
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "pagecache.W001"]


def test_the_asgi_short_path_writes_the_file_for_nginx_as_the_wsgi_one_does(
    folder, page_headers, url, essay, cached
):
    cached()  # the whole stack, then the WSGI short path: this process knows the page
    fill = scope_for(url, [(b"x-page-cache", b"fill")])
    assert short_path._answer(fill).status == 200
    path = page_path(folder, url)
    assert path.read_bytes() == Client().get(url).content
    path.unlink()  # (as an operator might): the next fill writes it again, from the kept answer
    assert short_path._answer(fill).status == 200
    assert path.exists()
    path.unlink()
    page_headers.unlink()
    assert short_path._answer(fill).status == 200  # served, but no file without its headers
    assert not path.exists()


def test_a_policy_written_in_another_order_by_another_process_is_the_same():
    app = [("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")]
    snippet = [("content-security-policy", "img-src 'self' data:; default-src 'self'")]
    assert files.same_headers(app) == files.same_headers(snippet)
    other = [("Content-Security-Policy", "default-src 'self'; img-src 'self'")]
    assert files.same_headers(app) != files.same_headers(other)
    assert files.same_headers([("X-Frame-Options", "DENY")]) != files.same_headers(
        [("X-Frame-Options", "SAMEORIGIN")]
    )


def policy_of_a_process(seed):
    """The Content-Security-Policy another process of the site writes (its own hash seed)."""
    program = (
        "import django; django.setup(); from csp.utils import build_policy; print(build_policy())"
    )
    env = {
        **os.environ,
        "PYTHONHASHSEED": str(seed),
        "DJANGO_SETTINGS_MODULE": "natoblog.settings_test",
    }
    done = subprocess.run(
        [sys.executable, "-c", program],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_processes_of_the_site_write_one_policy_in_different_orders():
    first, second = policy_of_a_process(1), policy_of_a_process(2)
    assert first != second  # (why the comparison cannot be of the lines as written)
    name = "Content-Security-Policy"
    assert files.same_headers([(name, first)]) == files.same_headers([(name, second)])
