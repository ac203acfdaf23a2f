"""The shared page written as files for nginx (pagecache/files.py): written when nginx fills,
in three copies; removed when a change commits; never left from older data, another release,
a page that changes by itself, or anyone's own page; and never at an address that could leave
the directory."""

import gzip
import logging
from datetime import timedelta

import brotli
import pytest
from django.test import Client
from django.utils import timezone

from pagecache import cache as page_cache
from pagecache import files, keys
from tests.factories import ArticleFactory, CommentFactory
from tests.pagecache.conftest import FILL, page_path, state


def test_a_fill_writes_the_page_and_its_compressed_copies(folder, url, essay):
    CommentFactory(article=essay, body="Filed away.")
    response = Client().get(url, **FILL)
    assert state(response) == "miss"
    path = page_path(folder, url)
    page = path.read_bytes()
    assert b"Filed away." in page
    assert page == Client().get(url).content  # the bytes every reader gets
    assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == page
    assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == page
    assert b'name="csrfmiddlewaretoken"' not in page
    assert oct(path.stat().st_mode & 0o777) == "0o644"  # nginx's workers read it


def test_only_a_request_from_nginx_writes_files(folder, url, essay):
    assert state(Client().get(url)) == "miss"
    assert not page_path(folder, url).exists()
    assert state(Client().get(url, **FILL)) == "hit"  # a page already stored: written now
    assert page_path(folder, url).exists()


def test_without_the_setting_nothing_is_written(settings, tmp_path, url, essay):
    settings.PAGE_FILES_DIR = ""
    assert Client().get(url, **FILL).status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_a_reader_s_own_page_is_never_written(folder, url, essay, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ann", "ann@example.com", "pw"))
    assert client.get(url, **FILL).status_code == 200
    reader = Client()
    reader.cookies["comment_author_name"] = "Ann"
    assert reader.get(url, **FILL).status_code == 200
    assert not (folder / "http").exists()


def test_a_committed_change_removes_the_files_of_its_article_only(
    folder, url, essay, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_PER_PAGE = 1
    CommentFactory.create_batch(2, article=essay)
    other = ArticleFactory(title="Another essay")
    pages = [url, url + "comment-page-2/", other.get_absolute_url()]
    for address in pages:
        Client().get(address, **FILL)
    before = page_path(folder, url).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(article=essay, body="After the files.")
    for address in pages[:2]:
        for end in ("", ".gz", ".br"):
            assert not page_path(folder, address + end).exists(), address + end
    assert page_path(folder, pages[2]).exists()  # another article's page stays
    again = Client().get(url, **FILL)
    assert state(again) == "miss"
    assert page_path(folder, url).read_bytes() == again.content != before  # three comments now


def test_a_page_rendered_before_a_change_that_commits_meanwhile_is_not_left(
    folder, url, essay, monkeypatch
):
    """The change's forget() ran while the page was rendered from older data: the writer
    reads the version again after writing, sees it moved, and removes what it wrote."""
    monkeypatch.setattr(page_cache, "group_version", lambda group: "a version of later data")
    assert state(Client().get(url, **FILL)) == "miss"
    assert not page_path(folder, url).exists()
    assert not page_path(folder, url + ".br").exists()


def test_forget_removes_what_was_listed_even_when_it_ran_first(folder, url, essay):
    """The other order: forget() after the write and its list, before nothing else."""
    Client().get(url, **FILL)
    assert page_path(folder, url).exists()
    files.forget({essay.slug})
    assert not page_path(folder, url).exists()
    files.forget({essay.slug, "never-written"})  # nothing listed: nothing to do


def test_a_new_release_empties_the_directory_when_it_starts(folder, url, essay, monkeypatch):
    Client().get(url, **FILL)
    assert page_path(folder, url).exists()
    for module in (page_cache, keys):
        monkeypatch.setattr(module, "release", lambda: "the next release")
    page_cache.claim_files()  # as each web server of the release starts (natoblog.wsgi)
    assert not page_path(folder, url).exists()  # the previous release's page
    assert (folder / ".release").read_text() == "the next release"
    other = ArticleFactory(title="Another essay")
    Client().get(other.get_absolute_url(), **FILL)
    assert page_path(folder, other.get_absolute_url()).exists()


def test_a_process_that_starts_claims_the_directory_and_writes_there(folder, url, essay):
    """The claim (when natoblog.wsgi is loaded, every app ready) and each page's writing agree
    on what this release is."""
    import importlib

    import natoblog.wsgi

    importlib.reload(natoblog.wsgi)  # a web server starting
    assert (folder / ".release").read_text() == page_cache.release()
    assert state(Client().get(url, **FILL)) == "miss"
    assert page_path(folder, url).exists()


def test_a_process_of_another_release_writes_nothing(folder, url, essay):
    page_cache.claim_files()  # this process started
    files.claim("a newer release, started meanwhile")
    assert state(Client().get(url, **FILL)) == "miss"
    assert not page_path(folder, url).exists()
    assert (folder / ".release").read_text() == "a newer release, started meanwhile"


def test_a_write_that_overlapped_a_new_release_s_claim_is_removed(folder, url, essay, monkeypatch):
    write = files._write

    def claimed_meanwhile(*args):
        written = write(*args)
        files.claim("a newer release")
        return written

    monkeypatch.setattr(files, "_write", claimed_meanwhile)
    Client().get(url, **FILL)
    assert (folder / ".release").read_text() == "a newer release"
    assert not page_path(folder, url).exists()


def test_a_page_that_changes_by_itself_is_not_written(folder, settings, db):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=13))
    response = Client().get(article.get_absolute_url(), **FILL)
    assert state(response) == "miss"
    assert not page_path(folder, article.get_absolute_url()).exists()


