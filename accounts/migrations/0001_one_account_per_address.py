"""One address, one account, enforced by the database: a unique index on the lower-cased
e-mail address of auth_user (empty addresses, such as an admin's without one, are left out).

allauth checks that an address is free before it creates an account, but two sign-ups at the
same moment both pass that check; only the database can refuse the second (the loser is then
answered as allauth answers a taken address: see accounts.adapters).

auth.User is not our model, so neither Meta.constraints nor AddConstraint can reach it: the
index is raw SQL that SQLite and PostgreSQL both understand (a partial expression index). A
site that already holds duplicates stops here with a message rather than losing an account.
"""

from django.core.management.base import CommandError
from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower

INDEX = "accounts_one_account_per_address"
SHOWN = 10


def duplicate_addresses(apps):
    """Addresses (lower-cased) that more than one account uses, with how many each."""
    User = apps.get_model("auth", "User")
    return list(
        User.objects.exclude(email="")
        .values(address=Lower("email"))
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
        .order_by("address")
        .values_list("address", "accounts")
    )


def refuse_duplicates(apps, schema_editor):
    duplicates = duplicate_addresses(apps)
    if not duplicates:
        return
    shown = ", ".join(
        f"{address} ({accounts} accounts)" for address, accounts in duplicates[:SHOWN]
    )
    more = f" and {len(duplicates) - SHOWN} more" if len(duplicates) > SHOWN else ""
    raise CommandError(
        f"{len(duplicates)} e-mail address(es) belong to more than one account: {shown}{more}. "
        "Nothing was changed. Merge or delete the duplicate accounts in the admin (Users: search "
        "for the address; keep the one whose address is verified), then run migrate again."
    )


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (LOWER(email)) WHERE email <> ''",
            f"DROP INDEX {INDEX}",
        ),
    ]
