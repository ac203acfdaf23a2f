"""The import commands' output: a progress bar on a terminal only, then the report."""

import io

import pytest
from django.core.management import call_command

from tests.moving.helpers import WORDPRESS_EDGES

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_progress_bar_then_the_report(essay):
    out = Terminal()
    call_command("import_wordpress", str(WORDPRESS_EDGES), stdout=out)
    text = out.getvalue()
    assert "WordPress" in text  # the bar's label
    assert "\x1b[" in text  # drawn with the terminal's control sequences
    assert "Created: articles: 3" in text


def test_a_file_or_pipe_gets_the_report_only(essay):
    out = io.StringIO()
    call_command("import_wordpress", str(WORDPRESS_EDGES), stdout=out)
    assert out.getvalue().startswith("Created: articles: 3")
    assert "\x1b[" not in out.getvalue()
