"""Server-rendered pages: plain HTML and CSS, no script needed."""
from __future__ import annotations

import json
import re
import secrets
import tempfile
import unicodedata
from html import escape
from pathlib import Path

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import ingest as readers
from ..extract import extract
from ..page import article_from_html
from ..record import Article as RawArticle
from ..record import Record
from ..store.models import (
    Article,
    Document,
    DocumentMention,
    Event,
    Person,
    PersonPosition,
)
from . import data, fetch, highlight, tilemap, tokens
from .app import (
    SESSION_COOKIE,
    DbSession,
    Reader,
    RowId,
    check_csrf,
    csrf_nonce,
    csrf_token,
    editor,
    lang_of,
    render,
    sign,
    write_records,
)
from .i18n import translator

router = APIRouter(dependencies=[Reader])
MAX_UPLOAD = 10 << 20
URL_TIMEOUT_S = 15
MAX_URLS = 20


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession):
    return render(request, "home.html", data.home(session))


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, session: DbSession):
    n = (select(func.count()).where(DocumentMention.document_id == Document.id)
         .correlate(Document).scalar_subquery())
    rows = session.execute(select(Document, n).order_by(n.desc(), Document.key).limit(500)).all()
    return render(request, "documents.html", {"docs": [data.document_dict(d) | {"articles": k}
                                                       for d, k in rows]})


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, session: DbSession, doc_id: RowId):
    doc = session.get(Document, doc_id)
    if doc is None:
        return _missing(request)
    page = data.document_page(session, doc)
    t = translator(lang_of(request))
    page["map_old"] = tilemap.render(page["province_counts"], False, title=t("map_old"))
    page["map_new"] = tilemap.render(page["province_counts"], True, title=t("map_new"))
    page["chart"] = _chart(page["timeline"], t("timeline"))
    return render(request, "document.html", page)


@router.get("/provinces", response_class=HTMLResponse)
def provinces(request: Request, session: DbSession):
    rows = data.provinces(session)
    t = translator(lang_of(request))
    counts = {r["name"]: r["events"] for r in rows}
    return render(request, "provinces.html", {"provinces": rows,
                                              "map_old": tilemap.render(counts, False, title=t("map_old")),
                                              "map_new": tilemap.render(counts, True, title=t("map_new"))})


@router.get("/provinces/{name}", response_class=HTMLResponse)
def province(request: Request, session: DbSession, name: str, page: int = Query(0, ge=0, le=10_000)):
    prov = data.province_row(session, name)
    if prov is None:
        return _missing(request)
    return render(request, "province.html", data.province_page(session, prov, page))


def _article_view(request: Request, session: Session, a: Article, focus_event: int | None):
    record = data.article_record(session, a)
    event_ids = session.scalars(select(Event.id).where(Event.article_id == a.id).order_by(Event.seq)).all()
    anchors = [f"ev-{i}" for i in event_ids]
    marks = highlight.facts(record, anchors)
    focus = f"ev-{focus_event}" if focus_event else None
    return render(request, "article.html", {
        "article": a, "record": record, "event_ids": event_ids, "focus": focus,
        "body": highlight.render(record.text, marks, focus),
        "record_json": json.dumps(record.to_dict(with_text=False), ensure_ascii=False, indent=1),
        "focus_event": session.get(Event, focus_event) if focus_event else None,
        "kinds": highlight.KINDS})


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, session: DbSession, event_id: RowId):
    e = session.get(Event, event_id)
    if e is None:
        return _missing(request)
    return _article_view(request, session, e.article, e.id)


@router.get("/a/{ref:path}")
def article_by_ref(session: DbSession, ref: str):
    """An article by its own id (as records and the tracker name it)."""
    ident = session.scalar(select(Article.id).where(Article.ext_id == ref).order_by(Article.id).limit(1))
    if ident is None:
        raise HTTPException(404, "no such article")
    return RedirectResponse(f"/articles/{ident}", status_code=303)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, session: DbSession, article_id: RowId):
    a = session.get(Article, article_id)
    if a is None:
        return _missing(request)
    return _article_view(request, session, a, None)


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, session: DbSession):
    n = func.count(func.distinct(PersonPosition.article_id))
    rows = session.execute(select(Person.id, Person.name, Person.scope, n).join(PersonPosition)
                           .group_by(Person.id).order_by(n.desc(), Person.name).limit(300)).all()
    return render(request, "people.html", {"people": rows})


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person(request: Request, session: DbSession, person_id: RowId):
    p = session.get(Person, person_id)
    if p is None:
        return _missing(request)
    return render(request, "person.html", data.person_page(session, p))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, session: DbSession, q: str = "", province: str | None = None, document: str | None = None,
           kind: str | None = None, year: int | None = None):
    res = data.search(session, q, province, document, kind, year) if q.strip() else None
    chosen = {"province": province, "document": document, "kind": kind, "year": year}
    return render(request, "search.html", {"q": q, "res": res, "chosen": chosen})


def _missing(request: Request) -> HTMLResponse:
    return render(request, "error.html", {"message": translator(lang_of(request))("not_found")}, 404)


