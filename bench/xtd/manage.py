#!/usr/bin/env python
"""The django-comments-xtd site of the benchmark: run with its own virtualenv's python."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xtdbench.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
