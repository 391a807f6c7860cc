"""Text normalisation: one canonical form for every article.

``decode`` turns a file's bytes into Unicode whatever the encoding it was
saved in (UTF-8/16, Windows-1258, the legacy TCVN3 and VNI fonts), or refuses.
``normalise`` gives the display text (NFC, ordinary spaces, no zero-width
characters); offsets of every extracted fact point into it. ``match_form``
rewrites old-style tone placement ("hoà", "thuỷ") to the new style ("hòa",
"thủy") without changing the length, so patterns written once match both and
offsets stay valid. ``fold`` strips diacritics (including "đ") for search.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable

from .legacy import TCVN3_UNUSED_LETTERS, decode_tcvn3, decode_vni, latin_bytes


class InputError(Exception):
    """A file that cannot be read or parsed; the message names the file and the reason."""


_TONES = "\u0300\u0301\u0309\u0303\u0323"
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069"
                        r"\x00-\x08\x0e-\x1f\x7f]")
# Line separators become newlines; Icelandic eth typed for Vietnamese đ/Đ (same shape) becomes đ/Đ.
_REPLACE = (("\r\n", "\n"), ("\r", "\n"), ("\u2028", "\n"), ("\u2029", "\n"), ("\x85", "\n"),
            ("\u00d0", "\u0110"), ("\u00f0", "\u0111"))
_COMBINING = re.compile("[\u0300-\u036f]")
_RUN_OF_SPACES = re.compile(r" {2,}")
_LINE_EDGE_SPACES = re.compile(r" *\n *")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
# A tone mark typed before the vowel's shape mark (a + ́ + ̂) does not compose.
_TONE_BEFORE_SHAPE = re.compile("([" + _TONES + "])([\u0302\u0306\u031b])")


def normalise(raw: str) -> str:
    """NFC, newlines unified, odd spaces made plain and single (none at line ends), invisible marks dropped."""
    s = raw
    for old, new in _REPLACE:
        if old in s:
            s = s.replace(old, new)
    s = unicodedata.normalize("NFC", _INVISIBLE.sub("", s))
    if _COMBINING.search(s):
        s = unicodedata.normalize("NFC", _TONE_BEFORE_SHAPE.sub(r"\2\1", unicodedata.normalize("NFD", s)))
    s = _RUN_OF_SPACES.sub(" ", _SPACES.sub(" ", s))
    s = _LINE_EDGE_SPACES.sub("\n", s)
    return _MANY_BLANK_LINES.sub("\n\n", s)


def _old_to_new_pairs() -> dict[str, str]:
    """Old-style open syllable endings ("oà", "uỷ") → new style ("òa", "ủy"), in NFC, all cases."""
    pairs = {}
    for v1, v2 in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for a, b in ((v1, v2), (v1.upper(), v2.upper()), (v1.upper(), v2)):
                old = unicodedata.normalize("NFC", a + b + tone)
                new = unicodedata.normalize("NFC", a + tone + b)
                if len(old) == len(new) == 2:
                    pairs[old] = new
    return pairs


_NEW_STYLE = _old_to_new_pairs()
_OLD_STYLE = re.compile("(?<![qQ])(?:" + "|".join(sorted(_NEW_STYLE)) + ")(?![^\\W\\d_])")


def match_form(s: str) -> str:
    """New-style tone placement; same length as ``s`` (NFC in, NFC out).

    Only open syllables differ between the styles ("hoà"/"hòa", "thuỷ"/"thủy";
    "hoàng" is the same in both), so one regex over two-letter endings does it.
    """
    return _OLD_STYLE.sub(lambda x: _NEW_STYLE[x.group()], s)


_FOLD = {}
for _cp in range(0x00C0, 0x1EFA):
    _ch = chr(_cp)
    _base = "".join(c for c in unicodedata.normalize("NFD", _ch.casefold()) if not unicodedata.combining(c))
    if _base != _ch and len(_base) == 1:
        _FOLD[_cp] = _base
_FOLD[ord("đ")] = "d"
_FOLD[ord("Đ")] = "d"
del _cp, _ch, _base


def fold(s: str) -> str:
    """Lower case without diacritics: "Đảng ủy Quân sự" → "dang uy quan su"."""
    out = s.casefold().translate(_FOLD)
    if _COMBINING.search(out):
        out = unicodedata.normalize("NFD", out.replace("đ", "d"))
        out = "".join(c for c in out if not unicodedata.combining(c))
    return out


# --- decoding -------------------------------------------------------------

# A Vietnamese syllable without its tone: onset, vowel cluster, final consonant.
# Clusters ending in a glide take no final consonant; some clusters need one.
# Used to tell real Vietnamese from mojibake.
_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_OPEN = ("iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyu "
         "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui uơ ưa ưi ưu ya").split()
_CLOSED = "uyê iê yê uô ươ oă uâ ă â".split()
_EITHER = "oa oe uê uy a e ê i o ô ơ u ư y".split()
_SYLLABLE = re.compile(_ONSET + "(?:(?:" + "|".join(_OPEN) + ")|(?:" + "|".join(_CLOSED)
                       + ")(?:ch|ng|nh|[cmnpt])|(?:" + "|".join(_EITHER) + ")(?:ch|ng|nh|[cmnpt])?)")
_STOP_FINAL = ("c", "ch", "p", "t")  # after these only the sắc and nặng tones occur
# Frequent syllables of Vietnamese news: break ties between encodings on short texts.
_COMMON = frozenset("""
và của có các là được cho với trong những người đã không này một để khi đến từ theo về tại
năm ngày tháng sáng chiều tối hội nghị đảng ủy bộ tỉnh huyện xã phường thành phố nhân dân
quân sự đội chính trị thực hiện quyết định chỉ thị kết luận tổng sơ triển khai quán triệt
đồng chí bí thư phó chủ tịch trưởng ban thường vụ công tác nhiệm xây dựng phát triển kinh tế
văn hóa giáo dục y an ninh quốc phòng bảo vệ tổ chức cán lãnh đạo điều hành địa phương cơ quan
đơn vị lực lượng vũ trang biên giới chiến lược mới trung ương nhà nước chính phủ thủ tướng
học tập làm việc đánh giá kế hoạch chương trình đề án nội dung yêu cầu giải pháp thời gian
tiếp tục tăng cường nâng cao hiệu quả chất lượng kết quả đạt nhiều sẽ đang còn cũng như
vào ra lên trên dưới sau trước giữa cùng mọi toàn thể hệ thống dịch vụ sản xuất nông nghiệp
thôn đầu tư hạ tầng giao thông khen thưởng tập cá giấy bằng diễn phòng thủ khu vực tham dự
phát biểu đề nghị nhấn mạnh chỉ đạo báo cáo ý kiến tình hình hình thức việc nam việt hà nội
ngành cấp cơ sở mặt trận đoàn thanh niên phụ nữ cựu binh hội viên đảng viên gia đình xã hội
""".split())
_TOKEN_SPLIT = re.compile(r"[\s!-/:-@\[-`{-~]+")
_EDGE_PUNCT = "".join(map(chr, range(0x2010, 0x2031)))  # dashes, quotes, bullets, ellipsis, per mille
_SAMPLE = 1 << 16
_MAGIC = {b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP/Office archive", b"\x1f\x8b": "gzip data",
          b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"\xd0\xcf\x11\xe0": "an old MS Office document", b"{\\rtf": "an RTF document"}
# A UTF-8 lead byte read as cp1252 followed by a continuation byte read as cp1252: "Ä‘", "á»".
_MOJIBAKE = re.compile("[ÂÃÄÅÆÌÍáâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                       "\u02c6\u02dc\u2013-\u2122\ufffd]")
_UTF8_LEADS = [bytes([b]) for b in range(0xC2, 0xF5)]
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def is_syllable(word: str) -> bool:
    """Whether ``word`` (NFC) is spelled like one Vietnamese syllable: onset, vowels, coda, one tone."""
    d = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in d if c in _TONES]
    if len(tones) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
    if _SYLLABLE.fullmatch(toneless) is None:
        return False
    return not (toneless.endswith(_STOP_FINAL) and tones[:1] not in (["\u0301"], ["\u0323"]))


def vietnamese_score(text: str) -> tuple[int, int, int]:
    """(good, bad, common): words with non-ASCII letters that are / are not Vietnamese
    syllables, and how many words are frequent Vietnamese ones."""
    good = bad = common = 0
    for tok in _TOKEN_SPLIT.split(text):
        tok = tok.strip(_EDGE_PUNCT)
        if tok.lower() in _COMMON:
            common += 1
        if tok.isascii():
            continue
        if tok.isalpha() and (tok.islower() or tok.isupper() or tok.istitle()) and is_syllable(tok):
            good += 1
        else:
            bad += 1
    return good, bad, common


def _rank(score: tuple[int, int, int]) -> tuple[int, int]:
    return score[0] - score[1], score[2]


def _confident(score: tuple[int, int, int]) -> bool:
    good, bad, _ = score
    return good > 0 and bad * 4 <= good + bad


def _sample(data: bytes) -> bytes:
    """The first 64 KiB, cut at a space so no letter is split."""
    if len(data) <= _SAMPLE:
        return data
    cut = data.rfind(b" ", 0, _SAMPLE)
    return data[:cut if cut > 0 else _SAMPLE]


def _cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258"))


# Tried in this order; on a tie the earlier one wins (short texts can be valid in two).
_LEGACY: list[tuple[str, Callable[[bytes], str], bytes]] = [
    ("TCVN3", decode_tcvn3, TCVN3_UNUSED_LETTERS), ("VNI-Windows", decode_vni, b""),
    ("Windows-1258", _cp1258, b"")]


def _best_legacy(data: bytes) -> tuple[str, Callable[[bytes], str], tuple[int, int, int]] | None:
    """The legacy encoding whose reading of the first 64 KiB looks most Vietnamese, with its score;
    bytes an encoding never uses count against it."""
    sample = _sample(data)
    best = None
    for label, fn, unused in _LEGACY:
        try:
            good, bad, common = vietnamese_score(fn(sample))
        except UnicodeDecodeError:
            continue
        bad += sum(sample.count(b) for b in unused)
        if best is None or _rank((good, bad, common)) > _rank(best[2]):
            best = (label, fn, (good, bad, common))
    return best


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one side of the pairs, as in mostly-Latin text."""
    sample = data[:_SAMPLE & ~1]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode_utf8(data: bytes, warnings: list[str], tolerance: int = 50) -> str | None:
    """UTF-8, tolerating a truncated last character, or stray bytes in clearly UTF-8 text
    (at least ``tolerance`` good multibyte characters per bad one)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data" \
                and not data[:exc.start].isascii():
            warnings.append("dropped an incomplete UTF-8 character at the end")
            return data[:exc.start].decode("utf-8", errors="replace")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(data.count(lead) for lead in _UTF8_LEADS) - bad
    if multibyte >= tolerance * bad:
        warnings.append(f"replaced {bad} invalid UTF-8 byte sequence(s) with U+FFFD")
        return text
    return None


def _repair_mojibake(text: str, name: str, warnings: list[str]) -> str:
    """Undo a cp1252 misreading saved as Unicode: double-encoded UTF-8, or TCVN3/VNI font text."""
    sample = text[:_SAMPLE]
    if sample.isascii() or _confident(vietnamese_score(sample)):
        return text
    raw = latin_bytes(text)
    if raw is not None:
        notes: list[str] = []
        fixed = _decode_utf8(raw, notes, tolerance=8)
        if fixed is not None and _confident(vietnamese_score(fixed[:_SAMPLE])):
            warnings += notes + ["repaired UTF-8 that had been read as cp1252"]
            return fixed
        best = _best_legacy(raw)
        if best and _confident(best[2]):
            warnings.append(f"converted from {best[0]} (font text stored as Latin characters)")
            return best[1](raw)
    if len(_MOJIBAKE.findall(sample)) * 10 >= sum(not c.isascii() for c in sample):
        raise InputError(f"{name}: garbled text (UTF-8 read as cp1252) that cannot be repaired")
    return text


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """File bytes → NFC text and warnings about any conversion; InputError when not confidently text."""
    warnings: list[str] = []
    if not data or data.isspace():
        raise InputError(f"{name}: empty file")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{name}: {what}, not text")
    text: str | None = None
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: invalid {codec.upper()} despite its byte order mark "
                                 f"({exc.reason})") from None
            if codec != "utf-8-sig":
                warnings.append(f"converted from {codec.upper()}")
            break
    if text is None and b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise InputError(f"{name}: binary data (NUL bytes), not text")
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise InputError(f"{name}: binary data (NUL bytes), not text") from None
        warnings.append(f"converted from {codec.upper()} (no byte order mark)")
    if text is None:
        if len(_CONTROL.findall(data[:_SAMPLE].decode("latin-1"))) * 100 > len(_sample(data)):
            raise InputError(f"{name}: binary data (control bytes), not text")
        text = _decode_utf8(data, warnings)
        if text is not None:
            text = _repair_mojibake(text, name, warnings)
    if text is None:
        best = _best_legacy(data)
        nothing = best is not None and best[2][:2] == (0, 0)
        if best is None or not (_confident(best[2]) or nothing):
            raise InputError(f"{name}: not UTF-8, and no Vietnamese legacy encoding "
                             "(Windows-1258, TCVN3, VNI) fits")
        label, fn, _ = ("Windows-1258", _cp1258, None) if nothing else best
        try:
            text = fn(data)
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-8, and invalid as {label} ({exc.reason})") from None
        warnings.append(f"converted from {label}")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        warnings.append("composed decomposed (NFD) characters to NFC")
    if len(_CONTROL.findall(text[:_SAMPLE])) * 100 > len(text[:_SAMPLE]):
        raise InputError(f"{name}: binary data (control characters), not text")
    if not text or text.isspace():
        raise InputError(f"{name}: no text")
    return text, warnings
