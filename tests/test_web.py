"""The web app and API over the dev-set store (built from ../shared/gold/dev) and over
small stores of invented articles: pages, API lists and paging, tokens, CSRF, feeds."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from vnpolicy.store import open_store
from vnpolicy.store.models import Article, Document, Event, Person
from vnpolicy.web import create_app, highlight, tilemap, tokens
from vnpolicy.web.settings import Settings

ATOM = "{http://www.w3.org/2005/Atom}"
INVENTED = ("Sáng 12/3/2024, Ban Thường vụ Tỉnh ủy Bạc Liêu tổ chức hội nghị quán triệt Nghị quyết số "
            "44-NQ/TW của Ban Chấp hành Trung ương Đảng về Chiến lược bảo vệ Tổ quốc trong tình hình mới. "
            "Đồng chí Lâm Văn Bình, Phó Bí thư Tỉnh ủy, chủ trì hội nghị.")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(config=tmp_path / "cfg", cache_seconds=0)


@pytest.fixture
def dev(dev_db, settings) -> TestClient:
    return TestClient(create_app(dev_db, settings))


@pytest.fixture
def empty(db_url, settings) -> TestClient:
    return TestClient(create_app(db_url, settings))


def _ids(db_url: str, model) -> list[int]:
    with Session(open_store(db_url)) as s:
        return list(s.scalars(select(model.id).order_by(model.id)))


def test_every_page_type_renders(dev, dev_db):
    doc, ev, art, person = (_ids(dev_db, m)[0] for m in (Document, Event, Article, Person))
    with Session(open_store(dev_db)) as s:
        province = s.scalar(select(Event).where(Event.province_id.is_not(None))).province.name
    for path in ("/", "/documents", f"/documents/{doc}", "/provinces", f"/provinces/{province}", f"/events/{ev}",
                 f"/articles/{art}", "/people", f"/people/{person}", "/search?q=nghi+quyet", "/login"):
        r = dev.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert re.search(r"<h1>[^<]+", r.text), path
        assert 'lang="vi"' in r.text


def test_unknown_ids_are_404(dev):
    for path in ("/documents/999999", "/events/999999", "/articles/999999", "/people/999999",
                 "/provinces/Atlantis", "/api/v1/documents/999999", "/api/v1/events/999999"):
        assert dev.get(path).status_code == 404, path


def test_english_toggle_sets_cookie(dev):
    r = dev.get("/?lang=en")
    assert 'lang="en"' in r.text and "Latest events" in r.text
    assert r.cookies.get("lang") == "en"
    assert "Latest events" in dev.get("/").text  # the cookie keeps it


def test_document_page_has_matrix_map_and_chart(dev, dev_db):
    with Session(open_store(dev_db)) as s:
        doc = s.scalar(select(Document).where(Document.key == "29-NQ/TW@2018"))
        assert doc is not None
    r = dev.get(f"/documents/{doc.id}")
    assert 'id="coverage"' in r.text
    cells = re.findall(r'<td class="cell on[^"]*"><a href="/events/(\d+)"', r.text)
    assert cells, "a coverage cell links to an event"
    assert dev.get(f"/events/{cells[0]}").status_code == 200
    assert r.text.count('class="tile"') == 2 * 63  # the old and the 2025 view
    assert 'class="lv0"' in r.text and re.search(r'class="lv[1-4]"', r.text)
    assert '<svg class="chart"' in r.text


def test_event_page_highlights_the_event(dev, dev_db):
    ev = _ids(dev_db, Event)[0]
    r = dev.get(f"/events/{ev}")
    assert f'id="ev-{ev}"' in r.text
    assert 'class="hl hl-' in r.text and " focus" in r.text
    pre = re.search(r'<pre class="json">(.*?)</pre>', r.text, re.DOTALL).group(1)
    assert "events" in json.loads(html.unescape(pre))  # the record as JSON, escaped


def test_highlight_escapes_and_marks_nested_spans():
    text = "Hội nghị <b>quán triệt</b> Nghị quyết 44 & Chỉ thị 24."
    ev = highlight.Fact("event", "ev-1", "quan_triet", 0, len(text))
    doc = highlight.Fact("document", "d-1", "44-NQ/TW@2023", text.index("Nghị"), text.index(" &"))
    html = str(highlight.render(text, [ev, doc], focus="ev-1"))
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert re.search(r'<mark class="hl hl-document in-event focus" id="d-1"[^>]*>Nghị quyết 44</mark>', html)
    assert 'id="ev-1"' in html
    assert re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_search_without_diacritics_and_facets(dev):
    r = dev.get("/api/v1/search", params={"q": "nghi quyet"})
    body = r.json()
    assert body["articles"], "folded query finds articles"
    years = dict(body["facets"]["year"])
    assert years and all(isinstance(y, int) for y in years)
    year = next(iter(years))
    narrowed = dev.get("/api/v1/search", params={"q": "nghi quyet", "year": year}).json()
    assert narrowed["articles"] and all(a["year"] == year for a in narrowed["articles"])
    assert len(narrowed["articles"]) == years[year]
    page = dev.get("/search", params={"q": "nghi quyet"}).text
    assert "/articles/" in page and "year=" in page


def test_search_without_words_finds_nothing(dev):
    assert dev.get("/api/v1/search", params={"q": ":*"}).json()["articles"] == []
    assert dev.get("/search", params={"q": "?!"}).status_code == 200


def test_page_cache_follows_the_store(db_url, tmp_path, settings):
    """A cached page is served again until an ingest changes the store."""
    client = TestClient(create_app(db_url, Settings(config=tmp_path / "c2", cache_seconds=3600)))
    assert ">0</strong>" in client.get("/").text
    _, secret = tokens.create(tmp_path / "c2" / "tokens.json", "w")
    client.post("/api/v1/articles", json={"text": INVENTED}, headers={"Authorization": f"Bearer {secret}"})
    assert ">1</strong>" in client.get("/").text


def test_api_lists_page_with_cursors(dev):
    seen, cursor = [], None
    while True:
        r = dev.get("/api/v1/events", params={"limit": 7, **({"cursor": cursor} if cursor else {})}).json()
        seen += [e["id"] for e in r["items"]]
        cursor = r["next_cursor"]
        if not cursor:
            break
    everything = dev.get("/api/v1/events", params={"limit": 200}).json()["items"]
    assert seen == [e["id"] for e in everything] and len(seen) > 7
    assert dev.get("/api/v1/events", params={"cursor": "!!"}).status_code == 422


def test_api_filters_and_updated_since(dev):
    so_ket = dev.get("/api/v1/events", params={"kind": "so_ket", "limit": 200}).json()["items"]
    assert so_ket and all(e["kind"] == "so_ket" for e in so_ket)
    assert dev.get("/api/v1/events", params={"kind": "nonsense"}).status_code == 422
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    for path in ("documents", "events", "people", "articles"):
        assert dev.get(f"/api/v1/{path}").json()["items"], path
        assert dev.get(f"/api/v1/{path}", params={"updated_since": future}).json()["items"] == [], path
    assert dev.get("/api/v1/provinces", params={"updated_since": future}).json() == []
    docs = dev.get("/api/v1/documents", params={"q": "44-nq/tw"}).json()["items"]
    assert docs and all(d["symbol"] == "44-NQ/TW" for d in docs)


def test_api_records_coverage_and_reviews(dev, dev_db):
    art = _ids(dev_db, Article)[0]
    record = dev.get(f"/api/v1/articles/{art}").json()
    for fact in record["events"] + record["documents"] + record["people"]:
        if fact["evidence"]:
            s, e = fact["evidence"]["start"], fact["evidence"]["end"]
            assert 0 <= s < e <= len(record["text"])
    doc = dev.get("/api/v1/documents", params={"q": "29-NQ/TW"}).json()["items"][0]
    cov = dev.get(f"/api/v1/documents/{doc['id']}/coverage").json()
    assert cov["units"] and cov["stages"]
    due = dev.get("/api/v1/reviews/due", params={"all_reviews": True}).json()
    assert due and {"document", "unit", "expected", "status"} <= set(due[0])


def test_extract_does_not_store(empty, db_url):
    r = empty.post("/api/v1/extract", json={"text": INVENTED, "id": "x1"})
    assert r.status_code == 200
    rec = r.json()
    assert "44-NQ/TW@2023" in [d["key"] for d in rec["documents"]]
    assert [e["kind"] for e in rec["events"]] == ["quan_triet"]
    assert _ids(db_url, Article) == []


def test_writes_need_a_token_and_tokens_are_hashed(empty, settings, db_url):
    assert empty.post("/api/v1/articles", json={"text": INVENTED}).status_code == 401
    bad = {"Authorization": "Bearer vnp_wrong"}
    assert empty.post("/api/v1/articles", json={"text": INVENTED}, headers=bad).status_code == 401
    tok, secret = tokens.create(settings.tokens_file, "tester")
    assert secret not in settings.tokens_file.read_text()
    ok = {"Authorization": f"Bearer {secret}"}
    r = empty.post("/api/v1/articles", json={"text": INVENTED, "id": "x1"}, headers=ok)
    assert r.status_code == 201 and r.json()["new"] is True
    assert empty.post("/api/v1/articles", json={"text": INVENTED, "id": "x1"}, headers=ok).json()["new"] is False
    assert len(_ids(db_url, Article)) == 1
    assert tokens.revoke(settings.tokens_file, tok.id)
    assert empty.post("/api/v1/articles", json={"text": INVENTED}, headers=ok).status_code == 401


def test_closed_reads(db_url, tmp_path):
    s = Settings(config=tmp_path / "c", cache_seconds=0, closed_reads=True)
    client = TestClient(create_app(db_url, s))
    assert client.get("/api/v1/events").status_code == 401
    assert client.get("/").status_code == 401
    _, secret = tokens.create(s.tokens_file, "reader")
    assert client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def _login_csrf(client: TestClient) -> str:
    """The sign-in form's CSRF token (it also sets the client's CSRF cookie)."""
    return re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/login").text).group(1)


def test_ingest_page_needs_sign_in_and_csrf(empty, settings, db_url):
    r = empty.get("/ingest", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    _, secret = tokens.create(settings.tokens_file, "editor")
    assert empty.post("/login", data={"token": secret}).status_code == 403  # no CSRF token
    assert empty.post("/login", data={"token": "nope", "csrf": _login_csrf(empty)}).status_code == 401
    r = empty.post("/login", data={"token": secret, "csrf": _login_csrf(empty)}, follow_redirects=False)
    assert r.status_code == 303
    form = empty.get("/ingest").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)
    assert empty.post("/ingest", data={"text": INVENTED, "csrf": "0" * 64}).status_code == 403
    preview = empty.post("/ingest", data={"text": INVENTED, "csrf": csrf, "action": "preview"})
    assert preview.status_code == 200 and "hl-document" in preview.text
    assert _ids(db_url, Article) == []  # preview stores nothing
    records = re.search(r'name="records_json" value="([^"]+)"', preview.text).group(1)
    saved = empty.post("/ingest", data={"csrf": csrf, "action": "save", "records_json": html.unescape(records)})
    assert saved.status_code == 200 and len(_ids(db_url, Article)) == 1


def test_upload_files_preview(empty, settings):
    _, secret = tokens.create(settings.tokens_file, "editor")
    empty.post("/login", data={"token": secret, "csrf": _login_csrf(empty)})
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', empty.get("/ingest").text).group(1)
    r = empty.post("/ingest", data={"csrf": csrf, "action": "preview"},
                   files={"files": ("bai-viet.txt", INVENTED.encode(), "text/plain")})
    assert r.status_code == 200 and "bai-viet" in r.text and "44-NQ/TW@2023" in r.text


def test_feeds_and_calendar(dev, dev_db):
    doc = dev.get("/api/v1/documents", params={"q": "29-NQ/TW"}).json()["items"][0]
    feed = ET.fromstring(dev.get(f"/feeds/documents/{doc['id']}.atom").content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries and all(e.find(f"{ATOM}link").get("href").split("/events/")[1].isdigit() for e in entries)
    prov = dev.get("/api/v1/provinces").json()
    name = next(p["name"] for p in prov if p["events"])
    assert ET.fromstring(dev.get(f"/feeds/provinces/{name}.atom").content).findall(f"{ATOM}entry")
    assert ET.fromstring(dev.get("/feeds/search.atom", params={"q": "nghi quyet"}).content).findall(f"{ATOM}entry")
    ics = dev.get("/feeds/reviews.ics")
    lines = ics.text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") > 0
    assert all(len(line.encode()) <= 75 for line in lines)


def test_openapi_lists_the_api(dev):
    spec = dev.get("/api/v1/openapi.json").json()
    for path in ("/documents", "/documents/{doc_id}/coverage", "/events", "/people", "/provinces", "/search",
                 "/reviews/due", "/articles/{article_id}", "/extract"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/events"]["get"]["parameters"]}
    assert {"updated_since", "cursor", "limit", "province", "doc", "kind"} <= params


def test_tile_map_covers_every_old_province():
    from vnpolicy import gazetteer
    assert {t.name for t in tilemap.tiles()} == set(gazetteer.PROVINCES_OLD)
    assert len({(t.row, t.col) for t in tilemap.tiles()}) == 63
    svg = tilemap.render({"Sóc Trăng": 3}, post2025=True)
    new_unit = gazetteer.old_to_new("Sóc Trăng")
    lit = re.findall(r'data-province="([^"]+)"><a[^>]*><rect [^>]*class="lv[1-4]"', svg)
    assert set(lit) == set(gazetteer.new_to_old(new_unit)) and "Sóc Trăng" in lit
    assert "<line" in svg  # 2025 unit borders
