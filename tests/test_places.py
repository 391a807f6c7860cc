"""Province of the event, by the order of evidence ANNOTATION.md sets."""
from vnpolicy.record import Article
from vnpolicy.extract import extract


def rec(text, source=None):
    return extract(Article(id="t", text=text, source=source))


def test_meeting_place_wins_over_other_provinces():
    r = rec("Sáng 5/3/2024, tại Bộ Chỉ huy Quân sự tỉnh Hậu Giang, Ban Thường vụ Tỉnh ủy tổ chức hội nghị quán triệt "
            "Nghị quyết số 44-NQ/TW. Đoàn công tác tỉnh Cà Mau dự.")
    assert r.province == "Hậu Giang" and not r.province_inferred
    assert r.text[r.province_evidence.start:r.province_evidence.end].endswith("Hậu Giang")


def test_bridge_point_of_national_conference():
    r = rec("Sáng 9/8/2022, Chính phủ tổ chức hội nghị trực tuyến sơ kết 6 tháng triển khai Đề án 06 với 63 điểm cầu. "
            "Dự tại điểm cầu tỉnh Kon Tum có lãnh đạo tỉnh.")
    assert r.province == "Kon Tum"


def test_organizer_gives_province():
    r = rec("Ngày 24/8/2023, Đảng ủy Quân sự TPHCM tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết số 29-NQ/TW.")
    assert r.province == "Hồ Chí Minh"


def test_district_gives_province_inferred():
    r = rec("Huyện ủy Chư Păh vừa tổ chức hội nghị tổng kết 10 năm thực hiện Nghị quyết số 28-NQ/TW.")
    assert r.province == "Gia Lai" and r.province_inferred


def test_site_fallback():
    r = rec("Ban Thường vụ Tỉnh ủy vừa tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết số 33-NQ/TW.",
            source="https://baoangiang.com.vn/so-ket-a1.html")
    assert r.province == "An Giang" and r.province_inferred


def test_source_line_in_text():
    r = rec("Hội nghị đánh giá kết quả thực hiện Chương trình số 20 được tổ chức.\nTheo baosonla.org.vn")
    assert r.province == "Sơn La"


def test_national_meeting_without_place_has_no_province():
    r = rec("Sáng 16/7/2021, Bộ Quốc phòng và Bộ Công an tổ chức hội nghị giao ban 6 tháng thực hiện Nghị định 03/2019/NĐ-CP.")
    assert r.province is None
