"""`vnpolicy bulk` / `vnpolicy load`: every input format, errors explained, resumable, loadable.

Most tests share one in-process Dask cluster (reached by address, as a remote
cluster would be); one CLI test starts the default LocalCluster of processes.
"""
from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import vnpolicy.extract
from vnpolicy import bulk
from vnpolicy.cli import app
from vnpolicy.sources import items, read_sources, url_id

runner = CliRunner()
# two clusters in one test process: the second dashboard moves to a free port, and says so
pytestmark = pytest.mark.filterwarnings("ignore:Port .* is already in use")


def text(n: int) -> str:
    return (f"Sáng {n % 28 + 1}/5/2024, Đảng ủy Quân sự tỉnh Hậu Giang tổ chức hội nghị sơ kết {n % 5 + 1} năm "
            f"thực hiện Nghị quyết số 44-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng. "
            f"Đại tá Nguyễn Văn Số{n}, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh chủ trì hội nghị.")


def html(n: int) -> bytes:
    paras = "".join(f"<p>{text(n + i)}</p>" for i in range(3))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Sơ kết {n}</title></head>"
            f"<body><nav>Trang chủ</nav><article><h1>Sơ kết Nghị quyết 44</h1>{paras}</article>"
            f"<footer>Bản quyền</footer></body></html>").encode()


def warc(path, pages: dict[str, bytes]) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warc_record("urn:info", "warcinfo", payload=io.BytesIO(b"x: y\r\n")))
        for url, body in pages.items():
            ctype = "image/png" if url.endswith(".png") else "text/html; charset=utf-8"
            status = "404 Not Found" if "missing" in url else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


@pytest.fixture
def inputs(tmp_path):
    """12 readable articles in five formats, plus 4 broken ones."""
    root = tmp_path / "in"
    (root / "pages").mkdir(parents=True)
    for n in range(3):
        (root / "pages" / f"t{n}.txt").write_text(text(n), encoding="utf-8")
    (root / "pages" / "h0.html").write_bytes(html(10))
    (root / "pages" / "empty.txt").write_bytes(b"")  # broken 1
    with gzip.open(root / "feed.jsonl.gz", "wt", encoding="utf-8") as fh:
        for n in range(4):
            fh.write(json.dumps({"id": f"j{n}", "url": f"https://bao.vn/j{n}", "title": "T", "text": text(20 + n)},
                                ensure_ascii=False) + "\n")
        fh.write("{not json\n")  # broken 2
        fh.write(json.dumps({"id": "notext", "title": "only a title"}) + "\n")  # broken 3
    warc(root / "crawl.warc.gz", {"https://bao.vn/tin/so-ket-44.html": html(30), "https://bao.vn/logo.png": b"PNG",
                                  "https://bao.vn/tin/missing.html": html(31)})
    pq.write_table(pa.Table.from_pylist([{"id": f"p{n}", "url": f"https://bao.vn/p{n}", "text": text(40 + n),
                                          "published": dt.datetime(2024, 5, 2 + n, 9, 30)} for n in range(3)]
                                        + [{"id": "p-empty", "url": None, "text": None, "published": None}]),
                   root / "table.parquet")  # broken 4: the last row
    return root


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as c:
        yield c.scheduler_address


def jsonl_rows(out):
    return [json.loads(line) for p in sorted((out / "jsonl").glob("*.jsonl")) for line in p.open(encoding="utf-8")]


def test_every_format_is_read_and_every_failure_explained(inputs, tmp_path, cluster):
    out = tmp_path / "out"
    m = bulk.run([inputs], out, scheduler=cluster, partition_size=3)
    assert m["complete"] and (m["records"], m["errors"]) == (12, 4)
    rows = jsonl_rows(out)
    ids = {r["id"] for r in rows}
    assert {"t0", "t2", "h0", "j0", "j3", "so-ket-44", "p0", "p2"} <= ids and len(rows) == 12
    assert ds.dataset(out / "parquet").to_table().num_rows == 12
    errors = [json.loads(line) for line in (out / "errors.jsonl").open(encoding="utf-8")]
    assert len(errors) == 4 and all(e["reason"] and e["where"] for e in errors)
    joined = " ".join(e["reason"] for e in errors)
    assert "bad JSON" in joined and "no text or html field" in joined
    assert any(e["where"].endswith("empty.txt") for e in errors)
    assert any(e["where"].endswith("table.parquet#4") for e in errors)
    # the extractor ran on the workers: a sơ kết of 44-NQ/TW in Hậu Giang
    rec = next(r for r in rows if r["id"] == "j1")
    assert rec["events"][0]["kind"] == "so_ket" and rec["province"] == "Hậu Giang"
    assert any(d["symbol"] == "44-NQ/TW" for d in rec["documents"])
    assert next(r for r in rows if r["id"] == "p1")["published"] == "2024-05-03"  # a Parquet timestamp


