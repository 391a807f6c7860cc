"""Readers: files in, :class:`~vnpolicy.record.Article` out.

One entry point per need: ``read_path`` for one file (plain text, an HTML
page, or a JSON / JSON Lines / gzip JSON Lines collection), ``read_paths``
for many files and folders. Everything is a generator: a collection is
streamed line by line, and a single article file is read once, whole
(refused beyond ``MAX_ARTICLE_BYTES``). A bad file stops only itself, a bad
line of a collection only that line: both are reported through ``on_error``
as ``"<path>[:<line>]: <reason>"`` (logged when no callback is given).
"""
from __future__ import annotations

import gzip
import json
import logging
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .page import article_from_html, parse_iso, parse_stamp
from .record import Article
from .text import InputError, decode

__all__ = ["InputError", "MAX_ARTICLE_BYTES", "read_path", "read_paths", "article_from_text"]

OnError = Callable[[str], None]
MAX_ARTICLE_BYTES = 16 << 20  # a larger page or text is a dump, not one article
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"})
_TEXT_SUFFIXES = frozenset({".txt", ".text"})
_LOG = logging.getLogger(__name__)


def _report(on_error: OnError | None, message: str) -> None:
    (on_error or _LOG.warning)(message)


def _suffixes(path: Path) -> tuple[str, str]:
    """(format suffix, compression suffix): "a.jsonl.gz" → (".jsonl", ".gz")."""
    sfx = [s.lower() for s in path.suffixes]
    if sfx and sfx[-1] == ".gz":
        return (sfx[-2] if len(sfx) > 1 else ""), ".gz"
    return (sfx[-1] if sfx else ""), ""


def _stem(path: Path) -> str:
    name = path.name
    fmt, comp = _suffixes(path)
    return name[: len(name) - len(fmt) - len(comp)] or name


def _open(path: Path, compressed: bool) -> BinaryIO:
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def _read_bytes(path: Path, compressed: bool) -> bytes:
    name = str(path)
    try:
        with _open(path, compressed) as fh:
            data = fh.read(MAX_ARTICLE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{name}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"{name}: larger than {MAX_ARTICLE_BYTES >> 20} MiB, not one article")
    return data


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<head" in head


def article_from_text(text: str, id: str, warnings: list[str] | None = None,
                      title: str | None = None, published: str | None = None,
                      source: str | None = None) -> Article:
    """Plain text; a first line ``URL: ...`` becomes the source and leaves the text."""
    nl = text.find("\n")
    first = text[:nl if nl >= 0 else len(text)].lstrip("\ufeff").strip()
    if first[:4].lower() == "url:":
        source, text = first[4:].strip() or source, text[nl + 1:] if nl >= 0 else ""
    return Article(id=id, text=text, title=title, published=published, source=source,
                   warnings=list(warnings or []))


def read_path(path: Path | str, on_error: OnError | None = None) -> Iterator[Article]:
    """The articles of one file, chosen by suffix and, for unknown suffixes, by content.

    Raises InputError for a file that holds no readable article at all."""
    path = Path(path)
    if not path.is_file():  # a FIFO or device would block the reader forever
        raise InputError(f"{path}: {'not a regular file' if path.exists() else 'no such file'}")
    fmt, comp = _suffixes(path)
    if fmt in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path, comp == ".gz", on_error)
        return
    data = _read_bytes(path, comp == ".gz")
    name = str(path)
    if fmt == ".json":
        yield from _read_json(data, path, on_error)
        return
    text, warnings = decode(data, name)
    del data
    if fmt in _HTML_SUFFIXES or (fmt not in _TEXT_SUFFIXES and looks_like_html(text)):
        yield article_from_html(text, _stem(path), name, warnings)
    else:
        yield article_from_text(text, _stem(path), warnings)


