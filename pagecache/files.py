"""The shared page as files that nginx serves itself, at the speed of any static file.

With ``PAGE_FILES_DIR`` set (``DJANGO_PAGE_FILES_DIR``), a page the page cache stores for a
plain request that came through nginx (``X-Page-Cache: fill``) is also written there, in the
three copies it already has (the page, ``.gz``, ``.br``), as
``<dir>/<scheme>/<host><path>.page.html``: the name deploy/nginx.conf's ``rewrite`` gives a
plain request (and only a plain one), served as a static file; with no file there, nginx asks
the app. The page holds nothing of any reader
(pagecache.cache), so a file is as safe to serve to everyone as the cached copy is.

Freshness is the page cache's, exactly, without the micro-cache's bound:

- ``forget(groups)`` runs when a change commits (pagecache.cache's ``invalidate``), after the
  groups' new versions are stored: it removes every file written for those groups (each
  group's files are listed in ``<dir>/.groups/<group>``).
- A page rendered before that change may finish after it: ``keep`` writes the files, lists
  them, and then reads the group's version again; if it moved, it removes them. Either the
  writer sees the new version, or ``forget``, which runs after the version is stored, sees
  the listed file: no file from older data survives a change.
- A page that changes by itself at a set time (comments closing: ``expires``) is not written:
  nginx could not take it down at that time.
- A new release (code, translations, the markup settings: pagecache.cache's key) empties the
  directory when its processes start (``claim``, from natoblog.wsgi and .asgi), and marks it as its
  own (``<dir>/.release``). A process of another release (the older one, still running while
  a deploy goes on) writes nothing there, and one whose write overlapped the claim removes
  what it wrote.

Only every app server writing to the directory nginx reads makes this exact: one host (or a
shared volume). Across hosts, leave it unset: nginx's micro-cache (``PAGE_CACHE_PROXY_SECONDS``)
then serves the shared page, as before.

The headers: nginx adds to these files what the app adds to the page (security headers, the
Content-Security-Policy) from a snippet, ``PAGE_HEADERS_FILE``, which ``manage.py
page_headers`` writes as nginx ``add_header`` lines from the app's own response (README,
"Deployment"). A file is written only once the process knows the headers the whole stack gave
the page (pagecache.middleware), and only while the snippet holds exactly those
(``nginx_adds``): a deployer who never ran the command, or changed a security setting since,
gets no files (logged), and the page comes from the app with its headers, never from a file
without them.
"""

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

SUFFIX = ".page.html"
ENCODED = {"": "", "gzip": ".gz", "br": ".br"}  # copy -> what nginx's *_static modules look for
GROUPS = ".groups"
RELEASE = ".release"
# A path written as a file: segments of letters, digits and ._~- (none starting with a dot),
# so a file name can never leave the directory or shadow the lists above.
SAFE_PATH = re.compile(r"/(?:[\w~-][\w.~-]*/)*(?:[\w~-][\w.~-]*)?", re.ASCII)
SAFE_HOST = re.compile(r"[a-z0-9][a-z0-9.-]*", re.ASCII)


# Headers that belong to one response, or that nginx sets itself for a file (the rest, the
# page's, nginx adds from PAGE_HEADERS_FILE).
NOT_FOR_FILES = {
    "content-length",
    "content-encoding",
    "content-type",
    "etag",
    "last-modified",
    "cache-control",
    "set-cookie",
    "vary",
    "location",
    "x-page-cache",
    "x-accel-expires",
    "x-proxy-cache",
}
HEADERS_FILE = "/etc/nginx/snippets/natoblog-page-headers.conf"  # deploy/nginx.conf's include
ADD_HEADER = re.compile(r'add_header (\S+) "([^"]*)";')
_snippet = {}  # path -> ((mtime, size), its add_header lines)
_said = set()  # what was logged about the snippet (once a process)


def header_lines(headers):
    """The page's headers (name, value) as nginx ``add_header`` lines, or ValueError for a
    value nginx would read as something else (a quote, a backslash, a variable)."""
    lines = []
    for name, value in headers:
        if name.lower() in NOT_FOR_FILES:
            continue
        if any(c in value for c in '"\\$\r\n'):
            raise ValueError(f"{name}: a value nginx cannot hold as it is: {value!r}")
        lines.append(f'add_header {name} "{value}";')
    return lines


def nginx_adds(headers):
    """Whether the snippet nginx adds to the page files (``PAGE_HEADERS_FILE``) holds exactly
    the headers the app gives the page (``headers``: (name, value) pairs), as ``same_headers``
    compares them. Read again when the file changes; what is wrong is logged once a process."""
    path = headers_file()
    try:
        header_lines(headers)  # (a value nginx cannot hold: ValueError)
        expected = same_headers(h for h in headers if h[0].lower() not in NOT_FOR_FILES)
        found = os.stat(path)
        stamp = (found.st_mtime_ns, found.st_size)
        known = _snippet.get(path)
        if known is None or known[0] != stamp:
            with open(path, encoding="utf-8") as snippet:
                lines = ADD_HEADER.findall(snippet.read())
            known = _snippet[path] = (stamp, same_headers(lines))
    except (OSError, ValueError) as error:
        return _refuse(f"{path}: {type(error).__name__}: {error}")
    if known[1] != expected:
        return _refuse(f"{path} does not hold the headers the app gives the page")
    return True


