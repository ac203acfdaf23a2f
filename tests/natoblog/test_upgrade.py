"""An existing site upgrades with `migrate` and loses nothing.

The last release before the redesign (RELEASE) moved OutgoingMail and UsedLink from the
comments app to mail, Subscription and NotificationEvent to subscriptions, keeping their
tables (state-only migrations). This test takes that release's tree from git, migrates a fresh
database with it and fills it through the old models (comments of every status in a thread,
a flag, discussion settings, subscriptions, mail, a used link, a notification event, groups
and users with rights on the moved models, admin history, tasks queued under the old paths);
then migrates the same database with this tree and checks that every row is still there,
that content types, permissions, group rights and admin history followed the models, that the
queued tasks point at the new paths and run, that the admin pages of the moved models answer,
and that `check` and `makemigrations --check` are clean.

Everything runs in subprocesses (`manage.py` of each tree, this virtualenv's python), on
SQLite and, when DATABASE_URL names a PostgreSQL server (CI's second suite), on a throwaway
database there.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.natoblog.upgrade_scripts import AFTER_WORKER, CHECK, DUMP, FILL

ROOT = Path(__file__).resolve().parents[2]
RELEASE = "45bd960"  # the last release before the redesign
TIMEOUT = 180  # seconds, per manage.py run
MARK = "UPGRADE-JSON:"  # the line of a script's output that holds its JSON

# Columns added since the release (moving in and out: 0004 of articles, 0006 of comments),
# with the value every row the release wrote takes.
ADDED_COLUMNS = {
    "articles_article": {"body_format": "markdown"},
    "comments_comment": {
        "body_format": "text",
        "kind": "comment",
        "legacy_anchor": "",
        "edited_at": None,
    },
    "comments_discussionsettings": {"comment_order": "oldest"},
}
MOVED_TABLES = {
    "comments_outgoingmail": "mail.OutgoingMail",
    "comments_usedlink": "mail.UsedLink",
    "comments_subscription": "subscriptions.Subscription",
    "comments_notificationevent": "subscriptions.NotificationEvent",
}
MOVED_MODELS = {
    "outgoingmail": "mail",
    "usedlink": "mail",
    "subscription": "subscriptions",
    "notificationevent": "subscriptions",
}
TASK_RENAMES = {
    "comments.delivery.deliver_mail": "mail.delivery.deliver_mail",
    **{
        f"comments.notifications.{name}": f"subscriptions.notifications.{name}"
        for name in (
            "alert_moderators",
            "announce_comment",
            "subscribe_commenter",
            "announce_article",
        )
    },
}

pytestmark = [pytest.mark.slow]


def git(*args, **kwargs):
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, **kwargs)


def unavailable(reason):
    """Skip: the release is not to be had here. CI runs on a full clone: fail there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the upgrade test: a full clone is needed)")
    pytest.skip(reason)


def extract_release(target):
    if shutil.which("git") is None:
        unavailable("git is not installed: the old release cannot be extracted")
    if git("cat-file", "-e", f"{RELEASE}^{{commit}}").returncode != 0:
        unavailable(
            f"commit {RELEASE} (the last release before the redesign) is not in this clone"
        )
    target.mkdir()
    archive = target.parent / "old.tar"
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", RELEASE], stdout=out, check=True, timeout=60
        )
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()


