"""The admin's "Import from WordPress / Disqus" page: a staff user uploads an export; the
import runs as a background task (moving/tasks.py); the run's page shows its progress (it
reloads itself while the import runs: a meta refresh, no script) and then its report."""

from functools import partial

from django.contrib import admin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ImportRun, OldLink
from .progress import get_progress
from .report import lines
from .tasks import run_import


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "state", "dry_run", "created_at", "finished_at"]
    list_filter = ["source", "state"]
    change_form_template = "admin/moving/importrun/change_form.html"
    readonly_fields = ["state", "progress", "outcome", "started_by", "created_at", "finished_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["source", "file", "mapping", "dry_run"]
        return ["source", "file_name", "dry_run", "state", "progress", "outcome", "started_by",
                "created_at", "finished_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["file"].required = True
        return form

    def has_change_permission(self, request, obj=None):
        return False  # a run is read-only once started; its page is for watching it

    def save_model(self, request, obj, form, change):
        obj.started_by = request.user
        obj.file_name = getattr(form.cleaned_data.get("file"), "name", "")[:255]
        super().save_model(request, obj, form, change)
        transaction.on_commit(partial(run_import.enqueue, obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, gettext("The import is queued; this page shows its progress."))
        return HttpResponseRedirect(reverse("admin:moving_importrun_change", args=[obj.pk]))

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if obj.state == ImportRun.State.QUEUED:
            return gettext("Waiting for the worker (manage.py db_worker).")
        if obj.state != ImportRun.State.RUNNING:
            return "100%" if obj.state == ImportRun.State.DONE else "-"
        done, total = get_progress(obj.pk) or (0, 0)
        if not total:
            return gettext("Running…")
        percent = min(100, int(done * 100 / total))
        return format_html(
            '<progress max="100" value="{}">{}%</progress> {}%', percent, percent, percent
        )

    @admin.display(description=_("report"))
    def outcome(self, obj):
        if obj.error:
            return format_html('<p class="errornote">{}</p>', obj.error)
        if not obj.report:
            return "-"
        return format_html(
            '<ul class="import-report">{}</ul>',
            format_html_join("", "<li>{}</li>", ((line,) for line in lines(obj.report))),
        )


@admin.register(OldLink)
class OldLinkAdmin(admin.ModelAdmin):
    list_display = ["path", "article"]
    search_fields = ["path", "article__title"]
    raw_id_fields = ["article"]
