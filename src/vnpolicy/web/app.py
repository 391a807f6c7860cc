"""The application factory and what every route shares: sessions, language, auth, cache."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..store import open_store
from ..store.models import Article
from . import guard, tokens, tracker
from .i18n import LANGS, translator
from .settings import Settings

HERE = FilePath(__file__).parent
SESSION_COOKIE = "vnp_editor"
#: A random value per browser, set with the sign-in form: binds CSRF tokens before sign-in.
CSRF_COOKIE = "vnp_csrf"


def create_app(db_url: str | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = open_store(db_url)
    app = FastAPI(title="vnpolicy", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.write_lock = threading.Lock()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from . import api, feeds, pages  # routes need the helpers below

    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.mount("/api/v1", api.create_api(app))
    app.add_middleware(PageCache, engine=engine, settings=settings)
    # outermost last: headers on every answer (429 and 413 included), then limits before any body is read
    app.add_middleware(guard.StripNul)
    app.add_middleware(guard.BodyLimit, limit=settings.max_body)
    app.add_middleware(guard.RateLimit, rate=settings.rate_limit, burst=settings.rate_burst)
    app.add_middleware(guard.SecurityHeaders)
    return app


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def write_records(request: Request, session: Session, records: list) -> list[bool]:
    """Store records (True: new) one writer at a time in this process. SQLite cannot turn a
    reading transaction into a writing one once another writer has committed ("database is
    locked" at once, whatever the busy timeout), so writers here queue on a lock, and a
    transaction that still meets another process's write is rolled back and run again
    (storing is idempotent: an article is known by its content hash)."""
    from ..store import ingest_record

    out: list[bool] = []
    with request.app.state.write_lock:
        for record in records:
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    out.append(ingest_record(session, record))
                    session.commit()
                    break
                except OperationalError as exc:
                    session.rollback()
                    if "locked" not in str(exc) or attempt == WRITE_ATTEMPTS - 1:
                        raise
                    time.sleep(0.05 * 2 ** attempt)
    return out


WRITE_ATTEMPTS = 6


def store_version(engine: Engine) -> tuple:
    """Changes whenever the store does. An SQLite file (and its write-ahead log) is stamped on
    every commit, so two stat calls do; other databases are asked for the newest article and
    the count (a delete changes the count)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        stamps: list[int] = []
        for path in (url.database, url.database + "-wal"):
            try:
                st = os.stat(path)
                stamps += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                stamps += [0, 0]
        return tuple(stamps)
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.max(Article.id), func.count(Article.id))).one())


class PageCache:
    """Rendered pages (GET, HTML, 200 or 404) kept while the store is unchanged and for at
    most ``ttl`` seconds, answered before routing: a page of a much-cited document aggregates
    thousands of rows, while the store changes only when articles are ingested. Requests of
    signed-in editors, language switches (they set a cookie) and closed deployments pass by."""

    SKIP = ("/api/", "/static/", "/feeds/", "/login", "/logout", "/ingest", "/a/")

    def __init__(self, app, engine: Engine, settings: Settings, size: int = 4096):
        self.app, self.engine, self.ttl, self.size = app, engine, settings.cache_seconds, size
        self.enabled = settings.cache_seconds > 0 and not settings.closed_reads
        self._d: OrderedDict = OrderedDict()
        self._version: tuple | None = None
        self._lock = threading.Lock()

    def _key(self, scope) -> tuple | None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(self.SKIP):
            return None
        query = scope.get("query_string", b"")
        if b"lang=" in query:
            return None
        cookies = {}
        for name, value in scope["headers"]:
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    k, _, v = part.strip().partition("=")
                    cookies[k] = v
        if SESSION_COOKIE in cookies:
            return None
        lang = cookies.get("lang") if cookies.get("lang") in LANGS else "vi"
        return scope["path"], query, lang, store_version(self.engine)

    async def __call__(self, scope, receive, send):
        key = self._key(scope) if self.enabled else None
        if key is None:
            return await self.app(scope, receive, send)
        with self._lock:
            if key[-1] != self._version:  # the store changed: pages of older versions can never hit again
                self._d.clear()
                self._version = key[-1]
            hit = self._d.get(key)
            if hit and time.monotonic() - hit[0] < self.ttl:
                self._d.move_to_end(key)
            else:
                hit = None
        if hit:
            _, status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        captured: dict = {"body": []}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], list(message["headers"])
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        headers = captured.get("headers", [])
        html = any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers)
        if captured.get("status") in (200, 404) and html and not any(k == b"set-cookie" for k, _ in headers):
            with self._lock:
                if key[-1] != self._version:  # rendered from a store that has changed since
                    return
                self._d[key] = (time.monotonic(), captured["status"], headers, b"".join(captured["body"]))
                self._d.move_to_end(key)
                while len(self._d) > self.size:
                    self._d.popitem(last=False)


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang")
    return lang if lang in LANGS else "vi"


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth[:7].lower() == "bearer " else None