def test_rerun_skips_finished_partitions_and_redoes_lost_ones(inputs, tmp_path, cluster):
    out = tmp_path / "out"
    first = bulk.run([inputs], out, scheduler=cluster, partition_size=4)
    log = (out / bulk.PARTITIONS).read_text().splitlines()
    (out / bulk.PARTITIONS).write_text("\n".join(log[:-1]) + "\n{\"partition\": \"0000")  # killed mid-write
    second = bulk.run([inputs], out, scheduler=cluster, partition_size=4)
    assert second["skipped"] == first["partitions"] - 1
    assert (second["records"], second["errors"]) == (first["records"], first["errors"])
    assert len(jsonl_rows(out)) == 12
    with pytest.raises(bulk.BulkError, match="other inputs"):
        bulk.run([inputs], out, scheduler=cluster, partition_size=5)


def test_extraction_bug_and_dead_task_are_errors_not_crashes(inputs, tmp_path, cluster, monkeypatch):
    real = vnpolicy.extract.extract

    def flaky_extract(article):
        if article.id == "j2":
            raise RuntimeError("boom")
        return real(article)

    def dying(name, chunk, out):
        if name == "000001":
            raise MemoryError("worker lost")
        return real_partition(name, chunk, out)

    real_partition = bulk.extract_partition
    monkeypatch.setattr(vnpolicy.extract, "extract", flaky_extract)
    monkeypatch.setattr(bulk, "extract_partition", dying)
    out = tmp_path / "out"
    m = bulk.run([inputs], out, scheduler=cluster, partition_size=4)
    errors = [json.loads(line) for line in (out / "errors.jsonl").open(encoding="utf-8")]
    assert any(e["id"] == "j2" and "boom" in e["reason"] for e in errors)
    lost = [e for e in errors if "task failed" in e["reason"]]
    assert len(lost) == 4 and m["records"] + m["errors"] == 16 and m["failed_partitions"] == 1
    monkeypatch.setattr(bulk, "extract_partition", real_partition)
    again = bulk.run([inputs], out, scheduler=cluster, partition_size=4)  # the lost partition is redone
    assert again["skipped"] == again["partitions"] - 1 and again["records"] == 11


def test_sources_stream_in_one_process(inputs):
    failures = []
    arts = list(read_sources([inputs], failures.append))
    assert len(arts) == 12 and len(failures) == 4
    kinds = {i.kind for i in items([inputs], failures.append)}
    assert kinds == {"file", "json", "html", "row"}
    assert url_id("https://bao.vn/tin/so-ket-44.html?x=1") == "so-ket-44"
    assert url_id("https://bao.vn/") == "bao.vn"


def test_cli_bulk_on_a_local_cluster_then_load_twice(inputs, tmp_path, db_url):
    out = tmp_path / "out"
    res = runner.invoke(app, ["bulk", str(inputs), "--out", str(out), "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["records"] == 12
    first = runner.invoke(app, ["load", str(out), "--db", db_url, "--batch", "5", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["new"], summary["failed"], summary["totals"]["articles"]) == (12, 0, 12)
    again = json.loads(runner.invoke(app, ["load", str(out), "--db", db_url, "--json"]).stdout)
    assert (again["new"], again["unchanged"]) == (0, 12)
    hits = json.loads(runner.invoke(app, ["search", "hau giang so ket", "--db", db_url, "--json"]).stdout)
    assert hits and all(h["kind"] == "article" for h in hits)


def test_load_refuses_a_folder_that_is_not_a_bulk_output(tmp_path):
    res = runner.invoke(app, ["load", str(tmp_path), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "not a bulk output" in res.output
