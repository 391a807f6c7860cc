"""Web security (issue 6, item 4): escaping of article text and every extracted field,
CSRF on every form post, write tokens, rate limits, body limits, SSRF guard on URL
ingestion, path traversal in uploads, bound SQL parameters, security headers.

Every article here is invented; the only network traffic is to servers this file starts
on 127.0.0.1 (URLs to other addresses are refused before any connection is made)."""
from __future__ import annotations

import dataclasses
import hashlib
import html
import http.server
import json
import re
import stat
import tempfile
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from vnpolicy import record as rec
from vnpolicy.extract import extract
from vnpolicy.ingest import article_from_text
from vnpolicy.store import ingest_record, open_store
from vnpolicy.store.models import Article, Document, Event, Person
from vnpolicy.web import create_app, fetch, guard, tokens
from vnpolicy.web.pages import upload_name
from vnpolicy.web.settings import Settings

ATOM = "{http://www.w3.org/2005/Atom}"
#: Breaks out of text (a script element) and out of a double- or single-quoted attribute.
EVIL = "<script>alert(\"x\")</script>\" onmouseover=\"alert(1)\" x='<img src=x onerror=alert(2)>"
INVENTED = ("Sáng 12/3/2024, Ban Thường vụ Tỉnh ủy Bạc Liêu tổ chức hội nghị quán triệt Nghị quyết số "
            "44-NQ/TW của Ban Chấp hành Trung ương Đảng về Chiến lược bảo vệ Tổ quốc trong tình hình mới. "
            "Đồng chí Lâm Văn Bình, Phó Bí thư Tỉnh ủy, chủ trì hội nghị.")


# ---------------------------------------------------------------- helpers

