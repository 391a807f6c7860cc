"""The tracker: the picture across records, as functions over the store.

- :mod:`.units` — implementing units (a province or a named body) from organisers;
- :mod:`.meetings` — one meeting, many reports (events merged into meetings);
- :mod:`.relations` — implements / replaces / co-mentions between documents;
- :mod:`.lifecycle` — stages per (document, unit), and coverage over provinces;
- :mod:`.calendar` — expected reviews and what was found of them;
- :mod:`.people` — one person across articles, and their positions over time;
- :mod:`.export` — tables, a GraphML knowledge graph and an iCalendar of reviews.

Vocabulary kept from the domain: quán triệt (``quan_triet``, dissemination),
sơ kết (``so_ket``, mid-term review), tổng kết (``tong_ket``, final review).
"""
