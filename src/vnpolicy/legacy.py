"""Vietnamese legacy 8-bit font encodings: TCVN3 (ABC) and VNI-Windows.

Before Unicode, Vietnamese was typed in fonts whose glyphs sit on Latin-1 code
points. TCVN3 (.VnTime fonts) gives each toned lower-case letter one byte;
capitals came from a second font (.VnTimeH), so only Ă Â Ê Ô Ơ Ư Đ have bytes
of their own. VNI (VNI-Times) writes a base letter followed by one mark byte
(tone, or shape plus tone), with single bytes for ơ ư đ and the toned i, ỵ.
Read as cp1252 they show as "Hµ Néi" (TCVN3) and "Haø Noäi" (VNI).

Both decoders take bytes; text that was already mis-decoded as cp1252 is
turned back into its bytes by :func:`latin_bytes` first. Bytes that carry no
Vietnamese letter keep their cp1252 meaning (quotes, dashes).
"""
from __future__ import annotations

import codecs
import unicodedata

# TCVN3: the byte of each letter, listed in the order of _TCVN3_LETTERS.
_TCVN3_BYTES = bytes([
    0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE,
    0xB5, 0xB6, 0xB7, 0xB8, 0xB9,
    0xBB, 0xBC, 0xBD, 0xBE, 0xC6,
    0xC7, 0xC8, 0xC9, 0xCA, 0xCB,
    0xCC, 0xCE, 0xCF, 0xD0, 0xD1,
    0xD2, 0xD3, 0xD4, 0xD5, 0xD6,
    0xD7, 0xD8, 0xDC, 0xDD, 0xDE,
    0xDF, 0xE1, 0xE2, 0xE3, 0xE4,
    0xE5, 0xE6, 0xE7, 0xE8, 0xE9,
    0xEA, 0xEB, 0xEC, 0xED, 0xEE,
    0xEF, 0xF1, 0xF2, 0xF3, 0xF4,
    0xF5, 0xF6, 0xF7, 0xF8, 0xF9,
    0xFA, 0xFB, 0xFC, 0xFD, 0xFE,
])
_TCVN3_LETTERS = (
    "ĂÂÊÔƠƯĐ"
    "ăâêôơưđ"
    "àảãáạ"
    "ằẳẵắặ"
    "ầẩẫấậ"
    "èẻẽéẹ"
    "ềểễếệ"
    "ìỉĩíị"
    "òỏõóọ"
    "ồổỗốộ"
    "ờởỡớợ"
    "ùủũúụ"
    "ừửữứự"
    "ỳỷỹýỵ"
)


def _cp1252_table() -> list[str]:
    """cp1252 for every byte, Latin-1 for the five bytes cp1252 leaves undefined."""
    return [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]


_CP1252 = _cp1252_table()
_TCVN3_TABLE = "".join(dict(zip(_TCVN3_BYTES, _TCVN3_LETTERS, strict=True)).get(b, _CP1252[b]) for b in range(256))
TCVN3_ENCODING = {c: b for b, c in zip(_TCVN3_BYTES, _TCVN3_LETTERS, strict=True)}
# High bytes that would read as Latin letters (à, Á, Ù...) yet TCVN3 never uses: evidence against it.
TCVN3_UNUSED_LETTERS = bytes(b for b in range(0x80, 0x100)
                             if b not in _TCVN3_BYTES and _CP1252[b].isalpha())

# VNI: mark bytes (as their cp1252 characters) → combining marks. Lower-case
# marks follow lower-case bases, upper-case marks upper-case ones.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_MARKS_LOWER = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
    "â": _CIRC, "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK,
    "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
}
VNI_MARKS = {**_VNI_MARKS_LOWER, **{k.upper(): v for k, v in _VNI_MARKS_LOWER.items()}}
# VNI single-byte letters (cp1252 character → letter).
_VNI_SINGLE_LOWER = {"ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
                     "î": "ỵ", "ñ": "đ"}
VNI_SINGLE = {**_VNI_SINGLE_LOWER, **{k.upper(): v.upper() for k, v in _VNI_SINGLE_LOWER.items()}}
# Every mark byte becomes its combining marks (VNI puts them only after vowels).
_VNI_MAP = {b: VNI_MARKS.get(c) or VNI_SINGLE.get(c) or c for b, c in enumerate(_CP1252)}


def latin_bytes(s: str) -> bytes | None:
    """The bytes that a cp1252 (or Latin-1) decode turned into ``s``; None if it has other characters."""
    try:
        return s.encode("cp1252")
    except UnicodeEncodeError:
        pass
    out = bytearray()
    for ch in s:
        o = ord(ch)
        if o < 0x80:
            out.append(o)
            continue
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if o > 0xFF:
                return None
            out.append(o)
    return bytes(out)


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes to NFC Unicode."""
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _TCVN3_TABLE)[0])


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes to NFC Unicode: mark bytes become combining marks on the letter before."""
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _VNI_MAP)[0])
