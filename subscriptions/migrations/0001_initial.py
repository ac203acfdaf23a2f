"""Subscription and NotificationEvent move from the comments app to subscriptions. Their tables
stay as they are (``db_table``): only Django's idea of which app owns them changes
(state-only), their content types follow them, and notification tasks queued under the old
paths find the new ones."""

import django.db.models.deletion
from django.db import migrations, models

from natoblog.migrating import move_content_types, move_content_types_back, rename_task_paths

MODELS = ["subscription", "notificationevent"]
TASKS = {
    f"comments.notifications.{name}": f"subscriptions.notifications.{name}"
    for name in ("alert_moderators", "announce_comment", "subscribe_commenter", "announce_article")
}


def forwards(apps, schema_editor):
    move_content_types(apps, "comments", "subscriptions", MODELS)
    rename_task_paths(apps, TASKS)


def backwards(apps, schema_editor):
    move_content_types_back(apps, "comments", "subscriptions", MODELS)
    rename_task_paths(apps, {new: old for old, new in TASKS.items()})


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0002_the_future_of_nato"),
        ("comments", "0003_subscriptions_and_outgoing_mail"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NotificationEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=100, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "comments_notificationevent",
                        "verbose_name_plural": "notification events",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Subscription",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("comments", "New comments on an article"),
                                    ("posts", "New posts"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "email",
                            models.EmailField(
                                help_text="Stored in lower case.",
                                max_length=254,
                                verbose_name="e-mail",
                            ),
                        ),
                        (
                            "email_hash",
                            models.CharField(db_index=True, editable=False, max_length=64),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("confirmation_sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "confirmed_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="Empty until the address confirms (double opt-in).",
                                null=True,
                            ),
                        ),
                        (
                            "article",
                            models.ForeignKey(
                                blank=True,
                                help_text=(
                                    "The article whose comments are followed (empty for new "
                                    "posts)."
                                ),
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="subscriptions",
                                to="articles.article",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "comments_subscription",
                        "verbose_name_plural": "subscriptions",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["article", "kind", "confirmed_at"],
                                name="comments_su_article_a00034_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("kind", "comments")),
                                fields=("email", "article"),
                                name="one_comment_subscription_per_address",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("kind", "posts")),
                                fields=("email",),
                                name="one_post_subscription_per_address",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("article__isnull", False), ("kind", "comments")),
                                    models.Q(("article__isnull", True), ("kind", "posts")),
                                    _connector="OR",
                                ),
                                name="subscription_article_matches_kind",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
