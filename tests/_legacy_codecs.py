"""Encoders for the legacy Vietnamese encodings, for building test bytes from our own sentences."""
from __future__ import annotations

import unicodedata

from vnpolicy.legacy import TCVN3_ENCODING, VNI_MARKS, VNI_SINGLE

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VNI_BY_LETTER = {v: k for k, v in VNI_SINGLE.items()}


def encode_tcvn3(s: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", s):
        if ch in TCVN3_ENCODING:
            out.append(TCVN3_ENCODING[ch])
        elif ch.isascii():
            out += ch.encode("ascii")
        else:
            raise ValueError(f"no TCVN3 byte for {ch!r}")
    return bytes(out)


def encode_vni(s: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", s):
        if ch.isascii():
            out.append(ch)
        elif ch in _VNI_BY_LETTER:
            out.append(_VNI_BY_LETTER[ch])
        else:
            d = unicodedata.normalize("NFD", ch)
            base, marks = d[0], d[1:]
            if base in "oOuU" and "\u031b" in marks:  # ơ ư are single bytes, tone follows
                out.append(_VNI_BY_LETTER[unicodedata.normalize("NFC", base + "\u031b")])
                marks = marks.replace("\u031b", "")
            else:
                out.append(base)
            if marks:
                shape = "".join(c for c in marks if c not in _TONE_MARKS)
                tone = "".join(c for c in marks if c in _TONE_MARKS)
                want = shape + tone
                lower = base.islower() or base in "ơư"
                keys = [k for k, v in VNI_MARKS.items() if v == want and k.islower() == lower]
                if not keys:
                    raise ValueError(f"no VNI marks for {ch!r}")
                out.append(keys[0])
    return "".join(out).encode("cp1252")


def encode_cp1258(s: str) -> bytes:
    """Windows-1258 the way Word saved it: shaped letters precomposed, tones as combining bytes."""
    out = []
    for ch in unicodedata.normalize("NFC", s):
        d = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in d if c in _TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS)) + tone)
    return "".join(out).encode("cp1258")
