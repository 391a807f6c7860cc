"""Bulk extraction on Dask: millions of articles, one laptop or a cluster, same code.

The driver streams the inputs as :class:`~vnpolicy.sources.Item`\\ s, cuts them
into partitions of ``partition_size`` articles and submits each partition as
one task to a Dask ``distributed`` scheduler (a ``LocalCluster`` of
single-threaded worker processes by default, since extraction is pure Python
and holds the GIL; or any scheduler by address). At most a few partitions per
worker are in flight, so neither driver nor workers ever hold a whole input.

Each task decodes and extracts its articles and writes, under ``out``::

    parquet/part-NNNNNN.parquet   records (columns mirror Record.to_dict)
    jsonl/part-NNNNNN.jsonl       the same records as JSON Lines
    errors/part-NNNNNN.jsonl      articles that failed, with the reason

The driver appends each finished partition to ``partitions.jsonl`` and keeps
``manifest.json`` (inputs, counts, completeness); a rerun over the same
inputs skips the partitions already listed there. Partition numbers follow
the order of the inputs, which is stable for unchanged inputs. At the end all
error files (plus ``errors/input.jsonl``, what the driver could not read) are
gathered into ``errors.jsonl``. Outputs must be on a filesystem the workers
share with the driver.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import resource
import socket
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from . import sources
from .record import Record
from .text import InputError

MANIFEST = "manifest.json"
PARTITIONS = "partitions.jsonl"
FORMAT = 1
DEFAULT_PARTITION_SIZE = 250


class BulkError(Exception):
    """A run that cannot start (e.g. ``out`` holds a run over other inputs)."""


def _schema():
    import pyarrow as pa

    span = pa.struct([("start", pa.int32()), ("end", pa.int32())])
    s = pa.string()
    return pa.schema([
        ("id", s), ("published", s), ("province", s), ("province_inferred", pa.bool_()),
        ("province_evidence", span),
        ("events", pa.list_(pa.struct([("kind", s), ("period", s), ("date", s), ("organizer", s),
                                       ("documents", pa.list_(s)), ("evidence", span)]))),
        ("documents", pa.list_(pa.struct([("key", s), ("type", s), ("number", s), ("symbol", s),
                                          ("issued", s), ("issuer", s), ("subject", s), ("evidence", span)]))),
        ("people", pa.list_(pa.struct([("name", s), ("rank", s), ("positions", pa.list_(s)),
                                       ("evidence", span)]))),
        ("awards", pa.list_(pa.struct([("kind", s), ("giver", s), ("collectives", pa.int32()),
                                       ("individuals", pa.int32()), ("evidence", span)]))),
        ("title", s), ("source", s), ("warnings", pa.list_(s)), ("text", s),
    ])


def _part(name: str) -> str:
    return f"part-{name}"


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    _write_atomic(path, write)


def extract_partition(name: str, items: list[sources.Item], out: str) -> dict:
    """One task: extract ``items`` and write the partition's files; never raises for an article."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .extract import extract

    started, cpu = time.perf_counter(), time.process_time()
    records: list[dict] = []
    errors: list[dict] = []
    for item in items:
        def fail(reason: str, ident: str = item.default_id, place: str = item.where) -> None:
            where, _, rest = reason.partition(": ")
            if rest and where.startswith(place):  # readers prefix their reasons with the place
                errors.append({"where": where, "id": ident, "reason": rest})
            else:
                errors.append({"where": place, "id": ident, "reason": reason})
        try:
            arts = sources.articles(item, on_error=fail)
        except InputError as exc:
            fail(str(exc))
            continue
        except Exception as exc:  # a reader bug on one input must not lose the partition
            fail(f"unreadable: {exc!r}")
            continue
        for art in arts:
            try:
                records.append(extract(art).to_dict())
            except Exception as exc:
                fail(f"extraction failed: {exc!r}", art.id)
    root = Path(out)
    _write_atomic(root / "parquet" / f"{_part(name)}.parquet",
                  lambda tmp: pq.write_table(pa.Table.from_pylist(records, schema=_schema()), tmp,
                                             compression="zstd"))
    _write_jsonl(root / "jsonl" / f"{_part(name)}.jsonl", records)
    _write_jsonl(root / "errors" / f"{_part(name)}.jsonl", errors)
    return {"partition": name, "items": len(items), "records": len(records), "errors": len(errors),
            "seconds": round(time.perf_counter() - started, 3), "cpu_s": round(time.process_time() - cpu, 3),
            "worker": f"{socket.gethostname()}:{os.getpid()}",
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


@dataclass
class Progress:
    """What the driver reports as partitions finish."""

    partitions: int = 0
    skipped: int = 0
    records: int = 0
    errors: int = 0
    input_errors: int = 0
    failed_partitions: int = 0  # tasks lost as a whole: their articles are errors, redone by a rerun
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # worker → peak RSS


def _chunks(it: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(it, size)):
        yield chunk


def _finished(out: Path) -> dict[str, dict]:
    """Partitions a previous run completed, whose files are all still there."""
    done = {}
    path = out / PARTITIONS
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                info = json.loads(line)
            except json.JSONDecodeError:  # the last line of a killed run
                continue
            part = _part(info["partition"])
            if all((out / d / f"{part}{ext}").exists() for d, ext in
                   (("parquet", ".parquet"), ("jsonl", ".jsonl"), ("errors", ".jsonl"))):
                done[info["partition"]] = info
    return done


def _check_manifest(out: Path, inputs: list[str], partition_size: int) -> None:
    path = out / MANIFEST
    if not path.exists():
        return
    old = json.loads(path.read_text(encoding="utf-8"))
    if old.get("sources") != inputs or old.get("partition_size") != partition_size:
        raise BulkError(f"{out} holds a run over other inputs or another partition size; "
                        "use a new --out folder")


def _write_manifest(out: Path, manifest: dict) -> None:
    _write_atomic(out / MANIFEST, lambda tmp: tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                                             encoding="utf-8"))


