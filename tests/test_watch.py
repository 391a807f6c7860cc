"""`vnpolicy watch` against a local HTTP server on 127.0.0.1 serving invented feeds and pages,
including a slow page, failing ones (500, flaky 503), malformed XML and a robots.txt ban."""
from __future__ import annotations

import gzip
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from vnpolicy.cli import app
from vnpolicy.store import open_store
from vnpolicy.store.models import Article
from vnpolicy.watch import (
    Config,
    Fetcher,
    FetchError,
    RateLimiter,
    WatchError,
    feed_links,
    load_config,
    sitemap_links,
)

PROVINCES = {"a1": "Long An", "a2": "Tây Ninh", "a3": "Đồng Tháp", "a4": "Bến Tre", "flaky": "Trà Vinh"}


def page(slug: str) -> bytes:
    n = list(PROVINCES).index(slug) + 3
    province = PROVINCES[slug]
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Quán triệt Nghị quyết 44 ở {province}</title>
<meta property="article:published_time" content="2024-03-{n:02d}T08:00:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/qp">Quốc phòng</a></nav><article>
<h1>Đảng ủy Quân sự tỉnh {province} quán triệt Nghị quyết số 44-NQ/TW</h1>
<p>Sáng {n}/3/2024, Đảng ủy Quân sự tỉnh {province} tổ chức hội nghị quán triệt, triển khai thực hiện
Nghị quyết số 44-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng về Chiến lược bảo vệ Tổ quốc
trong tình hình mới.</p>
<p>Dự hội nghị có các đồng chí trong Ban Thường vụ Đảng ủy, chỉ huy các cơ quan, đơn vị và hơn {100 + n}
cán bộ, đảng viên lực lượng vũ trang tỉnh.</p>
<p>Hội nghị yêu cầu các cấp ủy, tổ chức đảng nâng cao chất lượng giáo dục chính trị, xây dựng lực lượng
vũ trang địa phương vững mạnh toàn diện, sẵn sàng nhận và hoàn thành tốt mọi nhiệm vụ được giao.</p>
</article><footer>Bản quyền thuộc về báo điện tử</footer></body></html>""".encode()


RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Quoc phong</title>
<item><title>A1</title><link>/news/a1.html</link></item>
<item><title>A2</title><link>http://HOST/news/a2.html</link></item>
<item><title>Private</title><link>/private/secret.html</link></item>
<item><title>Broken</title><link>/news/broken.html</link></item>
<item><title>Slow</title><link>/news/slow.html</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A3</title><link rel="alternate" href="/news/a3.html"/></entry></feed>"""
SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>/sitemap-news.xml.gz</loc></sitemap></sitemapindex>"""
SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>/news/a4.html</loc></url></urlset>"""
LAST_MODIFIED = "Mon, 04 Mar 2024 08:00:00 GMT"


class Site:
    """The fixture site: routes, hit counts per path, conditional GET on the listings."""

    def __init__(self):
        self.hits: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out first
                    pass

            def do_GET(self):
                path = self.path
                site.hits[path] += 1
                host = f"127.0.0.1:{site.port}".encode()
                if path == "/robots.txt":
                    return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
                if path == "/feed.rss":
                    if self.headers.get("If-None-Match") == '"rss-1"':
                        return self.send(304)
                    return self.send(200, RSS.replace(b"HOST", host), "application/rss+xml",
                                     [("ETag", '"rss-1"')])
                if path == "/atom.xml":
                    return self.send(200, ATOM, "application/atom+xml")
                if path == "/bad.xml":
                    return self.send(200, b"<rss><channel><item><link>/news/a9.html</item>", "text/xml")
                if path in ("/sitemap.xml", "/sitemap-news.xml.gz"):
                    if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                        return self.send(304)
                    body = SITEMAP_INDEX if path == "/sitemap.xml" else gzip.compress(SITEMAP)
                    return self.send(200, body, "application/xml", [("Last-Modified", LAST_MODIFIED)])
                if path == "/news/broken.html":
                    return self.send(500, b"oops")
                if path == "/news/slow.html":
                    time.sleep(0.6)
                    return self.send(200, page("a1"))
                if path == "/busy":
                    return self.send(429, b"slow down", headers=[("Retry-After", "7")])
                if path == "/news/flaky.html" and site.hits[path] == 1:
                    return self.send(503, b"busy", headers=[("Retry-After", "0")])
                slug = path.removeprefix("/news/").removesuffix(".html")
                if path.startswith("/news/") and slug in PROVINCES:
                    return self.send(200, page(slug))
                return self.send(404, b"not here")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    with Site() as s:
        yield s


def write_config(tmp_path, site) -> str:
    (tmp_path / "more.txt").write_text(f"# list\n{site.url}/news/flaky.html\n{site.url}/news/a1.html\n",
                                       encoding="utf-8")
    cfg = tmp_path / "watch.yaml"
    cfg.write_text(f"""
delay: 0
timeout: 0.3
retries: 1
backoff: 0.01
sources:
  - feed: {site.url}/feed.rss
  - feed: {site.url}/atom.xml
  - feed: {site.url}/bad.xml
  - sitemap: {site.url}/sitemap.xml
  - urls_file: more.txt
""", encoding="utf-8")
    return str(cfg)


