"""The mail app's settings and their defaults (set from the environment in
natoblog/settings.py; see .env.example)."""

from natoblog.appsettings import AppSettings

DEFAULTS = {
    # A failed send is retried with exponential back-off (1x, 2x, 4x ... this many seconds, at
    # most an hour apart) until MAIL_MAX_ATTEMPTS; then the mail is marked failed in the admin.
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_RETRY_BACKOFF_SECONDS": 60,
    # How long single-use and confirmation links (Approve/Spam/Trash, confirm a subscription)
    # stay valid, in days. (The COMMENTS_ names are kept so existing environments work.)
    "COMMENTS_LINK_MAX_AGE_DAYS": 7,
    # How long unsubscribe and "manage my subscriptions" links stay valid: a reader must be
    # able to leave from an older mail (every new mail carries fresh ones).
    "COMMENTS_UNSUBSCRIBE_LINK_MAX_AGE_DAYS": 365,
}

settings = AppSettings(DEFAULTS)
