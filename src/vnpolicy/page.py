"""A news web page → :class:`~vnpolicy.record.Article`: main text, title, date, canonical URL.

Main text comes from trafilatura (recall-leaning, comments off) run on a copy
of the page from which portal chrome was cut first (menus, related-news and
comment boxes, footers); what still leaks is dropped line by line. Dates are
read with our own rules before any library: meta tags, ``<time>``, JSON-LD,
then the visible stamps Vietnamese portals print ("20:37 21/03/2024",
"Thứ ba, 30/11/2021 - 08:15"), which generic date finders misread.
"""
from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime, timedelta, timezone

import lxml.html
import trafilatura
from lxml import etree

from .record import Article
from .text import InputError

VIETNAM = timezone(timedelta(hours=7))

# --- dates ----------------------------------------------------------------

_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?")
_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?![\d/])")
_DMY_WORDS = re.compile(r"(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})")
_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
# What makes a short line a publication stamp rather than a date in a sentence: a time of
# day, a time zone, a publishing word, or a date opening the line. A weekday and date alone
# ("Thứ ba, 30/11/2021") is the site's today-header on many portals, so it does not count.
_STAMP_HINT = re.compile(r"(?i)\d{1,2}:\d{2}|gmt|cập\s+nhật|ngày\s+đăng|đăng\s+lúc|đăng\s+ngày|xuất\s+bản|"
                         r"^\(?\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")
_WEEKDAY = re.compile(r"(?i)\bthứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])\b|chủ\s+nhật")
_DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate",
              "publishdate", "publish-date", "publish_date", "article.published", "dc.date.issued",
              "dcterms.issued", "dc.date", "dcterms.created", "date", "parsely-pub-date", "sailthru.date",
              "itemprop:datepublished")
_DATE_HINT = re.compile(r"(?i)date|time|publish|posted|ngay|thoi-?gian|meta|info")


def _full(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_iso(value: str) -> str | None:
    """ISO 8601 date or timestamp → the Vietnamese calendar day (UTC times shifted to +07:00)."""
    m = _ISO.match(value or "")
    if not m:
        return None
    y, mo, d, hh, mm, ss, tz = m.groups()
    day = _full(int(y), int(mo), int(d))
    if day and tz and hh:
        offset = timezone.utc if tz == "Z" else timezone(
            (1 if tz[0] == "+" else -1) * timedelta(hours=int(tz[1:3]), minutes=int(tz[-2:])))
        try:
            stamp = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0), tzinfo=offset)
        except ValueError:
            return day
        return stamp.astimezone(VIETNAM).date().isoformat()
    return day


def parse_stamp(text: str) -> str | None:
    """First full day-first date in ``text`` ("21/03/2024", "30-11-2021", "ngày 5 tháng 3 năm 2024", ISO)."""
    best = None
    for rx, order in ((_DMY, (3, 2, 1)), (_DMY_WORDS, (3, 2, 1)), (_YMD, (1, 2, 3))):
        for m in rx.finditer(text):
            iso = _full(*(int(m.group(i)) for i in order))
            if iso and (best is None or m.start() < best[0]):
                best = (m.start(), iso)
            if iso:
                break
    return best[1] if best else None


def _meta_date(tree) -> str | None:
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or "").strip().lower()
        if not key and el.get("itemprop"):
            key = "itemprop:" + el.get("itemprop").strip().lower()
        if key in _DATE_META:
            found = parse_iso(el.get("content") or "") or parse_stamp(el.get("content") or "")
            if found:
                return found
    return None


def _time_date(tree) -> str | None:
    for el in tree.iter("time"):
        found = parse_iso(el.get("datetime") or "") or parse_stamp(el.text_content() or "")
        if found:
            return found
    for el in tree.xpath('//*[@itemprop="datePublished"]'):
        found = parse_iso(el.get("content") or el.get("datetime") or "") or parse_stamp(el.text_content())
        if found:
            return found
    return None


