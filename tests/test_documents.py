"""Document references in the forms real articles use (sentences written for these tests)."""
import pytest

from vnpolicy.extract.dates import PartialDate
from vnpolicy.extract.documents import extract_documents
from vnpolicy.text import match_form, normalise


def docs(text, published=None):
    t = normalise(text)
    found, _ = extract_documents(t, match_form(t), published)
    return {d.key: d for d in found}, [d.key for d in found]


def test_full_party_citation_with_date_issuer_term_and_subject():
    by_key, order = docs("Hội nghị đã quán triệt Nghị quyết số 44-NQ/TW, ngày 24/11/2023 của Ban Chấp hành "
                         "Trung ương Đảng khóa XIII về Chiến lược bảo vệ Tổ quốc trong tình hình mới.")
    d = by_key["44-NQ/TW@2023"]
    assert (d.type, d.number, d.symbol, d.issued) == ("Nghị quyết", "44", "44-NQ/TW", "2023-11-24")
    assert d.issuer == "Ban Chấp hành Trung ương Đảng"
    assert d.subject == "Chiến lược bảo vệ Tổ quốc trong tình hình mới"
    assert order == ["44-NQ/TW@2023"]


def test_evidence_points_at_the_mention():
    text = "Tỉnh đã triển khai Chỉ thị số 24-CT/TW của Bộ Chính trị."
    by_key, _ = docs(text)
    ev = by_key["24-CT/TW@2023"].evidence
    assert "24-CT/TW" in normalise(text)[ev.start:ev.end]


def test_short_back_reference_merges_into_full_citation():
    _, order = docs("Năm 2019, Bộ Chính trị ban hành Nghị quyết số 52-NQ/TW về chủ động tham gia cuộc cách mạng công "
                    "nghiệp lần thứ tư. Sau 3 năm thực hiện Nghị quyết số 52, tỉnh đạt nhiều kết quả.")
    assert order == ["52-NQ/TW@2019"]


def test_number_and_issuer_build_party_symbol_and_registry_gives_year():
    by_key, order = docs("Đảng ủy Quân sự tỉnh sơ kết việc thực hiện Nghị quyết số 29 của Bộ Chính trị về chiến lược "
                         "bảo vệ Tổ quốc trên không gian mạng.")
    assert order == ["29-NQ/TW@2018"]
    assert by_key["29-NQ/TW@2018"].issuer == "Bộ Chính trị"


def test_same_number_other_term_is_another_document():
    _, order = docs("Tiếp tục thực hiện Nghị quyết số 28-NQ/TW ngày 22/9/2008 của Bộ Chính trị về khu vực phòng thủ "
                    "và Nghị quyết số 28-NQ/TW ngày 25/10/2013 của Ban Chấp hành Trung ương về Chiến lược bảo vệ Tổ quốc.")
    assert order == ["28-NQ/TW@2008", "28-NQ/TW@2013"]


def test_list_of_numbers_shares_type_and_issuer():
    by_key, order = docs("Hội nghị sơ kết các Nghị quyết số 24, Nghị quyết số 29 và Nghị quyết số 33 của Bộ Chính trị.")
    assert order == ["24-NQ/TW@2018", "29-NQ/TW@2018", "33-NQ/TW@2018"]
    assert all(by_key[k].issuer == "Bộ Chính trị" for k in order)


def test_list_of_state_symbols():
    _, order = docs("UBND huyện sơ kết thực hiện Nghị định số 21/2019/NĐ-CP và 03/2019/NĐ-CP của Chính phủ.")
    assert order == ["21/2019/NĐ-CP", "03/2019/NĐ-CP"]


