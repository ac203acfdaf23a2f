"""``check --deploy``: page files on (``PAGE_FILES_DIR``) with no snippet of the page's headers
for nginx (``PAGE_HEADERS_FILE``): the app would write no file (pagecache/files.py), and the
deployer should know before the first reader comes."""

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register

from . import files


@register(Tags.security, deploy=True)
def page_headers_snippet(app_configs, **kwargs):
    if not getattr(settings, "PAGE_FILES_DIR", "") or os.path.isfile(files.headers_file()):
        return []
    return [
        Warning(
            f"DJANGO_PAGE_FILES_DIR is set, but {files.headers_file()} (the page's headers "
            "that nginx adds to the page files) does not exist: no page file will be written.",
            hint=f"Run: manage.py page_headers > {files.headers_file()} && nginx -s reload",
            id="pagecache.W001",
        )
    ]
