"""Throwaway storage for the site's processes: a PostgreSQL database of their own (or a SQLite
file), keys under a Redis prefix of their own; dropped, or deleted, at the end.

psycopg and redis are imported when used: without them, the fallbacks apply.
"""

import secrets
import urllib.parse
from contextlib import contextmanager


def with_database(url, name):
    """The PostgreSQL URL ``url``, naming the database ``name`` instead."""
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def postgres_admin(admin_url, **connect):
    """A connection (autocommit) to ``admin_url``; ``connect``: psycopg.connect's arguments."""
    import psycopg

    return psycopg.connect(admin_url, autocommit=True, **connect)


@contextmanager
def postgres_database(admin_url, name, admin=None):
    """A new database ``name`` on ``admin_url``'s server (one left by an earlier run of that
    name dropped first), dropped at the end WITH (FORCE). Yields {"kind", "name", "url"}.
    ``admin``: a connection to ``admin_url`` to use (else one of its own, closed at the end)."""
    own = admin is None
    if own:
        admin = postgres_admin(admin_url)
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {
                "kind": f"PostgreSQL {admin.info.server_version // 10000}",
                "name": name,
                "url": with_database(admin_url, name),
            }
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        if own:
            admin.close()


@contextmanager
def throwaway_database(admin_url, sqlite_path, prefix):
    """A new PostgreSQL database (``prefix``_ and random hex) when ``admin_url`` answers,
    dropped at the end; else SQLite at ``sqlite_path``. Yields {"kind", "url", ...}: "url" is
    None for SQLite, and "path" its file."""
    try:
        admin = postgres_admin(admin_url, connect_timeout=3)
    except Exception as error:
        print(f"  (no PostgreSQL at {admin_url}: {error}; using SQLite)")
        yield {"kind": "SQLite", "url": None, "path": sqlite_path}
        return
    with admin, postgres_database(admin_url, f"{prefix}_{secrets.token_hex(4)}", admin) as db:
        yield db


def database_environment(database):
    """The site's settings for ``database`` (from postgres_database or throwaway_database)."""
    if database["url"]:
        return {"DATABASE_URL": database["url"]}
    return {"SQLITE_PATH": str(database["path"])}


def redis_client(url):
    """A client of the Redis at ``url``, which answered a ping."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    client.ping()
    return client


@contextmanager
def redis_prefix(url, prefix, client=None):
    """The keys under ``prefix`` (Django's KEY_PREFIX: "``prefix``:...") in the Redis at ``url``,
    deleted at the end. Yields {"kind", "url", "prefix"}. ``client``: one for ``url`` to use
    (else one of its own); closed at the end."""
    client = client or redis_client(url)
    try:
        yield {"kind": "Redis", "url": url, "prefix": prefix}
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
        client.close()


@contextmanager
def throwaway_cache(url, prefix):
    """Keys under a prefix of their own (``prefix``- and random hex) in the Redis at ``url``,
    deleted at the end; else (no Redis there) each process's local memory, "url" None."""
    try:
        client = redis_client(url)
    except Exception as error:
        print(f"  (no Redis at {url}: {error}; each process caches on its own)")
        yield {"kind": "local memory", "url": None, "prefix": None}
        return
    with redis_prefix(url, f"{prefix}-{secrets.token_hex(4)}", client) as cache:
        yield cache


def cache_environment(cache):
    """The site's settings for ``cache`` (from redis_prefix or throwaway_cache): none for local
    memory."""
    if cache["url"]:
        return {"REDIS_URL": cache["url"], "CACHE_KEY_PREFIX": cache["prefix"]}
    return {}
