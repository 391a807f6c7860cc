"""Readers: text, HTML pages, JSON collections, folders; bad input is reported, never raised past a file."""
import gzip
import itertools
import json
from pathlib import Path

import pytest

from tests._legacy_codecs import encode_tcvn3, encode_vni
from vnpolicy.ingest import InputError, read_path, read_paths
from vnpolicy.page import parse_iso, parse_stamp

FIXTURES = Path(__file__).parent / "fixtures"
BODY = ("Sáng 14/10, Đảng ủy Quân sự tỉnh Núi Đá tổ chức hội nghị tổng kết 10 năm thực hiện "
        "Nghị quyết Trung ương 8 khóa XI về Chiến lược bảo vệ Tổ quốc trong tình hình mới. "
        "Đồng chí Vũ Văn Hải, Phó Bí thư Tỉnh ủy, dự và chỉ đạo hội nghị.")
CHROME = ("Tin liên quan", "Tin khác", "Bình luận", "lượt truy cập", "Lượt truy cập", "Back To Top",
          "Địa chỉ", "Điện thoại", "Đọc nhiều", "Trang chủ", "Đăng nhập", "Thời sự", "Chia sẻ",
          "Tổng truy cập", "Đang truy cập", "Giới thiệu", "Bản quyền", "Tổng biên tập")


def one(path, **kw):
    articles = list(read_path(path, **kw))
    assert len(articles) == 1
    return articles[0]


# --- plain text ---------------------------------------------------------------

def test_txt_url_header_becomes_source(tmp_path):
    a = one(FIXTURES / "url_header.txt")
    assert a.id == "url_header"
    assert a.source == "https://tinbiengioi.example.vn/dien-tap-khu-vuc-phong-thu-post4521.html"
    assert not a.text.lstrip().startswith("URL")
    assert a.text.lstrip().startswith("Diễn tập khu vực phòng thủ")
    assert a.warnings == []


def test_txt_without_header_keeps_text(tmp_path):
    p = tmp_path / "B1.txt"
    p.write_text(BODY, encoding="utf-8")
    a = one(p)
    assert (a.id, a.text, a.source) == ("B1", BODY, None)


def test_gold_dev_files_read_with_their_url(shared_dir):
    files = sorted((shared_dir / "gold" / "dev").glob("*.txt"))
    assert files
    for f in files:
        a = one(f)
        assert a.id == f.stem and a.warnings == []
        if f.read_bytes().startswith(b"URL:"):
            assert a.source.startswith("http") and "URL:" not in a.text.split("\n", 1)[0]


@pytest.mark.parametrize("encode,label", [
    (encode_tcvn3, "TCVN3"), (encode_vni, "VNI-Windows"),
    (lambda s: s.encode("utf-16"), "UTF-16"), (lambda s: s.encode("utf-16-le"), "UTF-16-LE"),
])
def test_txt_in_legacy_and_utf16_encodings(tmp_path, encode, label):
    p = tmp_path / "old.txt"
    p.write_bytes(encode("URL: http://cu.example.vn/bai-1\n" + BODY))
    a = one(p)
    assert a.text == BODY
    assert a.source == "http://cu.example.vn/bai-1"
    assert any(label in w for w in a.warnings)


def test_binary_file_raises_input_error_naming_it(tmp_path):
    p = tmp_path / "anh.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(InputError, match=f"^{p}: "):
        list(read_path(p))


def test_empty_file_raises_input_error(tmp_path):
    p = tmp_path / "rong.txt"
    p.write_bytes(b"")
    with pytest.raises(InputError, match=f"^{p}: empty"):
        list(read_path(p))


# --- HTML ---------------------------------------------------------------------

def test_html_meta_title_date_canonical_and_no_chrome():
    a = one(FIXTURES / "portal_meta.html")
    assert a.title == "Huyện ủy Sông Lam sơ kết 3 năm thực hiện Chỉ thị 05-CT/TW"
    assert a.published == "2024-03-21"
    assert a.source == "https://baosonglam.example.vn/huyen-uy-so-ket-chi-thi-05-p1234.html"
    assert "Ban Thường vụ Huyện ủy Sông Lam tổ chức hội nghị sơ kết" in a.text
    assert "(BSL) - Sáng 21/3" in a.text                      # dateline kept
    assert "Quang cảnh hội nghị sơ kết tại hội trường" in a.text  # caption kept
    assert "12 tập thể và 20 cá nhân" in a.text
    for chrome in CHROME:
        assert chrome not in a.text, chrome
    assert "Bắc Sơn" not in a.text and "hội chợ" not in a.text  # related / most-read lists


