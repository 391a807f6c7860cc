"""Property tests (hypothesis) for the normaliser, the date resolver and the document-reference
parser, and adversarial inputs built from the extractors' own vocabulary, timed and printed
(never asserted: a signal alarm only guards against a hang)."""
from __future__ import annotations

import datetime as dt
import signal
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vnpolicy.extract import MAX_EXTRACT_CHARS, awards, dates, documents, events, extract, people, places
from vnpolicy.record import Article, Record
from vnpolicy.text import fold, match_form, normalise

FAST = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
# Text with the characters that matter: Vietnamese letters in both forms, combining marks,
# odd spaces, line separators, invisible and bidi controls, and anything else Unicode has.
_VI = "aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐàáảãạằắẳẵặầấẩẫậòóỏõọờớởỡợùúủũụừứửữựỳýỷỹỵ"
_ODD = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b \u00a0\u2009\u3000\t\r\n\u2028\u2029\x85" \
       "\u200b\u200d\ufeff\u00ad\u202e\u2066\x00\x07\u00d0\u00f0"
TEXT = st.text(st.one_of(st.sampled_from(_VI + _ODD + "oaoeuyQq.,/-0123456789"), st.characters()), max_size=200)


@FAST
@given(TEXT)
@example("hoà thuỷ Hoà QUÝ quý khoẻ")
@example("a\u0301\u0302 Đ\u200bảng\u202e ủy\r\n\r\n\r\n  x\u2028")
def test_normalise_is_idempotent_and_nfc(s):
    n = normalise(s)
    assert normalise(n) == n
    assert unicodedata.is_normalized("NFC", n)
    assert not any(c in n for c in "\u200b\u200d\ufeff\u202e\r\t")


@FAST
@given(TEXT)
@example("Hoà Bình, Thuỷ lợi, quý, hoè, QUỶ")
def test_match_form_keeps_length_and_is_idempotent(s):
    n = normalise(s)
    m = match_form(n)
    assert len(m) == len(n)
    assert match_form(m) == m
    assert fold(m) == fold(n)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.integers(0, 40), st.integers(0, 14), st.one_of(st.none(), st.integers(1900, 2200)),
       st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2099, 12, 31))))
@example(31, 2, 2024, None)
@example(0, 13, None, dt.date(2024, 5, 1))
@example(29, 2, None, dt.date(2023, 3, 1))
def test_day_phrases_resolve_to_real_dates_or_nothing(d, mo, y, pub):
    phrase = f"Sáng {d}/{mo}" + (f"/{y}" if y else "") + ", Tỉnh ủy tổ chức hội nghị."
    published = dates.PartialDate(pub.year, pub.month, pub.day) if pub else None
    found = dates.day_mentions(phrase)
    assert len(found) <= 1
    possible = dates.valid(y, mo, d)
    if not possible:
        assert found == []  # 31/02, 00/13: rejected, never moved to a neighbouring day
        return
    (dm,) = found
    assert (dm.day, dm.month, dm.year) == (d, mo, y)
    iso = dates.resolve(dm, published)
    if iso is None:
        assert y is None  # only a missing year can leave it open
        return
    got = dt.date.fromisoformat(iso)
    assert (got.day, got.month) == (d, mo)
    if y:
        assert got.year == y
    elif published:
        assert got.year in (pub.year - 1, pub.year)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=60))
def test_full_date_parser_never_invents(s):
    iso = dates.parse_full_date(s)
    if iso is not None:
        day = dt.date.fromisoformat(iso)
        assert 1945 <= day.year <= 2100


@FAST
@given(TEXT)
@example("Nghị quyết số 44-NQ/TW, 45-NQ/TW và " * 3)
@example("NQ/TW 999999-NQ/TW số -CT/TW /2019/QĐ-TTg")
def test_document_parser_takes_any_unicode(s):
    n = normalise(s)
    docs, mentions = documents.extract_documents(n, match_form(n), None)
    for d in docs:
        assert d.key
        if d.evidence:
            assert 0 <= d.evidence.start < d.evidence.end <= len(n)


_PARTY_CODES = {"Nghị quyết": "NQ", "Chỉ thị": "CT", "Kết luận": "KL"}
_STATE = {"Nghị định": "NĐ-CP", "Thông tư": "TT-BQP", "Quyết định": "QĐ-TTg"}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(_PARTY_CODES)), st.integers(1, 9999), st.sampled_from(["TW", "TU", "ĐU", "QUTW"]),
       st.sampled_from(["Sáng 4/7, Tỉnh ủy tổ chức hội nghị quán triệt {ref}.",
                        "Hội nghị đã quán triệt {ref} và các văn bản liên quan.",
                        "({ref}) được triển khai sâu rộng, {ref} cũng vậy."]))
def test_a_party_symbol_in_a_sentence_is_found_back(typ, n, body, sentence):
    symbol = f"{n}-{_PARTY_CODES[typ]}/{body}"
    text = sentence.format(ref=f"{typ} số {symbol}")
    docs, _ = documents.extract_documents(text, match_form(text), None)
    assert [d.key.split("@")[0] for d in docs] == [symbol], text
    assert docs[0].symbol == symbol and docs[0].number == str(n)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(_STATE)), st.integers(1, 99999), st.integers(1990, 2030), st.booleans())
