"""The admin's "Import from WordPress / Disqus" page: a staff user uploads an export, the
import runs as a background task, and the run's page shows its progress, then its report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from moving.models import ImportRun
from moving.progress import set_progress
from tests.moving.helpers import DISQUS_EDGES, WORDPRESS_EDGES
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db
ADD = reverse("admin:moving_importrun_add")


def upload(client, path, source="wordpress", **fields):
    data = {"source": source, "mapping": "", **fields}
    data["file"] = SimpleUploadedFile(path.name, path.read_bytes(), "text/xml")
    return client.post(ADD, data)


def test_the_admin_home_links_to_the_page(admin_client):
    assert "Import from WordPress / Disqus" in admin_client.get("/admin/").content.decode()
    page = admin_client.get(ADD).content.decode()
    assert 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page


def test_an_upload_runs_as_a_task_and_the_page_shows_the_report(
    admin_client, essay, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, WORDPRESS_EDGES)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:moving_importrun_change", args=[run.pk])
    assert run.state == ImportRun.State.QUEUED
    assert not Comment.objects.exists()  # nothing before the worker runs it
    waiting = admin_client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in waiting
    assert '<meta http-equiv="refresh" content="3">' in waiting  # reloads itself, no script
    run_tasks()
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    assert run.file_name == "edge-cases.xml"
    assert not run.file  # the upload is not kept
    assert Comment.objects.count() == 19
    page = admin_client.get(response["Location"]).content.decode()
    assert "Created: articles: 3, authors: 1, comments: 19, redirects: 8" in page
    assert "http-equiv" not in page


def test_the_page_shows_progress_while_running(admin_client, essay):
    run = ImportRun.objects.create(source="wordpress", state=ImportRun.State.RUNNING)
    set_progress(run.pk, 250, 1000)
    page = admin_client.get(reverse("admin:moving_importrun_change", args=[run.pk]))
    assert '<progress max="100" value="25">25%</progress>' in page.content.decode()


def test_a_disqus_upload_with_a_map(
    admin_client, essay, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            admin_client,
            DISQUS_EDGES,
            source="disqus",
            mapping="https://elsewhere.example/nothing-here/=the-future-of-nato",
        )
    run_tasks()
    assert ImportRun.objects.get().state == ImportRun.State.DONE
    assert essay.comments.filter(body__contains="Nobody's thread").exists()


def test_a_malformed_file_fails_with_its_reason_and_writes_nothing(
    admin_client, essay, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, shared_file("wordpress", "malformed.xml"))
    run_tasks()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert "line 90" in run.error
    assert (
        "Not well-formed XML at line 90" in admin_client.get(response["Location"]).content.decode()
    )
    assert not Comment.objects.exists()


def test_an_upload_without_a_file_says_so_on_the_page(admin_client):
    response = admin_client.post(ADD, {"source": "wordpress"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_readers_and_staff_without_the_permission_cannot_import(staff_client):
    assert Client().get(ADD).status_code == 302  # to the log-in page
    assert staff_client.get(ADD).status_code == 403
