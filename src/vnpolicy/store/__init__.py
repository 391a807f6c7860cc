"""The store: articles and the facts extracted from them, in any SQLAlchemy database.

``open_store(url)`` connects and migrates; ``ingest_record(session, record)``
writes one article atomically; :mod:`.queries` and :mod:`.search` read.
"""
from .db import connect, default_url, describe, open_store, resolve_url, upgrade
from .write import content_hash, document_scope, ingest_record

__all__ = ["connect", "content_hash", "default_url", "describe", "document_scope", "ingest_record",
           "open_store", "resolve_url", "upgrade"]