@pytest.mark.parametrize(
    ("scheme", "host", "path"),
    [
        ("http", "testserver", "/../../etc/passwd"),
        ("http", "testserver", "/articles/./x/"),
        ("http", "testserver", "/.groups/the-future-of-nato"),
        ("http", "testserver", "/.release"),
        ("http", "testserver", "//double/"),
        ("http", "testserver", "/a b/"),
        ("http", "../up", "/"),
        ("http", "a/b", "/"),
        ("http", "..", "/"),
        ("ftp", "testserver", "/"),
    ],
)
def test_addresses_that_could_leave_the_directory_are_never_files(scheme, host, path):
    assert files.page_file(scheme, host, path) is None


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "https/blog.example/.page.html"),
        (
            "/articles/the-future-of-nato/",
            "https/blog.example/articles/the-future-of-nato/.page.html",
        ),
        ("/feed", "https/blog.example/feed.page.html"),
    ],
)
def test_the_file_is_where_nginx_looks(path, name):
    """deploy/nginx.conf: /$scheme/$host$uri.page.html"""
    assert files.page_file("https", "Blog.Example", path) == name


def test_a_directory_that_cannot_be_written_costs_the_file_not_the_page(
    settings, tmp_path, url, essay, caplog, page_headers
):
    blocked = tmp_path / "a file, not a directory"
    blocked.write_text("")
    settings.PAGE_FILES_DIR = str(blocked)
    with caplog.at_level(logging.WARNING, logger="pagecache.files"):
        response = Client().get(url, **FILL)
    assert response.status_code == 200
    assert "Could not write the page file" in caplog.text


def test_a_command_run_beside_the_site_leaves_its_directory_alone(folder, essay, settings):
    """manage.py page_headers renders through the whole stack, with its own environment,
    which may not be the web servers': it claims nothing, so their files stay."""
    import io

    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    files.claim("the web servers' release")
    call_command("page_headers", "--http", stdout=io.StringIO())
    assert (folder / ".release").read_text() == "the web servers' release"