def run_watch(cfg: str, db: str) -> dict[str, dict]:
    res = CliRunner().invoke(app, ["watch", cfg, "--once", "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    return {r["source"].rsplit("/", 1)[-1]: r for r in json.loads(res.stdout)}


def stored(db: str) -> int:
    engine = open_store(db)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    return n


def test_watch_once_stores_new_articles_and_survives_bad_sources(tmp_path, site, db_url):
    cfg = write_config(tmp_path, site)
    first = run_watch(cfg, db_url)
    feed = first["feed.rss"]
    assert (feed["listed"], feed["new"], feed["stored"]) == (5, 5, 2)
    reasons = " | ".join(feed["errors"])
    assert "robots.txt" in reasons and "HTTP 500 (2 tries)" in reasons and "timed out" in reasons
    assert site.hits["/private/secret.html"] == 0
    assert site.hits["/news/broken.html"] == 2  # one retry
    assert first["atom.xml"]["stored"] == 1
    assert "malformed feed XML" in first["bad.xml"]["errors"][0] and first["bad.xml"]["listed"] == 0
    assert first["sitemap.xml"]["stored"] == 1  # found through the index and a gzip sitemap
    urls = first["urls:5"]
    assert (urls["listed"], urls["new"], urls["stored"]) == (2, 1, 1)  # a1 was queued by the feed
    assert site.hits["/news/flaky.html"] == 2  # 503, then retried
    assert stored(db_url) == 5

    second = run_watch(cfg, db_url)
    assert second["feed.rss"]["not_modified"] and second["sitemap.xml"]["not_modified"]
    assert sum(r["stored"] for r in second.values()) == 0
    assert site.hits["/news/a1.html"] == 1 and site.hits["/feed.rss"] == 2
    assert site.hits["/news/broken.html"] == 4  # a server error is retried on the next run
    assert site.hits["/private/secret.html"] == 0
    assert stored(db_url) == 5


def test_failing_url_is_given_up_after_max_attempts(tmp_path, site):
    cfg = tmp_path / "w.yaml"
    cfg.write_text(f"{{delay: 0, timeout: 1, retries: 0, max_attempts: 2, "
                   f"sources: [{{urls: ['{site.url}/news/broken.html', '{site.url}/news/gone.html']}}]}}",
                   encoding="utf-8")
    db = str(tmp_path / "w.db")
    for _ in range(3):
        run_watch(str(cfg), db)
    assert site.hits["/news/broken.html"] == 2
    assert site.hits["/news/gone.html"] == 1  # 404: not retried


def test_retries_wait_as_long_as_the_server_asks(site, tmp_path):
    slept = []
    fetcher = Fetcher(Config(sources=[], state=tmp_path / "s", delay=0, retries=2, backoff=0.5, timeout=2),
                      sleep=slept.append)
    with pytest.raises(FetchError, match=r"HTTP 429 \(3 tries\)"):
        fetcher.get(f"{site.url}/busy")
    fetcher.close()
    assert slept == [7.0, 7.0] and site.hits["/busy"] == 3


def test_rate_limit_spaces_requests_per_host():
    now, slept = [0.0], []

    def sleep(s):
        slept.append(round(s, 3))
        now[0] += s

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for host in ("a.vn", "a.vn", "b.vn", "a.vn"):
        limiter.wait(host)
    assert slept == [2.0, 2.0]  # b.vn waits for nobody


def test_feed_and_sitemap_parsing():
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
    <item><link>https://x.vn/1</link></item><item><link>https://x.vn/1</link></item></rdf:RDF>"""
    assert feed_links(rdf, "https://x.vn/") == ["https://x.vn/1"]
    assert feed_links(ATOM, "https://x.vn/rss/") == ["https://x.vn/news/a3.html"]
    assert sitemap_links(gzip.compress(SITEMAP), "https://x.vn/s.xml") == (["https://x.vn/news/a4.html"], [])
    with pytest.raises(Exception, match="not a sitemap"):
        sitemap_links(RSS, "https://x.vn/")


@pytest.mark.parametrize("text, message", [
    ("[]", "expected a list of sources"),
    ("sources: [{feed: ftp://x}]", "must be an http"),
    ("sources: [{feed: 'http://x', sitemap: 'http://y'}]", "exactly one of"),
    ("sources: [{urls_file: missing.txt}]", "missing.txt"),
])
def test_bad_configurations_are_refused(tmp_path, text, message):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(WatchError, match=message):
        load_config(cfg)
    res = CliRunner().invoke(app, ["watch", str(cfg), "--once", "--db", str(tmp_path / "c.db")])
    assert res.exit_code == 2
