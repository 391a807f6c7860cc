"""Large inputs, read lazily as :class:`Item`\\ s: one article each, not yet decoded.

The bulk pipeline splits reading in two. The driver walks the inputs
(folders, JSON Lines plain or gzip, WARC, Parquet) and cuts them into
``Item``\\ s, which are cheap to pickle: a file's path, a raw JSON line, a
WARC response's bytes, a Parquet row. The expensive part, decoding and HTML
main-text extraction (:mod:`vnpolicy.ingest`, :mod:`vnpolicy.page`), runs on a
worker in :func:`articles`. Nothing here holds more than one record of an
input in memory, whatever the input's size.

``read_sources`` chains both halves for single-process use.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .ingest import MAX_ARTICLE_BYTES, article_from_item, read_path
from .page import article_from_html
from .record import Article
from .text import InputError, decode

OnError = Callable[[str], None]

_PARQUET_BATCH = 256
_SLUG = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Item:
    """One article as its input holds it. ``kind`` says how :func:`articles` reads ``payload``:
    ``file`` (a path), ``json`` (a raw JSON line), ``row`` (a dict), ``html`` ((url, bytes))."""

    kind: str
    where: str  # "path", "path:line", "path@offset", "path#row": where errors point
    default_id: str
    payload: Any


def url_id(url: str) -> str:
    """A readable article id from a URL: its last path segment without extension, else the host."""
    parts = urlsplit(url)
    segment = next((s for s in reversed(parts.path.split("/")) if s), "")
    stem = segment.rsplit(".", 1)[0] if "." in segment else segment
    return _SLUG.sub("-", stem or parts.netloc or url).strip("-")[:120] or "page"


def articles(item: Item, on_error: OnError | None = None) -> list[Article]:
    """The article(s) of one item (a ``.json`` file may hold several, its bad entries going to
    ``on_error``). Raises InputError when the item holds no readable article."""
    if item.kind == "file":
        return list(read_path(item.payload, on_error))
    if item.kind == "json":
        try:
            obj = json.loads(item.payload.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InputError(f"{item.where}: not UTF-8") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{item.where}: bad JSON ({exc.msg} at column {exc.colno})") from None
        return [article_from_item(obj, item.default_id, item.where)]
    if item.kind == "row":
        return [article_from_item(item.payload, item.default_id, item.where)]
    if item.kind == "html":
        url, data = item.payload
        text, warnings = decode(data, item.where)
        return [article_from_html(text, item.default_id, item.where, warnings, source=url)]
    raise InputError(f"{item.where}: unknown item kind {item.kind!r}")


def _format(path: Path) -> str:
    name = path.name.lower()
    for fmt, endings in (("jsonl", (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")),
                         ("warc", (".warc", ".warc.gz", ".arc", ".arc.gz")),
                         ("parquet", (".parquet", ".pq"))):
        if name.endswith(endings):
            return fmt
    return "file"


def _stem(path: Path) -> str:
    return path.name.split(".", 1)[0] or path.name


def _jsonl(path: Path, on_error: OnError) -> Iterator[Item]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    lineno = 0
    try:
        with opener(path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                if len(raw) > MAX_ARTICLE_BYTES:
                    on_error(f"{path}:{lineno}: line larger than {MAX_ARTICLE_BYTES >> 20} MiB")
                elif raw.strip():
                    yield Item("json", f"{path}:{lineno}", f"{_stem(path)}-{lineno}", raw)
    except (OSError, EOFError, zlib.error) as exc:
        on_error(f"{path}: unreadable after line {lineno} ({getattr(exc, 'strerror', None) or exc})")


def _warc(path: Path, on_error: OnError) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    offset = 0
    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh, arc2warc=True)
            for record in records:
                if record.rec_type not in ("response", "resource"):
                    continue
                http = record.http_headers
                ctype = (http.get_header("Content-Type") if http else record.rec_headers.get_header(
                    "Content-Type")) or ""
                if http and not http.get_statuscode().startswith("2"):
                    continue
                if "html" not in ctype.lower():
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                data = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
                offset = records.get_record_offset()  # only valid once the content is read
                where = f"{path}@{offset}"
                if len(data) > MAX_ARTICLE_BYTES:
                    on_error(f"{where}: larger than {MAX_ARTICLE_BYTES >> 20} MiB, not one article")
                    continue
                yield Item("html", where, url_id(url) if url else f"{_stem(path)}-{offset}", (url or None, data))
    except (OSError, EOFError, zlib.error, ArchiveLoadFailed) as exc:
        on_error(f"{path}: unreadable after offset {offset} ({getattr(exc, 'strerror', None) or exc})")


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as a JSON-like item: scalars kept, dates and timestamps as ISO text."""
    out = {}
    for k, v in row.items():
        if isinstance(v, (dt.date, dt.datetime)):
            out[k] = v.isoformat()
        elif isinstance(v, (str, int, float, bool)):
            out[k] = v
    return out


def _parquet(path: Path, on_error: OnError) -> Iterator[Item]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = 0
    try:
        with pq.ParquetFile(path) as pf:
            for batch in pf.iter_batches(batch_size=_PARQUET_BATCH):
                for obj in batch.to_pylist():
                    row += 1
                    yield Item("row", f"{path}#{row}", f"{_stem(path)}-{row}", _plain(obj))
    except (OSError, pa.ArrowException) as exc:
        on_error(f"{path}: unreadable after row {row} ({exc})")


_READERS = {"jsonl": _jsonl, "warc": _warc, "parquet": _parquet}


def files(paths: Iterable[Path | str], on_error: OnError) -> Iterator[Path]:
    """Input files in a stable order: folders walked recursively and sorted, hidden entries skipped."""
    for p in map(Path, paths):
        if p.is_dir():
            try:
                children = sorted(c for c in p.iterdir() if not c.name.startswith("."))
            except OSError as exc:
                on_error(f"{p}: {exc.strerror or exc}")
                continue
            yield from files(children, on_error)
        elif p.is_file():
            yield p
        else:
            on_error(f"{p}: {'not a regular file' if p.exists() else 'no such file'}")


def items(paths: Iterable[Path | str], on_error: OnError) -> Iterator[Item]:
    """Every article item of the inputs, streamed; unreadable inputs are reported and skipped."""
    for path in files(paths, on_error):
        reader = _READERS.get(_format(path))
        if reader is None:
            yield Item("file", str(path), _stem(path), str(path))
        else:
            yield from reader(path, on_error)


def read_sources(paths: Iterable[Path | str], on_error: OnError) -> Iterator[Article]:
    """Articles of all inputs in one process (what a worker does, without the cluster)."""
    for item in items(paths, on_error):
        try:
            yield from articles(item, on_error)
        except InputError as exc:
            on_error(str(exc))
