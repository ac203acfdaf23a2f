"""OutgoingMail and UsedLink now belong to the mail app, Subscription and NotificationEvent to
subscriptions (their migrations 0001 take them over). Nothing changes in the database: the
tables keep their names and their rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_subscriptions_and_outgoing_mail"),
        ("mail", "0001_initial"),
        ("subscriptions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OutgoingMail"),
                migrations.DeleteModel(name="UsedLink"),
                migrations.DeleteModel(name="Subscription"),
                migrations.DeleteModel(name="NotificationEvent"),
            ],
            database_operations=[],
        ),
    ]
