"""The spam filter's settings and their defaults, documented once (natoblog/settings.py sets one
only when the environment names it). The thresholds and the on/off switch are not settings:
moderators edit them in the admin (Discussion settings)."""

from natoblog.appsettings import AppSettings

DEFAULTS = {
    # The filter decides nothing until it has learnt this many moderator decisions of each
    # kind (spam, and not spam); before that it only records its score. 20 each: see the
    # learning curve in the README (make bench-spam).
    "SPAMFILTER_MIN_DECISIONS": 20,
    # Akismet (optional): with a key, each new comment is also checked there and moderators'
    # spam / not-spam decisions are reported back. The site's URL is SITE_URL.
    "AKISMET_API_KEY": "",
    # Seconds Akismet has to answer; after that the local rules decide alone.
    "AKISMET_TIMEOUT": 2.0,
    # Where Akismet's API is (the tests point it at a fake service on 127.0.0.1).
    "AKISMET_API_URL": "https://rest.akismet.com",
}

settings = AppSettings(DEFAULTS)