def test_html_visible_stamp_beats_sidebar_dates():
    a = one(FIXTURES / "portal_stamp.html")
    assert a.published == "2021-11-30"
    assert a.title == "Đảng ủy Quân sự tỉnh quán triệt Nghị quyết về chiến lược quốc phòng"
    assert a.source.endswith("portal_stamp.html")
    assert "Thứ ba, 30/11/2021 - 08:15" in a.text
    assert "Ngày 29/11, Đảng ủy Quân sự tỉnh Đồi Xanh" in a.text
    assert "|" not in a.text  # a layout table is prose, not a grid
    for chrome in CHROME + ("Hội nghị giao ban công tác dân vận", "29/11/2021)"):
        assert chrome not in a.text, chrome


def test_html_json_ld_date_in_vietnam_time():
    a = one(FIXTURES / "portal_jsonld.html")
    assert a.published == "2023-08-25"  # 20:15 UTC is 03:15 the next day in Vietnam
    assert a.text.startswith("Thành phố Cảng Mới tổng kết 10 năm Nghị quyết 26-NQ/TW\n")
    assert "Chiều 24/8, Thành ủy Cảng Mới" in a.text


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}<article>" + "".join(
        f"<p>{BODY} Đoạn {i}.</p>" for i in range(3)) + "</article></body></html>"


@pytest.mark.parametrize("head,body,want", [
    ('<meta property="article:published_time" content="2024-03-21T20:37:00+07:00">', "", "2024-03-21"),
    ('<meta itemprop="datePublished" content="2022-10-14">', "", "2022-10-14"),
    ("", '<time datetime="2021-11-30T01:15:00Z">30/11</time>', "2021-11-30"),
    ("", '<div class="time">20:37 21/03/2024</div>', "2024-03-21"),
    ("", '<span class="post-date">Thứ ba, 30/11/2021 - 08:15</span>', "2021-11-30"),
    ("", "<p>21/03/2024 20:37 GMT+7</p>", "2024-03-21"),
    ("", '<div class="date">Cập nhật ngày 5 tháng 3 năm 2024</div>', "2024-03-05"),
    ("", '<div class="date">Tháng 3/2024</div>', None),
])
def test_html_dates(tmp_path, head, body, want):
    p = tmp_path / "p.html"
    p.write_text(_page(head, body), encoding="utf-8")
    assert one(p).published == want


def test_html_title_from_title_tag_and_h1(tmp_path):
    p = tmp_path / "t.htm"
    p.write_text(_page("<title>Hội nghị giao ban quý I năm 2024 - Báo Núi Đá</title>", ""), encoding="utf-8")
    assert one(p).title == "Hội nghị giao ban quý I năm 2024"
    p.write_text(_page("", "<h1 class='title'>Diễn tập chiến đấu phòng thủ xã</h1>"), encoding="utf-8")
    assert one(p).title == "Diễn tập chiến đấu phòng thủ xã"


def test_html_sniffed_without_suffix_and_in_tcvn3(tmp_path):
    p = tmp_path / "page"
    p.write_bytes(encode_tcvn3(_page("<title>Tin</title>", "")))
    a = one(p)
    assert BODY in a.text and "<p>" not in a.text
    assert "converted from TCVN3" in a.warnings


def test_html_without_text_is_an_input_error(tmp_path):
    p = tmp_path / "blank.html"
    p.write_text("<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no article text"):
        list(read_path(p))


# --- collections --------------------------------------------------------------

def _jsonl_lines():
    return [
        json.dumps({"id": "k1", "url": "https://a.example.vn/1", "title": "Một", "text": BODY,
                    "published": "2024-10-14"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "k2", "html": _page("<title>Hai</title>", "")}, ensure_ascii=False),
        json.dumps({"id": "k3", "title": "không có nội dung"}, ensure_ascii=False),
        "",
        json.dumps([1, 2]),
        json.dumps({"text": BODY}, ensure_ascii=False),
    ]


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_good_lines_yielded_bad_ones_reported(tmp_path, gz):
    data = "\n".join(_jsonl_lines()).encode("utf-8")
    p = tmp_path / ("c.jsonl.gz" if gz else "c.jsonl")
    p.write_bytes(gzip.compress(data) if gz else data)
    errors: list[str] = []
    arts = list(read_path(p, on_error=errors.append))
    assert [a.id for a in arts] == ["k1", "k2", "c-7"]
    assert (arts[0].source, arts[0].title, arts[0].published) == ("https://a.example.vn/1", "Một", "2024-10-14")
    assert arts[1].title == "Hai" and BODY in arts[1].text
    assert [e.split(": ")[0] for e in errors] == [f"{p}:2", f"{p}:4", f"{p}:6"]
    assert "bad JSON" in errors[0] and "no text or html" in errors[1] and "not a JSON object" in errors[2]


