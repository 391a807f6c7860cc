"""Meetings: kind, period, date, organiser, linked documents (sentences written for these tests)."""
import pytest

from vnpolicy.record import Article
from vnpolicy.extract import extract


def events(text):
    return extract(Article(id="t", text=text)).events


@pytest.mark.parametrize("phrase,kind,period", [
    ("tổ chức Hội nghị quán triệt, triển khai Nghị quyết số 44-NQ/TW", "quan_triet", None),
    ("tổ chức hội nghị học tập, quán triệt Chỉ thị số 24-CT/TW", "quan_triet", None),
    ("tổ chức Hội nghị sơ kết 5 năm thực hiện Nghị quyết số 33-NQ/TW", "so_ket", "5 năm"),
    ("tổ chức hội nghị sơ kết 05 năm thực hiện Nghị định số 21/2019/NĐ-CP", "so_ket", "5 năm"),
    ("tổ chức hội nghị trực tuyến sơ kết năm năm thực hiện Nghị định 77/2010", "so_ket", "5 năm"),
    ("tổ chức Hội nghị tổng kết 10 năm thực hiện Nghị quyết số 28-NQ/TW", "tong_ket", "10 năm"),
    ("tổ chức hội nghị giao ban 6 tháng đầu năm 2024 thực hiện Nghị định số 03/2019/NĐ-CP", "giao_ban", "6 tháng"),
    ("tổ chức diễn tập khu vực phòng thủ năm 2024", "dien_tap", None),
    ("tổ chức Hội nghị đánh giá kết quả thực hiện Chương trình số 12", "danh_gia", None),
    ("tổ chức hội thảo khoa học về Nghị quyết số 29-NQ/TW", "khac", None),
])
def test_kind_and_period(phrase, kind, period):
    evs = events(f"Sáng 12/5, Ban Thường vụ Tỉnh ủy Yên Bái {phrase}.")
    assert [(e.kind, e.period) for e in evs] == [(kind, period)]
    assert evs[0].organizer == "Ban Thường vụ Tỉnh ủy Yên Bái"


def test_date_resolved_against_publication_stamp():
    evs = events("14:20 05/07/2023\nSáng 04/7, Tỉnh ủy tổ chức Hội nghị sơ kết 5 năm thực hiện Nghị quyết số 24-NQ/TW.")
    assert evs[0].date == "2023-07-04"


def test_day_month_without_any_year_gives_no_date():
    evs = events("Ngày 5-10, Ban Thường vụ Thành ủy tổ chức hội nghị quán triệt Quy định 57 của Bộ Chính trị.")
    assert evs[0].date is None


def test_year_month_stamp_completes_earlier_month_with_same_year():
    evs = events(" date 2017-03 Ngày 7-1, Bộ Chỉ huy Quân sự tỉnh tổ chức hội nghị sơ kết 5 năm thực hiện Nghị định 77/2010.")
    assert evs[0].date == "2017-01-07"


def test_document_issue_date_is_not_the_meeting_date():
    evs = events("16/05/2019 - 07:55\nBan Thường vụ Tỉnh ủy vừa tổ chức hội nghị sơ kết 5 năm thực hiện "
                 "Nghị quyết số 33-NQ/TW ngày 9-6-2014 của Ban Chấp hành Trung ương Đảng.")
    assert evs[0].date is None


def test_two_meetings_in_one_sentence_each_with_its_documents():
    evs = events("Sáng ngày 22/7/2024, UBND tỉnh tổ chức Hội nghị sơ kết 5 năm thực hiện Nghị định số 21/2019/NĐ-CP "
                 "và Hội nghị giao ban công tác phối hợp thực hiện Nghị định số 03/2019/NĐ-CP 6 tháng đầu năm 2024.")
    assert [(e.kind, e.period, e.documents) for e in evs] == [
        ("so_ket", "5 năm", ["21/2019/NĐ-CP"]), ("giao_ban", "6 tháng", ["03/2019/NĐ-CP"])]
    assert all(e.date == "2024-07-22" and e.organizer == "UBND tỉnh" for e in evs)


