"""Tracker query speed on a large store: coverage and the review calendar.

Builds (once; cached under ``bench/out/``) a store of ``--n`` generated
articles with :func:`gen_records.build_store`, then times, best of
``--repeat``:

- ``coverage`` of the document with the most meetings (plain and ``--by region``),
- ``due`` over the whole store, and for one province,

as the CLI runs them (:mod:`vnpolicy.track` functions over SQL aggregates,
after :func:`vnpolicy.track.meetings.ensure`). In the same process it times a
naive baseline — load every event with its documents, province and article
through the ORM and compute the same answers in a Python loop — and prints
the ratio. The bar is under 1 s each for 100,000 articles.

    .venv/bin/python bench/track_speed.py [--n 100000] [--seed 0] [--rebuild] [--json]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_records import build_store  # noqa: E402

from vnpolicy.store import open_store, queries  # noqa: E402
from vnpolicy.store import models as m  # noqa: E402
from vnpolicy.track import calendar, meetings  # noqa: E402
from vnpolicy.track.calendar import CUSTOMARY, _add  # noqa: E402
from vnpolicy.track.lifecycle import coverage, issued, stage_of  # noqa: E402
from vnpolicy.track.units import unit_of  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TODAY = dt.date(2026, 11, 23)


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def naive(session: Session, doc: m.Document) -> tuple[dict, list]:
    """Coverage and due from every event loaded through the ORM, one Python loop (no meetings:
    it counts reports, which is also what makes it wrong on duplicated news)."""
    events = session.scalars(select(m.Event).options(
        selectinload(m.Event.links).selectinload(m.EventDocument.document), selectinload(m.Event.province),
        selectinload(m.Event.article))).all()
    cells: dict[tuple[str, str], int] = defaultdict(int)
    pairs: dict[tuple[int, str], list] = defaultdict(list)
    for e in events:
        province = e.province.name if e.province else None
        unit = unit_of(e.organizer, province)
        for link in e.links:
            if link.document_id == doc.id:
                cells[unit, stage_of(e.kind, e.period)] += 1
            pairs[link.document_id, unit].append(e)
    due_rows = []
    for (doc_id, unit), evs in pairs.items():
        d = evs[0].links[0].document if evs[0].links[0].document_id == doc_id else \
            next(link.document for link in evs[0].links if link.document_id == doc_id)
        start = issued(d)
        if start is None:
            continue
        for review in CUSTOMARY:
            when = _add(start, review.years)
            hit = any(e.period == f"{review.years} năm" for e in evs if e.kind in calendar.REVIEW_KINDS)
            due_rows.append((d.key, unit, review.kind, when, hit))
    return dict(cells), due_rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="articles in the store")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db", help="store URL (default: a cached SQLite file under bench/out/)")
    ap.add_argument("--rebuild", action="store_true", help="build the store again")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    OUT.mkdir(exist_ok=True)
    path = OUT / f"track-{args.n}-{args.seed}.db"
    url = args.db or f"sqlite:///{path}"
    if args.rebuild and not args.db:
        path.unlink(missing_ok=True)
    engine = open_store(url)
    with Session(engine) as s:
        have = s.scalar(select(func.count()).select_from(m.Article))
    build = None
    if have < args.n:
        build = build_store(url, args.n, seed=args.seed, progress=not args.json)
    report: dict = {"n": args.n, "store": url, "build": build, "python": platform.python_version(),
                    "machine": platform.machine()}
    with Session(engine) as s:
        t = time.perf_counter()
        placed = meetings.ensure(s)
        report["ensure_s"] = round(time.perf_counter() - t, 3)
        report["placed_now"] = placed
        report["totals"] = queries.totals(s) | {
            "meetings": s.scalar(select(func.count()).select_from(m.Meeting))}
        top = s.execute(select(m.MeetingDocument.document_id, func.count()).group_by(m.MeetingDocument.document_id)
                        .order_by(func.count().desc()).limit(1)).first()
        doc = s.get(m.Document, top[0])
        province = "Sóc Trăng"
        pids = queries.province_ids(s, province)
        timings = {}
        timings["coverage"], cov = best(lambda: coverage(s, doc), args.repeat)
        timings["coverage --by region"], _ = best(lambda: coverage(s, doc, by="region"), args.repeat)
        timings["due"], rows = best(lambda: calendar.due(s, today=TODAY), args.repeat)
        timings["due --within 90d"], _ = best(lambda: calendar.due(s, today=TODAY, within_days=90), args.repeat)
        timings["due --province"], _ = best(lambda: calendar.due(s, today=TODAY, province_ids=pids), args.repeat)
        t = time.perf_counter()
        naive_cells, naive_due = naive(s, doc)
        timings["naive baseline (coverage + due)"] = time.perf_counter() - t
    engine.dispose()
    ours = timings["coverage"] + timings["due"]
    report["load_average"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    report.update({
        "document": doc.key, "document_meetings": cov["meetings"],
        "document_reports": sum(naive_cells.values()), "due_rows": len(rows), "naive_due_rows": len(naive_due),
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
        "speedup_vs_naive": round(timings["naive baseline (coverage + due)"] / ours, 1),
    })
    cli = [str(Path(sys.executable).parent / "vnpolicy")]
    for name, argv in (("cli start-up only", ["--help"]), ("cli coverage", ["coverage", doc.key, "--db", url, "--json"]),
                       ("cli due", ["due", "--within", "90d", "--db", url, "--json"])):
        t = time.perf_counter()
        subprocess.run(cli + argv, check=True, capture_output=True)
        report["timings_s"][name + " (process, incl. start-up)"] = round(time.perf_counter() - t, 3)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if build:
        print(f"built {build['articles']} articles: rows {build['seconds_rows']} s, "
              f"meetings {build['seconds_meetings']} s")
    tot = report["totals"]
    print(f"store: {tot['articles']} articles, {tot['events']} events in {tot['meetings']} meetings, "
          f"{tot['documents']} documents, {tot['people']} people ({url})")
    print(f"document {doc.key}: {cov['meetings']} meetings from {report['document_reports']} reports; "
          f"due rows: {len(rows)}")
    print(f"load average at the end: {report['load_average']:.1f}")
    for k, v in report["timings_s"].items():
        print(f"  {k:<48} {v * 1000:9.1f} ms")
    print(f"  speed-up vs naive (coverage + due): {report['speedup_vs_naive']}x")


if __name__ == "__main__":
    main()
