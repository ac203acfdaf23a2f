"""deploy/nginx.conf run as a process of our own: its "# site" lines set for 127.0.0.1 and a
work directory, in front of the app on one port, beside a server of static files (the limit
``make bench`` compares with) on another."""

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from harness import ROOT
from harness.processes import running, wait_for_port

SITE_LINES = {
    # "# site" line of deploy/nginx.conf -> its value here
    "server 127.0.0.1:8000;": "server 127.0.0.1:{app};",
    "proxy_cache_path /var/cache/nginx/natoblog ": "proxy_cache_path {work}/nginx/cache ",
    "listen 80;": "listen 127.0.0.1:{nginx};",
    "server_name blog.example;": "server_name 127.0.0.1;",
    "alias /srv/natoblog/staticfiles/;": "alias {work}/staticfiles/;",
    "include /etc/nginx/snippets/natoblog-brotli*.conf;": "include {work}/nginx/brotli*.conf;",
    "root /var/cache/natoblog/pages;": "root {work}/pages;",
    "include /etc/nginx/snippets/natoblog-page-headers*.conf;": (
        "include {work}/nginx/page-headers*.conf;"
    ),
}
# Debian's brotli modules for nginx: loaded, and deploy/nginx-brotli.conf included, when found.
BROTLI_MODULES = [
    Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"),
    Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"),
]


def site_config(ports, work):
    """deploy/nginx.conf with its "# site" lines (and only those) set for ``ports`` ("app",
    "nginx") and ``work``."""
    lines = []
    for line in (ROOT / "deploy" / "nginx.conf").read_text().splitlines():
        if line.rstrip().endswith("# site"):
            matches = [old for old in SITE_LINES if old in line]
            if len(matches) != 1:
                sys.exit(f"deploy/nginx.conf: no benchmark value for the site line {line!r}")
            line = line.replace(matches[0], SITE_LINES[matches[0]].format(work=work, **ports))
        lines.append(line)
    return "\n".join(lines) + "\n"


MAIN_CONFIG = """\
{modules}
worker_processes {workers};
daemon off;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    keepalive_requests 10000;
    client_body_temp_path {work}/nginx/body;
    proxy_temp_path {work}/nginx/proxy;
    fastcgi_temp_path {work}/nginx/fastcgi;
    uwsgi_temp_path {work}/nginx/uwsgi;
    scgi_temp_path {work}/nginx/scgi;
    include {work}/nginx/site.conf;
    # The limit: the same HTML, as a file, and its compressed copies (.gz, .br) beside it,
    # sent as deploy/nginx.conf sends the page files (read into one buffer and written: with
    # sendfile and tcp_nopush, files of 60-100 KB now and then waited 40 ms for the client's
    # delayed ACK), so that the ratio is what serving the page costs beyond serving a file.
    # With the page's own headers (its Cache-Control and the app's security headers, as the
    # page files have them): the same response, not some 500 bytes fewer. On loopback a
    # response goes in segments of up to 65,483 bytes, and one that needs a second costs some
    # 15% of the requests/s (a 65,700-byte file against a 64,985-byte one); without them the
    # file of the Brotli page with 1000 comments fitted in one while the page did not.
    server {{
        listen 127.0.0.1:{static};
        root {work}/html;
        sendfile off;
        output_buffers 1 256k;
        charset utf-8;
        gzip_static on;
        gzip_vary on;
        {brotli_static}
        add_header Cache-Control "private, no-cache";
        include {work}/nginx/page-headers*.conf;
    }}
}}
"""


def has_brotli():
    return all(module.exists() for module in BROTLI_MODULES)


def nginx_version():
    result = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
    return result.stderr.strip().removeprefix("nginx version: ")


def page_headers_file(work):
    """Where nginx_process puts the page's headers (the app's DJANGO_PAGE_HEADERS_FILE)."""
    return work / "nginx" / "page-headers.conf"


@contextmanager
def nginx_process(work, ports, page_headers=None):
    """nginx with deploy/nginx.conf on 127.0.0.1:``ports["nginx"]`` in front of the app on
    ``ports["app"]``, and the files of ``work``/html on ``ports["static"]``; its files under
    ``work``/nginx (``work`` must be readable by its workers), the page files under
    ``work``/pages (the app's DJANGO_PAGE_FILES_DIR, when it has one) with ``page_headers``
    (manage.py page_headers's lines). Stopped at the end."""
    base = work / "nginx"
    for name in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (base / name).mkdir(parents=True)
    (work / "html").mkdir()
    (base / "site.conf").write_text(site_config(ports, work))
    if page_headers is not None:
        page_headers_file(work).write_text(page_headers)
    modules = ""
    if has_brotli():
        modules = "".join(f"load_module {module};\n" for module in BROTLI_MODULES)
        shutil.copy(ROOT / "deploy" / "nginx-brotli.conf", base / "brotli.conf")
    config = base / "nginx.conf"
    config.write_text(
        MAIN_CONFIG.format(
            work=work,
            workers=os.cpu_count() or 2,
            modules=modules,
            brotli_static="brotli_static on;" if modules else "",
            **ports,
        )
    )
    if os.geteuid() == 0:  # the workers run as nobody: give them their directories
        import pwd

        nobody = pwd.getpwnam("nobody")
        for path in [base, *base.iterdir()]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    command = ["nginx", "-p", str(base), "-c", str(config)]
    subprocess.run([*command, "-t", "-q"], check=True)
    with running(command) as process:
        wait_for_port(ports["nginx"], process, seconds=10, interval=0.1)
        if process.poll() is not None:  # (still starting after 10 s: the first requests wait)
            sys.exit("nginx did not start: see the messages above")
        yield process
