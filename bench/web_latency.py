"""Latency of the web pages under load: document, province and search pages of a large
SQLite store, requested by concurrent keep-alive clients against `vnpolicy serve` on
127.0.0.1. Prints p50/p95/p99 per page type, for the page cache on (the default) and off.

    .venv/bin/python bench/web_latency.py --n 100000 --clients 16
    .venv/bin/python bench/web_latency.py --db bench/out/web-100000.db --cache 0

The store is built with ``bench/gen_records.py`` when ``--db`` does not exist yet.
Each page type gets its own run with the load tool wrk (else Python threads); URLs
cycle over many documents (half of them the most cited), all provinces and a set of
queries without diacritics. With the cache on, every URL is requested once first
(steady state: the store unchanged since); with it off every request renders from
the database.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

QUERIES = ["quan triet nghi quyet", "so ket 5 nam", "tong ket 10 nam", "khu vuc phong thu", "dien tap",
           "giao ban", "bao ve to quoc", "khong gian mang", "dang uy quan su", "ban thuong vu tinh uy",
           "soc trang", "dien bien", "ha noi", "can tho", "gia lai", "nghe an", "thanh hoa", "quang ninh",
           "44-nq/tw", "28-nq/tw", "chi thi 24", "nghi dinh 21", "dan quan tu ve", "bien gioi",
           "nong thon moi", "chuyen doi so", "cai cach hanh chinh", "xay dung dang", "an ninh quoc gia",
           "lam van binh"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def urls(db: str, n_documents: int, seed: int) -> dict[str, list[str]]:
    """The URLs of each page type: the most cited documents and a random sample of the rest,
    every province with events, and the queries (with facets on some)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from vnpolicy.store import open_store
    from vnpolicy.store.models import Document, DocumentMention, Event, Province

    rnd = random.Random(seed)
    engine = open_store(db)
    with Session(engine) as s:
        n = func.count()
        top = s.scalars(select(DocumentMention.document_id).group_by(DocumentMention.document_id)
                        .order_by(n.desc()).limit(n_documents // 2)).all()
        rest = s.scalars(select(Document.id)).all()
        docs = list(top) + rnd.sample(rest, min(len(rest), n_documents - len(top)))
        provs = s.scalars(select(Province.name).where(Province.id.in_(select(Event.province_id).distinct()))).all()
    engine.dispose()
    searches = [f"/search?q={urllib.parse.quote_plus(q)}" for q in QUERIES]
    searches += [f"/search?q={urllib.parse.quote_plus(q)}&kind=so_ket" for q in QUERIES[:10]]
    return {"document": [f"/documents/{i}" for i in docs],
            "province": [f"/provinces/{urllib.parse.quote(p)}" for p in provs], "search": searches}


def load(port: int, paths: list[str], clients: int, requests: int) -> list[float]:
    """``requests`` GETs spread over ``clients`` threads, each with one keep-alive connection;
    the latencies in milliseconds. Any non-200 answer aborts the run."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    errors: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for i in counter:
            path = paths[i % len(paths)]
            t0 = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                errors.append(f"{path}: {resp.status}")
                break
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"errors: {errors[:5]}")
    return latencies


WRK_SCRIPT = """
local paths = {%s}
local i = 0
init = function(args) i = math.random(#paths) end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f, '
    .. '"max_ms": %%.1f, "errors": %%d, "non_2xx": %%d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def wrk(port: int, paths: list[str], clients: int, seconds: int) -> dict:
    """The load tool wrk (closed loop, ``clients`` keep-alive connections on two threads)
    cycling over ``paths``; its latency percentiles."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script),
                              f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    finally:
        script.unlink()
    row = json.loads(out.split("WRK ", 1)[1])
    if row["errors"] or row["non_2xx"]:
        raise SystemExit(f"wrk saw errors: {row}")
    row["req_per_s"] = round(row["requests"] / row["seconds"], 1)
    return row


def warm(port: int, paths: list[str], workers: int) -> None:
    """Request every path, on a new connection each time, enough times for every worker."""
    for _ in range(1 if workers == 1 else 3 * workers):
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def serve(db: str, port: int, workers: int, cache: float) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from vnpolicy.cli import app; app()", "serve", "--db", db, "--port", str(port),
           "--workers", str(workers), "--cache", str(cache)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/provinces")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="SQLite file (built with --n articles when missing)")
    ap.add_argument("--n", type=int, default=100_000, help="articles in a generated store")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=1600, help="requests per page type")
    ap.add_argument("--workers", type=int, default=1,
                    help="uvicorn worker processes (each keeps its own page cache)")
    ap.add_argument("--cache", type=float, nargs="*", default=[3600.0, 0.0],
                    help="page cache lifetimes to measure, seconds (0 = off)")
    ap.add_argument("--documents", type=int, default=200, help="distinct document pages")
    ap.add_argument("--seconds", type=int, default=20, help="seconds per page type (with wrk)")
    ap.add_argument("--tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                    help="load generator: wrk when installed (apt-get install wrk), else threads here")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()

    db = args.db or str(HERE / "out" / f"web-{args.n}.db")
    if not Path(db).exists():
        from gen_records import build_store
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        print("building", db, json.dumps(build_store(f"sqlite:///{Path(db).resolve()}", args.n, progress=True)))
    pages = urls(db, args.documents, seed=0)
    print(f"store {db}; {args.tool}, {args.clients} clients, {args.seconds} s per page type, "
          f"{args.workers} worker(s), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    figures = []
    for cache in args.cache:
        port = _free_port()
        proc = serve(db, port, args.workers, cache)
        try:
            for kind, paths in pages.items():
                random.Random(1).shuffle(paths)
                if cache > 0:  # steady state: every page rendered (cached) once before measuring
                    warm(port, paths, args.workers)
                if args.tool == "wrk":
                    row = wrk(port, paths, args.clients, args.seconds)
                else:
                    t0 = time.perf_counter()
                    lat = load(port, paths, args.clients, args.requests)
                    wall = time.perf_counter() - t0
                    row = {"requests": len(lat), "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
                           "p99_ms": round(pct(lat, 99), 1), "max_ms": round(max(lat), 1),
                           "req_per_s": round(len(lat) / wall, 1)}
                row = {"page": kind, "cache_s": cache, "urls": len(paths), "tool": args.tool} | row
                row["load_avg"] = round(os.getloadavg()[0], 1)
                figures.append(row)
                print(f"{kind:9} cache={cache:>4}s  urls={row['urls']:4}  p50={row['p50_ms']:7.1f} ms  "
                      f"p95={row['p95_ms']:7.1f} ms  p99={row['p99_ms']:7.1f} ms  max={row['max_ms']:7.1f} ms  "
                      f"{row['req_per_s']:6.1f} req/s  (load {row['load_avg']})", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