def test_one_meeting_two_purposes():
    evs = events("Ngày 9/9/2020, Huyện ủy tổ chức hội nghị quán triệt Nghị quyết số 51-NQ/TW và sơ kết 3 năm thực hiện "
                 "Chỉ thị số 12-CT/TU của Ban Thường vụ Tỉnh ủy.")
    assert [(e.kind, e.documents) for e in evs] == [("quan_triet", ["51-NQ/TW@2019"]), ("so_ket", ["12-CT/TU"])]


def test_second_purpose_without_document_is_not_an_event():
    evs = events("Sáng 3/1/2020, Ban Tuyên giáo tổ chức Hội nghị quán triệt Nghị quyết 52-NQ/TW; tổng kết công tác năm 2019.")
    assert [e.kind for e in evs] == ["quan_triet"]


def test_background_meeting_is_not_an_event():
    evs = events("Ngay sau khi Bộ Chính trị ban hành Nghị quyết số 33, Tỉnh ủy đã tổ chức hội nghị quán triệt.\n"
                 "Chiều 4/8/2023, Đảng ủy Bộ đội Biên phòng tỉnh tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết số 33 của Bộ Chính trị.")
    assert [(e.kind, e.date) for e in evs] == [("so_ket", "2023-08-04")]


def test_documents_named_later_by_the_meeting():
    evs = events("Sáng 21/3/2024, Ban Thường vụ Tỉnh ủy tổ chức Hội nghị quán triệt các văn bản của Trung ương.\n"
                 "Hội nghị đã quán triệt nội dung Nghị quyết số 44-NQ/TW và Chỉ thị số 24-CT/TW của Trung ương.")
    assert evs[0].documents == ["44-NQ/TW@2023", "24-CT/TW@2023"]


def test_review_clause_adds_documents_under_review():
    evs = events("Chiều 13/6/2023, Đảng ủy Quân sự tỉnh tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết 24 của Bộ Chính trị.\n"
                 "Qua 5 năm triển khai thực hiện Nghị quyết 24 và Kết luận 31 của Bộ Chính trị, tỉnh đạt nhiều kết quả.")
    assert evs[0].documents == ["24-NQ/TW@2018", "31-KL/TW@2018"]


def test_chair_alone_is_not_an_organizer():
    evs = events("Ngày 28/3/2018, đồng chí Trần Văn Bình, Bí thư Tỉnh ủy đã chủ trì Hội nghị đánh giá kết quả thực hiện Chương trình số 20.")
    assert evs[0].kind == "danh_gia" and evs[0].organizer is None


def test_organizer_from_passive_do_clause():
    evs = events("Ngày 2/6/2025, Hội nghị quán triệt Nghị quyết số 68-NQ/TW do Ban Thường vụ Tỉnh ủy tổ chức.")
    assert evs[0].organizer == "Ban Thường vụ Tỉnh ủy"


def test_review_year_from_document_year_when_text_supports_it():
    evs = events("Chiều 4.8, Đảng ủy Bộ đội Biên phòng tỉnh tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết số 33-NQ/TW "
                 "ngày 28/9/2018 của Bộ Chính trị. Năm 2023 đơn vị hoàn thành nhiệm vụ.")
    assert evs[0].date == "2023-08-04"


def test_no_meeting_no_event():
    assert events("Tỉnh tiếp tục đẩy mạnh phát triển kinh tế, bảo đảm quốc phòng, an ninh.") == []


def test_event_evidence_is_the_lead_sentence():
    text = "Mở đầu.\nSáng 12/5/2024, Tỉnh ủy tổ chức hội nghị quán triệt Nghị quyết số 57-NQ/TW."
    rec = extract(Article(id="t", text=text))
    ev = rec.events[0].evidence
    assert rec.text[ev.start:ev.end].startswith("Sáng 12/5/2024")
