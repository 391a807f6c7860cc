"""People extraction on invented sentences in the genre, plus the dev set."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnpolicy.extract.people import extract_people
from vnpolicy.text import match_form, normalise


def people(raw: str) -> dict:
    text = normalise(raw)
    return {p.name: p for p in extract_people(text, match_form(text))}


def test_titles_after_dash_and_list_separated_by_semicolons():
    got = people("Dự hội nghị có các đồng chí: Lê Minh Khoa - Phó Bí thư Thường trực Tỉnh ủy, "
                 "Chủ tịch HĐND tỉnh; Đỗ Thanh Tùng - Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh; "
                 "lãnh đạo các sở, ban, ngành.")
    assert list(got) == ["Lê Minh Khoa", "Đỗ Thanh Tùng"]
    assert got["Lê Minh Khoa"].positions == ["Phó Bí thư Thường trực Tỉnh ủy", "Chủ tịch HĐND tỉnh"]
    assert got["Đỗ Thanh Tùng"].positions == ["Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"]


def test_dash_without_spaces_and_verb_ends_the_titles():
    got = people("Các ông: Trịnh Văn Hậu-Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh chủ trì hội nghị.")
    assert got["Trịnh Văn Hậu"].positions == ["Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"]


def test_titles_before_the_name_belong_to_it():
    got = people("Dự hội nghị có Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Đoàn Văn Sáu; "
                 "Phó Chủ tịch UBND tỉnh Vương Thị Hạnh cùng lãnh đạo các ngành.")
    assert got["Đoàn Văn Sáu"].positions == ["Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"]
    assert got["Vương Thị Hạnh"].positions == ["Phó Chủ tịch UBND tỉnh"]


def test_comma_between_people_written_title_first():
    got = people("Tham dự có Tổng Bí thư Lý Hồng Sơn, Chủ tịch nước Mạc Văn Toàn, "
                 "Thủ tướng Chính phủ Hứa Quang Vinh cùng lãnh đạo các bộ.")
    assert list(got) == ["Lý Hồng Sơn", "Mạc Văn Toàn", "Hứa Quang Vinh"]
    assert got["Lý Hồng Sơn"].positions == ["Tổng Bí thư"]
    assert got["Mạc Văn Toàn"].positions == ["Chủ tịch nước"]
    assert got["Hứa Quang Vinh"].positions == ["Thủ tướng Chính phủ"]


def test_two_syllable_name_needs_a_title_or_rank():
    got = people("Chủ tịch Quốc hội Tạ Minh chủ trì. Đoàn công tác đến Lâm Đồng và Hà Tĩnh.")
    assert list(got) == ["Tạ Minh"]


def test_rank_and_titles_and_the_next_person_after_and():
    got = people("Thiếu tướng Cù Văn Bình - Phó Tư lệnh Quân khu 5 và Đại tá Tôn Thất Lợi - "
                 "Chính ủy Bộ Chỉ huy Quân sự tỉnh đồng chủ trì hội nghị.")
    assert got["Cù Văn Bình"].rank == "Thiếu tướng"
    assert got["Cù Văn Bình"].positions == ["Phó Tư lệnh Quân khu 5"]
    assert got["Tôn Thất Lợi"].rank == "Đại tá"
    assert got["Tôn Thất Lợi"].positions == ["Chính ủy Bộ Chỉ huy Quân sự tỉnh"]


@pytest.mark.parametrize("rank", ["Thượng tá", "Trung tá", "Đại úy", "Thiếu úy", "Trung tướng"])
def test_ranks(rank):
    got = people(f"{rank} Phùng Văn Khải, Đồn trưởng Đồn Biên phòng Cửa khẩu phát biểu.")
    assert got["Phùng Văn Khải"].rank == rank
    assert got["Phùng Văn Khải"].positions == ["Đồn trưởng Đồn Biên phòng Cửa khẩu"]


def test_old_style_tone_marks_in_ranks_and_titles():
    got = people("Đại uý Lương Văn Tú, Uỷ viên Ban Chấp hành Đoàn tỉnh dự.")
    assert got["Lương Văn Tú"].rank == "Đại úy"
    assert got["Lương Văn Tú"].positions == ["Uỷ viên Ban Chấp hành Đoàn tỉnh"]


def test_academic_titles_are_not_positions():
    got = people("Trung tướng, PGS.TS Ngô Đức Mạnh, Giám đốc Học viện Chính trị trình bày chuyên đề. "
                 "Ông Hầu Văn Lâm, TS, Viện trưởng Viện Chiến lược cũng phát biểu.")
    assert got["Ngô Đức Mạnh"].rank == "Trung tướng"
    assert got["Ngô Đức Mạnh"].positions == ["Giám đốc Học viện Chính trị"]
    assert got["Hầu Văn Lâm"].positions == ["Viện trưởng Viện Chiến lược"]


def test_former_titles_keep_the_word_nguyen():
    got = people("Đồng chí Châu Thanh Tâm, nguyên Bí thư Tỉnh ủy, Trưởng ban liên lạc dự buổi lễ. "
                 "Có mặt nguyên Chủ tịch nước Kha Văn Dũng.")
    assert got["Châu Thanh Tâm"].positions == ["nguyên Bí thư Tỉnh ủy", "Trưởng ban liên lạc"]
    assert got["Kha Văn Dũng"].positions == ["nguyên Chủ tịch nước"]


def test_comma_inside_one_title():
    got = people("Đồng chí Đàm Quốc Huy, Phó trưởng Ban, Ban Dân vận Trung ương; đồng chí Giáp Thị Nga, "
                 "Thứ trưởng Bộ Văn hóa, Thể thao và Du lịch dự hội nghị.")
    assert got["Đàm Quốc Huy"].positions == ["Phó trưởng Ban Dân vận Trung ương"]
    assert got["Giáp Thị Nga"].positions == ["Thứ trưởng Bộ Văn hóa, Thể thao và Du lịch"]


def test_title_about_a_list_keeps_its_commas():
    got = people("Ông Tăng Văn Phú, Tổ trưởng tổ công tác về chuyển đổi số, cải cách hành chính "
                 "và dữ liệu dân cư cùng dự.")
    assert got["Tăng Văn Phú"].positions == [
        "Tổ trưởng tổ công tác về chuyển đổi số, cải cách hành chính và dữ liệu dân cư"]


def test_repeated_mentions_are_one_person_and_caption_variants_add_nothing():
    got = people("Dự có đồng chí Lò Văn Mừng - Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh.\n\n"
                 "Đồng chí Lò Văn Mừng – Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Sơn La phát biểu.\n"
                 "Kết luận hội nghị, đồng chí Chủ tịch Ủy ban nhân dân tỉnh Lò Văn Mừng đề nghị các ngành.")
    assert list(got) == ["Lò Văn Mừng"]
    assert got["Lò Văn Mừng"].positions == ["Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"]


def test_a_later_mention_may_add_a_new_title():
    got = people("Đồng chí Lục Văn Hòa dự hội nghị.\n"
                 "Đồng chí Lục Văn Hòa, Bí thư Đảng ủy xã phát biểu.")
    assert got["Lục Văn Hòa"].positions == ["Bí thư Đảng ủy xã"]
    assert got["Lục Văn Hòa"].evidence.start == len("Đồng chí ")


def test_evidence_points_at_the_name():
    raw = "Sáng 5/3, đồng chí Thái Bá Nam, Bí thư Huyện ủy chủ trì."
    text = normalise(raw)
    p = extract_people(text, match_form(text))[0]
    assert text[p.evidence.start:p.evidence.end] == "Thái Bá Nam"


def test_bylines_and_credits_are_not_people():
    got = people("Đồng chí Kiều Văn An - Bí thư Huyện ủy phát biểu. Ảnh: Nguyễn Minh Tâm\n\n"
                 "Tin, ảnh: Phạm Thu Trang\n\nCTV Hồng Nhung – Văn Tài\n\nNGUYỄN HOÀNG\n\nĐinh Công Tráng\n")
    assert list(got) == ["Kiều Văn An"]


def test_places_streets_and_organisations_are_not_people():
    got = people("Địa chỉ: 12 Lê Hồng Phong, phường Trần Hưng Đạo, Thành phố Hồ Chí Minh. "
                 "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. "
                 "Thứ trưởng Bộ Quốc phòng và lãnh đạo Ban Thường vụ Tỉnh ủy Thái Bình dự.")
    assert got == {}


def test_place_before_the_name_is_cut_off():
    got = people("Phó Chủ tịch UBND tỉnh Quảng Trị Hoàng Nam phát biểu.")
    assert got["Hoàng Nam"].positions == ["Phó Chủ tịch UBND tỉnh Quảng Trị"]


def test_ethnic_minority_names_after_a_rank_or_comrade():
    got = people("Thiếu tướng Ksor Ni - Giám đốc Công an tỉnh; đồng chí Y Biêr Niê, Bí thư Huyện ủy dự.")
    assert got["Ksor Ni"].rank == "Thiếu tướng"
    assert got["Ksor Ni"].positions == ["Giám đốc Công an tỉnh"]
    assert got["Y Biêr Niê"].positions == ["Bí thư Huyện ủy"]


def test_ethnic_looking_runs_without_introduction_are_ignored():
    assert people("Đoàn đã đến thăm Ea Kar và Krông Búk trong ngày.") == {}


def test_held_as_a_second_title():
    got = people("Đồng chí Hà Ngọc Tú, Bí thư Huyện ủy làm Trưởng ban chỉ đạo diễn tập huyện.")
    assert got["Hà Ngọc Tú"].positions == ["Bí thư Huyện ủy", "Trưởng ban chỉ đạo diễn tập huyện"]


def test_titles_continue_across_a_line_break_after_a_comma():
    got = people("Đồng chí Âu Văn Kiên, Phó Bí thư Tỉnh ủy,\nChủ tịch HĐND tỉnh dự hội nghị")
    assert got["Âu Văn Kiên"].positions == ["Phó Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"]


def test_empty_and_nameless_text():
    assert extract_people("", "") == []
    assert people("các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy; lãnh đạo các sở, ban, ngành.") == {}


def test_long_text_without_names_is_handled():
    raw = ("Công tác tuyên truyền được đẩy mạnh, " * 3000) + "."
    assert people(raw) == {}


def test_dev_set_people(shared_dir):
    """Names and (name, position) pairs over the gold dev set."""
    from collections import Counter
    import sys
    sys.path.insert(0, str(shared_dir / "eval"))
    from score import norm  # the scorer's own normalisation

    tp = fp = fn = ptp = pfp = pfn = 0
    for gold_file in sorted((shared_dir / "gold" / "dev").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = normalise(gold_file.with_suffix(".txt").read_text(encoding="utf-8"))
        pred = extract_people(text, match_form(text))
        g = Counter(norm(p["name"]) for p in gold.get("people") or [])
        p = Counter(norm(x.name) for x in pred)
        tp += sum((g & p).values()); fp += sum((p - g).values()); fn += sum((g - p).values())
        g = Counter((norm(x["name"]), norm(t))
                    for x in gold.get("people") or [] for t in x.get("positions") or [])
        p = Counter((norm(x.name), norm(t)) for x in pred for t in x.positions)
        ptp += sum((g & p).values()); pfp += sum((p - g).values()); pfn += sum((g - p).values())
    assert 2 * tp / (2 * tp + fp + fn) >= 0.95
    assert 2 * ptp / (2 * ptp + pfp + pfn) >= 0.85


def test_ethnic_name_after_a_title_when_the_phrase_ends_there():
    got = people("Phó Chủ tịch Quốc hội Y Khoa Niê chủ trì. Giám đốc Đồn Biên phòng Cửa khẩu dự.")
    assert list(got) == ["Y Khoa Niê"]
    assert got["Y Khoa Niê"].positions == ["Phó Chủ tịch Quốc hội"]


def test_lowercase_role_after_lam_is_not_part_of_the_title():
    got = people("Đoàn công tác do đồng chí Lưu Đình Thi, Phó Chủ tịch UBND tỉnh làm trưởng đoàn.")
    assert got["Lưu Đình Thi"].positions == ["Phó Chủ tịch UBND tỉnh"]


def test_title_in_parentheses_and_place_names_inside_titles():
    got = people("Ông Nguyễn Văn Hùng (Bí thư Chi bộ thôn 3) cho biết. "
                 "Bí thư Thành ủy TP Hồ Chí Minh Nguyễn Văn Nên dự.")
    assert got["Nguyễn Văn Hùng"].positions == ["Bí thư Chi bộ thôn 3"]
    assert got["Nguyễn Văn Nên"].positions == ["Bí thư Thành ủy TP Hồ Chí Minh"]


_ALPHABET = "aăâđêôơưAĂÂĐÊÔƠƯbcghklmnNTLHpqrstuvxyỳýỷỹỵàáảãạẦẤẨẪẬ ,;:.-–()\n'’/0123456789"
_WORDS = ["Nguyễn", "Văn", "Thị", "Hùng", "đồng chí", "Thiếu tướng", "Bí thư", "Tỉnh ủy", "Chủ tịch",
          "UBND", "tỉnh", "Phó", "và", "các", "Ảnh:", "Bằng khen", "tặng", "tập thể", "cá nhân", "Y", "Ksor"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(alphabet=_ALPHABET, max_size=8)), max_size=60))
def test_any_text_gives_consistent_people(words):
    text = normalise(" ".join(words))
    for p in extract_people(text, match_form(text)):
        assert text[p.evidence.start:p.evidence.end] == p.name
        assert 2 <= len(p.name.split()) <= 5
        assert all(pos.strip() for pos in p.positions)


def test_a_line_of_names_closing_the_article_is_a_byline():
    got = people("Đồng chí Mạc Văn Hòa, Bí thư Huyện ủy phát biểu.\n\nTrần Minh Đức - Lê Thị Hằng\n")
    assert list(got) == ["Mạc Văn Hòa"]


def test_organisation_names_with_a_comma():
    got = people("Bà Kiều Thị Loan, Giám đốc Sở Lao động, Thương binh và Xã hội phát biểu.")
    assert got["Kiều Thị Loan"].positions == ["Giám đốc Sở Lao động, Thương binh và Xã hội"]


def test_a_title_word_inside_a_place_before_a_comma_is_not_a_title():
    got = people("Chiều 11/12, tại Phủ Chủ tịch, Chủ tịch nước Hồ Văn Thuận chủ trì lễ.")
    assert got["Hồ Văn Thuận"].positions == ["Chủ tịch nước"]


def test_short_names_in_a_list_of_names():
    got = people("Có mặt các nguyên lãnh đạo: Đỗ Mười, Lê Khả Phiêu và Tạ Quang. Đoàn đi Hà Giang, Cao Bằng.")
    assert list(got) == ["Đỗ Mười", "Lê Khả Phiêu", "Tạ Quang"]
