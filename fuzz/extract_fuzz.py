"""Coverage-guided fuzzing of the whole reading path (atheris): bytes → decode → extract.

Any exception other than :class:`~vnpolicy.text.InputError` (a clean refusal) is a bug, and so
is a record whose evidence spans fall outside its text. Run for a bounded time::

    python fuzz/extract_fuzz.py -max_total_time=60 -max_len=4096 [corpus folder]

``scripts/fuzz.sh`` does that with a seed corpus of invented sentences.
"""
from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from vnpolicy.extract import extract
    from vnpolicy.page import article_from_html
    from vnpolicy.record import Article
    from vnpolicy.text import InputError, decode


def _spans_inside(rec) -> None:
    n = len(rec.text)
    spans = [d.evidence for d in rec.documents] + [e.evidence for e in rec.events] \
        + [p.evidence for p in rec.people] + [a.evidence for a in rec.awards] + [rec.province_evidence]
    for s in spans:
        if s is not None and not 0 <= s.start <= s.end <= n:
            raise AssertionError(f"evidence {s} outside a text of {n} characters")


def test_one_input(data: bytes) -> None:
    try:
        text, warnings = decode(data, "fuzz")
    except InputError:
        return
    _spans_inside(extract(Article(id="fuzz", text=text, warnings=warnings)))
    if "<" in text:
        try:
            article = article_from_html(text, "fuzz", "fuzz")
        except InputError:
            return
        _spans_inside(extract(article))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
