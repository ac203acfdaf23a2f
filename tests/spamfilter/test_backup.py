"""The model lives in the database: `manage.py backup` carries what the filter learnt."""

import sqlite3
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from spamfilter import store
from spamfilter.models import Weight

from .conftest import teach


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite backup (CI runs it in the SQLite suite)"
)
@pytest.mark.django_db(transaction=True)
def test_the_backup_carries_the_model(tmp_path):
    teach(spam=3, ham=2)
    target = tmp_path / "copy.sqlite3"
    call_command("backup", output=str(target), stdout=StringIO())
    copy = sqlite3.connect(target)
    try:
        totals = copy.execute("SELECT spam, ham FROM spamfilter_totals").fetchone()
        counts = dict(copy.execute("SELECT token, spam FROM spamfilter_token").fetchall())
        weights = dict(copy.execute("SELECT token, weight FROM spamfilter_weight").fetchall())
    finally:
        copy.close()
    assert totals == store.totals() == (3, 2)
    assert counts["subscribe"] == 3
    assert counts["alliance"] == 0
    assert weights == dict(Weight.objects.values_list("token", "weight"))  # the regression's
    assert weights["c:subs"] > 0
