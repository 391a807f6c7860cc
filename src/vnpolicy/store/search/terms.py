"""User input as words: never query syntax."""
from __future__ import annotations

import re

from ...text import fold

_WORD = re.compile(r"[^\W_]+")


def words(query: str) -> list[str]:
    """Lower-case words as typed (diacritics kept)."""
    return _WORD.findall(query.lower())


def folded_words(query: str) -> list[str]:
    """Words without case or diacritics: "Đảng ủy" → ["dang", "uy"]."""
    return _WORD.findall(fold(query))
