"""Bulk pipeline throughput: `vnpolicy bulk` on 1 and 2 Dask workers against a plain loop, and `load`.

Input: ``$VNPOLICY_SHARED/corpus`` (default ``<repo>/../shared/corpus``) when it
exists, else a generated gzip JSON Lines file of ``--articles`` articles made
from the dev texts (``gold/dev/*.txt``), each perturbed (paragraphs rotated,
numbers shifted) so that every article is distinct for the store. Measures:

* a plain single-process loop (read, extract, serialise to JSON Lines): articles/s;
* ``bulk.run`` with 1 and 2 local worker processes: articles/s with and
  without the cluster's start-up, the ratio to the loop and to one worker,
  peak RSS of each worker and of the driver;
* CPU time per article (of the loop's process, of the workers' tasks): what
  other programs on the machine cannot inflate, the base of the estimates;
* ``load`` of ``--load-articles`` records into SQLite and, when
  ``VNPOLICY_TEST_PG`` names a server, into a fresh PostgreSQL database: records/s.

    .venv/bin/python bench/bulk_speed.py [--articles 5000] [--load-articles 1000] [--json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from vnpolicy import bulk
from vnpolicy.extract import extract
from vnpolicy.sources import read_sources
from vnpolicy.store import open_store

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("VNPOLICY_SHARED", REPO.parent / "shared")).resolve()


def generate(dest: Path, n: int, seed: int = 7) -> Path:
    """n distinct articles from the dev texts: paragraphs rotated, day numbers shifted."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared_dir() / "gold" / "dev").glob("*.txt"))]
    if not texts:
        sys.exit(f"no dev texts under {shared_dir() / 'gold' / 'dev'} and no corpus: nothing to measure")
    rnd = random.Random(seed)
    path = dest / "generated.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(n):
            paras = [p for p in texts[i % len(texts)].split("\n") if p.strip()]
            k = rnd.randrange(len(paras)) if len(paras) > 2 else 0
            paras = paras[:1] + paras[1:][k:] + paras[1:][:k]
            body = re.sub(r"\b([12]?\d)/(\d{1,2})\b", lambda m, i=i: f"{(int(m.group(1)) + i) % 28 + 1}/{m.group(2)}",
                          "\n".join(paras))
            fh.write(json.dumps({"id": f"g{i:07d}", "url": f"https://bench.invalid/{i}", "text": body},
                                ensure_ascii=False) + "\n")
    return path


def plain_loop(source: Path, out: Path) -> dict:
    """The baseline: one process, no Dask: read, extract, write JSON Lines."""
    errors = []
    n = 0
    start, cpu = time.perf_counter(), time.process_time()
    with open(out, "w", encoding="utf-8") as fh:
        for art in read_sources([source], errors.append):
            try:
                fh.write(json.dumps(extract(art).to_dict(), ensure_ascii=False) + "\n")
                n += 1
            except Exception as exc:  # counted like bulk counts them
                errors.append(repr(exc))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"articles": n, "errors": len(errors), "seconds": round(seconds, 2),
            "articles_per_s": round(n / seconds, 1),
            "cpu_ms_per_article": round(1000 * cpu / n, 2)}


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def bulk_run(source: Path, out: Path, workers: int, partition_size: int) -> dict:
    """One bulk run on a new LocalCluster; the driver's CPU includes the scheduler (same process)."""
    started, driver_cpu = time.perf_counter(), _own_cpu()
    ready = {}
    manifest = bulk.run([source], out, workers=workers, partition_size=partition_size,
                        on_start=lambda _link: ready.setdefault("at", time.perf_counter()))
    total, driver_cpu = time.perf_counter() - started, _own_cpu() - driver_cpu
    work = total - (ready["at"] - started)
    n = manifest["records"]
    parts = [json.loads(line) for line in (out / bulk.PARTITIONS).open(encoding="utf-8")]
    cpu, busy = sum(p["cpu_s"] for p in parts), sum(p["seconds"] for p in parts)
    return {"cpu_ms_per_article": round(1000 * cpu / n, 2),
            # share of a core the workers got while in a task (1.0: nobody else wanted the CPU), and
            # share of the run after start-up the workers spent in tasks (1.0: never waiting for work)
            "worker_cpu_share": round(cpu / busy, 2), "worker_busy": round(busy / (workers * work), 2),
            "driver_cpu_ms_per_article": round(1000 * driver_cpu / n, 2),
            "workers": workers, "articles": n, "errors": manifest["errors"], "seconds": round(total, 2),
            "startup_s": round(ready["at"] - started, 2), "articles_per_s": round(n / total, 1),
            "articles_per_s_after_startup": round(n / work, 1),
            "peak_rss_mb_per_worker": sorted(manifest["peak_rss_mb"].values())}


