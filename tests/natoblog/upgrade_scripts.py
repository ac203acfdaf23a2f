"""The scripts tests/natoblog/test_upgrade.py runs with `manage.py shell` in each tree: fill a
database through the old release's models, dump what it holds in one JSON shape (old tree and
new), check what moved, and read what the worker did. Each prints one line starting with
UPGRADE-JSON:."""

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
