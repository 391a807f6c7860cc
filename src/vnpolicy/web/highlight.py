"""Article text with every extracted fact marked at its evidence span.

Spans overlap (an event's sentence holds the document it cites), so the text
is cut at every span boundary and each piece is marked by the innermost fact
covering it, with the outer ones named in ``data-facts``. Every piece of text
is HTML-escaped; the markup is built here, never from the article.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from itertools import pairwise

from markupsafe import Markup

from .. import record as rec

KINDS = ("province", "event", "document", "person", "award")


@dataclass(frozen=True)
class Fact:
    kind: str  # one of KINDS
    anchor: str  # element id of the fact's first piece
    label: str
    start: int
    end: int


def facts(record: rec.Record, event_anchors: list[str] | None = None) -> list[Fact]:
    out: list[Fact] = []
    if record.province_evidence:
        s = record.province_evidence
        out.append(Fact("province", "f-province", record.province or "", s.start, s.end))
    for i, e in enumerate(record.events):
        if e.evidence:
            anchor = event_anchors[i] if event_anchors else f"f-event-{i}"
            out.append(Fact("event", anchor, f"{e.kind} {e.date or ''}".strip(), e.evidence.start, e.evidence.end))
    for i, d in enumerate(record.documents):
        if d.evidence:
            out.append(Fact("document", f"f-document-{i}", d.key, d.evidence.start, d.evidence.end))
    for i, p in enumerate(record.people):
        if p.evidence:
            out.append(Fact("person", f"f-person-{i}", p.name, p.evidence.start, p.evidence.end))
    for i, a in enumerate(record.awards):
        if a.evidence:
            out.append(Fact("award", f"f-award-{i}", a.kind, a.evidence.start, a.evidence.end))
    n = len(record.text)
    return [f for f in out if 0 <= f.start < f.end <= n]


def render(text: str, marks: list[Fact], focus: str | None = None) -> Markup:
    """``text`` as escaped HTML with ``<mark>`` pieces (paragraphs kept by CSS pre-wrap); the
    pieces of the fact anchored ``focus`` also get the class ``focus``."""
    cuts = sorted({0, len(text), *(f.start for f in marks), *(f.end for f in marks)})
    placed: set[str] = set()
    out = []
    for a, b in pairwise(cuts):
        piece = escape(text[a:b])
        covering = [f for f in marks if f.start <= a and b <= f.end]
        if not covering:
            out.append(piece)
            continue
        inner = min(covering, key=lambda f: (f.end - f.start, f.kind))
        new = [f for f in covering if f.anchor not in placed]
        placed.update(f.anchor for f in new)
        ident = ""
        for f in new:  # one id on the mark (the innermost new fact), the others as empty anchors
            if f is inner or (f is new[-1] and inner not in new):
                ident = f' id="{escape(f.anchor)}"'
            else:
                out.append(f'<span class="anchor" id="{escape(f.anchor)}"></span>')
        classes = ["hl", f"hl-{inner.kind}", *sorted({f"in-{f.kind}" for f in covering if f is not inner})]
        if focus and any(f.anchor == focus for f in covering):
            classes.append("focus")
        title = "; ".join(f"{f.kind}: {f.label}" for f in covering)
        out.append(f'<mark class="{" ".join(classes)}"{ident} title="{escape(title)}">{piece}</mark>')
    return Markup("".join(out))