def test_a_state_symbol_in_a_sentence_is_found_back(typ, n, year, with_word):
    symbol = f"{n}/{year}/{_STATE[typ]}"
    text = f"Hội nghị triển khai {typ + ' số ' if with_word else ''}{symbol} của Chính phủ."
    docs, _ = documents.extract_documents(text, match_form(text), None)
    assert [d.key for d in docs] == [symbol], text


# --- adversarial inputs: bounded time ------------------------------------------------------

VOCAB = ["Nghị quyết", "Chỉ thị", "Kết luận", "Quyết định", "Kế hoạch", "Luật", "NQ", "CT", "số", "số:",
         "1", "12", "2024", "999999", "-", "/", "-NQ/TW", "/NĐ-CP", "của Ban", "của Bộ Chính trị", "tổ chức",
         "Sáng 1/1", "ngày 31/02/2024", ",", ".", ";", ":", "(", ")", "“", "”", "\n", "và", "các", "về việc",
         "Đồng chí", "Nguyễn Văn", "Trần Thị", "Bí thư", "Phó Chủ tịch", "Đại tá", "Huân chương", "tặng",
         "Bằng khen", "cho", "tập thể", "cá nhân", "hội nghị", "sơ kết", "tổng kết", "quán triệt", "giao ban",
         "diễn tập", "5 năm", "Qua 5 năm thực hiện", "khóa", "XIII", "Tỉnh ủy", "Trung ương", "Sóc Trăng",
         "tỉnh", "huyện", "điểm cầu", "tại", "xa", "A", "Đ"]
ADVERSARIAL_CHARS = 1_000_000
_WORST: dict[str, float] = {}


def _timed(name: str, fn):
    t = time.process_time()
    result = fn()
    _WORST[name] = max(_WORST.get(name, 0.0), time.process_time() - t)
    return result


def _alarm(*_):
    raise TimeoutError("an extractor ran for over a minute: a hang")


@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=8), st.sampled_from([" ", ", ", ". ", "\n", ""]))
@example(["Chỉ thị 1-CT/TW.", "Nghị quyết số 1."], " ")
@example(["diễn tập.", "Nghị quyết 1-NQ/TW,", "2-NQ/TW,", "3-NQ/TW."], " ")
@example(["Nghị quyết số 1,", "2,", "3"], " ")
@example(["Phó Chủ tịch", "Trần Thị", "xã,"], " ")
@example(["tỉnh Sóc Trăng,", "điểm cầu", "xa xa xa xa xa xa xa xa xa xa xa xa xa xa."], " ")
@example(["tặng", "Bằng khen", "cho"], " ")
def test_adversarial_vocabulary_stays_bounded(words, sep):
    unit = sep.join(words) + sep
    raw = unit * (ADVERSARIAL_CHARS // len(unit) + 1)
    extract(Article(id="warm", text="Nghị quyết số 44-NQ/TW. Đồng chí Trần Văn An."))  # loads the lexicons
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)
    try:
        n = _timed("normalise", lambda: normalise(raw[:ADVERSARIAL_CHARS]))
        text = n[:MAX_EXTRACT_CHARS]  # what extract() gives the extractors
        m = match_form(text)
        pub = dates.published_date(m, None)
        docs, mentions = _timed("documents", lambda: documents.extract_documents(text, m, pub))
        evs = _timed("events", lambda: events.extract_events(text, m, pub, docs, mentions))
        found = _timed("people", lambda: people.extract_people(text, m))
        given_awards = _timed("awards", lambda: awards.extract_awards(text, m))
        rec = Record(id="x", text=text, documents=docs, events=evs, people=found, awards=given_awards)
        _timed("places", lambda: places.assign_province(rec, m, None))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert all(d.evidence is None or d.evidence.end <= len(text) for d in docs)
    assert all(e.date is None or dt.date.fromisoformat(e.date) for e in evs)


def test_extract_reads_a_prefix_of_an_oversized_text():
    unit = "Sáng 4/7/2024, Tỉnh ủy tổ chức hội nghị quán triệt Nghị quyết số 44-NQ/TW. "
    rec = extract(Article(id="x", text=unit * (MAX_EXTRACT_CHARS // len(unit) + 10)))
    assert len(rec.text) > MAX_EXTRACT_CHARS and any("facts were read from the first" in w for w in rec.warnings)
    assert [d.key for d in rec.documents] == ["44-NQ/TW@2023"]
    assert max(p.evidence.end for p in rec.documents if p.evidence) <= MAX_EXTRACT_CHARS
    short = extract(Article(id="y", text=unit))
    assert not any("facts were read" in w for w in short.warnings)


def test_report_slowest_extractor_calls(capsys):
    """Prints the worst times the adversarial test measured (run it with that test)."""
    if not _WORST:
        pytest.skip("the adversarial test did not run in this session")
    assert {"documents", "events", "people", "awards", "places"} <= set(_WORST)
    with capsys.disabled():
        print(f"\nslowest calls on {ADVERSARIAL_CHARS // 1000} kB adversarial texts "
              f"(extractors see the first {MAX_EXTRACT_CHARS} characters), CPU seconds: "
              + ", ".join(f"{k} {v:.2f}" for k, v in sorted(_WORST.items())))
