"""Command line: small composable commands over the store (Typer + Rich).

Each concern registers its commands on the one ``app`` from its own module.
"""
from __future__ import annotations

from .common import app

from . import extract as _extract  # noqa: E402,F401  (registers commands)
from . import store as _store  # noqa: E402,F401
from . import track as _track  # noqa: E402,F401
from . import bulk as _bulk  # noqa: E402,F401
from . import watch as _watch  # noqa: E402,F401
from . import admin as _admin  # noqa: E402,F401
from . import web as _web  # noqa: E402,F401

__all__ = ["app"]