def test_jsonl_is_streamed(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text("\n".join(_jsonl_lines()), encoding="utf-8")
    errors: list[str] = []
    first = list(itertools.islice(read_path(p, on_error=errors.append), 1))
    assert first[0].id == "k1" and errors == []  # line 2 not read yet


def test_truncated_gzip_reports_after_good_lines(tmp_path):
    p = tmp_path / "t.jsonl.gz"
    p.write_bytes(gzip.compress(("\n".join(_jsonl_lines()[:1] * 50)).encode())[:-30])
    errors: list[str] = []
    arts = list(read_paths([p], on_error=errors.append))
    assert len(arts) >= 1 and len(errors) == 1 and errors[0].startswith(f"{p}: unreadable")


def test_json_list_and_object(tmp_path):
    p = tmp_path / "l.json"
    p.write_text(json.dumps([{"id": "x", "text": BODY}, {"id": "y"}], ensure_ascii=False), encoding="utf-8")
    errors: list[str] = []
    assert [a.id for a in read_path(p, on_error=errors.append)] == ["x"]
    assert errors == [f"{p}[2]: no text or html field"]
    p.write_text(json.dumps({"text": BODY, "url": "u"}), encoding="utf-8")
    assert one(p).id == "l"


# --- many files -----------------------------------------------------------------

def test_read_paths_expands_folders_and_skips_bad_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "1.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b" / "0.html").write_text(_page("", ""), encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "z.bin").write_bytes(bytes(range(256)) * 8)
    errors: list[str] = []
    arts = list(read_paths([tmp_path, tmp_path / "missing.txt"], on_error=errors.append))
    assert [a.id for a in arts] == ["1", "0", "2"]
    assert [e.split(": ")[0] for e in errors] == [
        str(tmp_path / "empty.txt"), str(tmp_path / "z.bin"), str(tmp_path / "missing.txt")]
    assert "empty" in errors[0] and "binary" in errors[1] and "no such file" in errors[2]


def test_date_parsers():
    assert parse_iso("2024-03-21T23:30:00-05:00") == "2024-03-22"
    assert parse_iso("2024-02-30") is None
    assert parse_stamp("( 29-03-2018 03:53:00 )") == "2018-03-29"
    assert parse_stamp("Số 21/2019/NĐ-CP") is None


def test_html_chrome_without_class_hints_is_cut_by_lines(tmp_path):
    paras = "".join(f"<p>{BODY} Ý {i}.</p>" for i in range(4))
    html = ("<html><body><div><p>Sign In</p><h1>Tổng kết 10 năm Nghị quyết Trung ương 8</h1>"
            "<p>17:25 - Thứ Sáu, 14/10/2022 Lượt xem: 5317 In bài viết</p>" + paras +
            "<p>Tin, ảnh: Minh Đức</p><p>Bình luận</p><p>Tin khác</p>"
            "<p>Khánh thành cầu dân sinh ở bản Nậm Pồ</p><p>Back To Top</p>"
            "<p>Số lượt truy cập: 123.456</p></div></body></html>")
    p = tmp_path / "x.html"
    p.write_text(html, encoding="utf-8")
    a = one(p)
    assert a.published == "2022-10-14"
    assert "17:25 - Thứ Sáu, 14/10/2022" in a.text and "Tin, ảnh: Minh Đức" in a.text
    for chrome in ("Sign In", "Lượt xem", "In bài viết", "Bình luận", "Tin khác", "Nậm Pồ",
                   "Back To Top", "lượt truy cập"):
        assert chrome not in a.text, chrome


def test_gzipped_text_and_empty_collection(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(("URL: http://u.example.vn/1\n" + BODY).encode()))
    (tmp_path / "b.jsonl").write_text("\n\n", encoding="utf-8")
    errors: list[str] = []
    arts = list(read_paths([tmp_path], on_error=errors.append))
    assert [(a.id, a.source, a.text) for a in arts] == [("a", "http://u.example.vn/1", BODY)]
    assert errors == [f"{tmp_path / 'b.jsonl'}: empty file"]


def test_html_today_header_is_not_the_publication_date(tmp_path):
    p = tmp_path / "h.html"
    p.write_text(_page("", '<div class="today-date">Thứ ba, 30/11/2021</div>'), encoding="utf-8")
    assert one(p).published is None


def test_html_with_control_characters_raw_and_as_references(tmp_path):
    """lxml refuses control characters in a tree; the reader drops them (found by the atheris fuzzer)."""
    body = ("Sáng 3/4/2024, Ban Thường vụ Huyện ủy tổ chức hội nghị quán triệt Nghị quyết số 44-NQ/TW "
            "cho cán bộ chủ chốt của huyện, với nhiều nội dung quan trọng.")
    page = tmp_path / "ctl.html"
    page.write_text(f"<html><body><p>{body[:20]}\x0c\x0c&#12;&#x1;{body[20:]}</p></body></html>", encoding="utf-8")
    (article,) = list(read_path(page))
    assert "44-NQ/TW" in article.text and "\x0c" not in article.text