def same_headers(headers):
    """(name, value) pairs in a form that compares equal when they say the same: names in
    any case, and a policy's directives in any order (django-csp writes them in the order of
    a set, which differs from one process to the next)."""
    found = []
    for name, value in headers:
        name = name.lower()
        if name.startswith("content-security-policy"):
            value = "; ".join(sorted(part.strip() for part in value.split(";") if part.strip()))
        found.append((name, value))
    return sorted(found)


def _refuse(reason):
    if reason not in _said:
        _said.add(reason)
        logger.error(
            "No page files are written (nginx would serve them without the page's headers): "
            "%s. Run: manage.py page_headers > %s && nginx -s reload",
            reason,
            headers_file(),
        )
    return False


def headers_file():
    """The snippet nginx adds to the page files (``PAGE_HEADERS_FILE``; deploy/nginx.conf's)."""
    return getattr(settings, "PAGE_HEADERS_FILE", "") or HEADERS_FILE


def root():
    folder = getattr(settings, "PAGE_FILES_DIR", "")
    return Path(folder) if folder else None


def page_file(scheme, host, path):
    """Where the page at this address is written (relative to the directory), or None when
    the address is not one to write (see SAFE_PATH)."""
    host = host.lower()
    if scheme not in ("http", "https") or not SAFE_HOST.fullmatch(host) or ".." in host:
        return None
    if not SAFE_PATH.fullmatch(path):
        return None
    return f"{scheme}/{host}{path}{SUFFIX}"


def keep(request, group, version, copies, release, current, rewrite, headers):
    """Write the page stored for ``request`` (of ``group`` at ``version``, in ``copies``) as
    files, unless it is not one for nginx to serve, or nginx would not add its ``headers``
    (those the whole stack gave it: ``nginx_adds``); ``rewrite=False``: only if they are not
    there. ``current(group)``: the group's version now; ``release``: what the page's markup
    depends on (pagecache.cache). Never raises."""
    folder = root()
    if folder is None or not group or not nginx_adds(headers):
        return
    name = page_file(request.scheme, request.get_host(), request.path)
    if name is None:
        return
    try:
        owner = _release(folder)
        if owner is None:
            claim(release)
        elif owner != release:
            return  # another release's directory (see above)
        if not rewrite and (folder / name).exists():
            return
        written = _write(folder, name, copies)
        with open(_list_of(folder, group), "a") as listed:  # small appends: atomic
            listed.write(name + "\n")
        if current(group) != version or _release(folder) != release:
            _remove(folder, written)  # changed meanwhile: forget() may have run before us
    except Exception as error:
        logger.warning(
            "Could not write the page file %s (%s: %s)", name, type(error).__name__, error
        )


def forget(groups):
    """Remove the files of these groups (after their new versions are stored). Never raises."""
    folder = root()
    if folder is None:
        return
    for group in groups:
        listed = _list_of(folder, group)
        taken = listed.with_name(f"{listed.name}.{os.getpid()}.{id(groups)}")
        try:
            os.replace(listed, taken)  # writers after this start a new list
        except FileNotFoundError:
            continue
        except OSError as error:
            logger.warning("Could not remove the page files of %s (%s)", group, error)
            continue
        try:
            names = set(taken.read_text().split())
            _remove(folder, [name + end for name in names for end in ENCODED.values()])
        finally:
            taken.unlink(missing_ok=True)


def _write(folder, name, copies):
    """Each copy to a temporary file, then renamed into place: nginx sees a whole file or
    none. The compressed copies first, so the page is never there without them."""
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    written = []
    for coding in ("gzip", "br", ""):
        if coding not in copies:
            continue
        path = target.with_name(target.name + ENCODED[coding])
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(copies[coding])
            os.chmod(temporary, 0o644)  # nginx's workers run as another user
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(name + ENCODED[coding])
    return written


def _remove(folder, names):
    for name in names:
        (folder / name).unlink(missing_ok=True)


def _list_of(folder, group):
    lists = folder / GROUPS
    lists.mkdir(parents=True, exist_ok=True)
    return lists / re.sub(r"[^\w.-]", "_", str(group), flags=re.ASCII)


def _release(folder):
    try:
        return (folder / RELEASE).read_text()
    except FileNotFoundError:
        return None


def claim(release):
    """The directory for this release: emptied if it holds another's (or no one's) files."""
    folder = root()
    if folder is None or _release(folder) == release:
        return
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    for entry in folder.iterdir():
        if entry.name == RELEASE:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
    with os.fdopen(handle, "w") as out:
        out.write(release)
    os.chmod(temporary, 0o644)
    os.replace(temporary, folder / RELEASE)
