"""Hostile and broken inputs, built here from our own sentences: each ends in a clear error naming
the file or in a best-effort record (with warnings where something was repaired), never in a
traceback, a hang or a silently wrong date."""
from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests._legacy_codecs import encode_cp1258, encode_tcvn3, encode_vni
from vnpolicy.extract import MAX_EXTRACT_CHARS, extract
from vnpolicy.ingest import MAX_ARTICLE_BYTES, InputError, read_path, read_paths

LEAD = ("Sáng 4/7/2024, Đảng ủy Quân sự tỉnh Sóc Trăng tổ chức hội nghị quán triệt Nghị quyết số "
        "44-NQ/TW của Ban Chấp hành Trung ương Đảng về Chiến lược bảo vệ Tổ quốc trong tình hình mới.")
BODY = "Đồng chí Trịnh Hoài Nam, Bí thư Đảng ủy, chủ trì hội nghị. "
ARTICLE = f"{LEAD}\n{BODY}\n"
HANG_GUARD_S = 60  # a guard against hangs only; no test asserts a duration
CLI = [sys.executable, "-c", "from vnpolicy.cli import app; app(prog_name='vnpolicy')"]


@contextmanager
def hang_guard(seconds: int = HANG_GUARD_S):
    def fail(*_):
        raise TimeoutError(f"no result after {seconds} s: a hang")
    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _html(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Tin</title></head><body>{body}</body></html>"


def corpus(folder: Path) -> dict[str, str]:
    """Write the corpus into ``folder``: file name → "error" or "record"."""
    rng = random.Random(6)
    cases: dict[str, tuple[bytes, str]] = {
        "empty.txt": (b"", "error"),
        "blank.txt": (b" \n\t\r\n  ", "error"),
        "random.bin": (bytes(rng.randrange(256) for _ in range(20000)), "error"),
        "random.txt": (bytes(rng.randrange(256) for _ in range(4000)) + b"\x00", "error"),
        "picture.html": (b"\x89PNG\r\n\x1a\n" + bytes(300), "error"),
        "controls.txt": (bytes(range(1, 32)) * 50, "error"),
        "huge.txt": (b"", "error"),  # written below: larger than a single article may be
        "one_line.txt": (b"", "record"),  # written below: 5 MB without a newline
        "nested.html": (_html("<div>" * 200_000 + LEAD + "</div>" * 10).encode(), "either"),
        "truncated.html": (f"<html><body><div><p>{LEAD}</p><div><p class=\"lead".encode(), "record"),
        "cut_mid_char.html": (f"<html><body><p>{LEAD}</p><p>{BODY}".encode()[:-1], "record"),
        "scripts.html": (_html(
            f"<script>document.write('Nghị quyết số 77-NQ/TW')</script><p>{LEAD}</p>"
            "<iframe src=\"javascript:alert(1)\">Chỉ thị số 88-CT/TW</iframe>"
            "<style>p{content:'Kết luận số 66-KL/TW'}</style><noscript>x</noscript>"
            f"<p onclick=\"alert('x')\">{BODY}</p>").encode(), "record"),
        "tcvn3.txt": (encode_tcvn3(ARTICLE * 3), "record"),
        "vni.txt": (encode_vni(ARTICLE * 3), "record"),
        "utf16le_nobom.txt": (ARTICLE.encode("utf-16-le"), "record"),
        "utf16be_nobom.txt": (ARTICLE.encode("utf-16-be"), "record"),
        "utf16_bom.txt": (ARTICLE.encode("utf-16"), "record"),
        "cp1258.txt": (encode_cp1258(ARTICLE * 3), "record"),
        "nfd.txt": (unicodedata.normalize("NFD", ARTICLE).encode(), "record"),
        "mixed.txt": ((ARTICLE * 20).encode() + encode_cp1258(BODY), "record"),
        "mixed_legacy.txt": (encode_tcvn3(ARTICLE) + encode_vni(ARTICLE), "either"),
        "bad_bom.txt": (codecs.BOM_UTF16_LE + b"\x00\xd8", "error"),
        "invisible.txt": (("\u200b\ufeff" + LEAD.replace("Nghị", "Ng\u200dhị").replace("44-NQ", "\u202e44-NQ")
                           + "\u2066\u200f\n" + BODY).encode(), "record"),
        "bad_dates.txt": (("Ngày 31/02/2024, Tỉnh ủy tổ chức hội nghị quán triệt Nghị quyết số 44-NQ/TW. "
                           "Sáng 00/13, hội nghị tiếp tục; chiều 99/99/99999 bế mạc.").encode(), "record"),
        "bad_stamp.txt": (("10:30 31/02/2024\nSáng 4/7, Đảng ủy Quân sự tỉnh Sóc Trăng tổ chức hội nghị "
                           "quán triệt Nghị quyết số 44-NQ/TW.").encode(), "record"),
        "bad_symbols.txt": (("Sáng 4/7/2024, Tỉnh ủy tổ chức hội nghị quán triệt Nghị quyết NQ/TW, Nghị quyết số "
                             "999999-NQ/TW, Chỉ thị số -CT/TW, Quyết định số /2019/QĐ-TTg, Nghị định số "
                             "99999999/2019/NĐ-CP và Nghị quyết số 0-NQ/TW.").encode(), "record"),
        "absurd_awards.txt": ((LEAD + " Dịp này, Bộ Chỉ huy tặng Bằng khen cho 999999999 tập thể và "
                               + "9" * 5000 + " cá nhân; trao Giấy khen cho 0 tập thể và "
                               "một trăm nghìn nghìn nghìn cá nhân.").encode(), "record"),
        "bad.json": (b'{"id": "x", "text": ', "error"),
        "list_of_junk.json": (b'[1, "two", null, {"id": "ok", "text": "' + LEAD.encode() + b'"}]', "record"),
        "lines.jsonl": (b"\n".join([b"{broken", b"[]", b'{"id": "j1"}', b"\xff\xfe",
                                    json.dumps({"id": "j2", "text": ARTICLE}).encode()]), "record"),
        "cut.jsonl.gz": (gzip.compress(json.dumps({"id": "g", "text": ARTICLE * 50}).encode())[:200], "error"),
    }
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    line = (LEAD + " ") * (5_000_000 // len(LEAD.encode()) + 1)
    (folder / "one_line.txt").write_text(line, encoding="utf-8")
    with open(folder / "huge.txt", "wb") as fh:  # just over the limit, written in blocks
        block = (ARTICLE * 200).encode()
        for _ in range(MAX_ARTICLE_BYTES // len(block) + 1):
            fh.write(block)
    os.mkfifo(folder / "pipe.txt")  # a reader that opened it would wait forever
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    return {name: want for name, (_, want) in cases.items()} | {"pipe.txt": "error", "dangling.txt": "error"}


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("bad")
    return folder, corpus(folder)


def outcome(path: Path) -> tuple[list, list[str]]:
    """(records, error messages) of one file through the readers and the extractor."""
    errors: list[str] = []
    with hang_guard():
        records = [extract(a) for a in read_paths([path], on_error=errors.append)]
    return records, errors


def test_every_case_ends_in_a_named_error_or_a_record(bad_corpus):
    folder, cases = bad_corpus
    for name, want in sorted(cases.items()):
        records, errors = outcome(folder / name)
        assert records or errors, name
        assert all(name in e for e in errors), (name, errors)
        if want == "error":
            assert not records and errors, (name, records)
        elif want == "record":
            assert records, (name, errors)


def test_repaired_encodings_read_the_same_facts(bad_corpus):
    folder, _ = bad_corpus
    for name, note in (("tcvn3.txt", "TCVN3"), ("vni.txt", "VNI"), ("utf16le_nobom.txt", "UTF-16-LE"),
                       ("utf16be_nobom.txt", "UTF-16-BE"), ("cp1258.txt", "Windows-1258"), ("nfd.txt", "NFC")):
        (rec,), errors = outcome(folder / name)
        assert not errors
        assert any(note in w for w in rec.warnings), (name, rec.warnings)
        assert LEAD in rec.text, name
        assert [d.key for d in rec.documents] == ["44-NQ/TW@2023"], name
        assert [(e.kind, e.date) for e in rec.events] == [("quan_triet", "2024-07-04")], name


def test_invisible_and_bidi_controls_are_dropped(bad_corpus):
    (rec,), _ = outcome(bad_corpus[0] / "invisible.txt")
    assert not any(c in rec.text for c in "\u200b\u200d\u200f\u202e\u2066\ufeff")
    assert LEAD in rec.text and [d.key for d in rec.documents] == ["44-NQ/TW@2023"]


def test_impossible_dates_are_never_guessed(bad_corpus):
    (rec,), _ = outcome(bad_corpus[0] / "bad_dates.txt")
    assert [e.date for e in rec.events] == [None]
    (rec,), _ = outcome(bad_corpus[0] / "bad_stamp.txt")
    assert rec.published is None and [e.date for e in rec.events] == [None]


def test_malformed_symbols_are_not_cut_into_valid_ones(bad_corpus):
    (rec,), _ = outcome(bad_corpus[0] / "bad_symbols.txt")
    keys = [d.key for d in rec.documents]
    assert not any(k.startswith(("NQ/TW", "9999", "-CT", "/2019")) for k in keys), keys
    assert not any("99999" in (d.symbol or "") or "99999" in (d.number or "") for d in rec.documents), keys


def test_absurd_award_counts_become_unknown(bad_corpus):
    (rec,), _ = outcome(bad_corpus[0] / "absurd_awards.txt")
    assert rec.awards, "the awards themselves are still read"
    for a in rec.awards:
        for n in (a.collectives, a.individuals):
            assert n is None or 0 < n <= 100_000, a


def test_scripts_iframes_and_styles_are_not_text(bad_corpus):
    (rec,), _ = outcome(bad_corpus[0] / "scripts.html")
    assert LEAD in rec.text
    for junk in ("document.write", "alert", "content:", "77-NQ", "88-CT", "66-KL"):
        assert junk not in rec.text, junk
    assert [d.key for d in rec.documents] == ["44-NQ/TW@2023"]


def test_long_text_is_read_in_part_with_a_warning(bad_corpus):
    (rec,), errors = outcome(bad_corpus[0] / "one_line.txt")
    assert not errors and len(rec.text) > MAX_EXTRACT_CHARS
    assert any("facts were read from the first" in w for w in rec.warnings)
    assert rec.events and rec.events[0].date == "2024-07-04"
    assert all(d.evidence.end <= MAX_EXTRACT_CHARS for d in rec.documents if d.evidence)
    _, errors = outcome(bad_corpus[0] / "huge.txt")
    assert len(errors) == 1 and "not one article" in errors[0]


def test_read_path_raises_input_error_naming_the_file(bad_corpus):
    folder, cases = bad_corpus
    for name in ("empty.txt", "random.bin", "picture.html", "bad.json", "cut.jsonl.gz"):
        with pytest.raises(InputError, match=name.replace(".", r"\.")), hang_guard():
            list(read_path(folder / name))


def test_cli_over_the_whole_corpus_reports_each_bad_file(bad_corpus, tmp_path):
    """The real command in a child process: a timeout there guards against a hang."""
    folder, cases = bad_corpus
    db = tmp_path / "bad.db"
    for args in (["ingest", str(folder), "--db", str(db), "--json"],
                 ["extract", *sorted(str(folder / n) for n in cases), "--out", str(tmp_path / "out")]):
        done = subprocess.run([*CLI, *args], capture_output=True, text=True,
                              timeout=180)
        assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr[-3000:]
        for name, want in cases.items():
            if want == "error":
                assert name in done.stderr, (args[0], name)
    stored = json.loads(subprocess.run([*CLI, "check", "--db", str(db), "--json"],
                                       capture_output=True, text=True, timeout=120).stdout)
    assert stored["problems"] == [] and stored["counts"]["articles"] >= sum(w == "record" for w in cases.values())
