"""PostgreSQL for the tests: a new, empty database per test on the server of ``VNPOLICY_TEST_PG``.

The server is a throw-away one (``scripts/ci/postgres.sh``), so databases are
not dropped after the test: the whole cluster goes away with its folder.
"""
from __future__ import annotations

import itertools
import os
import uuid

import psycopg
from sqlalchemy.engine import make_url

_counter = itertools.count()


def fresh_database(base_url: str) -> str:
    """Create a database on the server of ``base_url`` (a SQLAlchemy URL) and return its URL."""
    url = make_url(base_url)
    name = f"vnpolicy_test_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                         dbname=url.database or "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    return url.set(database=name).render_as_string(hide_password=False)
