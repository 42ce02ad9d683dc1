#!/usr/bin/env python3
"""Extraction benchmark: wirewatch's ``extract_article`` against trafilatura, same run.

    .venv/bin/python benchmarks/bench_extract.py [--data ../shared/data/extraction-dev] [--repeat 3]

Both get the same decoded HTML strings; trafilatura runs in its best configuration on
this set (``favor_precision=True, include_comments=False``).  Prints token1 / shingle4 F1,
pages per CPU-second (best of ``--repeat`` passes, CPU time so that other load on the
machine hardly matters) and the ratios wirewatch / trafilatura.  The two extractors
alternate pass by pass so that a change in machine load hits both alike.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

import trafilatura  # noqa: E402
from extraction_gate import article_text, load_scorer  # noqa: E402


def trafilatura_text(html: str, url: str | None = None) -> str:
    return trafilatura.extract(html, url=url or None, favor_precision=True, include_comments=False) or ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "extraction-dev")
    ap.add_argument("--tools", type=Path, default=ROOT.parent / "shared" / "tools")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per extractor; the fastest counts")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)

    scorer = load_scorer(args.tools)
    _, pages = scorer.load_dataset(args.data, limit=args.limit)
    runs: dict[str, Callable[[str, str | None], str]] = {
        "wirewatch": article_text,
        "trafilatura(precision)": trafilatura_text,
    }
    best_cpu: dict[str, float] = {}
    preds: dict[str, dict[str, str]] = {}
    for _ in range(args.repeat):
        for name, run in runs.items():
            out, errors, _wall, cpu = scorer.run_extractor(run, pages, timeout=60.0, in_process=True)
            preds[name] = out
            best_cpu[name] = min(cpu, best_cpu.get(name, float("inf")))
            if errors:
                print(f"{name}: {len(errors)} errors", file=sys.stderr)
    rows = {}
    for name in runs:
        result, _ = scorer.evaluate(pages, preds[name], n_boot=0)
        rows[name] = (result["token1"]["f1"], result["shingle4"]["f1"], len(pages) / best_cpu[name])
    print(f"{len(pages)} pages, best of {args.repeat} passes")
    print(f"{'extractor':<24} {'token1':>7} {'shingle4':>9} {'pages/CPU-s':>12}")
    for name, (t1, s4, speed) in rows.items():
        print(f"{name:<24} {t1:>7.4f} {s4:>9.4f} {speed:>12.1f}")
    ours, theirs = rows["wirewatch"], rows["trafilatura(precision)"]
    print(
        f"ratio wirewatch/trafilatura: token1 {ours[0] / theirs[0]:.4f}, shingle4 {ours[1] / theirs[1]:.4f}, "
        f"speed {ours[2] / theirs[2]:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
