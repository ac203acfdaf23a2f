"""Social log-in without the network, the way allauth's own provider tests do it: every HTTP
call allauth makes goes through ``requests.Session.request``, which is replaced here by canned
answers from the provider's token and profile endpoints. A call to any other address fails
the test."""

import copy
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock
from urllib.parse import parse_qs, urlparse

import requests
from django.conf import settings as django_settings
from django.urls import reverse

ESSAY_RESPOND = "/articles/the-future-of-nato/#respond"


def enable_providers(settings, *provider_ids, **apps):
    """Switch providers on as the environment variables would: a settings-based app each.
    With no ids, switch every provider off (whatever the developer's environment holds)."""
    providers = copy.deepcopy(django_settings.SOCIALACCOUNT_PROVIDERS)
    for provider_id, config in providers.items():
        config.pop("APPS", None)
        if provider_id in provider_ids:
            config["APPS"] = [
                apps.get(provider_id, {"client_id": f"{provider_id}-id", "secret": "s3cret"})
            ]
    settings.SOCIALACCOUNT_PROVIDERS = providers


def json_response(url, data, status=200):
    response = requests.Response()
    response.status_code = status
    response.url = url
    response.headers["Content-Type"] = "application/json"
    response._content = json.dumps(data).encode()
    return response


@dataclass
class FakeProvider:
    """Answers {(method, url without query): JSON} and records every request."""

    answers: dict
    calls: list = field(default_factory=list)

    def request(self, session, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        key = (method.upper(), url.split("?")[0])
        if key not in self.answers:
            raise AssertionError(f"unexpected HTTP call {method} {url}")
        status, data = self.answers[key]
        return json_response(url, data, status)

    def call_to(self, method, url):
        return next(kwargs for m, u, kwargs in self.calls if (m.upper(), u) == (method, url))


@contextmanager
def mocked_provider(answers):
    """answers: {("GET", url): data} or {("GET", url): (status, data)}."""
    normalised = {
        key: value if isinstance(value, tuple) else (200, value) for key, value in answers.items()
    }
    fake = FakeProvider(normalised)

    def request(session, method, url, **kwargs):
        return fake.request(session, method, url, **kwargs)

    with mock.patch.object(requests.Session, "request", request):
        yield fake


@dataclass
class Flow:
    authorize_url: str
    authorize_params: dict
    callback: object  # the response to the provider's redirect back
    provider: FakeProvider


def click_icon(client, provider_id, next_url=ESSAY_RESPOND, process="login"):
    """What the icon's button posts."""
    return client.post(reverse(f"{provider_id}_login"), {"process": process, "next": next_url})


def social_login(client, provider_id, answers, next_url=ESSAY_RESPOND, process="login"):
    """Click the provider's icon, then come back from the provider with a code: the whole
    OAuth 2 flow, the provider's endpoints answered by ``answers``."""
    start = click_icon(client, provider_id, next_url, process)
    assert start.status_code == 302, start.content.decode()[:500]
    location = urlparse(start["Location"])
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    with mocked_provider(answers) as fake:
        callback = client.get(
            reverse(f"{provider_id}_callback"), {"code": "the-code", "state": params["state"]}
        )
    return Flow(
        authorize_url=f"{location.scheme}://{location.netloc}{location.path}",
        authorize_params=params,
        callback=callback,
        provider=fake,
    )
