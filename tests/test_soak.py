"""Soak (issue 6, item 5): `vnpolicy serve` on 127.0.0.1 over a temporary SQLite store
seeded with invented articles; 32 concurrent clients mix reads (pages, API lists,
search, feeds) and writes (`POST /api/v1/articles` with a token, each a distinct
invented article, and `POST /api/v1/extract`) through a warm-up (``VNPOLICY_SOAK_WARMUP``
seconds, 15 by default, and ``VNPOLICY_SOAK_WARMUP_REQUESTS`` requests, 1,500 by default,
bounded to 4 × the seconds) and then ``VNPOLICY_SOAK_SECONDS`` (20 s by default). Bars: no failed request
(over the whole run), server RSS growth under 10% from the end of the warm-up to the end, and afterwards the store holds the seeded plus the accepted
articles and `vnpolicy check` is clean. The figures are printed (run with ``-s``)."""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

import httpx
import psutil
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vnpolicy.store import open_store
from vnpolicy.store.models import Article
from vnpolicy.web import tokens

SECONDS = float(os.environ.get("VNPOLICY_SOAK_SECONDS", "20"))
#: The same load before the measured run: the server's memory ramps up with the work done while
#: its worker threads and pooled database connections (each with SQLite's page cache, 2 MiB at
#: most) fill, then holds. The warm-up lasts WARMUP seconds and WARMUP_REQUESTS requests
#: (about 1,200 filled them here), but never more than 4 × WARMUP seconds.
WARMUP = float(os.environ.get("VNPOLICY_SOAK_WARMUP", "15"))
WARMUP_REQUESTS = int(os.environ.get("VNPOLICY_SOAK_WARMUP_REQUESTS", "1500"))
CLIENTS = 32
PROVINCES = ["Bạc Liêu", "Sóc Trăng", "Quảng Trị", "Nghệ An", "Lào Cai", "Cà Mau"]
KINDS = [("quán triệt", "44-NQ/TW"), ("sơ kết 5 năm thực hiện", "29-NQ/TW"),
         ("tổng kết 10 năm thực hiện", "33-NQ/TW"), ("triển khai", "35-NQ/TW")]


def _text(n: int) -> str:
    """An invented article, different for every ``n``."""
    prov = PROVINCES[n % len(PROVINCES)]
    what, doc = KINDS[n % len(KINDS)]
    day, month = n % 28 + 1, n % 12 + 1
    return (f"Sáng {day}/{month}/2024, Ban Thường vụ Tỉnh ủy {prov} tổ chức hội nghị {what} Nghị quyết số "
            f"{doc} của Ban Chấp hành Trung ương Đảng. Hội nghị lần thứ {n} có {100 + n % 400} đại biểu "
            f"tham dự. Đồng chí Nguyễn Văn An, Phó Bí thư Tỉnh ủy, chủ trì hội nghị (mã bài {n}).")


def _vnpolicy(*args: str) -> list[str]:
    return [sys.executable, "-c", "from vnpolicy.cli import app; app()", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss(pid: int) -> int:
    proc = psutil.Process(pid)
    return proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))


@pytest.fixture
def served(tmp_path):
    """The server over a store seeded with 6 invented articles; (base URL, token, db url, pid, seeded)."""
    db = f"sqlite:///{tmp_path / 'soak.db'}"
    seeds = []
    for i in range(6):
        p = tmp_path / f"seed-{i}.txt"
        p.write_text(_text(100_000 + i), encoding="utf-8")
        seeds.append(str(p))
    subprocess.run(_vnpolicy("ingest", *seeds, "--db", db), check=True, capture_output=True, timeout=300)
    cfg = tmp_path / "cfg"
    _, secret = tokens.create(cfg / "tokens.json", "soak")
    port = _free_port()
    env = os.environ | {"VNPOLICY_CONFIG": str(cfg)}
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(_vnpolicy("serve", "--db", db, "--port", str(port), "--rate-limit", "100000",
                                      "--rate-burst", "100000"), env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):  # up to about a minute
        try:
            if httpx.get(base + "/api/v1/provinces", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    else:
        proc.kill()
    if proc.poll() is not None:
        log.close()
        pytest.fail("server did not start: " + (tmp_path / "server.log").read_text(errors="replace"))
    yield base, secret, db, proc.pid, 6
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)
    log.close()


