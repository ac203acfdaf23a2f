"""`manage.py backup`: a consistent copy of the SQLite database while the site runs; for
PostgreSQL, a clear pointer to pg_dump."""

import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comments.models import Comment
from tests.factories import CommentFactory

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite backup (CI runs it in the SQLite suite)"
)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL (CI runs it in the PostgreSQL suite)"
)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_backup_writes_a_checked_copy(essay, tmp_path):
    for n in range(5):
        CommentFactory(article=essay, body=f"Backed up {n}.")
    target = tmp_path / "copy.sqlite3"
    out = StringIO()
    call_command("backup", output=str(target), stdout=out)
    assert f"Backed up the database to {target} (" in out.getvalue()
    assert "integrity check ok)." in out.getvalue()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bodies = {row[0] for row in copy.execute("SELECT body FROM comments_comment")}
        titles = {row[0] for row in copy.execute("SELECT title FROM articles_article")}
    finally:
        copy.close()
    assert bodies == {f"Backed up {n}." for n in range(5)}
    assert essay.title in titles
    assert not (tmp_path / "copy.sqlite3.partial").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_default_location_is_under_var_backups(essay, settings, tmp_path):
    CommentFactory(article=essay, body="Written before the backup.")
    settings.VAR_DIR = tmp_path
    call_command("backup", stdout=StringIO())
    [target] = (tmp_path / "backups").glob("db-*.sqlite3")
    copy = sqlite3.connect(target)
    try:
        titles = [row[0] for row in copy.execute("SELECT title FROM articles_article")]
        bodies = [row[0] for row in copy.execute("SELECT body FROM comments_comment")]
    finally:
        copy.close()
    assert titles == [essay.title]
    assert bodies == ["Written before the backup."]


@sqlite_only
def test_a_busy_database_gives_up_after_the_timeout(db, tmp_path):
    """Here the test's own open transaction keeps the database busy."""
    Comment.objects.count()
    with pytest.raises(CommandError, match="stayed busy"):
        call_command("backup", output=str(tmp_path / "x.sqlite3"), timeout=0.5)
    assert list(tmp_path.iterdir()) == []


@postgres_only
def test_postgresql_points_at_pg_dump(db):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup", stdout=StringIO())
