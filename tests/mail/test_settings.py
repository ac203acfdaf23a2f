"""Mail settings: the task queue is the database, links in mails have a correct base."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
KEY = "k" * 60


def site_url(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SITE_URL"))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="natoblog.settings")
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_site_url_defaults():
    assert site_url() == "http://127.0.0.1:8000"
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": KEY}
    assert (
        site_url(**production, DJANGO_ALLOWED_HOSTS="blog.example,www") == "https://blog.example"
    )
    assert site_url(**production, DJANGO_ALLOWED_HOSTS=".blog.example") == "https://blog.example"
    assert site_url(SITE_URL="https://x.example/") == "https://x.example"
    assert site_url(SITE_URL="") == "http://127.0.0.1:8000"  # as copied from .env.example


def test_mail_goes_through_the_database_queue():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert {"django_tasks", "django_tasks_db"} <= set(settings.INSTALLED_APPS)
