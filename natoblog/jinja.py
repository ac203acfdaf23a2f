"""The Jinja2 engine ("jinja2" in TEMPLATES): the article page (its shell, the comment section
and the list of comments) is Jinja2, which compiles a template to Python and renders it in a
fraction of the Django template language's time (make bench's "render ms"); every other page
is the Django template language, and shares the header, the footer and the messages with it
through ``{% jinja "includes/header.html" %}`` (natoblog/templatetags/jinja.py).

``environment`` makes the engine's environment with what its templates use:

- ``_("text")``: the text in the page's language. Write each string as ``_("…")`` exactly
  (makemessages finds it there); one with placeholders is ``_("by %(name)s")|fill(name=…)``,
  which escapes the values and not the translation (as ``blocktranslate`` does).
- ``url(name, **kwargs)``, ``static(path)``, the ``date`` and ``html_datetime`` filters (in the
  current time zone), and ``urlencode`` as Django's filter writes it.
- ``csrf()`` in every POST form: the request's CSRF token field, or nothing on the page every
  anonymous reader shares (``shared_page``).
- What each app adds: the ``GLOBALS`` and ``FILTERS`` of its module ``jinja`` (as each app's
  ``templatetags`` adds tags), e.g. ``comment_section(article)`` from comments/jinja.py.

``Dedent`` drops the indentation at the start of each line of a template's source, before it
is compiled: the markup keeps its line breaks (so the page reads and renders the same: a line
break is white space as the indentation was) and loses the spaces the template is indented
with, which a page of a thousand comments otherwise repeats some 60,000 times. Only the
template's own text is touched, never a value put into it (a comment's <pre> keeps its
spaces); so a template of this engine must not rely on indentation in its own text (no
literal <pre> or <textarea> content).
"""

import re
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import urlencode
from django.utils import timezone, translation
from django.utils.autoreload import file_changed
from django.utils.translation import gettext
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from markupsafe import Markup

from natoblog import links
from natoblog.links import static
from natoblog.templatetags.html_dates import html_datetime

INDENTATION = re.compile(r"\n[ \t]+")


class Dedent(Extension):
    def preprocess(self, source, name, filename=None):
        return INDENTATION.sub("\n", source)


def fill(text, **values):
    """A translation with placeholders (``%(name)s``) filled with escaped values."""
    return Markup(text) % values


def date(value, format_string=None):
    """Django's ``date`` filter, in the current time zone as in its templates."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return django_date(value, format_string)


def url(name, *args, **kwargs):
    """Django's ``reverse``, each address worked out once per process (natoblog/links.py: a
    page asks for about twenty, the same each time)."""
    return links.reverse(name, args=args, kwargs=kwargs)


@pass_context
def csrf(context):
    """A form's CSRF token field: the request's, but on the page every anonymous reader shares
    (``shared_page``), which carries none (natoblog/csrf.py; README, "Per-reader bytes")."""
    if context.get("shared_page"):
        return ""
    request = context.get("request")
    if request is None:
        return context.get("csrf_input", "")
    # one masked token for the response's forms (each would mask it again: the same secret)
    field = request.__dict__.get("_csrf_field")
    if field is None:
        field = request._csrf_field = Markup(str(context.get("csrf_input", "")))
    return field


def translations(request):
    """The Jinja2 engine's context processor: ``_`` for the request's language, each text
    looked up once per process (Django's ``gettext`` finds the active language anew for each
    of a page's thirty-odd texts). Without a request, the global ``_`` (``gettext``) serves."""
    language = translation.get_language()
    found = _translators.get(language)
    if found is None:
        found = _translators[language] = _translator(language)
    return {"_": found}


def _translator(language):
    texts = {}

    def translate(message):
        try:
            return texts[message]
        except KeyError:
            with translation.override(language):
                text = texts[message] = gettext(message)
            return text

    return translate


_translators = {}  # language -> its translate(message)


def _forget_translations(setting=None, file_path=None, **kwargs):
    """Catalogues changed (a setting in tests; a .mo file under the development server)."""
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS") or (
        file_path is not None and str(file_path).endswith(".mo")
    ):
        _translators.clear()


setting_changed.connect(_forget_translations)
file_changed.connect(_forget_translations)


def environment(**options):
    env = Environment(**options)
    env.globals.update(_=gettext, url=url, static=static, csrf=csrf)
    env.globals.update(get_language=translation.get_language)
    env.filters.update(fill=fill, date=date, html_datetime=html_datetime, urlencode=urlencode)
    for config in apps.get_app_configs():  # the site's own apps (those under BASE_DIR)
        name = f"{config.name}.jinja"
        if Path(config.path).is_relative_to(settings.BASE_DIR) and find_spec(name):
            module = import_module(name)
            env.globals.update(getattr(module, "GLOBALS", {}))
            env.filters.update(getattr(module, "FILTERS", {}))
    return env
