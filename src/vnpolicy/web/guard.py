"""What wraps every request: security headers, a per-client rate limit on writes, a cap
on request bodies. Plain ASGI middleware, so they also cover the mounted API and the
page cache's replies, and refuse before a body is read."""
from __future__ import annotations


import math
import re
import threading
import time
from collections import OrderedDict

from fastapi import HTTPException

#: Pages are plain HTML and CSS from this origin: no script at all, no inline style, no frames.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SecurityHeaders:
    """Adds the headers above to every response; a route that needs its own policy (the API
    docs page) sets ``content-security-policy`` itself and keeps it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in have]
                if b"content-security-policy" not in have:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = message | {"headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send, status: int, text: str, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


class StripNul:
    """Drop NUL characters from the path and query before anything reads them: no database
    stores one in text (PostgreSQL refuses the whole statement), and no name, key or search
    term contains one."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            query = scope.get("query_string", b"")
            if b"%00" in query or b"\x00" in query or "\x00" in scope.get("path", ""):
                scope = dict(scope, path=scope["path"].replace("\x00", ""),
                             query_string=re.sub(rb"%00|\x00", b"", query))
        await self.app(scope, receive, send)


class TokenBuckets:
    """One bucket per client: ``burst`` requests at once, refilled at ``rate`` per second.
    At most ``size`` clients are remembered (least recently seen dropped: a full bucket)."""

    def __init__(self, rate: float, burst: int, size: int = 10_000):
        self.rate, self.burst, self.size = rate, max(1, burst), size
        self._b: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """0 when the request may go; else the seconds until it could."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._b.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._b[client] = (tokens - 1, now)
                wait = 0.0
            else:
                self._b[client] = (tokens, now)
                wait = (1 - tokens) / self.rate
            self._b.move_to_end(client)
            while len(self._b) > self.size:
                self._b.popitem(last=False)
            return wait


class RateLimit:
    """Writes (every method but GET, HEAD, OPTIONS: ``POST /api/v1/extract``, ``/api/v1/articles``,
    ``/ingest``, ``/login``, ``/logout``) take a token from the client address's bucket;
    an empty bucket answers 429 with ``Retry-After``. ``rate`` ≤ 0 turns it off. The buckets
    live in the worker process (``--workers N`` allows N times as much)."""

    def __init__(self, app, rate: float, burst: int):
        self.app = app
        self.buckets = TokenBuckets(rate, burst) if rate > 0 else None

    async def __call__(self, scope, receive, send):
        if self.buckets is None or scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.buckets.take(client)
        if wait > 0:
            return await _plain(send, 429, "too many requests\n",
                                [(b"retry-after", str(max(1, math.ceil(wait))).encode())])
        await self.app(scope, receive, send)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"request body over {limit} bytes")


class BodyLimit:
    """Request bodies over ``limit`` bytes get 413: at once from ``Content-Length``, else
    (chunked) as soon as the bytes read pass the limit, before the app sees more."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.limit <= 0:
            return await self.app(scope, receive, send)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    return await _plain(send, 400, "bad content-length\n")
                if declared > self.limit:
                    return await _plain(send, 413, f"request body over {self.limit} bytes\n",
                                        [(b"connection", b"close")])
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await _plain(send, 413, f"request body over {self.limit} bytes\n", [(b"connection", b"close")])
