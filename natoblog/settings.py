"""Settings for natoblog, driven by environment variables.

Development defaults need nothing configured: SQLite under ``var/``, the local-memory cache,
the console e-mail backend. Production (``DJANGO_DEBUG=0``) refuses to start without a real
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``. Every variable is listed in ``.env.example``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import jinja2
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from comments.conf import DEFAULTS as COMMENTS_DEFAULTS
from mail.conf import DEFAULTS as MAIL_DEFAULTS
from natoblog import appsettings
from natoblog.appsettings import env, env_bool, env_int, env_list, from_environment
from spamfilter.conf import DEFAULTS as SPAMFILTER_DEFAULTS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DJANGO_DEBUG", True)

# Development defaults; with DJANGO_DEBUG off, a real key and the site's hosts or no start.
SECRET_KEY, ALLOWED_HOSTS = appsettings.secret_key_and_hosts(DEBUG)

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = env("SITE_NAME", "natoblog")
# Absolute base URL used in e-mails and feeds built outside a request, e.g. https://blog.example.
# Production defaults to https:// and the first allowed host, never to a development address.
SITE_URL = (
    env("SITE_URL")
    or ("http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}")
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.twitter_oauth2",
    "accounts.providers.wordpress_com",
    "axes",
    # The site's apps, each before those that use it (see README: How it fits together).
    "natoblog",  # wiring only: the backup command
    "pagecache",
    "mail",
    "privacy",
    "articles",
    "comments",
    "subscriptions",
    "spamfilter",
    "accounts",
    "moving",  # imports and exports: above every other app
]

MIDDLEWARE = [
    # A page this process holds for anonymous readers, answered before the rest runs (it
    # keeps the headers the rest gave it): pagecache/middleware.py.
    "pagecache.middleware.ShortPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session middleware, surviving a database connection that just died.
    "natoblog.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that cannot reach the database answers 503 + Retry-After, not 500.
    "natoblog.middleware.DatabaseUnavailableMiddleware",
    # A value too large for the database (a query string's number): 400, not 500.
    "natoblog.middleware.BadValueMiddleware",
    # An old address of an imported article (WordPress's /2021/10/27/slug/, /?p=123): 301.
    "moving.middleware.OldLinksMiddleware",
    # Last, as django-axes asks: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "natoblog.urls"

# What the pages of both engines read: user, messages, SITE_NAME (and, for the Django template
# language's, request; the Jinja2 engine gives every template the request itself).
CONTEXT_PROCESSORS = [
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "natoblog.context_processors.site",
]
TEMPLATES = [
    {
        # The article page (its shell, the comment section and list: each app's jinja2/), and
        # every page's header, footer and messages (natoblog/jinja2/). See natoblog/jinja.py.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "natoblog.jinja.environment",
            "undefined": jinja2.StrictUndefined,
            "extensions": ["natoblog.jinja.Dedent"],  # the templates' indentation is not sent
            "context_processors": [*CONTEXT_PROCESSORS, "natoblog.jinja.translations"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                *CONTEXT_PROCESSORS,
            ]
        },
    },
]

WSGI_APPLICATION = "natoblog.wsgi.application"

# Database: SQLite by default (WAL, a busy timeout and IMMEDIATE transactions so that
# concurrent writers wait instead of failing); PostgreSQL or another through DATABASE_URL.
if env("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if env("DATABASE_TEST_NAME"):
        # Lets concurrent test runs on one server use databases of their own.
        DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME")}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

# Cache: Django's own Redis cache when REDIS_URL is set (shared by every app server),
# otherwise a per-process local-memory cache, and for the page cache a cache on disk.
if env("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis cache, answering as an empty cache while Redis is down.
            "BACKEND": "natoblog.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "natoblog"),
            # A Redis that is down or unreachable costs a request at most this long.
            "OPTIONS": {
                "socket_connect_timeout": env_int("REDIS_TIMEOUT", 2),
                "socket_timeout": env_int("REDIS_TIMEOUT", 2),
            },
        }
    }
    PAGE_CACHE_ALIAS = "default"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # The page cache's versions and pages (pagecache/cache.py) must be seen by every
        # process of the site at once: the web server's workers, and manage.py (a shell, an
        # import, purge_comments, erase_personal_data, the mail worker) changing what a page
        # shows. Without Redis, a directory they all share (on one host: several app servers
        # need REDIS_URL). Past MAX_ENTRIES, Django deletes a third of them at random: an
        # article whose version went is rendered again, never served from an older page.
        "pagecache": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
    PAGE_CACHE_ALIAS = "pagecache"
# Article pages for anonymous readers (pagecache/cache.py): the cache that keeps them and their
# versions (PAGE_CACHE_ALIAS, above: Redis, or the shared directory), how long a rendered page
# is kept there (0 turns the page cache off; invalidation is exact, but a change that commits
# while Redis is unreachable cannot reach it: this bounds how long the older page may show),
# and how long nginx in front (deploy/nginx.conf) may keep one (0: nginx keeps none).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
PAGE_CACHE_PROXY_SECONDS = env_int("PAGE_CACHE_PROXY_SECONDS", 0)
# The shared page as files nginx serves (pagecache/files.py, deploy/nginx.conf): where (only
# where every app server writes what nginx reads), and the snippet of the page's headers.
PAGE_FILES_DIR = env("DJANGO_PAGE_FILES_DIR", "")
PAGE_HEADERS_FILE = env("DJANGO_PAGE_HEADERS_FILE", "")  # unset: /etc/nginx/snippets/natoblog-…

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's one language (every reader, moderator and mail gets it): our strings are
# translated in locale/ (French ships; `make messages` updates the catalogues), Django's and
# the apps' by themselves. E.g. DJANGO_LANGUAGE_CODE=fr.
LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", "en-us")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes watches every log-in (the admin's, the site's, allauth's): after
# LOGIN_FAILURE_LIMIT failures from one client address, log-ins from it are refused for
# LOGIN_LOCKOUT_MINUTES (a clear page, status 429). The address is the one comments see
# (natoblog.http.client_ip: X-Forwarded-For only behind COMMENTS_TRUSTED_PROXIES). Its
# backend comes first in AUTHENTICATION_BACKENDS, below.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "natoblog.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "natoblog.http.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # keep failures only, not a record of every log-in

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:index"
LOGOUT_REDIRECT_URL = "articles:index"

# Accounts (django-allauth): local accounts log in with their e-mail address, verified before
# the first log-in; commenters may also log in with Facebook, X or WordPress.com. A provider is
# switched on by its client id and secret, here from the environment or in the admin (Social
# applications); only switched-on providers show an icon.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out address (see above)
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False  # "Change" opens the log-in page
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_USER_DISPLAY = "accounts.identity.display_name"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"  # its mails go through the mail queue
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_REQUIRED = True  # asked once when the provider gives none (X)
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"  # back on the article at once
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False


def social_app(prefix):
    """allauth's settings-based app for a provider from PREFIX_CLIENT_ID and
    PREFIX_CLIENT_SECRET: none when both are unset, an error when only one is."""
    client_id, secret = env(f"{prefix}_CLIENT_ID"), env(f"{prefix}_CLIENT_SECRET")
    if not client_id and not secret:
        return {}
    if not client_id or not secret:
        raise ImproperlyConfigured(
            f"Set both {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET, or neither."
        )
    return {"APPS": [{"client_id": client_id, "secret": secret}]}


SOCIALACCOUNT_PROVIDERS = {
    "facebook": {
        # allauth's Facebook provider, with the profile picture as the avatar
        "provider_class": "accounts.providers.facebook.FacebookProvider",
        "SCOPE": ["email", "public_profile"],
        **social_app("FACEBOOK"),
    },
    "twitter_oauth2": social_app("TWITTER"),
    "wordpress_com": social_app("WORDPRESS_COM"),
}

# E-mail: SMTP when EMAIL_HOST is set, the console otherwise (mails show in the terminal).
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background tasks: every e-mail is queued in the database and sent by `manage.py db_worker`
# (`make run` starts one beside the web server). Nothing is sent inside a web request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Security. Production turns everything on; each switch can be changed for a site that sits
# behind a TLS-terminating proxy (set DJANGO_SECURE_PROXY_SSL_HEADER=1 there).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it

# Content Security Policy (django-csp): our pages load scripts, styles, fonts and images from
# the site itself only; no inline script or style anywhere, the Django admin included.
# Bootstrap's CSS draws checkbox ticks with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # A log-in icon posts to our own URL, which redirects to the provider's sign-in page;
        # browsers apply form-action to that redirect too.
        "form-action": [
            SELF,
            "https://www.facebook.com",
            "https://x.com",
            "https://public-api.wordpress.com",
        ],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}

# The apps' own settings (comments/conf.py, mail/conf.py: each with its default and meaning)
# are set here only when the environment names them.
globals().update(from_environment({**COMMENTS_DEFAULTS, **MAIL_DEFAULTS, **SPAMFILTER_DEFAULTS}))
# How many reverse proxies in front of the app add to X-Forwarded-For (0: trust none and use
# the connection's address): natoblog/http.py, for comments, rate limits and log-in lockout.
COMMENTS_TRUSTED_PROXIES = env_int("COMMENTS_TRUSTED_PROXIES", 0)
# Gravatar images (requests to gravatar.com) are on in production unless switched off.
COMMENTS_GRAVATAR = env_bool("COMMENTS_GRAVATAR", not DEBUG)
if COMMENTS_GRAVATAR:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += [
        "https://www.gravatar.com",
        "https://secure.gravatar.com",
    ]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}