def load_into(url: str, out: Path, limit: int, batch: int) -> dict:
    subset = out.parent / f"{out.name}-load"
    shutil.rmtree(subset, ignore_errors=True)
    (subset / "jsonl").mkdir(parents=True)
    with open(subset / "jsonl" / "part-000000.jsonl", "w", encoding="utf-8") as dst:
        n = 0
        for part in sorted((out / "jsonl").glob("part-*.jsonl")):
            for line in part.open(encoding="utf-8"):
                if n == limit:
                    break
                dst.write(line)
                n += 1
    engine = open_store(url)
    try:
        with Session(engine) as session:
            start = time.perf_counter()
            counts = bulk.load(subset, session, batch_size=batch)
            seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    return {"records": counts["new"], "failed": counts["failed"], "seconds": round(seconds, 2),
            "records_per_s": round(counts["new"] / seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=5000, help="generated articles when there is no corpus")
    ap.add_argument("--load-articles", type=int, default=1000)
    ap.add_argument("--partition-size", type=int, default=bulk.DEFAULT_PARTITION_SIZE)
    ap.add_argument("--batch", type=int, default=500, help="articles per transaction in load")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vnpolicy-bulk-bench-"))
    try:
        corpus = shared_dir() / "corpus"
        source = corpus if corpus.exists() else generate(tmp, args.articles)
        result = {"input": str(source) if source == corpus
                  else f"generated: {args.articles} articles (gzip JSONL)",
                  "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                             f"Python {platform.python_version()}",
                  "plain_loop": plain_loop(source, tmp / "loop.jsonl")}
        result["bulk"] = [bulk_run(source, tmp / f"out-{w}", w, args.partition_size) for w in (1, 2)]
        base, one = result["plain_loop"]["articles_per_s"], result["bulk"][0]["articles_per_s"]
        for r in result["bulk"]:
            r["vs_plain_loop"] = round(r["articles_per_s"] / base, 2)
            r["vs_one_worker"] = round(r["articles_per_s"] / one, 2)
            r["vs_one_worker_after_startup"] = round(
                r["articles_per_s_after_startup"] / result["bulk"][0]["articles_per_s_after_startup"], 2)
        result["driver_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        out = tmp / "out-2"
        result["load"] = {"sqlite": load_into(f"sqlite:///{tmp / 'load.db'}", out, args.load_articles, args.batch)}
        if os.environ.get("VNPOLICY_TEST_PG"):
            sys.path.insert(0, str(REPO))
            from tests.pg import fresh_database

            result["load"]["postgresql"] = load_into(fresh_database(os.environ["VNPOLICY_TEST_PG"]), out,
                                                     args.load_articles, args.batch)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"Input: {result['input']}; {result['machine']}\n")
    print("| run | articles | seconds | articles/s | after start-up | × loop | × 1 worker | CPU ms/article "
          "| peak RSS/worker MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    p = result["plain_loop"]
    print(f"| plain loop | {p['articles']} | {p['seconds']} | {p['articles_per_s']} | | 1.00 | | "
          f"{p['cpu_ms_per_article']} | |")
    for r in result["bulk"]:
        print(f"| bulk, {r['workers']} worker(s) | {r['articles']} | {r['seconds']} | {r['articles_per_s']} | "
              f"{r['articles_per_s_after_startup']} | {r['vs_plain_loop']} | {r['vs_one_worker']} "
              f"({r['vs_one_worker_after_startup']} after start-up) | {r['cpu_ms_per_article']} | "
              f"{', '.join(map(str, r['peak_rss_mb_per_worker']))} |")
    print("\nWorkers' share of a core while in a task / share of the run spent in tasks: "
          + ", ".join(f"{r['worker_cpu_share']} / {r['worker_busy']} ({r['workers']} worker(s))"
                      for r in result["bulk"]))
    print(f"Driver peak RSS: {result['driver_peak_rss_mb']} MB; driver + scheduler CPU per article: "
          + ", ".join(f"{r['driver_cpu_ms_per_article']} ms ({r['workers']} worker(s))" for r in result["bulk"]))
    for name, r in result["load"].items():
        print(f"load into {name}: {r['records']} records in {r['seconds']} s = {r['records_per_s']} records/s")


if __name__ == "__main__":
    main()