def _chart(timeline: list[tuple[str, int]], title: str) -> str:
    """Events by month as an inline SVG bar chart (one bar per month from first to last)."""
    if not timeline:
        return ""
    counts = dict(timeline)
    y0, m0 = map(int, timeline[0][0].split("-"))
    y1, m1 = map(int, timeline[-1][0].split("-"))
    if (y1 - y0) * 12 + m1 - m0 < 11:  # at least a year wide, so a few bars do not fill the chart
        y1, m1 = y0 + (m0 + 10) // 12, (m0 + 10) % 12 + 1
    months = []
    y, m = y0, m0
    while (y, m) <= (y1, m1) and len(months) < 240:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    top = max(counts.values())
    bw, h, pad = max(4, min(24, 600 // len(months))), 120, 24
    w = bw * len(months) + 2 * pad
    bars = []
    for i, mo in enumerate(months):
        n = counts.get(mo, 0)
        bh = round((h - 10) * n / top) if n else 0
        x = pad + i * bw
        bars.append(f'<rect x="{x + 1}" y="{h - bh}" width="{bw - 2}" height="{bh}"><title>{mo}: {n}</title></rect>')
        if mo.endswith("-01") or i == 0:
            bars.append(f'<text x="{x}" y="{h + 14}">{mo if i == 0 else mo[:4]}</text>')
    return (f'<svg class="chart" viewBox="0 0 {w} {h + 20}" width="{w}" height="{h + 20}" role="img" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<line x1="{pad}" y1="{h}" x2="{w - pad}" y2="{h}"/>{"".join(bars)}'
            f'<text x="{w - pad}" y="10" text-anchor="end">max {top}</text></svg>')


# ---------------------------------------------------------------- editor: sign-in and ingest

def _login_page(request: Request, error: str | None, status: int = 200) -> HTMLResponse:
    csrf_nonce(request)  # the sign-in form is bound to this browser's CSRF cookie too
    return render(request, "login.html", {"error": error, "csrf": csrf_token(request)}, status)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request):
    return _login_page(request, None)


@router.post("/login")
def login(request: Request, token: str = Form(..., max_length=500), csrf: str = Form("")):
    check_csrf(request, csrf)
    tok = tokens.check(request.app.state.settings.tokens_file, token.strip())
    if tok is None:
        return _login_page(request, "token", 401)
    resp = RedirectResponse("/ingest", status_code=303)
    resp.set_cookie(SESSION_COOKIE, f"{tok.id}.{sign(request.app.state.settings, 'editor:' + tok.id)}",
                    httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return resp


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    check_csrf(request, csrf)
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


def _signed_in(request: Request):
    if editor(request) is None:
        raise HTTPException(303, headers={"Location": "/login"})


@router.get("/ingest", response_class=HTMLResponse, dependencies=[Depends(_signed_in)])
def ingest_form(request: Request):
    return render(request, "ingest.html", {"csrf": csrf_token(request), "records": [], "errors": [],
                                           "stored": None, "text": "", "urls": ""})


def upload_name(filename: str) -> str:
    """A name for an uploaded file inside the upload folder, whatever the client sent: the
    last component of either kind of path, letters, digits, ``.-_`` only, no leading dot,
    at most 100 characters; the extension (which picks the reader) kept."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", filename))[-1]
    base = re.sub(r"[^\w.\-]+", "_", base).lstrip(".")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext[:10]
    stem = stem[:100 - len(ext) - 1].strip("._") or "upload"
    return f"{stem}.{ext}" if ext else stem


def _read_uploads(files: list[UploadFile], errors: list[str]) -> list[RawArticle]:
    out = []
    for f in files:
        if not f.filename:
            continue
        raw = f.file.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            errors.append(f"{f.filename}: > {MAX_UPLOAD >> 20} MiB")
            continue
        with tempfile.TemporaryDirectory(prefix="vnpolicy-upload-") as tmp:
            area = Path(tmp).resolve()
            path = area / upload_name(f.filename)
            if path.parent != area:  # cannot happen with upload_name; refuse rather than trust it
                errors.append(f"{f.filename}: refused name")
                continue
            path.write_bytes(raw)
            out.extend(readers.read_paths([path], on_error=errors.append))
    return out


def _read_urls(urls: str, errors: list[str], allow_private: bool) -> list[RawArticle]:
    out = []
    for url in [u.strip() for u in urls.splitlines() if u.strip()][:MAX_URLS]:
        try:
            final, html = fetch.fetch(url, allow_private=allow_private, timeout=URL_TIMEOUT_S,
                                      max_bytes=MAX_UPLOAD)
            out.append(article_from_html(html, final.rstrip("/").rsplit("/", 1)[-1] or "url", final))
        except Exception as exc:  # noqa: BLE001 (whatever a fetch raises is reported, not raised)
            errors.append(f"{url}: {exc}")
    return out


@router.post("/ingest", response_class=HTMLResponse, dependencies=[Depends(_signed_in)])
def ingest(request: Request, session: DbSession, csrf: str = Form(""), action: str = Form("preview"), text: str = Form(""),
           title: str = Form(""), published: str = Form(""), urls: str = Form(""),
           records_json: str = Form(""), files: list[UploadFile] | None = None):
    """Preview extracts and shows the records; Save stores the previewed records as shown."""
    check_csrf(request, csrf)
    errors: list[str] = []
    stored = None
    if action == "save" and records_json:
        try:
            records = [Record.from_dict(d) for d in json.loads(records_json)]
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise HTTPException(400, f"records_json is not a list of records: {exc}") from exc
        stored = list(zip([r.id for r in records], write_records(request, session, records), strict=True))
    else:
        raws: list[RawArticle] = []
        if text.strip():
            raws.append(readers.article_from_text(text, "web-" + secrets.token_hex(4), title=title or None,
                                                  published=published or None))
        raws += _read_uploads(files or [], errors)
        raws += _read_urls(urls, errors, request.app.state.settings.allow_private_urls)
        records = [extract(a) for a in raws]
    previews = [{"record": r, "json": json.dumps(r.to_dict(with_text=False), ensure_ascii=False, indent=1),
                 "body": highlight.render(r.text, highlight.facts(r))} for r in records]
    return render(request, "ingest.html", {
        "csrf": csrf_token(request), "records": previews, "errors": errors, "stored": stored, "text": text,
        "urls": urls, "records_json": json.dumps([r.to_dict() for r in records], ensure_ascii=False)})
