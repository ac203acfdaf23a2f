"""Personal data export and erasure for one e-mail address, as WordPress offers.

Like WordPress's exporters and erasers, each app registers what it holds for an address, in
its AppConfig.ready(): ``register(name, label, export, erase, order=...)``. ``export(email)``
returns a list of JSON-serialisable dicts; ``erase(email)`` anonymises or removes them and
returns an ``Erasure``. This module knows no app of the site:

    from privacy import register
    register("comments", "Comments", export_comments, erase_comments)

Erasers run by ``order`` (then registration order), so those that find data through the user
account (comments, log-in records) run before the account itself goes (``order=100``).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from natoblog.addresses import normalise_email

logger = logging.getLogger(__name__)


@dataclass
class Erasure:
    erased: int = 0
    retained: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    export: Callable[[str], list]
    erase: Callable[[str], Erasure]
    order: int = 0


_providers: dict[str, Provider] = {}


def register(name, label, export, erase, order=0):
    """Add (or replace) what one kind of data holds for an e-mail address."""
    _providers[name] = Provider(name, label, export, erase, order)


def providers():
    """The registered providers, in the order their erasers run."""
    return sorted(_providers.values(), key=lambda provider: provider.order)


def export_personal_data(email):
    """Everything the site holds for an e-mail address, as one JSON-serialisable dict."""
    email = normalise_email(email)
    return {
        "email": email,
        "site": settings.SITE_URL,
        "exported_at": timezone.now().isoformat(),
        "groups": {
            provider.name: {"label": provider.label, "items": provider.export(email)}
            for provider in providers()
        },
    }


def erase_personal_data(email):
    """Anonymise or remove everything held for an e-mail address, in one transaction.
    Returns {provider name: Erasure}."""
    email = normalise_email(email)
    with transaction.atomic():
        results = {provider.name: provider.erase(email) for provider in providers()}
    logger.info(
        "Personal data erased for one address: %s",
        ", ".join(f"{name} {result.erased}" for name, result in results.items()),
    )
    return results


def users_with_email(email):
    """The user accounts whose own address this is."""
    return get_user_model().objects.filter(email__iexact=normalise_email(email)).exclude(email="")
