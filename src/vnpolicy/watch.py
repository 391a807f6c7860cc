"""Live sources: RSS/Atom feeds, sitemaps and URL lists, fetched politely, new articles stored.

A run lists every source (conditional GET: a feed or sitemap that answers
``304 Not Modified`` costs nothing), queues the article URLs it has not seen
yet, and fetches up to ``max_articles`` queued URLs per source: robots.txt
obeyed, one request per ``delay`` seconds per host, ``timeout`` per request,
``retries`` with exponential backoff (or the server's ``Retry-After``, up to
two minutes) on timeouts, connection errors, 429 and 5xx. Each page goes
through :func:`vnpolicy.page.article_from_html`, the extractor and the store.
A URL that keeps failing stays queued for ``max_attempts`` runs; a 4xx or a
page without article text is given up at once.

What was seen (validators of listings, the URL queue) lives in an SQLite state
file beside the configuration (``state:`` to move it), so any store URL works.

Configuration (YAML)::

    user_agent: "vnpolicy-watch (+mailto:ops@example.org)"
    delay: 2            # seconds between requests to one host
    timeout: 20         # seconds per request
    retries: 2          # extra tries of one request
    max_articles: 100   # articles fetched per source and run
    interval: 3600      # seconds between runs without --once
    sources:
      - feed: https://example.vn/rss/quoc-phong.rss
      - sitemap: https://example.vn/sitemap.xml
      - urls: [https://example.vn/a.html]
      - urls_file: more-urls.txt     # one URL a line, relative to this file
"""
from __future__ import annotations

import datetime as dt
import gzip
import sqlite3
import time
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import yaml

from .sources import url_id
from .text import InputError, decode

USER_AGENT = "vnpolicy-watch/1 (+https://github.com/vnpolicy)"
KINDS = ("feed", "sitemap", "urls", "urls_file")
_MAX_SITEMAPS = 50
_MAX_BODY = 32 << 20
_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 120.0


class WatchError(Exception):
    """A configuration that cannot be run."""