def test_soak(served):
    base, secret, db, pid, seeded = served
    with Session(open_store(db)) as s:
        assert s.scalar(select(func.count(Article.id))) == seeded
        some_article = s.scalar(select(Article.id))
    reads = ["/", "/documents", "/provinces", "/people", f"/articles/{some_article}", "/provinces/Bạc Liêu",
             "/search?q=hoi+nghi", "/search?q=nghi+quyet&year=2024", "/api/v1/articles?limit=50",
             "/api/v1/events?limit=50", "/api/v1/documents", "/api/v1/search?q=tinh+uy", "/api/v1/provinces",
             "/feeds/search.atom?q=hoi+nghi", "/api/v1/reviews/due"]
    stop = threading.Event()
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    accepted: list[int] = []
    counts = {"read": 0, "store": 0, "extract": 0}

    def client(worker: int) -> None:
        rnd = random.Random(worker)
        k = 0
        with httpx.Client(base_url=base, timeout=60) as c:
            while not stop.is_set():
                roll = rnd.random()
                try:
                    t0 = time.perf_counter()
                    if roll < 0.15:
                        n = worker * 1_000_000 + k
                        k += 1
                        r = c.post("/api/v1/articles", json={"text": _text(n), "id": f"soak-{n}"},
                                   headers={"Authorization": f"Bearer {secret}"})
                        kind, ok = "store", r.status_code == 201 and r.json()["new"] is True
                        if ok:
                            with lock:
                                accepted.append(r.json()["id"])
                    elif roll < 0.25:
                        r = c.post("/api/v1/extract", json={"text": _text(rnd.randrange(10**6))})
                        kind, ok = "extract", r.status_code == 200 and "events" in r.json()
                    else:
                        path = rnd.choice(reads)
                        r = c.get(path)
                        kind, ok = "read", r.status_code == 200
                    dt = time.perf_counter() - t0
                    with lock:
                        latencies.append(dt)
                        counts[kind] += 1
                        if not ok:
                            failures.append(f"{r.request.method} {r.request.url.path}: {r.status_code} "
                                            f"{r.text[:200]}")
                except httpx.HTTPError as exc:
                    with lock:
                        failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(WARMUP)
    for _ in range(int(3 * WARMUP)):  # bounded: at most 3 × WARMUP more seconds
        with lock:
            if len(latencies) >= WARMUP_REQUESTS:
                break
        time.sleep(1)
    warm = time.monotonic() - start
    with lock:
        warm_requests = len(latencies)
    rss_warm = _rss(pid)
    series = [rss_warm]
    total = warm + SECONDS
    while time.monotonic() - start < total:
        time.sleep(min(1.0, max(0.0, total - (time.monotonic() - start))))
        series.append(_rss(pid))
    peak = max(series)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    elapsed = time.monotonic() - start
    rss_end = _rss(pid)

    lat = sorted(latencies)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    growth = (rss_end - rss_warm) / rss_warm
    print(f"\nsoak: {CLIENTS} clients, {elapsed:.1f} s, {len(lat)} requests ({len(lat) / elapsed:.0f}/s): "
          f"{counts['read']} reads, {counts['store']} stores ({len(accepted)} new), {counts['extract']} extracts; "
          f"{len(failures)} failed; latency p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms, max {lat[-1] * 1000:.0f} ms; "
          f"server RSS {rss_warm / 2**20:.1f} MiB after {warm:.0f} s warm-up ({warm_requests} requests), {rss_end / 2**20:.1f} MiB at the end "
          f"(peak {peak / 2**20:.1f}, growth {growth:+.1%}); RSS MiB each second after warm-up: "
          f"{' '.join(f'{x / 2**20:.0f}' for x in series)}")

    assert failures == [], failures[:10]
    assert counts["store"] > 0 and counts["extract"] > 0 and counts["read"] > 0
    assert growth < 0.10, f"server RSS grew {growth:.1%} after warm-up"
    with Session(open_store(db)) as s:
        assert s.scalar(select(func.count(Article.id))) == seeded + len(accepted)
        assert s.scalar(select(func.count(Article.id)).where(Article.ext_id.like("soak-%"))) == len(accepted)
    assert len(set(accepted)) == len(accepted)
    check = subprocess.run(_vnpolicy("check", "--db", db, "--json"), capture_output=True, text=True, timeout=300, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    json.loads(check.stdout)
