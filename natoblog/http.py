"""What a request says about its sender (comments, rate limits and django-axes's log-in
lockout all use it)."""

from django.conf import settings


def client_ip(request):
    """The visitor's address. X-Forwarded-For is believed only behind a trusted proxy
    (COMMENTS_TRUSTED_PROXIES = how many proxies in front of the app append to it; the name
    is kept so that existing environments keep working)."""
    proxies = settings.COMMENTS_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:255]
