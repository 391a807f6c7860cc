"""Publication stamps and day/month phrases."""
import pytest
from hypothesis import given, strategies as st

from vnpolicy.extract.dates import PartialDate, day_mentions, parse_full_date, published_date, resolve


@pytest.mark.parametrize("head,iso", [
    ("Tiêu đề\n20:37 21/03/2024\nSáng ngày 21/3", "2024-03-21"),
    ("Cập nhật lúc 11:34, Thứ Năm, 10/12/2020 (GMT+7)", "2020-12-10"),
    ("Thứ Ba, 13/06/2023 21:05", "2023-06-13"),
    ("16/05/2019 - 07:55", "2019-05-16"),
    ("16:46 - 19/10/2020", "2020-10-19"),
    ("08:15 | 15/09/2017", "2017-09-15"),
    ("( 29-03-2018 03:53:00 )", "2018-03-29"),
    ("Thứ Sáu, ngày 3 tháng 1 năm 2020 - 12:05", "2020-01-03"),
])
def test_stamps(head, iso):
    p = published_date(head + "\nNội dung bài viết.", None)
    assert p is not None and p.iso == iso


def test_site_current_date_header_without_time_is_not_a_stamp():
    assert published_date("Thứ ba,  30/11/2021\nQuân ủy Trung ương: Tổng kết", None) is None


def test_year_month_stamp_is_partial():
    p = published_date(" date 2023-08 Ngày 24-8, hội nghị", None)
    assert p == PartialDate(2023, 8) and p.iso is None


@pytest.mark.parametrize("bad", ["10:00 31/02/2024", "10:00 00/13/2024", "10:00 12/13/2024"])
def test_impossible_dates_are_rejected(bad):
    assert published_date(bad, None) is None


@pytest.mark.parametrize("phrase,dm", [
    ("Sáng 04/7, tỉnh", (4, 7, None)), ("Ngày 24-8, Đảng ủy", (24, 8, None)), ("Chiều 4.8, Đảng ủy", (4, 8, None)),
    ("Hôm nay (19/3), Quân ủy", (19, 3, None)), ("vào sáng nay (27/6/2022) tổ chức", (27, 6, 2022)),
    ("sáng ngày 16/7/2021.", (16, 7, 2021)), ("Sáng ngày 3 tháng 1 năm 2020,", (3, 1, 2020)),
])
def test_day_phrases(phrase, dm):
    (x,) = day_mentions(phrase)
    assert (x.day, x.month, x.year) == dm


def test_resolve_uses_previous_year_for_a_later_month():
    (x,) = day_mentions("Ngày 28/12, hội nghị")
    assert resolve(x, PartialDate(2024, 1, 3)) == "2023-12-28"


def test_full_date_parsing():
    assert parse_full_date("ngày 22/02/2019") == "2019-02-22"
    assert parse_full_date("ngày 31/02/2019") is None


@given(st.text(max_size=300))
def test_never_raises_on_any_text(s):
    published_date(s, None)
    for x in day_mentions(s):
        assert 1 <= x.month <= 12 and 1 <= x.day <= 31
