"""The comments app's settings and their defaults, documented once. natoblog/settings.py sets
one only when the environment names it (see .env.example); tests override them as Django
settings. Read them as ``from comments.conf import settings; settings.COMMENTS_PER_PAGE``.

The moderation rules themselves (disallowed keys, manual approval, link limit ...) are not
settings: moderators edit them in the admin (Discussion settings)."""

from natoblog.appsettings import AppSettings

DEFAULTS = {
    # Replies nest this deep; a reply to the deepest level attaches beside it.
    "COMMENTS_THREAD_DEPTH": 5,
    # Top-level threads per page of comments (/articles/<slug>/comment-page-N/).
    "COMMENTS_PER_PAGE": 50,
    # Close comments on articles older than this many days (0: never).
    "COMMENTS_CLOSE_AFTER_DAYS": 0,
    # Gravatar images (requests to gravatar.com); off, every commenter gets the local default
    # avatar. natoblog/settings.py turns it on in production unless the environment says no.
    "COMMENTS_GRAVATAR": False,
    # Who is told about comments held for moderation, besides the article's author.
    "COMMENTS_MODERATOR_EMAILS": [],
    # Also mail the article's author each comment that gets approved.
    "COMMENTS_NOTIFY_AUTHOR_ON_APPROVAL": False,
    # Spam and flood defences (comments/spam.py), before the moderation rules see a comment:
    # a post sooner than this after the form was rendered is refused as a robot's...
    "COMMENTS_MIN_SECONDS": 3,
    # ...and one from a form rendered longer ago than this (the visitor simply posts again).
    "COMMENTS_MAX_AGE_HOURS": 12,
    # At most this many comments per client address (IPv6: per /64) and per e-mail address in
    # each window of this many seconds (0: no limit), counted in the cache named below (Redis
    # when REDIS_URL is set, so the limits hold across app servers). Staff are exempt.
    "COMMENTS_RATE_LIMIT_WINDOW": 600,
    "COMMENTS_RATE_LIMIT_PER_IP": 10,
    "COMMENTS_RATE_LIMIT_PER_EMAIL": 5,
    "COMMENTS_RATE_LIMIT_CACHE": "default",
    # A comment's author sees Edit and Delete under it for this many minutes after posting
    # (0: never), as long as nobody has an approved reply to it (comments/ownership.py).
    "COMMENTS_EDIT_WINDOW_MINUTES": 15,
    # Previews of a comment (the Preview button) per client address per rate-limit window.
    "COMMENTS_PREVIEW_RATE_LIMIT_PER_IP": 60,
    # `manage.py purge_comments` removes the IP address and browser of comments older than
    # this many days (0: keep them).
    "COMMENTS_ANONYMISE_IP_AFTER_DAYS": 60,
}

# Settings that change the markup of an article page (part of the page cache's key).
MARKUP_SETTINGS = [
    "COMMENTS_CLOSE_AFTER_DAYS",
    "COMMENTS_GRAVATAR",
    "COMMENTS_PER_PAGE",
    "COMMENTS_THREAD_DEPTH",
]

settings = AppSettings(DEFAULTS)
