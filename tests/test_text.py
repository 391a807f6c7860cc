"""Text normalisation and decoding: every encoding a Vietnamese article file may come in."""
import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests._legacy_codecs import encode_cp1258, encode_tcvn3, encode_vni
from vnpolicy.text import InputError, decode, fold, is_syllable, match_form, normalise, vietnamese_score

SENTENCE = ("Sáng 12/5, Ban Thường vụ Huyện ủy Mường Khương tổ chức hội nghị quán triệt "
            "Nghị quyết số 18-NQ/TW về đổi mới, sắp xếp tổ chức bộ máy. Đồng chí Nguyễn Thị Hương, "
            "Phó Bí thư Thường trực Huyện ủy, chủ trì; Đại tá Lê Quốc Khánh phát biểu. "
            "Hội nghị sơ kết 5 năm thực hiện Chỉ thị 24-CT/TW, khen thưởng 8 tập thể và 16 cá nhân.")
CAPITALS = "ĐẢNG ỦY QUÂN SỰ TỈNH TỔ CHỨC HỘI NGHỊ TỔNG KẾT NGHỊ QUYẾT ƯU TIÊN"

# Syllables for generated sentences; each has at least one Vietnamese letter.
WORDS = ("hội nghị quán triệt tổng kết sơ chỉ thị quyết định đảng ủy quân sự tỉnh huyện xã "
         "phường thường vụ đồng chí phó bí thư chủ trì diễn tập khu vực phòng thủ bảo vệ tổ quốc "
         "nguyễn trần lê phạm hoàng huỳnh võ đặng bùi đỗ hồ ngô dương lý chiến lược thực hiện "
         "năm tháng ngày sáng chiều tối được những của với đến để người công tác nhiệm vụ "
         "ứng dụng ưu tiên giữa cuối khuyến khích nghiêng khuya thuở").split()


# --- normalise / match_form / fold ---------------------------------------

def test_normalise_spaces_invisibles_and_lookalikes():
    raw = "quy\u00ea\u0301t\u00a0s\u1ed1\u200b 44\u2009-\u00adNQ/TW  \r\n\u00d0\u1ea3ng\u2028\u1ee7y\x07"
    assert normalise(raw) == "quyết số 44 -NQ/TW\nĐảng\nủy"


def test_normalise_composes_tone_typed_before_shape_mark():
    # "ấ" typed as a + acute + circumflex does not compose under plain NFC.
    assert normalise("qua\u0301\u0302n") == "quấn"


def test_normalise_collapses_blank_lines_and_trailing_spaces():
    assert normalise("Dòng một   \n \n\n\n  Dòng hai\t\tcuối") == "Dòng một\n\nDòng hai cuối"


def test_normalise_keeps_dashes_and_quotes():
    s = "Việt Nam – Lào — “đoàn kết”"
    assert normalise(s) == s


def test_match_form_new_style_same_length():
    s = "Hoà Bình, thuỷ lợi, khoẻ mạnh, Đảng uỷ"
    m = match_form(s)
    assert m == "Hòa Bình, thủy lợi, khỏe mạnh, Đảng ủy"
    assert len(m) == len(s)


def test_fold():
    assert fold("Đảng ủy Quân sự") == "dang uy quan su"


@settings(max_examples=300)
@given(st.text())
def test_normalise_idempotent(s):
    once = normalise(s)
    assert normalise(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=300)
@given(st.text())
def test_match_form_length_preserving_and_idempotent(s):
    s = unicodedata.normalize("NFC", s)
    m = match_form(s)
    assert len(m) == len(s)
    assert match_form(m) == m


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("aăâeêioôơuưyAĂÂEÊOÔƠUƯYđĐqgh \u0300\u0301\u0303\u0309\u0323"))))
def test_match_form_on_vietnamese_letters(s):
    s = unicodedata.normalize("NFC", s)
    m = match_form(s)
    assert len(m) == len(s) and match_form(m) == m


@settings(max_examples=300)
@given(st.text())
def test_fold_idempotent(s):
    assert fold(fold(s)) == fold(s)


# --- syllables --------------------------------------------------------------

@pytest.mark.parametrize("word", ["nghiêng", "khuya", "quốc", "giữa", "Đảng", "ưu", "thuở", "oẳn"])
def test_is_syllable_accepts_vietnamese(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["néi", "hµ", "vieät", "coỷ", "chaøo", "ắá", "quaìn", "tiêt", "hoàc"])
def test_is_syllable_rejects_mojibake(word):
    assert not is_syllable(word)


def test_vietnamese_score_counts_only_non_ascii_words():
    assert vietnamese_score("Hội nghị TW8 (khóa XI) 2024")[:2] == (3, 0)
    assert vietnamese_score("Hµ Néi")[:2] == (0, 2)


