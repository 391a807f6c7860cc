"""Readers: files in, :class:`~vnpolicy.record.Article` out."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .record import Article


class InputError(Exception):
    """A file that cannot be read or parsed; the message names the file and the reason."""


def read_path(path: Path) -> Iterator[Article]:
    raw = path.read_text(encoding="utf-8")
    source = None
    first, _, rest = raw.partition("\n")
    if first.startswith("URL:"):
        source, raw = first[4:].strip(), rest
    yield Article(id=path.stem, text=raw, source=source)
