"""Extraction: pure functions, article text in, :class:`~vnpolicy.record.Record` out."""
from __future__ import annotations

from ..record import Article, Record
from ..text import match_form, normalise
from . import awards, dates, documents, events, people, places

#: Facts are read from this many characters at most (several long articles): beyond it a
#: "text" is a dump, not an article, and extraction time must stay bounded whatever the input.
MAX_EXTRACT_CHARS = 100_000


def extract(article: Article) -> Record:
    """Run every extractor over one article; offsets point into the normalised text."""
    full = normalise(article.text)
    warnings = list(article.warnings)
    text = full[:MAX_EXTRACT_CHARS]
    if len(full) > len(text):
        warnings.append(f"text of {len(full)} characters: facts were read from the first "
                        f"{MAX_EXTRACT_CHARS} only")
    m = match_form(text)
    published = dates.published_date(m, article.published)
    docs, mentions = documents.extract_documents(text, m, published)
    evs = events.extract_events(text, m, published, docs, mentions)
    rec = Record(
        id=article.id,
        published=published.iso if published and published.full else None,
        events=evs,
        documents=docs,
        people=people.extract_people(text, m),
        awards=awards.extract_awards(text, m),
        title=article.title,
        source=article.source,
        warnings=warnings,
        text=full,
    )
    places.assign_province(rec, m, article.source)
    return rec
