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

# What the database holds, printed as JSON in the same shape by the old tree (after filling)
# and by the new one (after migrating). Models are found by their table, wherever they live.
DUMP = r"""
import json
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_tasks_db.models import DBTaskResult

TABLES = [
    "articles_article", "comments_comment", "comments_flag", "comments_discussionsettings",
    "comments_subscription", "comments_outgoingmail", "comments_usedlink",
    "comments_notificationevent",
]
by_table = {model._meta.db_table: model for model in apps.get_models()}

def rights(permissions):
    return sorted(
        [p.id, p.content_type.app_label, p.codename]
        for p in permissions.select_related("content_type")
    )

dump = {
    "owners": {table: by_table[table]._meta.label for table in TABLES},
    "rows": {
        table: list(by_table[table].objects.order_by("pk").values()) for table in TABLES
    },
    "content_types": {
        f"{ct.app_label}.{ct.model}": ct.id for ct in ContentType.objects.order_by("pk")
    },
    "permissions": sorted(
        [p.id, p.content_type_id, p.codename, p.name] for p in Permission.objects.all()
    ),
    "groups": {group.name: rights(group.permissions) for group in Group.objects.all()},
    "users": {
        user.username: {
            "password": user.password,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "permissions": rights(user.user_permissions),
        }
        for user in User.objects.all()
    },
    # Admin history: the model each entry's content type names (None: a model it lost).
    "log_entries": [
        {
            **entry,
            "model": model and model._meta.label,
            "object": model and str(model._base_manager.get(pk=entry["object_id"])),
        }
        for entry in LogEntry.objects.order_by("pk").values()
        for model in [ContentType.objects.get_for_id(entry["content_type_id"]).model_class()]
    ],
    "tasks": list(DBTaskResult.objects.order_by("enqueued_at", "id").values()),
}
with connection.cursor() as cursor:
    dump["schema"] = {
        table: {
            "columns": [
                [column.name, column.type_code, column.null_ok]
                for column in connection.introspection.get_table_description(cursor, table)
            ],
            "constraints": {
                name: [sorted(c["columns"] or []), c["unique"], c["index"], c["check"]]
                for name, c in connection.introspection.get_constraints(cursor, table).items()
            },
        }
        for table in TABLES
    }
print("UPGRADE-JSON:" + json.dumps(dump, default=str, sort_keys=True))
"""

# The old release's models (git show 45bd960:comments/models.py), filled as a site in use.
FILL = r"""
from datetime import timedelta
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import Article
from comments.delivery import deliver_mail
from comments.models import (
    Comment, DiscussionSettings, Flag, NotificationEvent, OutgoingMail, Subscription, UsedLink,
)
from comments.notifications import announce_comment

now = timezone.now()
essay = Article.objects.get(slug="the-future-of-nato")  # from the data migration

def comment(status, body, parent=None, **extra):
    c = Comment(
        article=essay, parent=parent, status=status, body=body,
        author_name=extra.pop("name", "Ann Reader"),
        author_email=extra.pop("email", "ann@example.com"),
        ip_address="192.0.2.10", user_agent="Upgrade/1.0", **extra,
    )
    c.save(moderate=False)
    return c

top = comment("approved", "The alliance *endures*.", moderation_reason="Approved by mod")
reply = comment("approved", "Does it? See https://example.org", parent=top, name="Bob",
                email="Bob@Example.com", author_url="https://bob.example")
comment("pending", "A reply to the reply.", parent=reply, name="Cy", email="cy@example.com")
comment("pending", "Held for a moderator.", name="Dee", email="dee@example.com",
        moderation_reason="Link limit", notify_comments=True, notify_posts=True)
comment("spam", "Buy cheap pills", name="Spammer", email="spam@example.net",
        moderation_reason="Disallowed key", status_before_removal="pending")
comment("trash", "Off topic.", name="Eve", email="eve@example.com",
        status_before_removal="approved")

Flag.objects.create(comment=reply, reporter="f" * 64, reason="Rude")

settings_row = DiscussionSettings.load()
settings_row.disallowed_keys = "pills\n203.0.113.0/24\nspam@example.net"
settings_row.disallowed_action = "trash"
settings_row.manual_approval = True
settings_row.moderation_keys = "casino"
settings_row.link_limit = 5
settings_row.require_previous_approval = False
settings_row.report_threshold = 7
settings_row.purge_after_days = 90
settings_row.save()

Subscription.objects.create(kind="comments", article=essay, email="Sub@Example.com",
                            confirmation_sent_at=now, confirmed_at=now)
Subscription.objects.create(kind="comments", article=essay, email="pending@example.com",
                            confirmation_sent_at=now)
Subscription.objects.create(kind="posts", email="reader@example.com",
                            confirmation_sent_at=now, confirmed_at=now)
Subscription.objects.create(kind="posts", email="later@example.com")

mail_fields = dict(kind="new_comment", body_text="Text", body_html="<p>Text</p>")
OutgoingMail.objects.create(
    to="sub@example.com", subject="Sent", state="sent", attempts=1, sent_at=now,
    last_attempt_at=now, headers={"List-Unsubscribe": "<https://example.com/u/1>"}, **mail_fields,
)
queued = OutgoingMail.objects.create(to="reader@example.com", subject="Queued", **mail_fields)
failed = OutgoingMail.objects.create(
    to="broken@example.com", subject="Failed", state="failed", attempts=5,
    last_error="SMTPRecipientsRefused: no such user", last_attempt_at=now,
    next_attempt_at=now + timedelta(hours=1), **mail_fields,
)
UsedLink.objects.create(nonce="a" * 32)
NotificationEvent.objects.create(key="upgrade-test:an event announced")

moderator = User.objects.create_user("mod", "mod@example.com", "pw", is_staff=True)
moderator.groups.add(Group.objects.get(name="Moderators"))
clerks = Group.objects.create(name="Mail clerks")  # a group the site does not manage
clerks.permissions.add(
    Permission.objects.get(content_type__app_label="comments", codename="view_outgoingmail"),
    Permission.objects.get(content_type__app_label="comments", codename="view_usedlink"),
)
clerk = User.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True)
clerk.groups.add(clerks)
clerk.user_permissions.add(
    *Permission.objects.filter(
        content_type__app_label="comments",
        codename__in=["view_subscription", "change_notificationevent"],
    )
)
LogEntry.objects.create(
    user=moderator, content_type=ContentType.objects.get_for_model(OutgoingMail),
    object_id=str(failed.pk), object_repr=str(failed), action_flag=CHANGE,
    change_message="Retried",
)

deliver_mail.enqueue(queued.pk)  # a DBTaskResult row under comments.delivery.deliver_mail
announce_comment.enqueue(top.pk)
"""

