"""The admin's import, run by the background worker (django-tasks, as mail delivery is)."""

import time

from django.utils import timezone
from django_tasks import task

from .disqus import import_disqus
from .models import ImportRun
from .progress import clear_progress, set_progress
from .wordpress import import_wordpress
from .xmlstream import ImportFailed

PROGRESS_EVERY = 1.0  # seconds between two progress writes


@task()
def run_import(run_id):
    run = ImportRun.objects.get(pk=run_id)
    if run.state != ImportRun.State.QUEUED:
        return f"skipped: {run.state}"
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING)
    total = run.file.size if run.file else 0
    last = [0.0]

    def progress(done):
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            set_progress(run.pk, done, total)

    options = {"dry_run": run.dry_run, "progress": progress, "file_name": run.file_name}
    try:
        with run.file.open("rb") as file:
            if run.source == ImportRun.Source.DISQUS:
                report = import_disqus(file, url_map=dict(run.mapping_pairs()), **options)
            else:
                report = import_wordpress(file, author_emails=dict(run.mapping_pairs()), **options)
    except ImportFailed as error:
        run.state, run.error = ImportRun.State.FAILED, str(error)
    except Exception as error:  # a bug: the page says so rather than "running" for ever
        run.state, run.error = ImportRun.State.FAILED, f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save()
        raise
    else:
        run.state, run.report = ImportRun.State.DONE, report.as_dict()
    run.finished_at = timezone.now()
    if run.file:  # the upload holds readers' addresses: not kept once imported
        run.file.delete(save=False)
    run.save()
    clear_progress(run.pk)
    return run.state
