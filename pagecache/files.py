"""The shared page as files that nginx serves itself, at the speed of any static file.

With ``PAGE_FILES_DIR`` set (``DJANGO_PAGE_FILES_DIR``), a page the page cache stores for a
plain request that came through nginx (``X-Page-Cache: fill``) is also written there, in the
three copies it already has (the page, ``.gz``, ``.br``), as
``<dir>/<scheme>/<host><path>.page.html``: the name deploy/nginx.conf's ``try_files`` looks
for, for plain requests only, before it asks the app. The page holds nothing of any reader
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
Content-Security-Policy): ``manage.py page_headers`` writes them as nginx ``add_header`` lines
from the app's own response (README, "Deployment").
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


def keep(request, group, version, copies, release, current, rewrite=True):
    """Write the page stored for ``request`` (of ``group`` at ``version``, in ``copies``) as
    files, unless it is not one for nginx to serve; ``rewrite=False``: only if they are not
    there. ``current(group)``: the group's version now; ``release``: what the page's markup
    depends on (pagecache.cache). Never raises."""
    folder = root()
    if folder is None or not group:
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
