"""`vnpolicy extract`: records from articles, without a database."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..extract import extract as run_extract
from ..ingest import InputError, read_path
from .common import app, err


@app.command()
def extract(paths: list[Path] = typer.Argument(..., help="Text or HTML files."),
            out: Path | None = typer.Option(None, "--out", help="Folder for one ID.json per input."),
            jsonl: bool = typer.Option(False, "--jsonl", help="Stream records to stdout as JSON Lines."),
            text: bool = typer.Option(True, "--text/--no-text", help="Include the normalised text.")):
    """Extract records from articles without storing them."""
    if not out and not jsonl:
        raise typer.BadParameter("give --out DIR or --jsonl")
    if out:
        out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in paths:
        try:
            for article in read_path(path):
                rec = run_extract(article).to_dict(with_text=text)
                line = json.dumps(rec, ensure_ascii=False)
                if jsonl:
                    sys.stdout.write(line + "\n")
                if out:
                    (out / f"{rec['id']}.json").write_text(json.dumps(rec, ensure_ascii=False, indent=1),
                                                           encoding="utf-8")
        except InputError as exc:
            failed += 1
            err.print(f"[red]skipped[/red] {exc}")
    if failed:
        raise typer.Exit(1 if failed == len(paths) else 0)