def _json_ld_date(tree) -> str | None:
    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("datePublished"), str):
                yield node["datePublished"]
            for v in node.values():
                yield from walk(v)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v)

    for el in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(el.text or "", strict=False)
        except ValueError:
            continue
        for value in walk(data):
            found = parse_iso(value) or parse_stamp(value)
            if found:
                return found
    return None


def _visible_stamp(tree) -> tuple[str, str] | None:
    """(ISO date, stamp text) printed on the page (chrome already removed): first a short element
    whose class/id speaks of dates and whose text looks like a stamp, then any short stamp-like
    element, then a dated element with such a class/id."""
    body = tree.find(".//body")
    if body is None:
        return None
    short = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        line = _INLINE_CHROME.sub("", " ".join(el.text_content().split())).strip()
        if 0 < len(line) <= 120:
            hinted = bool(_DATE_HINT.search(f"{el.get('class') or ''} {el.get('id') or ''}"))
            short.append((hinted, bool(_STAMP_HINT.search(line)), line))
    passes = (lambda hinted, stamp_like, line: hinted and stamp_like,
              lambda hinted, stamp_like, line: stamp_like,
              lambda hinted, stamp_like, line: hinted and not _WEEKDAY.search(line))
    for accept in passes:
        for hinted, stamp_like, line in short:
            if accept(hinted, stamp_like, line):
                found = parse_stamp(line)
                if found:
                    return found, line
    return None


def _stamp_in_lines(text: str, head: int = 8) -> tuple[str, str] | None:
    """A stamp line among the first lines of the extracted text."""
    for line in text.splitlines()[:head]:
        line = line.strip()
        if len(line) <= 120 and _STAMP_HINT.search(line):
            found = parse_stamp(line)
            if found:
                return found, line
    return None


def _htmldate(html: str) -> str | None:
    """htmldate's guess, kept only when the page spells that full day somewhere other than
    after a weekday (it fills missing days with the 1st, and reads today-headers)."""
    try:
        from htmldate import find_date
    except ImportError:
        return None
    try:
        found = find_date(html, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate is a best-effort guesser; its failures must not stop reading
        return None
    if not found:
        return None
    y, m, d = (int(x) for x in found.split("-"))
    spelled = (rf"{y}\W0?{m}\W0?{d}(?!\d)", rf"(?<!\d)0?{d}\W0?{m}\W{y}", rf"{y}{m:02d}{d:02d}(?!\d)")
    for p in spelled:
        for m in re.finditer(p, html):
            if not _WEEKDAY.search(html[max(0, m.start() - 25):m.start()]):
                return found  # spelled somewhere other than a today-header
    return None


# --- title and URL ----------------------------------------------------------

_TITLE_SEPARATOR = re.compile(r"\s+[-|–—:»]\s+")


def _meta(tree, *keys: str) -> str | None:
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or "").strip().lower()
        if key in keys and (el.get("content") or "").strip():
            return " ".join(el.get("content").split())
    return None


def _title(tree) -> str | None:
    found = _meta(tree, "og:title", "twitter:title")
    if found:
        return found
    for xp in ("//article//h1", "//main//h1", '//h1[contains(@class, "title")]'):
        for el in tree.xpath(xp):
            text = " ".join(el.text_content().split())
            if text:
                return text
    el = tree.find(".//title")
    if el is not None and (el.text or "").strip():
        parts = _TITLE_SEPARATOR.split(" ".join(el.text.split()))
        return max(parts, key=len) if len(parts) > 1 else parts[0]
    for el in tree.iter("h1"):
        text = " ".join(el.text_content().split())
        if text:
            return text
    return None


def _canonical(tree) -> str | None:
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and (el.get("href") or "").strip():
            return el.get("href").strip()
    return _meta(tree, "og:url")


# --- main text --------------------------------------------------------------

_CHROME_TAGS = ("nav", "aside", "form", "script", "style", "noscript", "iframe", "button", "select",
                "svg", "footer", "menu")