class FetchError(Exception):
    """A request that failed after its retries; ``permanent`` when retrying later is pointless."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class Source:
    kind: str  # feed | sitemap | urls
    name: str  # the feed/sitemap URL, or "urls:<n>" for a list
    urls: list[str] = field(default_factory=list)  # for kind "urls"


@dataclass
class Config:
    sources: list[Source]
    state: Path
    user_agent: str = USER_AGENT
    delay: float = 2.0
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    max_articles: int = 100
    max_attempts: int = 3
    interval: float = 3600.0


def load_config(path: str | Path) -> Config:
    """Read and check a YAML configuration; every problem is a WatchError naming the entry."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WatchError(f"{path}: {exc}") from None
    if isinstance(raw, list):
        raw = {"sources": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list) or not raw["sources"]:
        raise WatchError(f"{path}: expected a list of sources (or a mapping with 'sources:')")
    sources = []
    for i, entry in enumerate(raw["sources"], 1):
        kinds = [k for k in KINDS if isinstance(entry, dict) and k in entry]
        if len(kinds) != 1:
            raise WatchError(f"{path}: source {i} needs exactly one of {', '.join(KINDS)}")
        kind, value = kinds[0], entry[kinds[0]]
        if kind == "urls_file":
            try:
                lines = (path.parent / value).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise WatchError(f"{path}: source {i}: {exc}") from None
            kind, value = "urls", [x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#")]
        if kind == "urls":
            if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
                raise WatchError(f"{path}: source {i}: 'urls' must be a list of URLs")
            sources.append(Source("urls", entry.get("name") or f"urls:{i}", list(value)))
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            sources.append(Source(kind, value))
        else:
            raise WatchError(f"{path}: source {i}: {kind} must be an http(s) URL")
    options = {k: raw[k] for k in ("user_agent", "delay", "timeout", "retries", "backoff", "max_articles",
                                   "max_attempts", "interval") if k in raw}
    state = path.parent / raw.get("state", f"{path.stem}.state.sqlite")
    try:
        return Config(sources=sources, state=state, **options)
    except TypeError as exc:
        raise WatchError(f"{path}: {exc}") from None


class State:
    """The state file: validators of listings and the queue of article URLs."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS listings (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,
                                                 checked_at TEXT);
            CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, source TEXT NOT NULL,
                                             status TEXT NOT NULL DEFAULT 'queued',
                                             attempts INTEGER NOT NULL DEFAULT 0, reason TEXT,
                                             seen_at TEXT, done_at TEXT);
            CREATE INDEX IF NOT EXISTS urls_queue ON urls (source, status, seen_at);
        """)

    def close(self) -> None:
        self.db.close()

    def validators(self, url: str) -> dict[str, str]:
        row = self.db.execute("SELECT etag, last_modified FROM listings WHERE url = ?", (url,)).fetchone()
        headers = {}
        if row and row[0]:
            headers["If-None-Match"] = row[0]
        if row and row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def save_validators(self, url: str, response: Reply) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO listings VALUES (?, ?, ?, ?)",
                            (url, response.headers.get("etag"), response.headers.get("last-modified"), _now()))

    def enqueue(self, source: str, urls: list[str]) -> int:
        """Queue URLs never seen before; how many were new."""
        with self.db:
            before = self.db.total_changes
            self.db.executemany("INSERT OR IGNORE INTO urls (url, source, seen_at) VALUES (?, ?, ?)",
                                [(u, source, _now()) for u in urls])
            return self.db.total_changes - before

    def queued(self, source: str, limit: int) -> list[str]:
        return [u for (u,) in self.db.execute(
            "SELECT url FROM urls WHERE source = ? AND status = 'queued' ORDER BY seen_at, rowid LIMIT ?",
            (source, limit))]

    def finish(self, url: str, status: str, reason: str | None = None, max_attempts: int = 1) -> None:
        """Record an attempt: ``done``/``skipped`` end it, ``retry`` leaves the URL queued until
        ``max_attempts`` attempts, after which it is ``failed``."""
        with self.db:
            self.db.execute("UPDATE urls SET attempts = attempts + 1, reason = ?, done_at = ?, "
                            "status = CASE WHEN ? != 'retry' THEN ? WHEN attempts + 1 >= ? THEN 'failed' "
                            "ELSE 'queued' END WHERE url = ?",
                            (reason, _now(), status, status, max_attempts, url))

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, count(*) FROM urls GROUP BY status").fetchall())


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class RateLimiter:
    """At most one request per ``delay`` seconds to each host (clock and sleep injectable for tests)."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self.next_at: dict[str, float] = {}

    def wait(self, host: str) -> None:
        now = self.clock()
        at = self.next_at.get(host, now)
        if at > now:
            self.sleep(at - now)
            now = at
        self.next_at[host] = now + self.delay


@dataclass
class Reply:
    """A fetched response, its body read (and bounded)."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class Fetcher:
    """HTTP GET with robots.txt, per-host rate limit, timeouts and retries with backoff."""

    def __init__(self, config: Config, client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.config, self.sleep = config, sleep
        self.client = client or httpx.Client(timeout=config.timeout, follow_redirects=True,
                                             headers={"User-Agent": config.user_agent})
        self.limiter = RateLimiter(config.delay, sleep=sleep)
        self.robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def close(self) -> None:
        self.client.close()

    def allowed(self, url: str) -> bool:
        """robots.txt of the URL's site (read once per run): 4xx means no rules; an unreachable
        or failing robots.txt means nothing may be fetched from that site in this run."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
            try:
                r = self.get(f"{origin}/robots.txt", check_robots=False)
                parser.parse(r.text.splitlines())
            except FetchError as exc:
                if exc.permanent:
                    parser.allow_all = True
                else:
                    parser = None
            self.robots[origin] = parser
        parser = self.robots[origin]
        return parser is not None and parser.can_fetch(self.config.user_agent, url)

    def get(self, url: str, headers: dict[str, str] | None = None, check_robots: bool = True) -> Reply:
        """The response (2xx or 304); FetchError when robots.txt forbids it or every try failed."""
        if check_robots and not self.allowed(url):
            raise FetchError("disallowed by robots.txt", permanent=True)
        host = urlsplit(url).netloc
        problem, asked = "", 0.0
        for attempt in range(self.config.retries + 1):
            if attempt:
                self.sleep(max(asked, self.config.backoff * 2 ** (attempt - 1)))
            self.limiter.wait(host)
            try:
                with self.client.stream("GET", url, headers=headers or {}) as r:
                    if r.status_code in _RETRY_STATUS:
                        problem, asked = f"HTTP {r.status_code}", _retry_after(r.headers.get("retry-after"))
                        continue
                    if r.status_code >= 400:
                        raise FetchError(f"HTTP {r.status_code}", permanent=True)
                    body = bytearray()
                    for chunk in r.iter_bytes():
                        body += chunk
                        if len(body) > _MAX_BODY:
                            raise FetchError(f"larger than {_MAX_BODY >> 20} MiB", permanent=True)
                    return Reply(r.status_code, r.headers, bytes(body), str(r.url))
            except httpx.TimeoutException:
                problem = f"timed out after {self.config.timeout:g} s"
            except httpx.TransportError as exc:
                problem = f"connection failed ({exc.__class__.__name__})"
        raise FetchError(f"{problem} ({self.config.retries + 1} tries)")


def _retry_after(value: str | None) -> float:
    """Seconds a server asked us to wait (a number of seconds; dates are ignored), capped."""
    try:
        return min(max(float(value), 0.0), _MAX_RETRY_AFTER) if value else 0.0
    except ValueError:
        return 0.0


# --- listings ------------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _xml(body: bytes, what: str) -> ET.Element:
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise InputError(f"malformed {what} XML ({exc})") from None


def feed_links(body: bytes, base: str) -> list[str]:
    """Article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in feed order."""
    root = _xml(body, "feed")
    links = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":
            link = next((c for c in el if _local(c.tag) == "link" and (c.text or "").strip()), None)
            guid = next((c for c in el if _local(c.tag) == "guid" and (c.text or "").strip().startswith("http")),
                        None)
            if link is not None or guid is not None:
                links.append((link if link is not None else guid).text.strip())
        elif name == "entry":
            alternates = [c for c in el if _local(c.tag) == "link" and c.get("href")]
            best = next((c for c in alternates if c.get("rel", "alternate") == "alternate"), None)
            if best is not None:
                links.append(best.get("href").strip())
    if not links and _local(root.tag) not in ("rss", "rdf", "feed"):
        raise InputError(f"not an RSS or Atom feed (root element <{_local(root.tag)}>)")
    return list(dict.fromkeys(urljoin(base, u) for u in links))


def sitemap_links(body: bytes, base: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index (plain or gzip)."""
    root = _xml(body, "sitemap")
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise InputError(f"not a sitemap (root element <{kind}>)")
    locs = [urljoin(base, el.text.strip()) for el in root.iter() if _local(el.tag) == "loc" and el.text]
    return (locs, []) if kind == "urlset" else ([], locs)


# --- the run -------------------------------------------------------------------------------------

@dataclass
class SourceReport:
    source: str
    listed: int = 0
    new: int = 0
    not_modified: bool = False
    stored: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class Watcher:
    """One configuration against one store session."""

    def __init__(self, config: Config, session, fetcher: Fetcher | None = None):
        from .extract import extract

        self.config, self.session, self.extract = config, session, extract
        self.fetcher = fetcher or Fetcher(config)
        self.state = State(config.state)

    def close(self) -> None:
        self.fetcher.close()
        self.state.close()

    def _listing(self, url: str, report: SourceReport) -> bytes | None:
        """A feed's or sitemap's body, or None when unchanged since the last run."""
        r = self.fetcher.get(url, self.state.validators(url))
        if r.status_code == 304:
            report.not_modified = True
            return None
        body = r.content
        self.state.save_validators(url, r)
        return body

    def _discover(self, source: Source, report: SourceReport) -> Iterator[str]:
        if source.kind == "urls":
            yield from source.urls
        elif source.kind == "feed":
            body = self._listing(source.name, report)
            if body is not None:
                yield from feed_links(body, source.name)
        else:
            todo, visited = [source.name], set()
            while todo and len(visited) < _MAX_SITEMAPS:
                url = todo.pop(0)
                if url in visited:
                    continue
                visited.add(url)
                try:
                    body = self._listing(url, report)
                except (FetchError, InputError) as exc:
                    if url == source.name:
                        raise
                    report.errors.append(f"{url}: {exc}")
                    continue
                if body is not None:
                    pages, children = sitemap_links(body, url)
                    todo += children
                    yield from pages

    def _article(self, url: str, report: SourceReport) -> None:
        from .page import article_from_html
        from .store import ingest_record

        try:
            r = self.fetcher.get(url)
            ctype = r.headers.get("content-type", "")
            if ctype and "html" not in ctype.lower():
                raise FetchError(f"not an HTML page ({ctype})", permanent=True)
            text, warnings = decode(r.content, url)
            article = article_from_html(text, url_id(url), url, warnings, source=str(r.url))
            record = self.extract(article)
        except FetchError as exc:
            report.errors.append(f"{url}: {exc}")
            self.state.finish(url, "skipped" if exc.permanent else "retry", str(exc), self.config.max_attempts)
            return
        except InputError as exc:
            report.errors.append(str(exc))
            self.state.finish(url, "skipped", str(exc))
            return
        except Exception as exc:  # an extractor bug on one page must not stop the watch
            report.errors.append(f"{url}: extraction failed: {exc!r}")
            self.state.finish(url, "skipped", repr(exc))
            return
        stored = ingest_record(self.session, record)
        if self.session.in_transaction():
            self.session.commit()
        report.stored += stored
        report.unchanged += not stored
        self.state.finish(url, "done")

    def run_once(self) -> list[SourceReport]:
        reports = []
        for source in self.config.sources:
            report = SourceReport(source.name)
            reports.append(report)
            try:
                found = list(dict.fromkeys(u for u in self._discover(source, report)
                                           if u.startswith(("http://", "https://"))))
            except (FetchError, InputError) as exc:
                report.errors.append(f"{source.name}: {exc}")
                found = []
            report.listed = len(found)
            report.new = self.state.enqueue(source.name, found)
            for url in self.state.queued(source.name, self.config.max_articles):
                self._article(url, report)
        return reports


def watch(config: Config, session, once: bool = True,
          on_report: Callable[[list[SourceReport]], None] | None = None) -> list[SourceReport]:
    """Run the configuration once, or forever every ``interval`` seconds; the last run's reports."""
    watcher = Watcher(config, session)
    try:
        while True:
            reports = watcher.run_once()
            if on_report:
                on_report(reports)
            if once:
                return reports
            time.sleep(config.interval)
    finally:
        watcher.close()