def read_paths(paths: Iterable[Path | str], on_error: OnError | None = None) -> Iterator[Article]:
    """Articles of many files; folders are walked recursively in sorted order, hidden entries
    skipped. A file that cannot be read is reported and skipped, never raised."""
    for path in _expand(paths, on_error):
        try:
            yield from read_path(path, on_error)
        except InputError as exc:
            _report(on_error, str(exc))
        except OSError as exc:
            _report(on_error, f"{path}: {exc.strerror or exc}")


def _expand(paths: Iterable[Path | str], on_error: OnError | None) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            try:
                children = sorted(c for c in p.iterdir() if not c.name.startswith("."))
            except OSError as exc:
                _report(on_error, f"{p}: {exc.strerror or exc}")
                continue
            yield from _expand(children, on_error)
        elif p.is_file():
            yield p
        elif p.exists():
            _report(on_error, f"{p}: not a regular file")
        else:
            _report(on_error, f"{p}: no such file")


# --- collections ------------------------------------------------------------

_ID_KEYS = ("id", "_id", "doc_id", "article_id", "uid")
_URL_KEYS = ("url", "source", "link", "canonical_url", "href")
_TEXT_KEYS = ("text", "content", "body", "maintext", "main_text")
_HTML_KEYS = ("html", "raw_html", "content_html", "page")
_DATE_KEYS = ("published", "date", "published_at", "publish_date", "date_publish", "pubdate", "time")


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = item.get(k)
        if v not in (None, ""):
            return v
    return None


def article_from_item(item: Any, default_id: str, name: str) -> Article:
    """One JSON object with id/url/title/text or html fields → Article."""
    if not isinstance(item, dict):
        raise InputError(f"{name}: not a JSON object")
    ident = str(_first(item, _ID_KEYS) or default_id)
    url = _first(item, _URL_KEYS)
    url = url if isinstance(url, str) else None
    title = _first(item, ("title", "headline"))
    title = " ".join(title.split()) if isinstance(title, str) and title.strip() else None
    raw_date = _first(item, _DATE_KEYS)
    published = (parse_iso(raw_date) or parse_stamp(raw_date)) if isinstance(raw_date, str) else None
    text, html = _first(item, _TEXT_KEYS), _first(item, _HTML_KEYS)
    if isinstance(text, str) and text.strip():
        warnings = []
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
            warnings.append("composed decomposed (NFD) characters to NFC")
        return article_from_text(text, ident, warnings, title=title, published=published, source=url)
    if isinstance(html, str) and html.strip():
        art = article_from_html(html, ident, name, source=url)
        art.title = title or art.title
        art.published = published or art.published
        return art
    raise InputError(f"{name}: no text or html field")


def _read_jsonl(path: Path, compressed: bool, on_error: OnError | None) -> Iterator[Article]:
    name, stem = str(path), _stem(path)
    lineno = lines = 0
    try:
        with _open(path, compressed) as fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                lines += 1
                where = f"{name}:{lineno}"
                try:
                    item = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
                    yield article_from_item(item, f"{stem}-{lineno}", where)
                except UnicodeDecodeError:
                    _report(on_error, f"{where}: not UTF-8")
                except json.JSONDecodeError as exc:
                    _report(on_error, f"{where}: bad JSON ({exc.msg} at column {exc.colno})")
                except InputError as exc:
                    _report(on_error, str(exc))
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{name}: unreadable after line {lineno} "
                         f"({getattr(exc, 'strerror', None) or exc})") from None
    if not lines:
        raise InputError(f"{name}: empty file")


def _read_json(data: bytes, path: Path, on_error: OnError | None) -> Iterator[Article]:
    name, stem = str(path), _stem(path)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{name}: bad JSON ({getattr(exc, 'msg', None) or exc.reason})") from None
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    if isinstance(doc, dict):
        yield article_from_item(doc, stem, name)
        return
    if not isinstance(doc, list):
        raise InputError(f"{name}: neither a JSON object nor a list of objects")
    for i, item in enumerate(doc, 1):
        try:
            yield article_from_item(item, f"{stem}-{i}", f"{name}[{i}]")
        except InputError as exc:
            _report(on_error, str(exc))
