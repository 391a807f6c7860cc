"""The dev-set bar: `vnpolicy extract` over ../shared/gold/dev, scored by the shared scorer."""
import importlib.util
import json

from typer.testing import CliRunner

from vnpolicy.cli import app

BARS = {"documents": 0.95, "people.name": 0.93, "event.kind": 0.90, "province": 0.90}
OVERALL = 0.88


def _scorer(shared_dir):
    spec = importlib.util.spec_from_file_location("vnpolicy_score", shared_dir / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_dev_set_meets_the_bar(shared_dir, tmp_path):
    gold = shared_dir / "gold" / "dev"
    res = CliRunner().invoke(app, ["extract", *map(str, sorted(gold.glob("*.txt"))), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert len(list(tmp_path.glob("*.json"))) == len(list(gold.glob("*.txt")))
    score = _scorer(shared_dir)
    tallies, _ = score.score(gold, tmp_path)
    f1 = {k: t.prf()[2] for k, t in tallies.items()}
    overall = sum(f1[k] for k in score.HEADLINE) / len(score.HEADLINE)
    print(json.dumps({"overall": overall, **f1}, indent=1))
    for field, bar in BARS.items():
        assert f1[field] >= bar, f"{field} F1 {f1[field]:.3f} < {bar}"
    assert overall >= OVERALL


def test_every_evidence_span_lies_in_the_text(shared_dir, tmp_path):
    gold = shared_dir / "gold" / "dev"
    res = CliRunner().invoke(app, ["extract", *map(str, sorted(gold.glob("*.txt"))), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    for f in tmp_path.glob("*.json"):
        rec = json.loads(f.read_text(encoding="utf-8"))
        n = len(rec["text"])
        for group in ("documents", "events", "people", "awards"):
            for fact in rec[group]:
                ev = fact["evidence"]
                assert ev is not None and 0 <= ev["start"] < ev["end"] <= n, (f.name, group, fact)
