"""Middleware for a database that goes away for a moment (a restart, a failover, a killed
connection): the site answers 503 and carries on by itself, rather than 500 or 400."""

import logging

from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DataError, InterfaceError, OperationalError, connections
from django.shortcuts import render

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER = 10


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, except that a session that cannot be saved because the database connection
    just died is saved once more on a fresh connection, and otherwise left unsaved (logged):
    the response stands. Without this, a comment already stored would be answered with
    Django's bare 400 (SessionInterrupted) or a 500."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, *DATABASE_ERRORS):
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close_if_unusable_or_obsolete()  # the next query reconnects
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, *DATABASE_ERRORS):
            logger.warning("Session not saved: the database is unavailable", exc_info=True)
            return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is unreachable answers 503 with Retry-After (a
    page that needs no database), which proxies and browsers understand as "try again"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=True)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response


class BadValueMiddleware:
    """A value the database cannot hold (a number too large for its column, sent in a query
    string to the admin's filters, say) is the sender's mistake: 400, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OverflowError | DataError):
            return None
        logger.info("Bad value: %s %s (%s)", request.method, request.path, exception)
        return render(request, "400.html", status=400)
