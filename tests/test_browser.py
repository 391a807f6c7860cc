"""The web app in a real browser: `vnpolicy serve` on the dev-set store, driven by
Playwright through Debian's headless chromium. Every page type renders; a click goes
from a coverage cell to the event and its highlighted evidence; a search without
diacritics finds articles; pages pass accessibility checks (axe-core when installed,
else our own). Screenshots go to ``tests/_output/browser`` (or ``$VNPOLICY_TEST_OUTPUT``).
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking"]
OUT = Path(os.environ.get("VNPOLICY_TEST_OUTPUT", Path(__file__).parent / "_output")) / "browser"

if not CHROMIUM.exists() and os.environ.get("CI"):
    pytest.fail("CI must run the browser tests: .ci/run installs chromium (scripts/ci/chromium.sh)",
                pytrace=False)
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


def _vnpolicy(*args: str) -> list[str]:
    """The `vnpolicy` command of this interpreter's environment."""
    return [sys.executable, "-c", "from vnpolicy.cli import app; app()", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(dev_db, tmp_path_factory):
    """`vnpolicy serve` on 127.0.0.1 over the dev-set store, with one editor token."""
    port = _free_port()
    env = os.environ | {"VNPOLICY_CONFIG": str(tmp_path_factory.mktemp("cfg"))}
    made = subprocess.run(_vnpolicy("token", "create", "--name", "browser", "--json"),
                          env=env, capture_output=True, text=True, check=True)
    proc = subprocess.Popen(_vnpolicy("serve", "--db", dev_db, "--port", str(port)),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/api/v1/provinces", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"server did not start: {proc.stdout.read().decode(errors='replace')}")
            time.sleep(0.2)
    yield {"base": base, "token": json.loads(made.stdout)["token"]}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _api(server, path: str):
    with urllib.request.urlopen(server["base"] + path, timeout=10) as r:
        return json.load(r)


def _shot(page, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000, "a blank screenshot"
    return path


def _urls(server) -> dict[str, str]:
    doc = _api(server, "/api/v1/documents?q=29-NQ/TW")["items"][0]
    event = _api(server, "/api/v1/events?limit=1")["items"][0]
    art = _api(server, "/api/v1/articles?limit=1")["items"][0]
    person = _api(server, "/api/v1/people?limit=1")["items"][0]
    prov = next(p["name"] for p in _api(server, "/api/v1/provinces") if p["events"])
    return {"home": "/", "documents": "/documents", "document": f"/documents/{doc['id']}", "provinces": "/provinces",
            "province": f"/provinces/{prov}", "event": f"/events/{event['id']}", "article": f"/articles/{art['id']}",
            "people": "/people", "person": f"/people/{person['id']}", "search": "/search?q=quan+triet",
            "login": "/login"}


def test_every_page_type_renders(server, page):
    for name, path in _urls(server).items():
        resp = page.goto(server["base"] + path)
        assert resp.status == 200, path
        assert page.locator("h1").first.is_visible(), path
        assert page.title().endswith("vnpolicy")
        _shot(page, f"page-{name}")


def test_document_page_shows_matrix_map_and_chart(server, page):
    page.goto(server["base"] + _urls(server)["document"])
    assert page.locator("#coverage td.cell.on a").count() >= 1
    assert page.locator(".map-old svg .tile").count() == 63
    assert page.locator(".map-old svg rect.lv1, .map-old svg rect.lv2, .map-old svg rect.lv3, "
                        ".map-old svg rect.lv4").count() >= 1
    assert page.locator("svg.chart rect").count() >= 1
    assert not page.locator(".map-new").is_visible()
    page.click("label[for=map-new]")  # the 2025 view, by CSS alone
    assert page.locator(".map-new").is_visible() and not page.locator(".map-old").is_visible()
    assert page.locator(".map-new svg .borders line").count() > 0
    _shot(page, "document-map-2025")


def test_coverage_cell_to_event_to_highlighted_evidence(server, page):
    page.goto(server["base"] + _urls(server)["document"])
    _shot(page, "document-coverage")
    cell = page.locator("#coverage td.cell.on a").first
    href = cell.get_attribute("href")
    event_id = re.fullmatch(r"/events/(\d+)", href).group(1)
    cell.click()
    page.wait_for_url(re.compile(rf"/events/{event_id}$"))
    page.get_by_role("link", name=re.compile("đến đoạn văn|jump to evidence")).click()
    assert page.url.endswith(f"#ev-{event_id}")
    focus = page.locator("mark.focus").first
    assert focus.is_visible() and focus.is_visible()
    box = focus.bounding_box()
    assert box and 0 <= box["y"] < 900, "the evidence is scrolled into view"
    bg = focus.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator(".text mark.hl-document").count() >= 1
    _shot(page, "event-highlighted")


def test_search_without_diacritics(server, page):
    page.goto(server["base"] + "/")
    page.get_by_label(re.compile("Tìm bài báo")).fill("nghi quyet")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=nghi\+quyet"))
    hits = page.locator("ol.hits li a")
    assert hits.count() >= 1
    assert page.locator(".facets h3").count() == 4
    _shot(page, "search-no-diacritics")
    page.locator(".facets a[href*='year=']").first.click()
    assert page.locator(".facets strong").count() == 1 and hits.count() >= 1


def test_english_toggle(server, page):
    page.goto(server["base"] + "/")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(server["base"] + "/provinces")  # the cookie keeps English
    assert page.locator("h1").inner_text() == "Provinces"


def test_editor_ingest_preview(server, page):
    page.goto(server["base"] + "/ingest")
    assert page.url.endswith("/login")
    page.get_by_label(re.compile("Mã truy cập|Access token")).fill(server["token"])
    page.get_by_role("button", name=re.compile("Đăng nhập|sign-in", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(r"/ingest$"))
    page.get_by_label(re.compile("Dán nội dung|Paste")).fill(
        "Sáng 5/6/2024, Ban Thường vụ Tỉnh ủy Lai Châu tổ chức hội nghị sơ kết 5 năm thực hiện "
        "Nghị quyết số 33-NQ/TW của Bộ Chính trị về Chiến lược bảo vệ Tổ quốc trên không gian mạng.")
    page.get_by_role("button", name=re.compile("Xem trước|Preview")).click()
    assert page.locator(".preview mark.hl-document").count() >= 1
    assert "33-NQ/TW" in page.locator(".preview pre.json").inner_text()
    _shot(page, "ingest-preview")


AXE_CANDIDATES = [os.environ.get("AXE_JS", ""), "/usr/lib/node_modules/axe-core/axe.min.js",
                  "/usr/local/lib/node_modules/axe-core/axe.min.js"]


def _axe() -> str | None:
    return next((Path(p).read_text() for p in AXE_CANDIDATES if p and Path(p).is_file()), None)


OWN_CHECKS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), textarea, select')) {
    const lab = el.id && document.querySelector(`label[for="${el.id}"]`);
    if (!lab && !el.getAttribute('aria-label')) out.push('unlabelled ' + el.outerHTML.slice(0, 80));
  }
  if (document.querySelectorAll('h1').length !== 1) out.push('h1 count ' + document.querySelectorAll('h1').length);
  let last = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4')) {
    const n = +h.tagName[1];
    if (n > last + 1) out.push('heading jumps to ' + h.tagName + ': ' + h.textContent.slice(0, 40));
    last = n;
  }
  if (!document.documentElement.lang) out.push('no lang');
  const lum = c => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(x => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const bgOf = el => { for (let e = el; e; e = e.parentElement) { const b = getComputedStyle(e).backgroundColor;
      if (b && !b.startsWith('rgba(0, 0, 0, 0)') && b !== 'transparent') return b; } return 'rgb(255, 255, 255)'; };
  for (const el of document.querySelectorAll('a, p, td, th, dt, dd, li, label, button, h1, h2, h3, span, small')) {
    if (!el.childNodes.length || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.closest('svg') || !el.offsetParent) continue;
    const a = lum(getComputedStyle(el).color), b = lum(bgOf(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push('contrast ' + ratio.toFixed(2) + ': ' + el.textContent.trim().slice(0, 30));
  }
  return out;
}"""


@pytest.mark.parametrize("name", ["home", "document", "province", "event", "person", "search", "login"])
def test_accessibility_basics(server, page, browser, name):
    csp = []  # the page works under its Content-Security-Policy: the browser refuses nothing
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(server["base"] + _urls(server)[name])
    problems = page.evaluate(OWN_CHECKS)
    assert problems == [], problems
    assert csp == [], csp
    axe = _axe()
    if axe:  # axe is injected as an inline script, which the site's policy forbids: a context that bypasses it
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page = ctx.new_page()
        page.goto(server["base"] + _urls(server)[name])
        page.add_script_tag(content=axe)
        result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})""")
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        ctx.close()
        assert bad == [], bad
