"""``manage.py page_headers``: the headers the app gives the shared page (security headers,
the Content-Security-Policy, X-Frame-Options...), as nginx ``add_header`` lines, for the page
files nginx serves itself (pagecache/files.py, deploy/nginx.conf):

    manage.py page_headers > /etc/nginx/snippets/natoblog-page-headers.conf && nginx -s reload

The app reads that file (``PAGE_HEADERS_FILE``) and writes no page file while it does not hold
the headers the app gives the page (pagecache/files.py).

They are read from the app's own answer to a plain request (``--path``, the home page by
default; over HTTPS when the site redirects to it, as deployed), so they follow the settings;
run it again after changing them. The headers that belong to one response (length, encoding,
ETag, Cache-Control, Vary...) are nginx's own for a file.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from pagecache.files import header_lines


class Command(BaseCommand):
    help = "Print the app's headers for the shared page as nginx add_header lines."

    def add_arguments(self, parser):
        parser.add_argument("--path", default="/", help="the page asked for (default: /)")
        parser.add_argument("--host", help="the Host asked for (default: the first allowed)")
        https = parser.add_mutually_exclusive_group()
        https.add_argument("--https", dest="https", action="store_true", default=None)
        https.add_argument("--http", dest="https", action="store_false")

    def handle(self, *args, path, host, https, **options):
        if https is None:
            https = settings.SECURE_SSL_REDIRECT
        host = host or next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), None)
        if not host:
            raise CommandError("No host to ask for: give --host (ALLOWED_HOSTS has none).")
        extra = {"HTTP_X_FORWARDED_PROTO": "https"} if https else {}
        response = Client(HTTP_HOST=host).get(path, secure=https, **extra)
        if response.status_code >= 400:
            raise CommandError(f"{path} answered {response.status_code}: give another --path.")
        try:
            lines = header_lines(response.items())
        except ValueError as error:
            raise CommandError(str(error)) from None
        scheme = "https" if https else "http"
        self.stdout.write(
            "\n".join([f"# manage.py page_headers ({scheme}://{host}{path})", *lines])
        )
