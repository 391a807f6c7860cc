"""Web app and HTTP API over the store: server-rendered pages (Vietnamese, English on
``?lang=en``), JSON API under ``/api/v1``, Atom feeds and the review calendar.

``create_app(db_url, settings)`` builds it; ``vnpolicy serve`` runs it with uvicorn.
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
