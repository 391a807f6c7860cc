"""Extraction throughput against a common Vietnamese NLP baseline.

Reads the dev articles (``$VNPOLICY_SHARED/gold/dev/*.txt``, default
``<repo>/../shared``), repeats them to at least ``--articles`` articles and
runs :func:`vnpolicy.extract.extract` over all of them in one process:
articles/s, MB/s of UTF-8 text, peak resident memory. In the same run it times
underthesea's CRF named-entity tagger (the usual first step of an NER-based
pipeline) over ``--baseline-articles`` of the same texts, used as it is meant
to be: ``sent_tokenize`` then ``ner`` per sentence (whole articles at once are
several times slower still), and prints how many times faster the extractor is
per article.

    .venv/bin/python bench/extract_speed.py [--articles 2000] [--json]

Needs the ``bench`` extra (underthesea, psutil); ``--no-baseline`` skips
underthesea.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import psutil

from vnpolicy.extract import extract
from vnpolicy.ingest import read_path
from vnpolicy.record import Article

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("VNPOLICY_SHARED", REPO.parent / "shared")).resolve()


def load_articles(folder: Path) -> list[Article]:
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        sys.exit(f"no articles in {folder} (set VNPOLICY_SHARED)")
    return [a for p in paths for a in read_path(p)]


def repeat(articles: list[Article], n: int) -> list[Article]:
    """At least ``n`` articles, cycling the originals under distinct ids."""
    rounds = -(-n // len(articles))
    return [Article(id=f"{a.id}-{r}", text=a.text, title=a.title, published=a.published, source=a.source)
            for r in range(rounds) for a in articles]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far."""
    try:
        import resource
    except ImportError:  # not on Linux/macOS: current RSS is the best available
        return psutil.Process().memory_info().rss / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def rates(articles: list[Article], seconds: float, first_call_s: float) -> dict:
    megabytes = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    return {
        "articles": len(articles),
        "megabytes": megabytes,
        "seconds": seconds,
        "articles_per_s": len(articles) / seconds,
        "mb_per_s": megabytes / seconds,
        "ms_per_article": 1000 * seconds / len(articles),
        "first_call_s": first_call_s,
    }


def bench_extract(articles: list[Article]) -> dict:
    rss_before = psutil.Process().memory_info().rss / 2**20
    t0 = time.perf_counter()
    extract(articles[0])  # first call pays for lazy tables and compiled patterns
    first_call_s = time.perf_counter() - t0
    facts = 0
    t0 = time.perf_counter()
    for a in articles:
        rec = extract(a)
        facts += len(rec.documents) + len(rec.events) + len(rec.people) + len(rec.awards)
    elapsed = time.perf_counter() - t0
    return {**rates(articles, elapsed, first_call_s), "facts": facts,
            "rss_before_mb": rss_before, "peak_rss_mb": peak_rss_mb()}


def bench_underthesea(articles: list[Article]) -> dict:
    from underthesea import ner, sent_tokenize

    t0 = time.perf_counter()
    ner("Sáng 12/3, Tỉnh ủy tổ chức hội nghị.")  # model load is not part of the rate
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for a in articles:
        for sentence in sent_tokenize(a.text):
            ner(sentence)
    return rates(articles, time.perf_counter() - t0, load_s)


def table(result: dict) -> str:
    """A Markdown table and notes, ready to paste into the README's Performance section."""
    lines = ["| | articles | MB | seconds | articles/s | MB/s | ms/article |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, key in (("`vnpolicy.extract`", "extract"), ("underthesea `ner`", "underthesea")):
        r = result.get(key)
        if r:
            lines.append(f"| {name} | {r['articles']} | {r['megabytes']:.2f} | {r['seconds']:.2f} | "
                         f"{r['articles_per_s']:.1f} | {r['mb_per_s']:.3f} | {r['ms_per_article']:.2f} |")
    e, m = result["extract"], result["machine"]
    lines.append("")
    if "speedup" in result:
        lines.append(f"- `extract` is **{result['speedup']:.0f}x** faster per article than underthesea's `ner`.")
    lines.append(f"- `extract`: peak RSS {e['peak_rss_mb']:.0f} MB ({e['rss_before_mb']:.0f} MB before the run); "
                 f"first call {e['first_call_s']:.2f} s (tables loaded once); {e['facts']} facts extracted.")
    lines.append(f"- {result['source']} repeated; {m['cpu']}, {m['cores']} cores, Python {m['python']}, one process.")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000, help="extractor workload (default 2000)")
    ap.add_argument("--baseline-articles", type=int, default=50, help="underthesea workload (default 50)")
    ap.add_argument("--no-baseline", action="store_true", help="skip underthesea")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()

    originals = load_articles(shared_dir() / "gold" / "dev")
    result: dict = {
        "source": f"{len(originals)} dev articles",
        "machine": {"cpu": cpu_name(), "cores": os.cpu_count(),
                    "python": platform.python_version()},
        "extract": bench_extract(repeat(originals, args.articles)),
    }
    if not args.no_baseline:
        result["underthesea"] = bench_underthesea(repeat(originals, args.baseline_articles)[:args.baseline_articles])
        result["speedup"] = result["extract"]["articles_per_s"] / result["underthesea"]["articles_per_s"]
    print(json.dumps(result, indent=1) if args.json else table(result))


if __name__ == "__main__":
    main()
