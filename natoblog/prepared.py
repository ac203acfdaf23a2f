"""Querysets built once: the SQL of a query that every page runs, compiled by the ORM once per
process for each shape, then run with the id it is for.

Building and compiling a queryset costs Python time on every request (for the threads of an
article, with its subquery and window, about as much as running it: make bench's "(cold)"
render). ``Prepared(build)`` asks ``build(MARK, *shape)`` for the queryset once per database
vendor and ``shape`` (what changes the SQL text itself: an order, a LIMIT), keeps its SQL and
parameters, and ``rows(value, *shape)`` runs that SQL with ``value`` wherever the mark stood
in the parameters: the same rows as the queryset's ``values_list`` gives, as tuples, for
fields that need no conversion from the database (ids, text, counts; times read as text).
"""

import threading

from django.db import connection

MARK = -8_675_309_112_358  # an id no row has: where the value goes in the parameters


class Prepared:
    def __init__(self, build):
        self._build = build
        self._compiled = {}
        self._lock = threading.Lock()

    def rows(self, value, *shape):
        key = (connection.vendor, *shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            sql, params = self._build(MARK, *shape).query.sql_with_params()
            if MARK not in params:
                raise ValueError("the queryset does not use the value it was built for")
            with self._lock:
                compiled = self._compiled.setdefault(key, (sql, tuple(params)))
        sql, params = compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, [value if param == MARK else param for param in params])
            return cursor.fetchall()