# The new tree, after migrate: the same dump, then what only the new code can tell.
CHECK = r"""
import json
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from mail.models import OutgoingMail
from subscriptions.models import Subscription

imports = {}
for path in sorted(set(DBTaskResult.objects.values_list("task_path", flat=True))):
    try:
        imports[path] = type(import_string(path)).__name__
    except ImportError as error:
        imports[path] = f"ImportError: {error}"

# The names the moved models' state gives their indexes and constraints are the database's:
# a later migration that alters or removes one finds it.
from django.apps import apps

names = {}
with connection.cursor() as cursor:
    for label in ["mail.OutgoingMail", "mail.UsedLink", "subscriptions.Subscription",
                  "subscriptions.NotificationEvent"]:
        meta = apps.get_model(label)._meta
        in_database = set(connection.introspection.get_constraints(cursor, meta.db_table))
        names[label] = sorted(
            c.name for c in [*meta.indexes, *meta.constraints] if c.name not in in_database
        )

pages = {}
moderator = Client(HTTP_HOST="localhost")
moderator.force_login(User.objects.get(username="mod"))
mail = OutgoingMail.objects.get(subject="Failed")
for url in ["/admin/mail/outgoingmail/", f"/admin/mail/outgoingmail/{mail.pk}/change/"]:
    pages[f"mod {url}"] = moderator.get(url).status_code
admin = Client(HTTP_HOST="localhost")
admin.force_login(User.objects.create_superuser("upgrade-admin", "admin@example.com", "pw"))
subscription = Subscription.objects.order_by("pk").first()
for url in [
    "/admin/mail/outgoingmail/", "/admin/subscriptions/subscription/",
    f"/admin/subscriptions/subscription/{subscription.pk}/change/", "/admin/comments/comment/",
    f"/admin/mail/outgoingmail/{mail.pk}/history/",
]:
    pages[f"admin {url}"] = admin.get(url).status_code
print("UPGRADE-JSON:" + json.dumps(
    {"imports": imports, "pages": pages, "missing_names": names}, sort_keys=True
))
"""

# After the worker ran the queued tasks.
AFTER_WORKER = r"""
import json
from django_tasks_db.models import DBTaskResult
from mail.models import OutgoingMail

print("UPGRADE-JSON:" + json.dumps({
    "tasks": {str(t.id): [t.task_path, t.status] for t in DBTaskResult.objects.all()},
    "mail": {m.subject: m.state for m in OutgoingMail.objects.all()},
}, sort_keys=True))
"""


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
