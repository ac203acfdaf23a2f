"""OutgoingMail and UsedLink move from the comments app to mail. Their tables stay as they are
(``db_table``): only Django's idea of which app owns them changes (state-only), their content
types follow them, and delivery tasks queued under the old path find the new one."""

from django.db import migrations, models

from natoblog.migrating import move_content_types, move_content_types_back, rename_task_paths

MODELS = ["outgoingmail", "usedlink"]
TASKS = {"comments.delivery.deliver_mail": "mail.delivery.deliver_mail"}


def forwards(apps, schema_editor):
    move_content_types(apps, "comments", "mail", MODELS)
    rename_task_paths(apps, TASKS)


def backwards(apps, schema_editor):
    move_content_types_back(apps, "comments", "mail", MODELS)
    rename_task_paths(apps, {new: old for old, new in TASKS.items()})


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("comments", "0003_subscriptions_and_outgoing_mail"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UsedLink",
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
                        ("nonce", models.CharField(max_length=32, unique=True)),
                        ("used_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "comments_usedlink",
                        "verbose_name_plural": "used links",
                        "ordering": ["-used_at"],
                    },
                ),
                migrations.CreateModel(
                    name="OutgoingMail",
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
                                    ("moderation", "Comment to moderate"),
                                    ("author", "Approved comment, to the article's author"),
                                    ("confirmation", "Subscription confirmation"),
                                    ("new_comment", "New comment, to subscribers"),
                                    ("new_post", "New post, to subscribers"),
                                    ("account", "Account (address confirmation, password reset)"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("to", models.EmailField(max_length=254)),
                        ("subject", models.CharField(max_length=255)),
                        ("body_text", models.TextField()),
                        ("body_html", models.TextField()),
                        ("headers", models.JSONField(blank=True, default=dict)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                ],
                                db_index=True,
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("last_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "comments_outgoingmail",
                        "verbose_name": "outgoing mail",
                        "verbose_name_plural": "outgoing mail",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["state", "next_attempt_at"],
                                name="comments_ou_state_a58687_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