def manage(tree, env, *args):
    """`manage.py *args` in ``tree``; its stdout (it must succeed)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args[:2])} in {tree} failed ({result.returncode}):\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
    )
    return result.stdout


def shell(tree, env, code):
    out = manage(tree, env, "shell", "-c", code)
    lines = [line for line in out.splitlines() if line.startswith(MARK)]
    assert len(lines) == 1, out
    return json.loads(lines[0].removeprefix(MARK))


def moved(label):
    """A content type's or permission's app label after the upgrade: "comments.outgoingmail"
    becomes "mail.outgoingmail"."""
    app, _, model = label.partition(".")
    return f"{MOVED_MODELS.get(model, app)}.{model}" if app == "comments" else label


def moved_codename(app, codename):
    model = codename.partition("_")[2]
    return MOVED_MODELS.get(model, app) if app == "comments" else app


def postgres_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set: no PostgreSQL server to upgrade a database on")
    if urllib.parse.urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        pytest.skip(f"DATABASE_URL is not PostgreSQL ({urllib.parse.urlsplit(url).scheme})")
    return url


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_site_of_the_last_release_upgrades_with_migrate_and_loses_nothing(engine, tmp_path):
    server = postgres_url() if engine == "postgresql" else None
    old_tree = tmp_path / "old"
    extract_release(old_tree)

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_TEST_NAME", "REDIS_URL", "CACHE_KEY_PREFIX"}
        and not key.startswith(("PYTEST", "PYTHON"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "natoblog.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_VAR_DIR": str(tmp_path / "var"),
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with ExitStack() as stack:
        if engine == "postgresql":
            from harness.databases import postgres_database, with_database

            admin_url = with_database(server, "postgres")
            name = f"upgrade_{secrets.token_hex(4)}"
            env["DATABASE_URL"] = stack.enter_context(postgres_database(admin_url, name))["url"]
        run_upgrade(old_tree, env)


def without_added_columns(dump):
    """Take the columns added since the release out of a dump of this tree, checking that
    every old row got its default there."""
    for table, added in ADDED_COLUMNS.items():
        for row in dump["rows"][table]:
            for column, value in added.items():
                assert row.pop(column) == value, (table, column)
        schema = dump["schema"][table]
        schema["columns"] = [column for column in schema["columns"] if column[0] not in added]
        schema["constraints"] = {
            name: constraint
            for name, constraint in schema["constraints"].items()
            if not set(constraint[0]) & set(added)
        }


def run_upgrade(old_tree, env):
    # The old release: its migrations, then a site in use, through its own models.
    manage(old_tree, env, "migrate", "--noinput")
    before = shell(old_tree, env, FILL + DUMP)

    # This tree: migrate the same database.
    manage(ROOT, env, "migrate", "--noinput")
    after = shell(ROOT, env, DUMP)
    checked = shell(ROOT, env, CHECK)
    manage(ROOT, env, "check")
    manage(ROOT, env, "makemigrations", "--check", "--dry-run")

    # The fill did what it meant to (or the comparisons below prove little).
    rows = before["rows"]
    assert {c["status"] for c in rows["comments_comment"]} == {
        "approved",
        "pending",
        "spam",
        "trash",
    }
    assert max(c["depth"] for c in rows["comments_comment"]) == 2
    assert {m["state"] for m in rows["comments_outgoingmail"]} >= {"sent", "queued", "failed"}
    assert {s["kind"] for s in rows["comments_subscription"]} == {"comments", "posts"}
    assert [link["nonce"] for link in rows["comments_usedlink"]] == ["a" * 32]
    assert "upgrade-test:an event announced" in {
        e["key"] for e in rows["comments_notificationevent"]
    }
    assert rows["comments_discussionsettings"][0]["link_limit"] == 5
    assert "comments.delivery.deliver_mail" in {t["task_path"] for t in before["tasks"]}
    assert before["log_entries"][0]["model"] == "comments.OutgoingMail"

    # Every row of every table kept, field by field; the moved models in their new apps.
    without_added_columns(after)
    for dump in (before, after):  # adding them rebuilt the SQLite table: another order
        for table in ADDED_COLUMNS:
            dump["schema"][table]["columns"].sort()
    assert after["rows"] == before["rows"]
    assert after["owners"] == {**before["owners"], **MOVED_TABLES}
    assert after["schema"] == before["schema"]  # the move changed no table, index, constraint
    assert checked["missing_names"] == {label: [] for label in MOVED_TABLES.values()}

    # Content types (with them permissions, group and user rights, admin history) followed
    # the models: same ids, new app labels.
    expected_types = {moved(label): id_ for label, id_ in before["content_types"].items()}
    assert {k: v for k, v in after["content_types"].items() if k in expected_types} == (
        expected_types
    )
    assert not {label for label in after["content_types"] if label.startswith("comments.")} & {
        f"comments.{model}" for model in MOVED_MODELS
    }
    assert set(map(tuple, before["permissions"])) <= set(map(tuple, after["permissions"]))

    def upgraded(rights):
        return sorted(
            [id_, moved_codename(app, codename), codename] for id_, app, codename in rights
        )

    assert after["groups"]["Mail clerks"] == upgraded(before["groups"]["Mail clerks"])
    assert after["groups"]["Moderators"] == upgraded(before["groups"]["Moderators"])
    moderators = {f"{app}.{codename}" for _, app, codename in after["groups"]["Moderators"]}
    assert {"mail.view_outgoingmail", "mail.change_outgoingmail"} <= moderators
    assert not {r for r in moderators if r.startswith("comments.") and "outgoingmail" in r}
    expected_users = {
        name: {**user, "permissions": upgraded(user["permissions"])}
        for name, user in before["users"].items()
    }
    assert after["users"] == expected_users
    assert after["log_entries"] == [
        {**entry, "model": "mail.OutgoingMail"} for entry in before["log_entries"]
    ]

    # The queued tasks: same rows, new paths that import.
    assert after["tasks"] == [
        {**task, "task_path": TASK_RENAMES.get(task["task_path"], task["task_path"])}
        for task in before["tasks"]
    ]
    paths = {task["task_path"] for task in after["tasks"]}
    assert "mail.delivery.deliver_mail" in paths
    assert not {path for path in paths if path.startswith("comments.")}
    assert checked["imports"] == dict.fromkeys(sorted(paths), "Task")

    # The moved models' admin pages answer: to a moderator (mail) and to a superuser.
    assert checked["pages"] == dict.fromkeys(checked["pages"], 200)

    # The worker runs what the old release queued: the queued mail leaves.
    manage(ROOT, env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    worked = shell(ROOT, env, AFTER_WORKER)
    for task in after["tasks"]:
        if task["status"] == "READY":
            assert worked["tasks"][str(task["id"])] == [task["task_path"], "SUCCESSFUL"]
    assert worked["mail"]["Queued"] == "sent"