_CHROME_WORDS = frozenset(
    "nav navbar navigation menu topbar footer sidebar breadcrumb breadcrumbs related relate relates "
    "tinlienquan lienquan tinkhac othernews comment comments binhluan share sharing social "
    "tags tag keyword keywords banner ads advert adv quangcao login signin search copyright counter "
    "visitor visitors luottruycap totop backtotop gotop scrolltop mostread docnhieu hotnews popup "
    "modal cookie widget".split())
_KEEP_TAGS = ("html", "body", "article", "main")
_SECTION_HEADINGS = re.compile(
    r"(?i)^\s*(?:tin\s+liên\s+quan|tin\s+khác|các\s+tin\s+khác|tin\s+cùng\s+chuyên\s+mục|"
    r"bài\s+viết\s+liên\s+quan|tin\s+bài\s+liên\s+quan|bài\s+liên\s+quan|bình\s+luận|"
    r"ý\s+kiến\s+bạn\s+đọc|ý\s+kiến\s+của\s+bạn|gửi\s+bình\s+luận|viết\s+bình\s+luận|tin\s+mới(?:\s+nhất)?|"
    r"tin\s+đọc\s+nhiều|đọc\s+nhiều(?:\s+nhất)?|tin\s+nổi\s+bật|tin\s+xem\s+nhiều)\s*:?\s*$")
_CHROME_LINE = re.compile(
    r"(?i)^\s*(?:back\s+to\s+top|xem\s+thêm\s*:?|về\s+đầu\s+trang|lên\s+đầu\s+trang|sign\s+in|đăng\s+nhập|đăng\s+ký|"
    r"in\s+bài(?:\s+viết)?|bản\s+in|chia\s+sẻ|share|tweet|gửi\s+email|quay\s+lại|trang\s+chủ|cỡ\s+chữ|"
    r"facebook|zalo|twitter|email|in|print|"
    r"(?:tags?|từ\s+khóa|từ\s+khoá)\s*:.*|"
    r"(?:lượt\s+xem|số\s+lượt\s+truy\s+cập|lượt\s+truy\s+cập|đang\s+truy\s+cập|đang\s+online|"
    r"tổng\s+truy\s+cập|hôm\s+nay|trực\s+tuyến)\s*:?\s*[\d.,\s]*|"
    r"[\d.,]+\s+lượt\s+(?:xem|truy\s+cập)|"
    r"(?:copyright|©|bản\s+quyền\s+thuộc|giấy\s+phép\s+(?:số|xuất\s+bản|hoạt\s+động|thiết\s+lập)|"
    r"địa\s+chỉ\s*:|điện\s+thoại\s*:|đt\s*:|tel\s*:|fax\s*:|e-?mail\s*:|hotline\s*:|"
    r"(?:phó\s+)?tổng\s+biên\s+tập\s*:|chịu\s+trách\s+nhiệm(?:\s+xuất\s+bản)?\s*:|"
    r"cơ\s+quan\s+chủ\s+quản\s*:|ghi\s+rõ\s+nguồn|designed\s+by|thiết\s+kế\s+bởi).*)\s*$")
_INLINE_CHROME = re.compile(r"(?i)\s*(?:lượt\s+xem\s*:?\s*[\d.,]+|(?<![\d/])[\d.,]+\s+lượt\s+xem(?!\s*:)|"
                            r"\bin\s+bài\s+viết\b)")


def _is_chrome(el) -> bool:
    if el.tag in _CHROME_TAGS:
        return True
    if el.tag == "header":
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    parts = {p for token in attrs.split() for p in re.split(r"[-_]+", token)}
    parts |= {re.sub(r"[-_]", "", token) for token in attrs.split()}
    return bool(parts & _CHROME_WORDS)


def _strip_chrome_elements(tree) -> None:
    """Cut menus, related/comment boxes, footers and what follows a "Tin liên quan"-style
    heading inside its block."""
    total = len(tree.text_content()) or 1
    doomed = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _KEEP_TAGS:
            continue
        if _is_chrome(el):
            if el.tag in _CHROME_TAGS or len(el.text_content()) < total / 2:
                doomed.append(el)
        elif el.tag in ("h2", "h3", "h4", "h5", "h6", "div", "p", "span", "strong", "b") and \
                len(el) == 0 and _SECTION_HEADINGS.match(el.text_content() or ""):
            doomed.append(el)
            doomed.extend(el.itersiblings())
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)


