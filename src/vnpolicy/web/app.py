"""The application factory and what every route shares: sessions, language, auth, cache."""
from __future__ import annotations

import hashlib
import hmac
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
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ..store import open_store
from ..store.models import Article
from . import tokens, tracker
from .i18n import LANGS, translator
from .settings import Settings

HERE = FilePath(__file__).parent
SESSION_COOKIE = "vnp_editor"


class Cache:
    """Rendered reads, reused while the store is unchanged (same newest article and count)
    and for at most ``ttl`` seconds: pages of much-cited documents aggregate many rows."""

    def __init__(self, ttl: float, size: int = 2048):
        self.ttl, self.size, self._d, self._lock = ttl, size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            hit = self._d.get(key)
            if hit and time.monotonic() - hit[0] < self.ttl:
                self._d.move_to_end(key)
                return hit[1]
        return None

    def put(self, key, value) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._d[key] = (time.monotonic(), value)
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


def create_app(db_url: str | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = open_store(db_url)
    app = FastAPI(title="vnpolicy", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.cache = Cache(settings.cache_seconds)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from . import api, feeds, pages  # routes need the helpers below

    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.mount("/api/v1", api.create_api(app))
    return app


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def store_version(session: Session) -> tuple:
    return tuple(session.execute(select(func.max(Article.id), func.count(Article.id))).one())


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
    if ident and hmac.compare_digest(mac, sign(s, "editor:" + ident)):
        return tokens.by_id(s.tokens_file, ident)
    return None


def csrf_token(request: Request) -> str:
    return sign(request.app.state.settings, "csrf:" + request.cookies.get(SESSION_COOKIE, ""))


def check_csrf(request: Request, token: str) -> None:
    if not hmac.compare_digest(token or "", csrf_token(request)):
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
    return resp


def cached(request: Request, session: Session, build) -> HTMLResponse:
    """The page ``build()`` makes, from the cache when the store has not changed since;
    never cached for signed-in editors (their pages show their name)."""
    if request.cookies.get(SESSION_COOKIE):
        return build()
    key = (request.url.path, request.url.query, lang_of(request), store_version(session))
    hit = request.app.state.cache.get(key)
    if hit is not None:
        body, status, media = hit
        return HTMLResponse(body, status_code=status, media_type=media)
    resp = build()
    if resp.status_code in (200, 404):
        request.app.state.cache.put(key, (resp.body, resp.status_code, resp.media_type))
    return resp


Reader = Depends(require_reader)
DbSession = Annotated[Session, Depends(get_session)]
#: A row id in a URL: bounded to SQL's 64-bit integers.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def from_environment() -> FastAPI:
    """The app as ``vnpolicy serve`` configures it for each uvicorn worker (through the environment)."""
    import os

    return create_app(os.environ.get("VNPOLICY_WEB_DB"),
                      Settings(cache_seconds=float(os.environ.get("VNPOLICY_WEB_CACHE", "30"))))
