"""Gazetteer: provinces old and new, districts, military regions, news sites.

Sentences are invented in the genre; nothing is copied from articles.
"""
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnpolicy import gazetteer as g
from vnpolicy.text import match_form, normalise


def places(text: str) -> list[g.Place]:
    return g.find_places(match_form(normalise(text)))


def provinces(text: str) -> list[str | None]:
    return [p.province for p in places(text)]


# --- province tables -------------------------------------------------------

def test_counts_and_uniqueness():
    assert len(g.PROVINCES_OLD) == 63 == len(set(g.PROVINCES_OLD))
    assert len(g.PROVINCES_NEW) == 34 == len(set(g.PROVINCES_NEW))
    for name in ("Sóc Trăng", "Hồ Chí Minh", "Hà Nội", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Đắk Lắk"):
        assert name in g.PROVINCES_OLD
    assert "Huế" in g.PROVINCES_NEW and "Sóc Trăng" not in g.PROVINCES_NEW


def test_every_old_province_has_a_new_unit_and_back():
    for old in g.PROVINCES_OLD:
        new = g.old_to_new(old)
        assert new in g.PROVINCES_NEW, old
        assert old in g.new_to_old(new)
    assert sorted(o for n in g.PROVINCES_NEW for o in g.new_to_old(n)) == sorted(g.PROVINCES_OLD)


def test_merger_examples():
    assert g.old_to_new("Sóc Trăng") == "Cần Thơ"
    assert g.old_to_new("TPHCM") == "Hồ Chí Minh"
    assert g.old_to_new("Bình Dương") == "Hồ Chí Minh"
    assert g.old_to_new("Thừa Thiên Huế") == "Huế"
    assert g.old_to_new("Kon Tum") == "Quảng Ngãi"
    assert g.new_to_old("Cần Thơ") == ["Cần Thơ", "Hậu Giang", "Sóc Trăng"]
    assert g.new_to_old("Huế") == ["Thừa Thiên Huế"]
    assert g.new_to_old("Thừa Thiên - Huế") == ["Thừa Thiên Huế"]
    assert g.new_to_old("TPHCM") == ["Bình Dương", "Bà Rịa - Vũng Tàu", "Hồ Chí Minh"]
    assert g.new_to_old("Sóc Trăng") == []  # an old province, not a 2025 unit
    assert g.old_to_new("Atlantis") is None


@pytest.mark.parametrize("variant, name", [
    ("Sóc Trăng", "Sóc Trăng"),
    ("tỉnh Sóc Trăng", "Sóc Trăng"),
    ("TPHCM", "Hồ Chí Minh"),
    ("TP.HCM", "Hồ Chí Minh"),
    ("TP HCM", "Hồ Chí Minh"),
    ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
    ("Sài Gòn", "Hồ Chí Minh"),
    ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("Huế", "Thừa Thiên Huế"),
    ("Đắc Lắc", "Đắk Lắk"),
    ("Dak Lak", "Đắk Lắk"),
    ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("BR-VT", "Bà Rịa - Vũng Tàu"),
    ("Khánh Hoà", "Khánh Hòa"),
    ("Thanh Hoá", "Thanh Hóa"),
    ("thành phố Hà Nội", "Hà Nội"),
])
def test_canonical(variant, name):
    assert g.canonical(variant) == name


def test_canonical_names_are_fixed_points():
    for name in g.PROVINCES_OLD:
        assert g.canonical(name) == name
        assert g.canonical(name.upper()) == name
    for name in g.PROVINCES_NEW:
        assert g.canonical(name) in g.PROVINCES_OLD


def test_canonical_rejects_non_provinces():
    assert g.canonical("Chư Păh") is None
    assert g.canonical("") is None
    assert g.canonical("Quân khu 7") is None


# --- military regions ------------------------------------------------------

def test_military_regions_partition_the_63_provinces():
    regions = ["Quân khu 1", "Quân khu 2", "Quân khu 3", "Quân khu 4", "Quân khu 5",
               "Quân khu 7", "Quân khu 9", "Bộ Tư lệnh Thủ đô Hà Nội"]
    covered = [p for r in regions for p in g.region_provinces(r)]
    assert all(p in g.PROVINCES_OLD for p in covered)
    assert sorted(covered) == sorted(g.PROVINCES_OLD)


@pytest.mark.parametrize("province, region", [
    ("Bắc Kạn", "Quân khu 1"), ("Lạng Sơn", "Quân khu 1"), ("Vĩnh Phúc", "Quân khu 2"),
    ("Điện Biên", "Quân khu 2"), ("Hòa Bình", "Quân khu 3"), ("Quảng Ninh", "Quân khu 3"),
    ("Thừa Thiên Huế", "Quân khu 4"), ("Nghệ An", "Quân khu 4"), ("Đắk Nông", "Quân khu 5"),
    ("Gia Lai", "Quân khu 5"), ("Lâm Đồng", "Quân khu 7"), ("Bình Thuận", "Quân khu 7"),
    ("TP.HCM", "Quân khu 7"), ("Sóc Trăng", "Quân khu 9"), ("Long An", "Quân khu 7"),
    ("Hà Nội", "Bộ Tư lệnh Thủ đô Hà Nội"),
])
def test_military_region(province, region):
    assert g.military_region(province) == region


def test_region_aliases():
    assert g.region_provinces("QK9") == g.region_provinces("Quân khu 9")
    assert "Sóc Trăng" in g.region_provinces("QK 9")
    assert g.region_provinces("Bộ Tư lệnh Thủ đô") == ["Hà Nội"]
    assert g.region_provinces("Quân khu 6") == []
    assert g.military_region("Atlantis") is None


# --- news sites ------------------------------------------------------------

@pytest.mark.parametrize("source, province", [
    ("https://baosonla.org.vn/thoi-su/abc-123.html", "Sơn La"),
    ("Theo baosonla.org.vn", "Sơn La"),
    ("baodaklak.vn", "Đắk Lắk"),
    ("https://daklak24h.com.vn/x", "Đắk Lắk"),
    ("http://gialaitv.vn/a", "Gia Lai"),
    ("https://baogialai.com.vn/channel/1", "Gia Lai"),
    ("https://baoangiang.com.vn/a.html", "An Giang"),
    ("https://huengaynay.vn/chinh-tri", "Thừa Thiên Huế"),
    ("hnn.vn", "Thừa Thiên Huế"),
    ("https://www.sggp.org.vn/a", "Hồ Chí Minh"),
    ("http://baodongnai.com.vn", "Đồng Nai"),
    ("https://hoinongdan.dongnai.gov.vn/pages/news.aspx", "Đồng Nai"),
    ("http://bantuyengiao.cantho.gov.vn", "Cần Thơ"),
    ("http://thanhphotuyenquang.gov.vn/tin", "Tuyên Quang"),
    ("https://baodienbienphu.info.vn/x", "Điện Biên"),
    ("https://www.baobinhthuan.com.vn/x", "Bình Thuận"),
    ("binhthuan.gov.vn", "Bình Thuận"),
    ("https://baria-vungtau.gov.vn", "Bà Rịa - Vũng Tàu"),
    ("baoapbac.vn", "Tiền Giang"),
    ("Báo Sóc Trăng", "Sóc Trăng"),
    ("Nguồn: https://baotayninh.vn/a-1.html", "Tây Ninh"),
    ("HTTPS://BAOLANGSON.VN/X", "Lạng Sơn"),
    ("(GLO)- Sáng 9-8", "Gia Lai"),
])
def test_province_of_site(source, province):
    assert g.province_of_site(source) == province


@pytest.mark.parametrize("source", [
    "https://vnexpress.net/a.html", "tuoitre.vn", "https://thanhnien.vn/x", "nhandan.vn",
    "https://www.qdnd.vn/x", "vietnamplus.vn", "baochinhphu.vn", "dangcongsan.vn", "cand.com.vn",
    "tapchiqptd.vn", "https://www.baomoi.com/x", "Theo TTXVN", "(TTXVN)", "(QĐND) - Sáng 5/3", "https://example.com/soc-trang",
])
def test_national_and_unknown_sites_have_no_province(source):
    assert g.province_of_site(source) is None


def test_every_province_newspaper_and_portal_is_derived():
    for prov in g.PROVINCES_OLD:
        slug = g._key(prov)
        assert g.province_of_site(f"https://bao{slug}.vn/tin") == prov
        assert g.province_of_site(f"https://{slug}.gov.vn") == prov


# --- finding places in text ------------------------------------------------

def test_provinces_bare_and_prefixed_both_tone_styles():
    ps = places("Sáng 12/3, Tỉnh ủy Khánh Hoà tổ chức hội nghị; đoàn công tác tỉnh Thanh Hóa dự.")
    assert [(p.province, p.level, p.prefixed) for p in ps] == [
        ("Khánh Hòa", "province", True), ("Thanh Hóa", "province", True)]
    display = normalise("Hội nghị ở Thanh Hoá và Sóc Trăng.")
    found = g.find_places(match_form(display))
    assert [p.surface for p in found] == ["Thanh Hóa", "Sóc Trăng"]
    assert [display[p.start:p.end] for p in found] == ["Thanh Hoá", "Sóc Trăng"]  # offsets valid in the display text
    assert [p.prefixed for p in found] == [False, False]


def test_bridge_points_of_online_conferences():
    assert provinces("tại điểm cầu Hà Nội, điểm cầu Đà Nẵng và đảo Phú Quốc") == ["Hà Nội", "Đà Nẵng", "Kiên Giang"]


def test_abbreviations():
    assert provinces("Đảng ủy Quân sự TPHCM, Thành ủy TP.HCM, UBND TP. Hồ Chí Minh, TP HCM") == ["Hồ Chí Minh"] * 4
    assert provinces("các tỉnh BR-VT, Bà Rịa-Vũng Tàu, Thừa Thiên - Huế và Đắc Lắc") == [
        "Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu", "Thừa Thiên Huế", "Đắk Lắk"]


def test_person_named_after_a_place_is_not_a_place():
    assert provinces("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.") == []
    assert provinces("Đại tướng Phan Văn Giang và ông Nguyễn Hòa Bình dự hội nghị.") == []
    assert provinces("Kỷ niệm 70 năm Chiến thắng Điện Biên Phủ.") == []
    assert provinces("vùng biển Thái Bình Dương") == []
    assert provinces("xã Hòa Bình, đường Hai Bà Trưng") == []


def test_districts_resolve_to_provinces():
    ps = places("Huyện ủy Chư Păh, huyện Ea H'Leo, huyện Ea H’Leo, quận Cái Răng và thành phố Tuyên Quang.")
    assert [(p.name, p.province, p.level) for p in ps] == [
        ("Chư Păh", "Gia Lai", "district"), ("Ea H'leo", "Đắk Lắk", "district"),
        ("Ea H'leo", "Đắk Lắk", "district"), ("Cái Răng", "Cần Thơ", "district"),
        ("Tuyên Quang", "Tuyên Quang", "district")]
    assert all(p.prefixed for p in ps)
    assert ps[0].surface == "Huyện ủy Chư Păh"


def test_unique_district_bare_but_not_after_a_name_or_commune_word():
    assert provinces("Lực lượng vũ trang Mộc Châu diễn tập.") == ["Sơn La"]
    assert provinces("tại Pleiku") == ["Gia Lai"]
    assert provinces("Đồng chí Nguyễn Văn Giang phát biểu.") == []
    assert provinces("xã Mộc Châu") == []


def test_city_prefix_picks_the_level():
    ps = places("TP Cần Thơ và TP Sóc Trăng; thị xã Quảng Trị; huyện Quảng Ninh")
    assert [(p.province, p.level) for p in ps] == [
        ("Cần Thơ", "province"), ("Sóc Trăng", "district"), ("Quảng Trị", "district"), ("Quảng Bình", "district")]


def test_ambiguous_districts():
    assert provinces("huyện Châu Thành") == [None]
    assert provinces("Châu Thành") == []  # bare and shared by ten provinces: not reported
    assert provinces("huyện Châu Thành, tỉnh Sóc Trăng") == ["Sóc Trăng", "Sóc Trăng"]
    # the prefix type separates some namesakes
    assert provinces("thị xã Tân Châu; huyện Tân Châu") == ["An Giang", "Tây Ninh"]
    assert provinces("quận Tân Phú; huyện Tân Phú") == ["Hồ Chí Minh", "Đồng Nai"]


def test_district_provinces():
    assert g.district_provinces("Chư Păh") == ["Gia Lai"]
    assert len(g.district_provinces("Châu Thành")) == 10 and "Sóc Trăng" in g.district_provinces("Châu Thành")
    assert g.district_provinces("Sóc Trăng") == ["Sóc Trăng"]  # the provincial city
    assert g.district_provinces("Atlantis") == []


def test_numbered_and_former_districts():
    assert provinces("Quận 1, quận 10, Quận 9 cũ") == ["Hồ Chí Minh"] * 3
    assert provinces("huyện Nam Đông, huyện Lộc Hà, huyện Tĩnh Gia") == ["Thừa Thiên Huế", "Hà Tĩnh", "Thanh Hóa"]


def test_island_districts():
    assert provinces("Thăm huyện đảo Trường Sa và huyện đảo Lý Sơn") == ["Khánh Hòa", "Quảng Ngãi"]
    assert provinces("Hải quân bảo vệ Trường Sa") == []  # bare: a national topic, not a place of the event


def test_regions():
    ps = places("Bộ Tư lệnh Quân khu 7, QK9 và Bộ Tư lệnh Thủ đô Hà Nội")
    assert [(p.name, p.level, p.province) for p in ps] == [
        ("Quân khu 7", "region", None), ("Quân khu 9", "region", None),
        ("Bộ Tư lệnh Thủ đô Hà Nội", "region", None)]


def test_whole_words_and_longest_match():
    assert provinces("ĐSóc Trăng, Sóc Trănga, xSơn La") == []
    assert provinces("Quận 12") == ["Hồ Chí Minh"]
    [p] = places("thành phố Điện Biên Phủ")
    assert (p.name, p.province, p.level) == ("Điện Biên Phủ", "Điện Biên", "district")


def test_capitals_in_headlines():
    assert provinces("TỈNH ỦY SÓC TRĂNG QUÁN TRIỆT NGHỊ QUYẾT") == ["Sóc Trăng"]
    assert provinces("TƯ TƯỞNG HỒ CHÍ MINH") == []


def test_throughput_printed():
    sentence = ("Sáng 5/3, Ban Thường vụ Tỉnh ủy Sóc Trăng tổ chức hội nghị quán triệt Nghị quyết số "
                "44-NQ/TW tại huyện Châu Thành; dự có đại diện Bộ Tư lệnh Quân khu 9 và TP Cần Thơ. ")
    text = match_form(normalise(sentence * 200))
    g.find_places(text)
    t = time.perf_counter()
    n = 0
    for _ in range(20):
        n += len(g.find_places(text))
    dt = time.perf_counter() - t
    print(f"\nfind_places: {20 * len(text) / dt / 1e6:.1f} M chars/s")
    assert n == 20 * 200 * 4


_PIECES = ["tỉnh ", "huyện ", "TP ", "Sóc Trăng", "Châu Thành", "Hòa Bình", "Nguyễn ", "Quân khu 9", "Đ",
           "Thái Bình Dương", "Ea H'Leo", ", ", " ", "Hồ Chí Minh", "Quận 1", "0", "x", "TPHCM"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_spans_are_consistent(pieces):
    text = "".join(pieces)
    found = g.find_places(text)
    ends = [-1]
    for p in found:
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start:p.end] == p.surface
        assert p.start >= ends[-1]  # sorted, no overlaps
        ends.append(p.end)
        assert p.level in ("province", "district", "region")
        assert p.province is None or p.province in g.PROVINCES_OLD