@pytest.mark.parametrize("phrase,key", [
    ("Nghị định 03 năm 2019 của Chính phủ", "03/2019/NĐ-CP"),
    ("Nghị định 77/2010 về phối hợp", "77/2010/NĐ-CP"),
    ("Nghị định số 21 ngày 22/02/2019 của Chính phủ về khu vực phòng thủ", "21/2019/NĐ-CP"),
    ("Quyết định số 1719/QĐ-TTg của Thủ tướng Chính phủ", "1719/QĐ-TTg@2021"),
    ("Luật số 43/2022/QH15", "43/2022/QH15"),
    ("Quy định 57 của Bộ Chính trị về bảo vệ chính trị nội bộ", "57-QĐ/TW@2007"),
    ("Nghị quyết số 18 - NQ/TW về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị", "18-NQ/TW@2017"),
])
def test_state_and_party_symbol_forms(phrase, key):
    _, order = docs(f"Tỉnh triển khai {phrase}.")
    assert order == [key]


def test_symbol_wins_over_contradicting_type_word():
    by_key, _ = docs("Thực hiện Nghị định số 28-NQ/TW, ngày 22/9/2008 của Bộ Chính trị (khóa X).")
    d = by_key["28-NQ/TW@2008"]
    assert d.type == "Nghị quyết" and d.issuer == "Bộ Chính trị"


def test_provincial_documents():
    by_key, order = docs("Hội nghị đánh giá Chương trình số 12 ngày 5/3/2016 và Nghị quyết số 07 ngày 9/9/2016 "
                         "của Ban Chấp hành Đảng bộ tỉnh về quốc phòng địa phương.")
    assert order == ["Chương trình 12", "07-NQ/TU@2016"]
    assert by_key["07-NQ/TU@2016"].issuer == "Ban Chấp hành Đảng bộ tỉnh"


def test_plenum_alias_resolves_through_registry():
    by_key, order = docs("Tổng kết 10 năm thực hiện Nghị quyết Trung ương 8 (khóa XI) về chiến lược bảo vệ Tổ quốc.")
    assert order == ["28-NQ/TW@2013"]
    assert by_key["28-NQ/TW@2013"].issued == "2013-10-25"


def test_plenum_alias_with_comma_and_abbreviation():
    _, order = docs("Huyện ủy tổng kết Nghị quyết TW8, khóa XI về bảo vệ Tổ quốc.")
    assert order == ["28-NQ/TW@2013"]


def test_registry_alias_and_abbreviated_name_subject():
    by_key, order = docs("Chính phủ sơ kết Đề án phát triển ứng dụng dữ liệu về dân cư (gọi tắt Đề án 06).")
    assert order == ["06/QĐ-TTg@2022"]
    assert by_key["06/QĐ-TTg@2022"].subject == "phát triển ứng dụng dữ liệu về dân cư"


def test_named_plan_in_quotes_keys_by_name():
    _, order = docs("Công an tỉnh xây dựng Đề án “Bản làng an toàn về ma túy” và triển khai ở 12 xã.")
    assert order == ["Đề án Bản làng an toàn về ma túy"]


def test_congress_documents_and_generic_phrases_are_not_documents():
    _, order = docs("Quán triệt văn kiện Đại hội XIII, các nghị quyết của Đảng và Nghị quyết Đại hội đảng bộ tỉnh.")
    assert order == []


def test_licence_numbers_in_footers_are_not_documents():
    _, order = docs("Giấy phép số 12/GP-STTTT do Sở Thông tin và Truyền thông cấp.")
    assert order == []


def test_publication_date_excludes_later_documents():
    # 44-NQ/TW was issued in November 2023; an article of 2022 cannot cite it by number alone
    _, order = docs("Quán triệt NQ 44 cho cán bộ.", PartialDate(2022, 8, 15))
    assert "44-NQ/TW@2023" not in order


def test_issuer_before_the_document():
    by_key, _ = docs("Ngày 13/7/2023, Bộ Chính trị đã ban hành Chỉ thị số 24-CT/TW về bảo đảm vững chắc an ninh quốc gia.")
    d = by_key["24-CT/TW@2023"]
    assert d.issuer == "Bộ Chính trị" and d.issued == "2023-07-13"


def test_old_tone_style_matches():
    _, order = docs("Đảng uỷ Quân sự tỉnh quán triệt Nghị quyết số 33 của Bộ Chính trị về Chiến lược bảo vệ biên giới quốc gia, hoà bình.")
    assert order == ["33-NQ/TW@2018"]
