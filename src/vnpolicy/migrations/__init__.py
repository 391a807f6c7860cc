"""Alembic migrations of the store, run from code by :func:`vnpolicy.store.db.upgrade`."""
