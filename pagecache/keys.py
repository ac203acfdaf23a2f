"""What a cached page is kept under: its address, as rendered by this release (the code,
templates, translations and static files, the settings that change the markup) in the
current language. A deploy never serves the previous release's pages (pagecache.cache)."""

import hashlib
from functools import cache as once
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation

# Settings that change the markup of a page (apps add theirs: register_markup_settings).
MARKUP_SETTINGS = ["SITE_NAME", "STATIC_URL", "TIME_ZONE"]


def register_markup_settings(*names):
    """Settings that change the markup of the cached pages: part of the cache key."""
    MARKUP_SETTINGS.extend(name for name in names if name not in MARKUP_SETTINGS)


@once
def code_digest():
    """What the markup depends on in this release: the project's templates, the code of its
    own apps (those under BASE_DIR), the compiled translations (LOCALE_PATHS), the pinned
    requirements and the static files manifest (hashed file names)."""
    base = settings.BASE_DIR
    apps_code = [
        path
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
        for path in sorted(Path(config.path).rglob("*"))
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
    ]
    translations = [
        path for locale in settings.LOCALE_PATHS for path in sorted(Path(locale).rglob("*.mo"))
    ]
    paths = [
        *sorted((base / "templates").rglob("*.html")),
        *apps_code,
        *translations,
        base / "requirements.txt",
        settings.STATIC_ROOT / "staticfiles.json",
    ]
    digest = hashlib.blake2b(digest_size=12)
    for path in paths:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _markup():
    """This release's code and markup settings, and the current language."""
    names = MARKUP_SETTINGS
    return [code_digest(), translation.get_language() or ""] + [
        str(getattr(settings, name, None)) for name in names
    ]


def page_key(request):
    """The page at this address as rendered by this release (``_markup``)."""
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.blake2b("|".join([*_markup(), address]).encode(), digest_size=16)
    return f"article-page:{digest.hexdigest()}"


def release():
    """This release and language, without the address (pagecache.files's marker)."""
    return hashlib.blake2b("|".join(_markup()).encode(), digest_size=16).hexdigest()
