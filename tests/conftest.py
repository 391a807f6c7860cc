import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests check behaviour, not speed: a loaded 2-core CI machine must not fail them on time.
settings.register_profile("vnpolicy", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("vnpolicy")

REPO = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    return Path(os.environ.get("VNPOLICY_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    p = _shared()
    if not (p / "gold" / "dev").is_dir():
        pytest.fail(f"shared material not found at {p} (set VNPOLICY_SHARED)")
    return p


@pytest.fixture
def db_url(tmp_path) -> str:
    """A fresh, empty database for one test.

    SQLite by default; when ``VNPOLICY_TEST_PG`` holds a server URL
    (``postgresql+psycopg://postgres@127.0.0.1:PORT/postgres``) each test gets
    its own new PostgreSQL database on that server instead.
    """
    base = os.environ.get("VNPOLICY_TEST_PG")
    if not base:
        return f"sqlite:///{tmp_path / 'test.db'}"
    from tests.pg import fresh_database  # the PostgreSQL helper lives with the tests

    return fresh_database(base)


@pytest.fixture(scope="session")
def dev_db(tmp_path_factory, shared_dir) -> str:
    """A store holding every ../shared/gold/dev article, ingested through the real pipeline
    (SQLite, or a new database on the ``VNPOLICY_TEST_PG`` server)."""
    from typer.testing import CliRunner

    from vnpolicy.cli import app

    base = os.environ.get("VNPOLICY_TEST_PG")
    if base:
        from tests.pg import fresh_database

        url = fresh_database(base)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('devdb') / 'dev.db'}"
    files = sorted(str(p) for p in (shared_dir / "gold" / "dev").glob("*.txt"))
    res = CliRunner().invoke(app, ["ingest", *files, "--db", url])
    assert res.exit_code == 0, res.output
    return url

