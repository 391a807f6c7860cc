"""`vnpolicy bulk` and `vnpolicy load`: extraction at scale on Dask, then storing the results."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from .. import bulk as pipeline
from ..store import describe, open_store, queries
from .common import DB, JSON, _out, _print_json, app, err


def _bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                    console=err, transient=True)


@app.command()
def bulk(sources: list[Path] = typer.Argument(..., help="Folders of text/HTML, JSON Lines (.jsonl, .jsonl.gz), "
                                                          "WARC (.warc, .warc.gz) or Parquet files."),
         out: Path = typer.Option(..., "--out", help="Output folder (rerun with the same one to resume)."),
         scheduler: str = typer.Option("local", "--scheduler",
                                       help="'local' (a new LocalCluster) or a Dask scheduler address."),
         workers: int | None = typer.Option(None, "--workers", min=1,
                                            help="Worker processes of the local cluster (default: CPUs)."),
         partition_size: int = typer.Option(pipeline.DEFAULT_PARTITION_SIZE, "--partition-size", min=1,
                                            help="Articles per task and per output file."),
         as_json: bool = JSON):
    """Extract records from large inputs in parallel: Parquet + JSON Lines + errors, resumable."""
    with _bar() as bar:
        task = bar.add_task("starting the cluster", total=None)

        def started(link: str | None) -> None:
            if link:
                err.print(f"Dask dashboard: {escape(link)}")

        def progress(p: pipeline.Progress) -> None:
            bar.update(task, description=f"{p.partitions} partitions done ({p.skipped} resumed), "
                                         f"{p.records} records, {p.errors + p.input_errors} errors")

        try:
            manifest = pipeline.run(sources, out, scheduler=scheduler, workers=workers,
                                    partition_size=partition_size, on_progress=progress, on_start=started)
        except pipeline.BulkError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from None
    if as_json:
        return _print_json(manifest)
    _out().print(f"Output: {escape(str(out))}\n"
                 f"Records: {manifest['records']} in {manifest['partitions']} partitions "
                 f"({manifest['skipped']} from an earlier run)\n"
                 f"Errors: {manifest['errors']} (see {escape(str(out / 'errors.jsonl'))})")


@app.command()
def load(folder: Path = typer.Argument(..., help="Output folder of `vnpolicy bulk`."),
         batch: int = typer.Option(500, "--batch", min=1, help="Articles per transaction."),
         db: str | None = DB, as_json: bool = JSON):
    """Store the records of a bulk run; articles already stored are skipped."""
    if not (folder / pipeline.MANIFEST).exists():
        err.print(f"[red]{escape(str(folder))}: no {pipeline.MANIFEST}, not a bulk output folder[/red]")
        raise typer.Exit(2)
    engine = open_store(db)
    try:
        with _bar() as bar, Session(engine, expire_on_commit=False) as session:
            task = bar.add_task("loading", total=None)
            counts = pipeline.load(folder, session, batch_size=batch, on_progress=lambda c: bar.update(
                task, description=f"{c['new']} new, {c['unchanged']} unchanged, {c['failed']} failed"))
            summary = {"database": describe(engine), **counts, "totals": queries.totals(session)}
    finally:
        engine.dispose()
    if as_json:
        return _print_json(summary)
    _out().print(f"Database: {escape(summary['database'])}\n"
                 f"Articles: {counts['new']} new, {counts['unchanged']} unchanged, {counts['failed']} failed")
