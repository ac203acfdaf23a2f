"""Akismet, optional (AKISMET_API_KEY and SITE_URL): each new comment checked there, and the
moderators' spam / not-spam decisions reported back (submit-spam / submit-ham).

Akismet down, slow (AKISMET_TIMEOUT, 2 s) or refusing the key: the answer is "error", logged,
and the comment goes on through the local rules; nothing here raises."""

import logging
from contextlib import contextmanager

from django.conf import settings as django_settings

from .conf import settings

logger = logging.getLogger(__name__)
SPAM, HAM, ERROR = "spam", "ham", "error"


def enabled():
    return bool(settings.AKISMET_API_KEY and getattr(django_settings, "SITE_URL", ""))


@contextmanager
def client():
    """An Akismet client whose key is not verified first (one request per comment, not two:
    a refused key shows in the answer), its connection closed at the end."""
    import akismet
    import httpx

    api = httpx.URL(settings.AKISMET_API_URL)

    class Transport(httpx.HTTPTransport):
        # akismet's URL is fixed (rest.akismet.com): AKISMET_API_URL may point elsewhere
        def handle_request(self, request):
            request.url = request.url.copy_with(scheme=api.scheme, host=api.host, port=api.port)
            return super().handle_request(request)

    http = httpx.Client(
        headers={"User-Agent": akismet.USER_AGENT},
        timeout=settings.AKISMET_TIMEOUT,
        transport=Transport(),
    )
    config = akismet.Config(key=settings.AKISMET_API_KEY, url=django_settings.SITE_URL)
    with http:
        yield akismet.SyncClient(config=config, http_client=http)


def arguments(comment):
    return {
        "user_ip": comment.ip_address or "127.0.0.1",
        "comment_content": comment.body,
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_type": "comment",
        "user_agent": comment.user_agent,
        "permalink": django_settings.SITE_URL + comment.article.get_absolute_url(),
    }


def check(comment):
    """Akismet's answer for a new comment: "spam", "ham", "error" or "" (not configured)."""
    if not enabled():
        return ""
    import akismet

    try:
        with client() as akismet_client:
            kwargs = arguments(comment)
            answer = akismet_client.comment_check(kwargs.pop("user_ip"), **kwargs)
    except (akismet.AkismetError, OSError) as error:
        logger.warning("Akismet did not answer (%s); the local rules decide", error)
        return ERROR
    return SPAM if answer in (akismet.CheckResponse.SPAM, akismet.CheckResponse.DISCARD) else HAM


def submit(comment, label):
    """Tell Akismet a moderator's decision ("spam" or "ham"). True when it was told."""
    if not enabled():
        return False
    import akismet

    try:
        with client() as akismet_client:
            kwargs = arguments(comment)
            ip = kwargs.pop("user_ip")
            if label == SPAM:
                akismet_client.submit_spam(ip, **kwargs)
            else:
                akismet_client.submit_ham(ip, **kwargs)
    except (akismet.AkismetError, OSError) as error:
        logger.warning("Could not tell Akismet comment %s is %s (%s)", comment.pk, label, error)
        return False
    return True