def _gather_errors(out: Path) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as dst:
            for part in [out / "errors" / "input.jsonl", *sorted((out / "errors").glob("part-*.jsonl"))]:
                if part.exists():
                    dst.write(part.read_bytes())
    _write_atomic(out / "errors.jsonl", write)


def _client(scheduler: str, workers: int | None):
    """A client on a new LocalCluster (``local``) or on the scheduler at an address."""
    from distributed import Client, LocalCluster

    if scheduler != "local":
        return Client(scheduler)
    try:
        import bokeh  # noqa: F401  (the dashboard needs it)
        dashboard = "127.0.0.1:8787"  # loopback only; Dask moves to a free port if taken
    except ImportError:
        dashboard = None
    with warnings.catch_warnings():  # "port 8787 in use": the link printed is the one in use
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=dashboard, silence_logs=logging.ERROR)
    return Client(cluster)


def run(inputs: list[str | Path], out: str | Path, scheduler: str = "local", workers: int | None = None,
        partition_size: int = DEFAULT_PARTITION_SIZE, on_progress: Callable[[Progress], None] | None = None,
        on_start: Callable[[str | None], None] | None = None) -> dict:
    """Extract every article of ``inputs`` into ``out``; returns the manifest.

    ``on_start`` gets the dashboard link once the cluster is up; ``on_progress``
    is called after each partition.
    """
    from distributed import as_completed

    out = Path(out)
    names = [str(Path(p).resolve()) for p in inputs]
    _check_manifest(out, names, partition_size)
    for sub in ("parquet", "jsonl", "errors"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    done = _finished(out)
    progress = Progress()
    manifest = {"format": FORMAT, "sources": names, "partition_size": partition_size, "complete": False,
                "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _write_manifest(out, manifest)

    input_errors = open(out / "errors" / "input.jsonl", "w", encoding="utf-8")

    def input_error(message: str) -> None:
        progress.input_errors += 1
        where, _, reason = message.partition(": ")
        input_errors.write(json.dumps({"where": where, "id": None, "reason": reason or message},
                                      ensure_ascii=False) + "\n")
        input_errors.flush()

    client = _client(scheduler, workers)
    log = open(out / PARTITIONS, "a", encoding="utf-8")
    try:
        if on_start:
            on_start(client.dashboard_link if scheduler != "local" or "dashboard" in
                     client.cluster.scheduler.services else None)
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1)) + 2
        pending = as_completed()
        run_id = uuid.uuid4().hex[:12]  # task keys unique on a shared scheduler
        held: dict = {}  # future → (name, items): what a lost task failed on

        def settle(future) -> None:
            name, items = held.pop(future)
            try:
                info = future.result()
            except Exception as exc:  # the task died (worker killed, out of memory...)
                _write_jsonl(out / "errors" / f"{_part(name)}.jsonl",
                             [{"where": i.where, "id": i.default_id, "reason": f"task failed: {exc!r}"}
                              for i in items])
                info = {"partition": name, "items": len(items), "records": 0, "errors": len(items)}
                progress.failed_partitions += 1
                for ext, sub in ((".parquet", "parquet"), (".jsonl", "jsonl")):
                    (out / sub / f"{_part(name)}{ext}").unlink(missing_ok=True)
            else:
                log.write(json.dumps(info) + "\n")
                log.flush()
            progress.partitions += 1
            progress.records += info["records"]
            progress.errors += info["errors"]
            if "worker" in info:
                who = info["worker"]
                progress.peak_rss_mb[who] = max(progress.peak_rss_mb.get(who, 0), info["peak_rss_mb"])
            if on_progress:
                on_progress(progress)

        for index, chunk in enumerate(_chunks(sources.items(names, input_error), partition_size)):
            name = f"{index:06d}"
            if name in done:
                progress.skipped += 1
                progress.records += done[name]["records"]
                progress.errors += done[name]["errors"]
                continue
            future = client.submit(extract_partition, name, chunk, str(out), key=f"bulk-{run_id}-{name}")
            held[future] = (name, chunk)
            pending.add(future)
            while len(held) >= window:
                settle(next(pending))
        for future in pending:
            settle(future)
    finally:
        log.close()
        input_errors.close()
        cluster = getattr(client, "cluster", None) if scheduler == "local" else None
        client.close()
        if cluster is not None:
            cluster.close()
    _gather_errors(out)
    manifest.update({"complete": True,
                     "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "partitions": progress.partitions + progress.skipped, "skipped": progress.skipped,
                     "records": progress.records, "errors": progress.errors + progress.input_errors,
                     "input_errors": progress.input_errors, "failed_partitions": progress.failed_partitions,
                     "peak_rss_mb": progress.peak_rss_mb,
                     "outputs": {"parquet": "parquet/", "jsonl": "jsonl/", "errors": "errors.jsonl"}})
    _write_manifest(out, manifest)
    return manifest


