"""Documents cited by an article."""
from __future__ import annotations

from ..record import Document


def extract_documents(text: str, m: str, published) -> list[Document]:
    return []