# --- decode -----------------------------------------------------------------

def test_decode_utf8_plain_and_bom():
    assert decode(SENTENCE.encode(), "a.txt") == (SENTENCE, [])
    assert decode(codecs.BOM_UTF8 + SENTENCE.encode(), "a.txt") == (SENTENCE, [])


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_decode_utf16_with_and_without_bom(codec):
    text, warnings = decode(SENTENCE.encode(codec), "a.txt")
    assert text == SENTENCE
    assert warnings and "UTF-" in warnings[0]
    if codec in ("utf-16-le", "utf-16-be"):
        assert "no byte order mark" in warnings[0]


def test_decode_nfd_is_composed():
    text, warnings = decode(unicodedata.normalize("NFD", SENTENCE).encode(), "a.txt")
    assert text == SENTENCE
    assert any("NFC" in w for w in warnings)


def test_decode_windows_1258():
    data = encode_cp1258(SENTENCE)
    assert b"\xd2" in data or b"\xf2" in data  # combining tone bytes are really used
    text, warnings = decode(data, "a.txt")
    assert text == SENTENCE
    assert warnings == ["converted from Windows-1258"]


def test_decode_tcvn3():
    data = encode_tcvn3(SENTENCE)
    assert data.decode("cp1252", errors="replace").startswith("S¸ng")  # the tell-tale look
    text, warnings = decode(data, "a.txt")
    assert text == SENTENCE
    assert warnings == ["converted from TCVN3"]


def test_decode_vni_lower_and_upper_case():
    for s in (SENTENCE, CAPITALS + ". " + SENTENCE):
        data = encode_vni(s)
        text, warnings = decode(data, "a.txt")
        assert text == s
        assert warnings == ["converted from VNI-Windows"]
    assert encode_vni("Việt Nam") == "Vieät Nam".encode("cp1252")


def test_decode_tcvn3_seen_as_latin_text_in_utf8():
    """A .VnTime document pasted into a Unicode editor keeps the glyph code points."""
    data = encode_tcvn3(SENTENCE).decode("cp1252").encode("utf-8")
    text, warnings = decode(data, "a.txt")
    assert text == SENTENCE
    assert "TCVN3" in warnings[0]


def test_decode_repairs_double_encoded_utf8():
    data = SENTENCE.encode().decode("latin-1").encode()
    text, warnings = decode(data, "a.txt")
    assert text == SENTENCE
    assert "repaired" in warnings[-1]


def test_decode_refuses_unrepairable_mojibake():
    data = (SENTENCE.encode().decode("cp1252", errors="replace") * 2).encode()
    with pytest.raises(InputError, match="^bad.txt: garbled"):
        decode(data, "bad.txt")


def test_decode_truncated_last_character_is_dropped_with_warning():
    text, warnings = decode(SENTENCE.encode() + "ệ".encode()[:2], "a.txt")
    assert text == SENTENCE and "incomplete" in warnings[0]


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b" \n\t ", "empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (bytes(range(256)) * 4, "binary"),
    (b"ELF\x00\x01\x02\x03\x00\x00\xff\xfe\x00", "binary"),
    (b"\x01\x02\x03\x04\x05\x06abc\x07\x08\x0e\x0f", "binary"),
])
def test_decode_refuses_non_text_naming_the_file(data, reason):
    with pytest.raises(InputError, match=f"^dir/x.bin: .*{reason}"):
        decode(data, "dir/x.bin")


def test_decode_refuses_high_bytes_no_encoding_explains():
    data = bytes([0x41, 0x9D, 0x8F, 0x20, 0x81, 0x8D, 0x20]) * 20
    with pytest.raises(InputError, match="x.txt"):
        decode(data, "x.txt")


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=30))
def test_tcvn3_round_trip(words):
    s = " ".join(words)
    assert decode(encode_tcvn3(s), "g.txt")[0] == s


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=30))
def test_vni_and_cp1258_round_trip(words):
    # A handful of syllables read validly in two encodings ("ưu" in VNI is "ệu" in TCVN3);
    # a clause of everyday words, as any real sentence has, settles it.
    s = " ".join(words).capitalize() + " của các đồng chí lãnh đạo tỉnh."
    assert decode(encode_vni(s), "g.txt")[0] == s
    assert decode(encode_cp1258(s), "g.txt")[0] == s


@settings(max_examples=500)
@given(st.binary(max_size=400))
def test_decode_never_raises_anything_but_input_error(data):
    try:
        text, warnings = decode(data, "f")
    except InputError as exc:
        assert str(exc).startswith("f: ")
    else:
        assert isinstance(text, str) and text.strip()
        assert unicodedata.is_normalized("NFC", text)