def records(out: str | Path) -> Iterator[Record]:
    """The records of a bulk output folder, partition by partition (JSON Lines, else Parquet)."""
    out = Path(out)
    parts = sorted((out / "jsonl").glob("part-*.jsonl"))
    if parts:
        for part in parts:
            with open(part, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield Record.from_dict(json.loads(line))
        return
    import pyarrow.parquet as pq

    for part in sorted((out / "parquet").glob("part-*.parquet")):
        with pq.ParquetFile(part) as pf:
            for batch in pf.iter_batches(batch_size=256):
                for row in batch.to_pylist():
                    yield Record.from_dict(row)


def load(out: str | Path, session, batch_size: int = 500,
         on_progress: Callable[[dict], None] | None = None) -> dict:
    """Store the records of a bulk output folder, ``batch_size`` articles per transaction.

    Articles already stored (same content hash) are skipped with one query per
    batch; a record the store refuses is counted as failed and the batch goes on.
    """
    from sqlalchemy import select

    from .store import content_hash, ingest_record
    from .store.models import Article

    counts = {"new": 0, "unchanged": 0, "failed": 0}
    for batch in _chunks(records(out), batch_size):
        by_hash = {}
        for rec in batch:
            by_hash.setdefault(content_hash(rec), rec)
        counts["unchanged"] += len(batch) - len(by_hash)
        with session.begin():
            stored = set(session.scalars(select(Article.content_hash)
                                         .where(Article.content_hash.in_(list(by_hash)))))
            counts["unchanged"] += len(stored)
            for digest, rec in by_hash.items():
                if digest in stored:
                    continue
                try:
                    counts["new" if ingest_record(session, rec) else "unchanged"] += 1
                except Exception as exc:  # one bad record must not lose the batch
                    counts["failed"] += 1
                    logging.getLogger(__name__).warning("%s: not stored (%r)", rec.id, exc)
        if on_progress:
            on_progress(counts)
    return counts
