"""Awards extraction on invented sentences in the genre, plus the dev set."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from vnpolicy.extract.awards import extract_awards
from vnpolicy.text import match_form, normalise


def awards(raw: str):
    text = normalise(raw)
    return [(a.kind, a.collectives, a.individuals) for a in extract_awards(text, match_form(text))]


def test_counts_with_and():
    assert awards("Dịp này, Chủ tịch UBND tỉnh tặng bằng khen cho 06 tập thể và 11 cá nhân "
                  "có thành tích xuất sắc.") == [("Bằng khen", 6, 11)]


def test_counts_with_comma_and_giver():
    text = normalise("Nhân dịp này, Bộ CHQS tỉnh trao Giấy khen của Chỉ huy trưởng cho 5 tập thể, "
                     "10 cá nhân.")
    (a,) = extract_awards(text, match_form(text))
    assert (a.kind, a.collectives, a.individuals) == ("Giấy khen", 5, 10)
    assert a.giver == "Chỉ huy trưởng"
    assert text[a.evidence.start:a.evidence.end] == "Giấy khen"


def test_counts_in_words():
    assert awards("Hội nghị đã tặng Bằng khen cho năm tập thể và mười hai cá nhân.") == [
        ("Bằng khen", 5, 12)]


def test_only_one_count_stated():
    assert awards("UBND huyện khen thưởng Giấy khen cho 14 cá nhân.") == [("Giấy khen", None, 14)]


def test_no_counts_stated():
    assert awards("Ban Thường vụ Huyện ủy trao giấy khen cho các tập thể và cá nhân tiêu biểu.") == [
        ("Giấy khen", None, None)]


def test_recipients_before_the_verb():
    assert awards("Có 3 tập thể và 9 cá nhân được tặng Bằng khen của UBND tỉnh.") == [("Bằng khen", 3, 9)]


def test_caption_and_body_mentions_merge():
    assert awards("Đồng chí Bí thư trao Bằng khen cho các tập thể\n\n"
                  "Đồng chí Phó Bí thư trao Bằng khen cho các cá nhân\n\n"
                  "Nhân dịp này, Tỉnh ủy đã tặng Bằng khen cho 4 tập thể và 7 cá nhân.") == [
        ("Bằng khen", 4, 7)]


def test_two_kinds_stay_apart():
    got = awards("Dịp này, Bộ Tư lệnh Quân khu trao Huân chương Bảo vệ Tổ quốc hạng Ba cho 2 tập thể; "
                 "UBND tỉnh tặng Cờ thi đua cho 1 tập thể và Bằng khen cho 8 cá nhân.")
    assert ("Huân chương Bảo vệ Tổ quốc hạng Ba", 2, None) in got
    assert ("Cờ thi đua", 1, None) in got
    assert len(got) == 3


def test_attendance_is_not_an_award():
    assert awards("Hội nghị có sự tham dự của 125 tập thể, cá nhân tiêu biểu.") == []


def test_past_awards_are_background():
    assert awards("Nhiều năm liền, đơn vị được Chính phủ tặng Cờ thi đua.") == []


def test_absurd_counts_become_none():
    assert awards("UBND tỉnh tặng Bằng khen cho 99999999999999999999 tập thể và 1.000.000 cá nhân.") == [
        ("Bằng khen", None, None)]


def test_no_award_words():
    assert awards("") == []
    assert awards("Hội nghị đánh giá cao kết quả thực hiện Nghị quyết.") == []


def test_dev_set_awards(shared_dir):
    import sys
    sys.path.insert(0, str(shared_dir / "eval"))
    from collections import Counter

    from score import norm

    tp = fp = fn = 0
    for gold_file in sorted((shared_dir / "gold" / "dev").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = normalise(gold_file.with_suffix(".txt").read_text(encoding="utf-8"))
        g = Counter((norm(a["kind"]), a.get("collectives"), a.get("individuals"))
                    for a in gold.get("awards") or [])
        p = Counter((norm(a.kind), a.collectives, a.individuals)
                    for a in extract_awards(text, match_form(text)))
        tp += sum((g & p).values()); fp += sum((p - g).values()); fn += sum((g - p).values())
    assert 2 * tp / (2 * tp + fp + fn) >= 0.75


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["tặng", "trao", "Bằng khen", "Giấy khen", "Huân chương", "Lao động",
                                 "hạng", "Ba", "của", "UBND", "tỉnh", "cho", "và", ",", ";", ".", "\n",
                                 "năm", "mười", "hai", "mươi", "12", "1.000", "tập thể", "cá nhân"]),
                max_size=40))
def test_any_text_gives_sane_awards(words):
    text = normalise(" ".join(words))
    for a in extract_awards(text, match_form(text)):
        assert text[a.evidence.start:a.evidence.end].casefold().startswith(a.kind.split()[0].casefold())
        assert a.collectives is None or 0 < a.collectives <= 100000
        assert a.individuals is None or 0 < a.individuals <= 100000