def sign(settings: Settings, value: str) -> str:
    return hmac.new(settings.secret, value.encode(), hashlib.sha256).hexdigest()


def editor(request: Request) -> tokens.Token | None:
    """The token behind the request: a bearer header, else the signed editor cookie."""
    s: Settings = request.app.state.settings
    if tok := tokens.check(s.tokens_file, bearer(request)):
        return tok
    cookie = request.cookies.get(SESSION_COOKIE, "")
    ident, _, mac = cookie.partition(".")
    if ident and hmac.compare_digest(mac.encode(), sign(s, "editor:" + ident).encode()):
        return tokens.by_id(s.tokens_file, ident)
    return None


def csrf_nonce(request: Request) -> str:
    """This browser's CSRF cookie value, made now (and set by :func:`render`) when it has none."""
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(CSRF_COOKIE, "")
    if not nonce:
        nonce = request.state.csrf_nonce = secrets.token_hex(16)
    return nonce


def csrf_token(request: Request) -> str:
    """The token forms carry: an HMAC of the editor cookie and the CSRF cookie, so a page of
    another site can neither read nor forge it (and the cookies are SameSite=Strict too)."""
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(CSRF_COOKIE, "")
    return sign(request.app.state.settings, f"csrf:{request.cookies.get(SESSION_COOKIE, '')}:{nonce}")


def check_csrf(request: Request, token: str) -> None:
    """403 unless ``token`` is this browser's (compared in constant time, as bytes: any text may come)."""
    bound = request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE)
    if not bound or not hmac.compare_digest((token or "").encode(), csrf_token(request).encode()):
        raise HTTPException(403, "CSRF token missing or wrong")


def require_reader(request: Request) -> None:
    """Open unless the settings close reads; then any live token (header or cookie) reads."""
    if request.app.state.settings.closed_reads and editor(request) is None:
        raise HTTPException(401, "token required", headers={"WWW-Authenticate": "Bearer"})


def require_writer(request: Request) -> tokens.Token:
    tok = editor(request)
    if tok is None:
        raise HTTPException(401, "token required", headers={"WWW-Authenticate": "Bearer"})
    return tok


def render(request: Request, name: str, ctx: dict, status: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    t = translator(lang)

    def stage_label(stage: str) -> str:
        """ "so_ket 5 năm" → "Sơ kết 5 năm"; "issued" → its own label."""
        head, _, rest = stage.partition(" ")
        return " ".join(x for x in (t("issued_stage" if head == "issued" else head), rest) if x)

    ctx = {"request": request, "t": t, "lang": lang, "editor": editor(request), "stage_label": stage_label,
           "stage_kind": tracker.stage_kind} | ctx
    resp = request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)
    if request.query_params.get("lang") in LANGS:
        resp.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    if nonce := getattr(request.state, "csrf_nonce", None):
        resp.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return resp


Reader = Depends(require_reader)
DbSession = Annotated[Session, Depends(get_session)]
#: The largest row id: ids are portable 32-bit INTEGER columns (PostgreSQL refuses larger values).
MAX_ROW_ID = 2**31 - 1
#: A row id in a URL.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def from_environment() -> FastAPI:
    """The app as ``vnpolicy serve`` configures it for each uvicorn worker (through the environment)."""
    import os

    return create_app(os.environ.get("VNPOLICY_WEB_DB"),
                      Settings(cache_seconds=float(os.environ.get("VNPOLICY_WEB_CACHE", "300"))))
