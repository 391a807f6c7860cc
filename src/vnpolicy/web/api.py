"""JSON API, mounted at ``/api/v1`` with its OpenAPI schema at ``/api/v1/openapi.json``.

Lists page with cursors (keyset on the row id, so a client paging while
articles arrive neither skips nor repeats rows) and take
``updated_since``: an item is updated when an article that states it was
ingested, so a client syncs only changes. Filters follow the CLI's.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from ..extract import extract as run_extract
from ..ingest import article_from_text
from ..record import EVENT_KINDS
from ..store import content_hash, queries
from ..store.models import (
    Article,
    Document,
    DocumentMention,
    Event,
    EventDocument,
    Person,
    PersonPosition,
    Province,
)
from ..text import fold
from . import data, tracker
from .app import (
    MAX_ROW_ID,
    DbSession,
    RowId,
    require_reader,
    require_writer,
    write_records,
)

MAX_LIMIT = 200
Kind = Literal[EVENT_KINDS]  # type: ignore[valid-type]


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null at the end.")


class TextIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=2_000_000)
    id: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=2000)
    published: dt.date | None = None
    source: str | None = Field(None, max_length=2000)


class Stored(BaseModel):
    id: int
    ref: str
    new: bool


def _cursor(last_id: int | None) -> str | None:
    return str(last_id) if last_id is not None else None


def _after(cursor: str | None) -> int:
    return min(int(cursor), MAX_ROW_ID) if cursor else 0


def _page(items: list[dict], rows: list, limit: int) -> Page:
    more = len(rows) > limit
    return Page(items=items[:limit], next_cursor=_cursor(rows[limit - 1].id) if more else None)


def _since(col, value: dt.datetime | None):
    return col >= value.replace(tzinfo=None) if value else True


# Parameter types shared by the lists (Annotated, so FastAPI copies them for each use).
ProvinceP = Annotated[str | None, Query(max_length=100, description='A province, any spelling ("soc trang", "TPHCM").')]
RefP = Annotated[str | None, Query(max_length=200)]
CursorP = Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$",
                                      description="`next_cursor` of the previous page (treat as opaque).")]
LimitP = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
UpdatedSinceP = Annotated[dt.datetime | None, Query(
    description="Only items changed (their article ingested) at or after this time (UTC).")]


def _docs() -> HTMLResponse:
    """Swagger UI (from its CDN) under a policy of its own: the site's pages allow no script,
    this page allows the CDN's bundle and exactly its own inline start-up script (by hash)."""
    page = get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="vnpolicy API")
    body = page.body.decode()
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
                      for m in re.findall(r"<script>(.*?)</script>", body, re.DOTALL))
    cdn = "https://cdn.jsdelivr.net"
    csp = (f"default-src 'self'; script-src {cdn} {hashes}; style-src {cdn} 'unsafe-inline'; "
           f"img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; "
           f"base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    return HTMLResponse(body, headers={"content-security-policy": csp})


def create_api(parent: FastAPI) -> FastAPI:
    api = FastAPI(title="vnpolicy API", version="1", openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None, dependencies=[Depends(require_reader)])
    api.add_api_route("/docs", _docs, include_in_schema=False)
    api.state = parent.state  # one engine and settings for the whole app
    router = APIRouter(responses={401: {"description": "A token is required (writes; reads when closed)."},
                                  404: {"description": "No such item."}})

    @router.get("/documents", response_model=Page, tags=["documents"])
    def documents(session: DbSession, province: ProvinceP = None, q: RefP = None,
                  updated_since: UpdatedSinceP = None, cursor: CursorP = None,
                  limit: LimitP = 50):
        """Documents, oldest first; ``province`` keeps those cited by its articles, ``q`` matches
        key, symbol or alias (case and diacritics ignored)."""
        stmt = select(Document).where(Document.id > _after(cursor))
        if province:
            stmt = stmt.where(Document.id.in_(select(DocumentMention.document_id).join(Article).where(
                Article.province_id.in_(queries.province_ids(session, province)))))
        if q:
            stmt = stmt.where(Document.id.in_([d.id for d in queries.find_documents(session, q)]))
        if updated_since:
            stmt = stmt.where(Document.id.in_(select(DocumentMention.document_id).join(Article).where(
                _since(Article.ingested_at, updated_since))))
        rows = session.scalars(stmt.order_by(Document.id).limit(limit + 1)).all()
        return _page([data.document_dict(d) for d in rows], rows, limit)

    def _doc(session: Session, doc_id: RowId) -> Document:
        d = session.get(Document, doc_id)
        if d is None:
            raise HTTPException(404, "no such document")
        return d

    @router.get("/documents/{doc_id}", tags=["documents"])
    def document(session: DbSession, doc_id: RowId) -> dict[str, Any]:
        d = _doc(session, doc_id)
        n = session.scalar(select(func.count()).select_from(DocumentMention).where(DocumentMention.document_id == d.id))
        return data.document_dict(d) | {"aliases": sorted(a.alias for a in d.aliases), "articles": n,
                                        "relations": tracker.relations(session, d)}

    @router.get("/documents/{doc_id}/coverage", tags=["documents"])
    def coverage(session: DbSession, doc_id: RowId) -> dict[str, Any]:
        """Units × stages: event counts and the latest event of each cell."""
        return tracker.coverage(session, _doc(session, doc_id))

    @router.get("/events", response_model=Page, tags=["events"])
    def events(session: DbSession, province: ProvinceP = None, doc: RefP = None,
               kind: Kind | None = None, since: dt.date | None = None,
               updated_since: UpdatedSinceP = None, cursor: CursorP = None,
               limit: LimitP = 50):
        """Events by id (ingest order), filtered as ``vnpolicy events``."""
        stmt = data.events_query().where(Event.id > _after(cursor))
        if province:
            stmt = stmt.where(Event.province_id.in_(queries.province_ids(session, province)))
        if doc:
            ids = [d.id for d in queries.find_documents(session, doc)]
            stmt = stmt.where(Event.id.in_(select(EventDocument.event_id).where(EventDocument.document_id.in_(ids))))
        if kind:
            stmt = stmt.where(Event.kind == kind)
        if since:
            stmt = stmt.where(func.coalesce(Event.date, Article.published) >= since)
        if updated_since:
            stmt = stmt.where(_since(Article.ingested_at, updated_since))
        rows = session.scalars(stmt.order_by(Event.id).limit(limit + 1)).all()
        return _page([data.event_dict(e) for e in rows], rows, limit)

    @router.get("/events/{event_id}", tags=["events"])
    def event(session: DbSession, event_id: RowId) -> dict[str, Any]:
        e = session.scalar(data.events_query().where(Event.id == event_id))
        if e is None:
            raise HTTPException(404, "no such event")
        return data.event_dict(e)

    @router.get("/people", response_model=Page, tags=["people"])
    def people(session: DbSession, name: RefP = None,
               updated_since: UpdatedSinceP = None,
               cursor: CursorP = None, limit: LimitP = 50):
        """People; ``name`` matches folded (no diacritics needed), as ``vnpolicy people``."""
        stmt = select(Person).where(Person.id > _after(cursor))
        if name:
            stmt = stmt.where(Person.folded.contains(" ".join(fold(name).split()), autoescape=True))
        if updated_since:
            stmt = stmt.where(Person.id.in_(select(PersonPosition.person_id).join(Article).where(
                _since(Article.ingested_at, updated_since))))
        rows = session.scalars(stmt.order_by(Person.id).limit(limit + 1)).all()
        return _page([{"id": p.id, "name": p.name, "scope": p.scope} for p in rows], rows, limit)

    @router.get("/people/{person_id}", tags=["people"])
    def person(session: DbSession, person_id: RowId) -> dict[str, Any]:
        p = session.get(Person, person_id)
        if p is None:
            raise HTTPException(404, "no such person")
        return data.person_page(session, p)

    @router.get("/provinces", tags=["provinces"])
    def provinces(session: DbSession, updated_since: UpdatedSinceP = None) -> list[dict[str, Any]]:
        """Every province articles name, with its 2025 unit and event count (a short list: no paging)."""
        rows = data.provinces(session)
        if updated_since:
            changed = set(session.scalars(select(Article.province_id).where(
                _since(Article.ingested_at, updated_since)).distinct()))
            names = {p.name for p in session.scalars(select(Province).where(Province.id.in_(changed)))}
            rows = [r for r in rows if r["name"] in names]
        return rows

    @router.get("/provinces/{name}", tags=["provinces"])
    def province(session: DbSession, name: str) -> dict[str, Any]:
        prov = data.province_row(session, name)
        if prov is None:
            raise HTTPException(404, "no such province")
        page = data.province_page(session, prov)
        page["missing"] = [e.key for e in page["missing"]]
        return page

    @router.get("/search", tags=["search"])
    def search(session: DbSession, q: str = Query(..., min_length=1, max_length=200),
               province: ProvinceP = None,
               document: RefP = None, kind: Kind | None = None,
               year: int | None = Query(None, ge=1900, le=2200)) -> dict[str, Any]:
        """Articles, documents and people; diacritics optional; facets over the article hits."""
        return data.search(session, q, province, document, kind, year)

    @router.get("/reviews/due", tags=["reviews"])
    def due(session: DbSession, province: ProvinceP = None, doc: RefP = None,
            within_days: int | None = Query(365, ge=0, le=36500, description="Only reviews not yet found, "
                                            "past due or due within this many days; omit for every review."),
            all_reviews: bool = Query(False, description="Every expected review, found ones included.")
            ) -> list[dict[str, Any]]:
        """Expected reviews (sơ kết, tổng kết) per document and unit, with their status, as
        ``vnpolicy due``; "no report found" means no article reports it, not that it was not held."""
        pids = queries.province_ids(session, province) if province else None
        dids = [d.id for d in queries.find_documents(session, doc)] if doc else None
        return tracker.due_reviews(session, None if all_reviews else within_days, pids, dids)

    @router.get("/articles", response_model=Page, tags=["articles"])
    def articles(session: DbSession, province: ProvinceP = None,
                 updated_since: UpdatedSinceP = None,
                 cursor: CursorP = None, limit: LimitP = 50):
        """Articles (id, ref, title, dates); the record of each at ``/articles/{id}``."""
        stmt = select(Article).where(Article.id > _after(cursor)).options(
            load_only(Article.id, Article.ext_id, Article.title, Article.published, Article.ingested_at,
                      Article.source))
        if province:
            stmt = stmt.where(Article.province_id.in_(queries.province_ids(session, province)))
        if updated_since:
            stmt = stmt.where(_since(Article.ingested_at, updated_since))
        rows = session.scalars(stmt.order_by(Article.id).limit(limit + 1)).all()
        return _page([{"id": a.id, "ref": a.ext_id, "title": a.title, "published": data.iso(a.published),
                       "source": a.source, "updated": data.iso(a.ingested_at)} for a in rows], rows, limit)

    @router.get("/articles/{article_id}", tags=["articles"])
    def article(session: DbSession, article_id: RowId, text: bool = True) -> dict[str, Any]:
        """The article's record as stored, every fact with its evidence span into ``text``."""
        a = session.get(Article, article_id)
        if a is None:
            raise HTTPException(404, "no such article")
        return data.article_record(session, a).to_dict(with_text=text)

    @router.post("/extract", tags=["extract"])
    def extract(body: TextIn) -> dict[str, Any]:
        """The record for posted text, not stored."""
        art = article_from_text(body.text, body.id or "posted", title=body.title,
                                published=body.published.isoformat() if body.published else None,
                                source=body.source)
        return run_extract(art).to_dict()

    @router.post("/articles", response_model=Stored, status_code=201, tags=["articles"],
              dependencies=[Depends(require_writer)])
    def store(request: Request, session: DbSession, body: TextIn):
        """Extract and store posted text (needs a token: ``Authorization: Bearer …``)."""
        art = article_from_text(body.text, body.id or "posted", title=body.title,
                                published=body.published.isoformat() if body.published else None,
                                source=body.source)
        record = run_extract(art)
        [new] = write_records(request, session, [record])
        row = session.scalar(select(Article).where(Article.content_hash == content_hash(record)))
        return Stored(id=row.id, ref=row.ext_id, new=new)

    api.include_router(router)
    return api