class _Page(HTMLParser):
    """Elements, attributes and text of a page, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def _parse(body: str) -> _Page:
    p = _Page()
    p.feed(body)
    p.close()
    return p


def assert_inert(body: str, shown: str | None = EVIL) -> None:
    """No script or event handler came through; ``shown`` appears as text (or in an attribute's value)."""
    page = _parse(body)
    assert "script" not in page.tags and "img" not in page.tags
    handlers = [name for name, _ in page.attrs if name.startswith("on")]
    assert not handlers, handlers
    if shown is not None:
        seen = "".join(page.text) + "".join(v or "" for _, v in page.attrs)
        assert shown in seen


def _login_csrf(client: TestClient) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/login").text).group(1)


def _sign_in(client: TestClient, settings: Settings) -> str:
    """Signs ``client`` in as a new editor; the ingest form's CSRF token."""
    _, secret = tokens.create(settings.tokens_file, "editor")
    r = client.post("/login", data={"token": secret, "csrf": _login_csrf(client)}, follow_redirects=False)
    assert r.status_code == 303
    return re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/ingest").text).group(1)


def _hostile_record() -> rec.Record:
    """An invented article whose text, title, source, id and every extracted field carry ``EVIL``."""
    text = f"{INVENTED} Tiêu đề: {EVIL} Hết."
    r = extract(article_from_text(text, "evil-1", title=f"Tin {EVIL}", published="2024-03-12",
                                  source=f"https://example.invalid/{EVIL}"))
    at = text.index(EVIL)
    span = rec.Span(at, at + len(EVIL))
    assert r.events and r.people and r.documents, "the invented text yields facts to corrupt"
    r.events = [dataclasses.replace(r.events[0], organizer=EVIL, period=EVIL)] + r.events[1:]
    r.people = [dataclasses.replace(r.people[0], name=f"Lâm {EVIL}", positions=[EVIL])] + r.people[1:]
    r.documents.append(rec.Document(key=f"9-NQ/{EVIL}", type="NQ", number="9", symbol=f"9-NQ/{EVIL}",
                                    issuer=EVIL, subject=EVIL, evidence=span))
    r.awards.append(rec.Award(kind=EVIL, giver=EVIL, evidence=span))
    r.warnings.append(EVIL)
    return r


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(config=tmp_path / "cfg", cache_seconds=0)


@pytest.fixture
def hostile_store(db_url) -> str:
    with Session(open_store(db_url)) as s:
        assert ingest_record(s, _hostile_record())
        assert ingest_record(s, extract(article_from_text(INVENTED, "plain-1", published="2024-03-12")))
        s.commit()
    return db_url


@pytest.fixture
def client(hostile_store, settings) -> TestClient:
    return TestClient(create_app(hostile_store, settings))


def _ids(db_url: str):
    with Session(open_store(db_url)) as s:
        art = s.scalar(select(Article).where(Article.ext_id == "evil-1"))
        ev = s.scalar(select(Event.id).where(Event.article_id == art.id))
        person = s.scalar(select(Person.id).where(Person.name.contains("<script>")))
        doc = s.scalar(select(Document.id).where(Document.key.contains("<script>")))
        return art.id, ev, person, doc


# ---------------------------------------------------------------- escaping

def test_hostile_text_and_fields_render_as_text(client, hostile_store):
    art, ev, person, doc = _ids(hostile_store)
    assert person and doc, "the hostile person and document were stored as given"
    for path in (f"/articles/{art}", f"/events/{ev}", f"/people/{person}", f"/documents/{doc}",
                 "/people", "/documents", "/", "/provinces/Bạc Liêu"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert_inert(r.text, EVIL if path not in ("/", "/provinces/Bạc Liêu") else None)
    page = client.get(f"/articles/{art}").text
    assert 'class="hl hl-' in page  # the facts are still marked, around escaped text
    pre = re.search(r'<pre class="json">(.*?)</pre>', page, re.DOTALL).group(1)
    assert json.loads(html.unescape(pre))["title"] == f"Tin {EVIL}"


def test_search_page_reflects_and_finds_hostile_text_escaped(client):
    for q in ("alert onmouseover", EVIL, '"><script>alert(1)</script>', "' onfocus='alert(1)"):
        r = client.get("/search", params={"q": q})
        assert r.status_code == 200
        assert_inert(r.text, q)  # shown back in the search box, as a value
    hits = client.get("/search", params={"q": "alert onmouseover"}).text
    assert "/articles/" in hits and f"Tin {EVIL}" in "".join(_parse(hits).text)


def test_feeds_and_json_carry_hostile_text_exactly(client, hostile_store):
    art, ev, _, _ = _ids(hostile_store)
    with Session(open_store(hostile_store)) as s:
        doc = s.scalar(select(Document.id).where(Document.key == "44-NQ/TW@2023"))
    for path, params in ((f"/feeds/documents/{doc}.atom", None), ("/feeds/provinces/Bạc Liêu.atom", None), ("/feeds/search.atom", {"q": "alert"}),
                         ("/feeds/search.atom", {"q": EVIL})):
        r = client.get(path, params=params)
        feed = ET.fromstring(r.content)  # well-formed XML whatever the text
        titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
        assert f"Tin {EVIL}" in titles, path
        assert "<script>" not in r.text
    rec_json = client.get(f"/api/v1/articles/{art}").json()
    assert rec_json["title"] == f"Tin {EVIL}" and EVIL in rec_json["text"]
    assert client.get(f"/api/v1/events/{ev}").json()["organizer"] == EVIL
    out = client.post("/api/v1/extract", json={"text": f"{INVENTED} {EVIL}", "title": EVIL}).json()
    assert out["title"] == EVIL and out["text"].endswith(EVIL)
    ics = client.get("/feeds/reviews.ics").text.split("\r\n")
    assert all(re.match(r"([A-Z-]+[;:]| )", line) for line in ics if line)  # no line injected by the text


def test_ingest_preview_escapes_posted_text(client, settings):
    csrf = _sign_in(client, settings)
    r = client.post("/ingest", data={"csrf": csrf, "text": f"{INVENTED} {EVIL}", "title": EVIL})
    assert r.status_code == 200
    assert_inert(r.text, EVIL)
    records = re.search(r'name="records_json" value="([^"]+)"', r.text).group(1)
    assert json.loads(html.unescape(records))[0]["text"].endswith(EVIL)


# ---------------------------------------------------------------- CSRF

def test_every_form_post_needs_its_csrf_token(client, settings, hostile_store):
    _, secret = tokens.create(settings.tokens_file, "someone")
    # sign-in: none, wrong, or another browser's token
    assert client.post("/login", data={"token": secret}).status_code == 403
    assert client.post("/login", data={"token": secret, "csrf": "0" * 64}).status_code == 403
    other = TestClient(client.app)
    assert client.post("/login", data={"token": secret, "csrf": _login_csrf(other)},
                       follow_redirects=False).status_code == 403
    assert client.post("/login", data={"token": secret, "csrf": "ü" * 64}).status_code == 403  # no 500
    csrf = _sign_in(client, settings)
    with Session(open_store(hostile_store)) as s:
        before = s.scalar(select(func.count(Article.id)))
    for data in ({}, {"csrf": ""}, {"csrf": "0" * 64}, {"csrf": csrf[:-1] + "0"}, {"csrf": _login_csrf(other)}):
        assert client.post("/ingest", data={"text": INVENTED, "action": "preview", **data}).status_code == 403
        assert client.post("/ingest", data={"action": "save", "records_json": "[]", **data}).status_code == 403
        assert client.post("/logout", data=data).status_code == 403
    # another signed-in editor's token is no good here either
    other_csrf = _sign_in(other, settings)
    assert other_csrf != csrf
    assert client.post("/ingest", data={"text": INVENTED, "csrf": other_csrf}).status_code == 403
    with Session(open_store(hostile_store)) as s:
        assert s.scalar(select(func.count(Article.id))) == before
    assert client.post("/ingest", data={"text": INVENTED, "csrf": csrf}).status_code == 200
    assert client.post("/ingest", data={"action": "save", "records_json": "{not json", "csrf": csrf}).status_code == 400
    r = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303


def test_session_cookie_flags_and_forged_cookies(client, settings):
    _, secret = tokens.create(settings.tokens_file, "editor")
    login = client.get("/login")
    assert re.search(r"vnp_csrf=[0-9a-f]+;.*HttpOnly.*SameSite=strict", login.headers["set-cookie"], re.IGNORECASE)
    r = client.post("/login", data={"token": secret, "csrf": _login_csrf(client)}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and re.search("samesite=strict", cookie, re.IGNORECASE)
    ident = cookie.split("vnp_editor=", 1)[1].split(".", 1)[0]
    for forged in (f"{ident}.{'0' * 64}", f"{ident}.", f"{ident}.ü", "x.y", ".", ""):
        c = TestClient(client.app)
        r = c.get("/ingest", follow_redirects=False, headers={"cookie": f"vnp_editor={forged}".encode()})
        assert r.status_code == 303 and r.headers["location"] == "/login", forged


# ---------------------------------------------------------------- tokens

def test_write_tokens_hashed_revocable_constant_time(client, settings, hostile_store, monkeypatch):
    body = {"text": INVENTED + " Bài mới.", "id": "tok-1"}
    for header in (None, "Bearer", "Bearer ", "Bearer vnp_wrong", "Basic dXNlcjpwYXNz", "Bearer ü".encode()):
        headers = {"Authorization": header} if header is not None else {}
        r = client.post("/api/v1/articles", json=body, headers=headers)
        assert r.status_code == 401, header
        assert r.headers["www-authenticate"] == "Bearer"
    tok, secret = tokens.create(settings.tokens_file, "writer")
    tokens.create(settings.tokens_file, "another")
    stored = settings.tokens_file.read_text()
    assert secret not in stored and hashlib.sha256(secret.encode()).hexdigest() in stored
    assert stat.S_IMODE(settings.tokens_file.stat().st_mode) == 0o600
    compared = []
    real = tokens.hmac.compare_digest
    monkeypatch.setattr(tokens.hmac, "compare_digest", lambda a, b: compared.append(a) or real(a, b))
    ok = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/articles", json=body, headers=ok).status_code == 201
    assert len(compared) >= 2  # every stored digest compared, no early exit on the first
    assert tokens.revoke(settings.tokens_file, tok.id)
    assert client.post("/api/v1/articles", json=body | {"id": "tok-2"}, headers=ok).status_code == 401
    with Session(open_store(hostile_store)) as s:
        assert s.scalar(select(func.count(Article.id)).where(Article.ext_id.like("tok-%"))) == 1


# ---------------------------------------------------------------- rate limits and body size

def test_token_bucket_refills():
    b = guard.TokenBuckets(rate=2.0, burst=3)
    assert [b.take("a", now=0.0) for _ in range(3)] == [0, 0, 0]
    assert b.take("a", now=0.0) == pytest.approx(0.5)
    assert b.take("b", now=0.0) == 0  # per client
    assert b.take("a", now=0.5) == 0  # one token back after 1/rate seconds
    assert b.take("a", now=0.5) > 0
    small = guard.TokenBuckets(rate=1.0, burst=1, size=2)
    for c in "xyz":
        small.take(c, now=0.0)
    assert len(small._b) == 2  # memory bounded


def test_writes_are_rate_limited_per_client(hostile_store, tmp_path):
    s = Settings(config=tmp_path / "rl", cache_seconds=0, rate_limit=0.001, rate_burst=3)
    app = create_app(hostile_store, s)
    c = TestClient(app)
    codes = [c.post("/api/v1/extract", json={"text": INVENTED}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = c.post("/api/v1/extract", json={"text": INVENTED})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.headers["x-content-type-options"] == "nosniff"
    _, secret = tokens.create(s.tokens_file, "w")
    assert c.post("/api/v1/articles", json={"text": INVENTED},
                  headers={"Authorization": f"Bearer {secret}"}).status_code == 429
    assert c.post("/ingest", data={"text": INVENTED}).status_code == 429
    assert c.post("/login", data={"token": secret}).status_code == 429
    assert c.get("/api/v1/articles").status_code == 200  # reads are not limited
    other = TestClient(app, client=("192.0.2.7", 4000))
    assert other.post("/api/v1/extract", json={"text": INVENTED}).status_code == 200
    off = TestClient(create_app(hostile_store, Settings(config=tmp_path / "rl", cache_seconds=0, rate_limit=0)))
    assert all(off.post("/api/v1/extract", json={"text": "x"}).status_code == 200 for _ in range(40))


def test_request_bodies_are_capped(hostile_store, tmp_path):
    s = Settings(config=tmp_path / "bl", cache_seconds=0, max_body=20_000)
    c = TestClient(create_app(hostile_store, s))
    assert c.post("/api/v1/extract", json={"text": INVENTED}).status_code == 200
    big = {"text": "Hội nghị. " * 3000}
    assert c.post("/api/v1/extract", json=big).status_code == 413

    def chunks():  # no Content-Length: counted as read
        for _ in range(30):
            yield b"x" * 1000

    r = c.post("/api/v1/extract", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    _, secret = tokens.create(s.tokens_file, "w")
    assert c.post("/api/v1/articles", json=big, headers={"Authorization": f"Bearer {secret}"}).status_code == 413
    csrf = _sign_in(c, s)
    r = c.post("/ingest", data={"csrf": csrf}, files={"files": ("big.txt", b"a" * 30_000, "text/plain")})
    assert r.status_code == 413
    r = c.post("/ingest", data={"csrf": csrf, "text": "b" * 30_000})
    assert r.status_code == 413
    assert c.post("/ingest", data={"csrf": csrf}, files={"files": ("ok.txt", INVENTED.encode(), "text/plain")}
                  ).status_code == 200


# ---------------------------------------------------------------- SSRF

class _Server:
    """A small HTTP server on 127.0.0.1 serving an invented article and redirects; counts hits."""

    def __init__(self, redirect_to: str | None = None):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                if self.path.startswith("/redirect") and redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.end_headers()
                    return
                body = (f"<html><head><title>Bài thử</title></head><body><article><h1>Bài thử</h1>"
                        f"<p>{INVENTED}</p></article></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_blocked_addresses():
    import ipaddress
    for ip in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
               "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
               "::ffff:10.0.0.1", "2002:7f00:1::1"):
        assert fetch.blocked(ipaddress.ip_address(ip)), ip
    for ip in ("93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"):
        assert not fetch.blocked(ipaddress.ip_address(ip)), ip


def test_url_ingestion_refuses_schemes_and_private_addresses(client, settings):
    with _Server() as srv:
        port = srv.port
        refused = [f"http://127.0.0.1:{port}/", f"http://localhost:{port}/", f"http://[::1]:{port}/",
                   f"http://2130706433:{port}/", f"http://0x7f.1:{port}/", f"http://0:{port}/",
                   f"http://[::ffff:127.0.0.1]:{port}/", "http://169.254.169.254/latest/meta-data/",
                   "http://10.0.0.1/", "http://192.168.1.1/", "http://[fd00::1]/",
                   "file:///etc/passwd", f"ftp://127.0.0.1:{port}/", "gopher://127.0.0.1/", "javascript:alert(1)",
                   "data:text/html,<p>x</p>", "//127.0.0.1/", "http:///nohost"]
        for url in refused:
            with pytest.raises((fetch.RefusedURL, ValueError)):
                fetch.fetch(url, timeout=2)
        csrf = _sign_in(client, settings)
        r = client.post("/ingest", data={"csrf": csrf, "urls": "\n".join(refused)})
        assert r.status_code == 200
        errors = re.search(r'<div class="error" role="alert">(.*?)</div>', r.text, re.DOTALL).group(1)
        assert errors.count("<li>") == len(refused)
        assert "hl-" not in r.text  # nothing was fetched and previewed
        assert srv.hits == []  # not one request reached the local server


def test_url_ingestion_rechecks_redirects(monkeypatch):
    with _Server() as target, _Server(redirect_to=f"http://127.0.0.1:{target.port}/inside") as front:
        # allowed (local servers allowed): the redirect is followed — the control
        final, page = fetch.fetch(front.url + "/redirect", allow_private=True, timeout=5)
        assert final.endswith("/inside") and "Bài thử" in page and target.hits == ["/inside"]
        # the first address is taken as public, every later one is not: the redirect's
        # address is checked again at its connection
        seen = []
        monkeypatch.setattr(fetch, "blocked", lambda ip: seen.append(str(ip)) or len(seen) > 1)
        with pytest.raises(fetch.RefusedURL):
            fetch.fetch(front.url + "/redirect", timeout=5)
        assert seen == ["127.0.0.1", "127.0.0.1"] and target.hits == ["/inside"]
    for bad in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"):
        with _Server(redirect_to=bad) as front, pytest.raises(fetch.RefusedURL):
            fetch.fetch(front.url + "/redirect", allow_private=True, timeout=5)


def test_url_ingestion_with_private_urls_allowed(hostile_store, tmp_path):
    s = Settings(config=tmp_path / "pv", cache_seconds=0, allow_private_urls=True)
    c = TestClient(create_app(hostile_store, s))
    csrf = _sign_in(c, s)
    with _Server() as srv:
        r = c.post("/ingest", data={"csrf": csrf, "urls": srv.url + "/bai-thu"})
        assert r.status_code == 200 and "44-NQ/TW@2023" in r.text and srv.hits == ["/bai-thu"]
        r = c.post("/ingest", data={"csrf": csrf, "urls": "file:///etc/passwd"})
        assert "root:" not in r.text and 'role="alert"' in r.text  # schemes still checked


# ---------------------------------------------------------------- uploads

def test_upload_names_stay_in_the_upload_area(client, settings, tmp_path, monkeypatch):
    area = tmp_path / "uploads"
    area.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(area))
    secret_file = tmp_path / "bi-mat.txt"
    secret_file.write_text("BÍ MẬT KHÔNG ĐƯỢC ĐỌC", encoding="utf-8")
    csrf = _sign_in(client, settings)
    names = ["../" * 30 + str(tmp_path / "escaped.txt").lstrip("/"), str(tmp_path / "absolute.txt"),
             str(secret_file), "..\\..\\" + "win.txt", "..", ".", "/", "a\x00b.txt", "x" * 1000 + ".txt",
             "../" * 30 + "etc/passwd", ".hidden.txt", "dir/../../up.txt"]
    for name in names:
        r = client.post("/ingest", data={"csrf": csrf},
                        files={"files": (name, INVENTED.encode(), "text/plain")})
        assert r.status_code == 200, name
        assert "BÍ MẬT" not in r.text and "root:" not in r.text, name
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "absolute.txt").exists()
    assert secret_file.read_text(encoding="utf-8") == "BÍ MẬT KHÔNG ĐƯỢC ĐỌC"
    assert list(area.iterdir()) == []  # each upload's folder is removed afterwards
    leftover = {p.name for p in tmp_path.iterdir()} - {"uploads", "bi-mat.txt", "cfg"}
    assert all(n.startswith("test.db") for n in leftover), leftover  # nothing written beside them


def test_upload_name():
    assert upload_name("../../etc/passwd") == "passwd"
    assert upload_name("/abs/path/bài viết.html") == "bài_viết.html"
    assert upload_name("..") == upload_name(".") == upload_name("") == "upload"
    assert upload_name("C:\\x\\y.jsonl") == "y.jsonl"
    assert len(upload_name("a" * 500 + ".json")) <= 100 and upload_name("a" * 500 + ".json").endswith(".json")
    for name in ("../x", "..\\x", "/x", ".x", "x\x00y"):
        out = upload_name(name)
        assert "/" not in out and "\\" not in out and "\x00" not in out and not out.startswith(".")


# ---------------------------------------------------------------- SQL

NASTY = ["'", '"', "%", "_", "--", "'; DROP TABLE articles; --", '"; DROP TABLE articles; --',
         "%' OR '1'='1", "1 OR 1=1", "\\", "*", "NEAR(a b)", "a OR b", "\"unterminated", "' UNION SELECT * FROM articles --",
         "Robert'); DROP TABLE events;--", "%%%", "x\x00y"]


def _fingerprint(db_url: str) -> dict:
    engine = open_store(db_url)
    with engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        counts = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables
                  if not t.startswith(("articles_fts_", "search_"))}
        if engine.url.get_backend_name() == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    return {"tables": tables, "counts": counts}


def test_search_and_filters_bind_their_parameters(client, hostile_store):
    before = _fingerprint(hostile_store)
    for q in NASTY:
        for path, params in (("/search", {"q": q}), ("/api/v1/search", {"q": q}), ("/feeds/search.atom", {"q": q}),
                             ("/api/v1/people", {"name": q}), ("/api/v1/documents", {"q": q}),
                             ("/api/v1/events", {"province": q, "doc": q}), ("/api/v1/articles", {"province": q}),
                             ("/api/v1/reviews/due", {"province": q, "doc": q}),
                             ("/search", {"q": "hoi nghi", "province": q, "document": q})):
            r = client.get(path, params=params)
            assert r.status_code in (200, 422), (path, q, r.status_code)
        for path in (f"/provinces/{q}", f"/a/{q}", f"/api/v1/provinces/{q}") if "\x00" not in q else ():
            assert client.get(path).status_code in (200, 404), (path, q)
    # a quote or % neither errors nor matches everything
    assert client.get("/api/v1/people", params={"name": "%"}).json()["items"] == []
    assert client.get("/api/v1/search", params={"q": "' OR '1'='1"}).json()["articles"] == []
    assert _fingerprint(hostile_store) == before


# ---------------------------------------------------------------- headers

def _check_headers(r, path):
    h = r.headers
    csp = h.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], path
    assert "script-src" in directives and "'unsafe-inline'" not in directives["script-src"], path
    assert "'unsafe-eval'" not in directives["script-src"], path
    assert h.get("x-content-type-options") == "nosniff", path
    assert h.get("x-frame-options") == "DENY", path
    assert h.get("referrer-policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), path
    return directives


def test_security_headers_on_every_response(hostile_store, tmp_path):
    s = Settings(config=tmp_path / "h", cache_seconds=3600, max_body=5000, rate_limit=0.001, rate_burst=2)
    c = TestClient(create_app(hostile_store, s))
    art, ev, person, doc = _ids(hostile_store)
    paths = ["/", "/", "/documents", f"/documents/{doc}", f"/events/{ev}", f"/articles/{art}", f"/people/{person}",
             "/provinces", "/search?q=hoi+nghi", "/login", "/ingest", "/articles/999999", "/nonexistent",
             "/static/style.css", "/feeds/reviews.ics", f"/feeds/documents/{doc}.atom", "/api/v1/articles",
             "/api/v1/openapi.json", "/api/v1/events/999999", "/api/v1/events?cursor=!!", "/a/evil-1",
             "/api/v1/docs"]
    for path in paths:
        r = c.get(path, follow_redirects=False)
        d = _check_headers(r, path)
        if path == "/api/v1/docs":  # Swagger UI: its CDN bundle and its own inline script, by hash only
            scripts = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
            assert scripts and all(x.startswith(("'sha256-", "https://")) for x in d["script-src"])
        elif r.headers.get("content-type", "").startswith("text/html"):
            assert d["script-src"] == ["'self'"] and d["style-src"] == ["'self'"], path
            assert "<script" not in r.text.lower() and "<style" not in r.text.lower(), path
            assert not re.search(r"<[^>]+\sstyle=", r.text), path  # no inline style attributes
            assert_inert(r.text, None)
    assert c.post("/api/v1/extract", json={"text": "x" * 6000}).status_code == 413
    _check_headers(c.post("/api/v1/extract", json={"text": "x" * 6000}), "413")
    c.post("/api/v1/extract", json={"text": "x"})
    r = c.post("/api/v1/extract", json={"text": "x"})
    assert r.status_code == 429
    _check_headers(r, "429")