def _clean_lines(text: str) -> str:
    """Drop chrome lines that leaked through; cut at a related-news heading past the first third."""
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        if _SECTION_HEADINGS.match(line):
            if i > len(lines) / 3:
                break
            continue
        if len(line) < 200 and _CHROME_LINE.match(line):
            continue
        line = _INLINE_CHROME.sub("", line).rstrip()
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    return "\n".join(out).strip()


def _unwrap_layout(tree) -> None:
    """Captions and layout tables become plain blocks, so the extractor keeps their text as prose."""
    for el in tree.iter("figure", "figcaption"):
        el.tag = "div" if el.tag == "figure" else "p"
    for table in list(tree.iter("table")):
        if table.xpath(".//p|.//div|.//h1|.//h2|.//h3|.//ul|.//table"):
            for el in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
                el.tag = "div"


def _cleaned(tree):
    _strip_chrome_elements(tree)
    _unwrap_layout(tree)
    return tree


def _main_text(cleaned, html: str, name: str) -> str:
    """trafilatura on the cleaned tree (which it consumes); its baseline, then plain html2txt,
    on a fresh parse when it finds nothing."""
    try:
        text = trafilatura.extract(cleaned, favor_recall=True, include_comments=False,
                                   include_tables=True, include_images=False, deduplicate=False)
        if not text:
            fresh = _cleaned(parse_html(html, name))
            text = trafilatura.baseline(copy.deepcopy(fresh))[1] or trafilatura.html2txt(fresh)
    except ValueError as exc:  # lxml refuses text it cannot hold (control characters from entities)
        raise InputError(f"{name}: HTML text not extractable ({exc})") from None
    return _clean_lines(text or "")


_BULKY = re.compile(r"(?is)<script(?![^>]*ld\+json)[^>]*>.*?</script\s*>|<style[^>]*>.*?</style\s*>|"
                    r"<svg[^>]*>.*?</svg\s*>|<!--.*?-->")
MAX_MARKUP_CHARS = 10_000_000  # a parsed tree takes ~20 times its markup; news pages are far smaller


# Characters lxml cannot hold in a tree, raw or as numeric references (&#12;, &#x1;).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
                      "|&#(?:0*(?:[0-8]|1[124-9]|2\\d|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]));")


def parse_html(html: str, name: str):
    """The lxml tree of a page; InputError when there is none."""
    html = _NOT_XML.sub(" ", re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}: not parseable as HTML ({exc})") from None


def article_from_html(html: str, id: str, name: str, warnings: list[str] | None = None,
                      source: str | None = None) -> Article:
    """Main text, title, publication day and canonical URL of one news page."""
    html = _BULKY.sub("", html)
    if len(html) > MAX_MARKUP_CHARS:
        raise InputError(f"{name}: HTML page too large ({len(html) // 1_000_000} million characters of markup)")
    tree = parse_html(html, name)
    title, canonical = _title(tree), _canonical(tree)
    published = _meta_date(tree) or _time_date(tree) or _json_ld_date(tree)
    cleaned = _cleaned(tree)
    stamp = _visible_stamp(cleaned)
    body = _main_text(cleaned, html, name)
    if not body:
        raise InputError(f"{name}: no article text found in the HTML")
    stamp = stamp or _stamp_in_lines(body)
    if published is None and stamp:
        published = stamp[0]
    published = published or _htmldate(html)
    lines = body.split("\n")
    at = 0
    if title and title not in body[:len(title) + 200]:
        lines.insert(0, title)
    if title and title in lines[0]:
        at = 1
    if stamp and stamp[1] not in body:
        lines.insert(at, stamp[1])
    text = "\n".join(lines)
    return Article(id=id, text=text, title=title, published=published,
                   source=canonical or source or name, warnings=list(warnings or []))
